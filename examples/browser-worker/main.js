// The page: starts the Worker, shows its progress and results. The library itself loads in the Worker only.
const $ = (id) => document.getElementById(id);
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
let batches = 0;

worker.onmessage = ({ data }) => {
  switch (data.type) {
    case 'start':
      document.body.dataset.state = 'training';
      $('status').textContent = `Training on ${data.examples} pictures: ${data.simd ? 'SIMD' : 'scalar'} WebAssembly, ` +
        `${data.threads} thread${data.threads === 1 ? '' : 's'}${crossOriginIsolated ? '' : ' (the page is not cross-origin isolated)'}`;
      break;
    case 'batch':
      batches += 1;
      document.body.dataset.batches = String(batches);
      $('progress').max = data.total;
      $('progress').value = batches;
      break;
    case 'epoch':
      $('log').textContent += `epoch ${data.epoch}: loss ${data.loss.toFixed(2)} nats per picture (${data.seconds.toFixed(2)} s)\n`;
      break;
    case 'done': {
      const canvas = $('samples');
      canvas.width = data.samples.width;
      canvas.height = data.samples.height;
      canvas.getContext('2d').putImageData(data.samples, 0, 0);
      $('download').href = URL.createObjectURL(new Blob([data.model], { type: 'application/octet-stream' }));
      $('download').hidden = false;
      $('status').textContent += '. Done.';
      document.body.dataset.state = 'done';
      break;
    }
    case 'error':
      $('status').textContent = `Failed: ${data.code ?? ''} ${data.message}`;
      document.body.dataset.state = 'error';
      break;
  }
};
worker.postMessage({ epochs: 10 });
