// Adam (Kingma & Ba 2015, Algorithm 1) over one flat parameter block, in PyTorch's arrangement of the
// bias corrections so that training curves compare:  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
//   p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)
// Padding rule: n is a multiple of 4 (the model's blocks are), so there is no tail.

export function adam_step(
  p: usize, g: usize, m: usize, v: usize, // each (n)
  n: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, t: i32
): void {
  const bc1 = 1.0 - Math.pow(<f64>beta1, <f64>t);
  const bc2 = 1.0 - Math.pow(<f64>beta2, <f64>t);
  const stepSize = f32x4.splat(<f32>(<f64>lr / bc1));
  const invSqrtBc2 = f32x4.splat(<f32>(1.0 / Math.sqrt(bc2)));
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2);
  const c1 = f32x4.splat(1 - beta1), c2 = f32x4.splat(1 - beta2), e = f32x4.splat(eps);
  const count = <usize>n >> 2;
  for (let i: usize = 0; i < count; i++) {
    const o = i << 4;
    const grad = v128.load(g + o);
    const mt = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, grad));
    const vt = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(grad, grad)));
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vt), invSqrtBc2), e);
    v128.store(m + o, mt);
    v128.store(v + o, vt);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(stepSize, mt), denom)));
  }
}
