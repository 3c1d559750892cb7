// `npm run demo`: serves demo/ with Vite's dev server; the last line printed is its address (PORT overrides).
import { createServer } from 'vite';

const server = await createServer({ configFile: new URL('../demo/vite.config.ts', import.meta.url).pathname, logLevel: 'warn' });
await server.listen();
const url = server.resolvedUrls?.local[0] ?? `http://localhost:${server.config.server.port}/`;
console.log(`demo: ${url.replace('127.0.0.1', 'localhost')}`);
