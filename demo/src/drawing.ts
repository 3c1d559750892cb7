// The drawing pad: white strokes on black (as MNIST digits are), scaled to 28 × 28 for the model with the
// library's fromImageData. `onChange` runs at most once per animation frame while drawing.
import { fromImageData } from 'wasm-vae';

export class DrawingPad {
  #context: CanvasRenderingContext2D;
  #small = new OffscreenCanvas(28, 28);
  #last: { x: number; y: number } | null = null;
  #pending = false;

  constructor(readonly canvas: HTMLCanvasElement, readonly onChange: (pixels: Float32Array) => void) {
    this.#context = canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => { canvas.setPointerCapture(e.pointerId); this.#last = this.#point(e); this.#stroke(this.#last); });
    canvas.addEventListener('pointermove', (e) => { if (this.#last) this.#stroke(this.#point(e)); });
    const end = () => { this.#last = null; };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  clear(): void {
    this.#context.fillStyle = '#000';
    this.#context.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** The drawing as 784 values in [0, 1]. */
  pixels(): Float32Array {
    const small = this.#small.getContext('2d')!;
    small.imageSmoothingEnabled = true;
    small.imageSmoothingQuality = 'high';
    small.clearRect(0, 0, 28, 28);
    small.drawImage(this.canvas, 0, 0, 28, 28);
    return fromImageData(small.getImageData(0, 0, 28, 28));
  }

  #point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * this.canvas.width, y: ((e.clientY - r.top) / r.height) * this.canvas.height };
  }

  #stroke(to: { x: number; y: number }): void {
    const c = this.#context, from = this.#last ?? to;
    c.strokeStyle = '#fff';
    c.lineWidth = this.canvas.width / 12;
    c.lineCap = 'round';
    c.beginPath();
    c.moveTo(from.x, from.y);
    c.lineTo(to.x, to.y);
    c.stroke();
    this.#last = to;
    if (!this.#pending) {
      this.#pending = true;
      requestAnimationFrame(() => { this.#pending = false; this.onChange(this.pixels()); });
    }
  }
}
