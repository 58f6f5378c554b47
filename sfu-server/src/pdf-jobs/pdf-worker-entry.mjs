/**
 * Entry of the PDF worker threads. The server runs TypeScript through tsx (`node --import tsx`,
 * inherited by worker threads), but when it is started from elsewhere (Vitest, a script) the thread
 * may have no TypeScript loader: register tsx's here (a no-op layer when one is already there), then
 * load the worker itself.
 */
import { register } from 'tsx/esm/api';

register();
const worker = await import('./pdf-worker.ts');
export default worker.default;
