// `GET /mempool/txids` read as a stream. electrs answers one JSON array of every mempool txid
// (rest.rs: `json_response(query.mempool().txids(), …)`), ~20 MB for a 300k-transaction mempool;
// JSON.parse of that holds the event loop for 65-135 ms here, and the whole array costs ~25 MB of
// strings. Parsing each chunk as it arrives hands the txids on in small batches, so WebSocket
// messages keep being read between them and nothing but the current batch is held.
import http from 'node:http';
import https from 'node:https';
import { SourceError } from '../../errors.js';
import { electrumAnswer, tlsFailure } from '../http/tls.js';
import { joinUrl } from '../http/url.js';

const ENDPOINT = '/mempool/txids';

/** Incremental parser for a JSON array of 64-hex-digit strings; every other shape is an error. */
export class TxidArrayParser {
  /**
   * `endpoint` names the source in messages; `rest: 'ignore'` stops at the closing bracket and
   * ignores what follows (the array inside a larger reply: Core's `{"result":[…],"id":1}`).
   */
  constructor(
    private readonly service = 'electrs',
    private readonly o: { endpoint?: string; rest?: 'error' | 'ignore' } = {},
  ) {}
  private carry = '';
  private state: 'start' | 'items' | 'done' = 'start';
  /** Whether a txid was read since the last separator (a comma must come between two). */
  private needComma = false;
  /** A comma was the last token (a txid must follow, not the closing bracket). */
  private afterComma = false;
  count = 0;

  /** The txids completed by this chunk. Throws on anything that is not `["<txid>", …]`. */
  push(chunk: string): string[] {
    const s = this.carry + chunk;
    this.carry = '';
    const out: string[] = [];
    let i = 0;
    const n = s.length;
    while (i < n) {
      const c = s.charCodeAt(i);
      // JSON whitespace: space, tab, LF, CR.
      if (c === 32 || c === 9 || c === 10 || c === 13) {
        i++;
        continue;
      }
      if (this.state === 'done') {
        if (this.o.rest === 'ignore') return out;
        throw this.error(`text after the closing bracket: ${s.slice(i, i + 20)}`);
      }
      if (this.state === 'start') {
        if (c !== 91) throw this.error(`expected "[", got ${JSON.stringify(s.slice(i, i + 20))}`);
        this.state = 'items';
        i++;
        continue;
      }
      if (c === 93) {
        if (this.afterComma) throw this.error(`"]" after a comma`);
        this.state = 'done';
        i++;
        continue;
      }
      if (c === 44) {
        if (!this.needComma) throw this.error(`unexpected "," after ${this.count} txids`);
        this.needComma = false;
        this.afterComma = true;
        i++;
        continue;
      }
      if (c !== 34) throw this.error(`expected a txid string, got ${JSON.stringify(s.slice(i, i + 20))}`);
      if (this.needComma) throw this.error(`missing "," after ${this.count} txids`);
      if (n - i < 66) {
        this.carry = s.slice(i); // a txid cut by the chunk boundary
        break;
      }
      const txid = s.slice(i + 1, i + 65);
      if (s.charCodeAt(i + 65) !== 34 || !/^[0-9a-f]{64}$/.test(txid))
        throw this.error(`[${this.count}] must be a txid, got ${JSON.stringify(s.slice(i, i + 70))}`);
      out.push(txid);
      this.count++;
      this.needComma = true;
      this.afterComma = false;
      i += 66;
    }
    return out;
  }

  /** Whether the closing bracket was read. */
  get closed(): boolean {
    return this.state === 'done';
  }

  /** Checks the array was closed. */
  end(): void {
    if (this.state !== 'done' || this.carry.trim() !== '')
      throw this.error(`the array ends early (after ${this.count} txids)`);
  }

  private error(why: string): SourceError {
    const endpoint = this.o.endpoint ?? ENDPOINT;
    return new SourceError(`${this.service} ${endpoint}: ${why}`, {
      service: this.service,
      endpoint,
      retryable: false,
    });
  }
}

export interface StreamTxidsOptions {
  /** No byte for this long: the request fails (ms). */
  idleTimeoutMs: number;
  signal?: AbortSignal;
  /** The name in messages (default "electrs"). */
  service?: string;
}

/**
 * Streams the mempool's txids to `onBatch` (called once per network chunk, synchronously), then
 * resolves with how many there were. A non-200 answer, a broken array or a stall is a SourceError.
 */
export function streamMempoolTxids(
  baseUrl: string,
  onBatch: (txids: string[]) => void,
  o: StreamTxidsOptions,
): Promise<number> {
  const url = joinUrl(baseUrl, ENDPOINT);
  const service = o.service ?? 'electrs';
  const fail = (why: string, retryable: boolean, cause?: unknown): SourceError =>
    new SourceError(`${service} ${ENDPOINT}: ${why}`, { service, endpoint: ENDPOINT, retryable }, { cause });
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(fail('aborted', false));
    const client = url.protocol === 'https:' ? https : http;
    const parser = new TxidArrayParser(service);
    let settled = false;
    const done = (err: SourceError | undefined): void => {
      if (settled) return;
      settled = true;
      o.signal?.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(parser.count);
    };
    const onAbort = (): void => done(fail('aborted', false));
    const req = client.get(url, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return done(fail(`HTTP ${res.statusCode}`, (res.statusCode ?? 0) >= 500));
      }
      res.setEncoding('latin1'); // the body is ASCII; latin1 never splits a character across chunks
      res.on('data', (chunk: string) => {
        if (settled) return;
        try {
          const txids = parser.push(chunk);
          if (txids.length > 0) onBatch(txids);
        } catch (err) {
          done(err instanceof SourceError ? err : fail((err as Error).message, false, err));
        }
      });
      res.on('end', () => {
        try {
          parser.end();
          done(undefined);
        } catch (err) {
          done(err as SourceError);
        }
      });
      res.on('aborted', () => done(fail('connection reset while reading', true)));
      res.on('error', (err) => done(fail(err.message, true, err)));
    });
    req.setTimeout(o.idleTimeoutMs, () => done(fail(`no data for ${o.idleTimeoutMs} ms`, true)));
    req.on('error', (err: NodeJS.ErrnoException) =>
      done(
        tlsFailure(err, url, service) ?? electrumAnswer(err, url, service) ?? fail(err.code ?? err.message, true, err),
      ),
    );
    o.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
