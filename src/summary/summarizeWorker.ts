// Worker thread: raw block bytes -> parsed, checked, summarised, encoded. Parsing and hashing a
// full block costs milliseconds of CPU; spreading it over threads lets a cold run use every core
// while the main thread prices. A worker can also fetch the block itself (the node's REST .bin),
// so a day's ~217 MB never pass through the main thread (its socket reads, its copies, its
// garbage) and are read into a few buffers this thread reuses.
import http from 'node:http';
import https from 'node:https';
import { parentPort } from 'node:worker_threads';
import { encodeSummary } from './codec.js';
import { summarizeRaw, type SummarizeReply, type SummarizeRequest } from './summarizer.js';

/** Keep-alive sockets to the node, shared by this thread's fetches (BITCOIN_RPC_URL may be https). */
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 4 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 4 }),
};
/** Buffers a fetched block was read into, free again once it is summarised (no fresh pages per block). */
const spare: Uint8Array[] = [];

/** One GET of a block: its bytes in a reused buffer, or why not (the caller fetches it the usual way). */
function fetchBlock(url: string, timeoutMs: number): Promise<{ buffer: Uint8Array; length: number } | string> {
  return new Promise((resolve) => {
    // Anything but the block (a TLS failure included) goes back to the main thread, whose fetch says why.
    const secure = url.startsWith('https:');
    const get = secure ? https.get : http.get;
    const req = get(url, { agent: secure ? agents.https : agents.http }, (res) => {
      const size = Number(res.headers['content-length']);
      if (res.statusCode !== 200 || !Number.isSafeInteger(size) || size <= 0) {
        res.resume();
        return resolve(`HTTP ${res.statusCode ?? '?'}${Number.isSafeInteger(size) ? '' : ', no length'}`);
      }
      const i = spare.findIndex((b) => b.length >= size);
      let buffer = i >= 0 ? spare.splice(i, 1)[0]! : new Uint8Array(Math.max(size, 2 << 20));
      let at = 0;
      res.on('data', (chunk: Buffer) => {
        if (at + chunk.length > buffer.length) {
          const bigger = new Uint8Array(2 * (at + chunk.length));
          bigger.set(buffer.subarray(0, at));
          buffer = bigger;
        }
        buffer.set(chunk, at);
        at += chunk.length;
      });
      res.on('end', () => resolve(at === size ? { buffer, length: at } : `${at} of ${size} bytes`));
      res.on('error', (err) => resolve(err.message));
      res.on('aborted', () => resolve('response aborted'));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no data for ${timeoutMs} ms`)));
    req.on('error', (err) => resolve(err.message));
  });
}

async function handle(req: SummarizeRequest): Promise<{ reply: SummarizeReply; transfer: ArrayBuffer[] }> {
  let bytes: Uint8Array;
  let release: (() => void) | undefined;
  let fetched: number | undefined;
  if ('fetch' in req) {
    const got = await fetchBlock(req.fetch.url, req.fetch.timeoutMs);
    if (typeof got === 'string') return { reply: { id: req.id, ok: false, refetch: got }, transfer: [] };
    bytes = got.buffer.subarray(0, got.length);
    fetched = got.length;
    release = () => void spare.push(got.buffer);
  } else bytes = req.bytes;
  try {
    const summary = summarizeRaw(req.height, bytes);
    // Another block than the one asked for (a reorg since the refs were read): the usual path
    // fetches it again and says so in its own words.
    if ('fetch' in req && summary.hash !== req.fetch.hash)
      return { reply: { id: req.id, ok: false, refetch: `got block ${summary.hash}` }, transfer: [] };
    const encoded = encodeSummary(summary);
    return { reply: { id: req.id, ok: true, encoded, fetched }, transfer: [encoded.buffer as ArrayBuffer] };
  } catch (err) {
    return { reply: { id: req.id, ok: false, message: (err as Error).message }, transfer: [] };
  } finally {
    release?.(); // the summary holds copies, never views into the raw block
  }
}

parentPort?.on('message', (req: SummarizeRequest) => {
  // Whatever goes wrong here is an answer, never an exception that ends the thread (and the run).
  void handle(req)
    .catch((err: unknown) => {
      const why = (err as Error).message;
      const reply: SummarizeReply =
        'fetch' in req ? { id: req.id, ok: false, refetch: why } : { id: req.id, ok: false, message: why };
      return { reply, transfer: [] as ArrayBuffer[] };
    })
    .then(({ reply, transfer }) => parentPort!.postMessage(reply, transfer));
});
