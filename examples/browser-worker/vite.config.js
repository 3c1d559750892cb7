// Cross-origin isolation (COOP/COEP) gives the page SharedArrayBuffer, so threads: 'auto' can use every core.
const isolated = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default {
  server: { headers: isolated },
  preview: { headers: isolated },
  worker: { format: 'es' }, // module Workers; the library may load its scalar fallback as a separate chunk
};
