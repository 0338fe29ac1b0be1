// Public entry for mempool's WebSocket stream; the pieces live in ./stream/ (one concept per file).
export { MempoolStream, createMempoolStream, subscriptionMessages } from './stream/stream.js';
export type { MempoolStreamOptions, MempoolStreamStats } from './stream/stream.js';
export type { BackoffOptions } from './stream/backoff.js';
export { createBackoff } from './stream/backoff.js';
export { parseMessage } from './stream/dispatch.js';
export type * from './stream/types.js';
