// Worker thread: raw block bytes -> parsed, checked, summarised, encoded. Parsing and hashing a
// full block costs tens of milliseconds of CPU; spreading it over threads lets a cold run use every
// core while the main thread fetches.
import { parentPort } from 'node:worker_threads';
import { encodeSummary } from './codec.js';
import { summarizeRaw, type SummarizeReply, type SummarizeRequest } from './summarizer.js';

parentPort?.on('message', (req: SummarizeRequest) => {
  let reply: SummarizeReply;
  try {
    const encoded = encodeSummary(summarizeRaw(req.height, req.bytes));
    reply = { id: req.id, ok: true, encoded };
    parentPort!.postMessage(reply, [encoded.buffer as ArrayBuffer]);
  } catch (err) {
    reply = { id: req.id, ok: false, message: (err as Error).message };
    parentPort!.postMessage(reply);
  }
});
