// Setup of the chromium-scalar project: this page's engine pretends to lack WebAssembly SIMD. WebAssembly.validate
// refuses the library's SIMD probe (the 31-byte module it checks first), as an engine without SIMD would, so
// `wasm: 'auto'` takes the scalar fallback, fetched as its own chunk.
const validate = WebAssembly.validate.bind(WebAssembly);
WebAssembly.validate = (bytes: BufferSource) => bytes.byteLength !== 31 && validate(bytes);
(globalThis as { FORCED_SCALAR?: boolean }).FORCED_SCALAR = true;
