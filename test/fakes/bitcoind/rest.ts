// The REST interface (doc/REST-interface.md), served only with -rest=1 and without authentication.
// Errors are text/plain bodies with the status Core uses (400 bad input, 404 not found,
// 503 while warming up).
import type { SyntheticBlock } from '../chain/index.js';
import type { ChainView } from './chainview.js';

export interface RestReply {
  status: number;
  contentType: string;
  body: string | Uint8Array;
}

const FORMATS = 'output format not found (available: .bin, .hex, .json)';
const MAX_HEADERS = 2000;

const text = (status: number, body: string): RestReply => ({ status, contentType: 'text/plain', body: body + '\r\n' });

function splitFormat(last: string): { name: string; ext: string } {
  const dot = last.lastIndexOf('.');
  return dot < 0 ? { name: last, ext: '' } : { name: last.slice(0, dot), ext: last.slice(dot + 1) };
}

function out(ext: string, bin: () => Uint8Array, json: () => unknown): RestReply {
  switch (ext) {
    case 'bin':
      return { status: 200, contentType: 'application/octet-stream', body: bin() };
    case 'hex':
      return { status: 200, contentType: 'text/plain', body: Buffer.from(bin()).toString('hex') + '\n' };
    case 'json':
      return { status: 200, contentType: 'application/json', body: JSON.stringify(json()) + '\n' };
    default:
      return text(404, FORMATS);
  }
}

function hashOk(h: string): boolean {
  return /^[0-9a-fA-F]{64}$/.test(h);
}

export interface RestHooks {
  view: ChainView;
  warmup(): string | undefined;
  /** Bytes to serve for a block (faults may substitute another block's). */
  blockBytes(b: SyntheticBlock): Uint8Array;
  blockchainInfo(): unknown;
}

export function handleRest(hooks: RestHooks, pathname: string, search: URLSearchParams): RestReply {
  const warm = hooks.warmup();
  if (warm !== undefined) return text(503, `Service temporarily unavailable: ${warm}`);
  const parts = pathname.split('/').slice(2); // ['', 'rest', ...]
  const chain = hooks.view.chain;
  const route = parts[0];

  if (route === 'block' && parts.length === 2) {
    const { name, ext } = splitFormat(parts[1]!);
    if (!hashOk(name)) return text(400, `Invalid hash: ${name}`);
    const b = chain.byHash(name);
    if (!b) return text(404, `${name} not found`);
    // rest.cpp rest_block: a pruned body is a 404 saying so.
    if (hooks.view.isPruned(b)) return text(404, `${name} not available (pruned data)`);
    return out(
      ext,
      () => hooks.blockBytes(b),
      () => hooks.view.blockJson(b),
    );
  }

  if (route === 'headers' && (parts.length === 2 || parts.length === 3)) {
    // Current form /rest/headers/<hash>.<ext>?count=N; the deprecated /rest/headers/<N>/<hash>.<ext> still works.
    const countStr = parts.length === 3 ? parts[1]! : (search.get('count') ?? '5');
    const { name, ext } = splitFormat(parts[parts.length - 1]!);
    const count = /^\d+$/.test(countStr) ? Number(countStr) : NaN;
    if (!(count >= 1 && count <= MAX_HEADERS))
      return text(400, `Header count is invalid or out of acceptable range (1-${MAX_HEADERS}): ${countStr}`);
    if (!hashOk(name)) return text(400, `Invalid hash: ${name}`);
    const first = chain.byHash(name);
    const blocks: SyntheticBlock[] = [];
    for (let h = first?.height ?? Infinity; blocks.length < count; h++) {
      const b = chain.byHeight(h);
      if (!b) break;
      blocks.push(b);
    }
    return out(
      ext,
      () => Buffer.concat(blocks.map((b) => b.bytes.subarray(0, 80))),
      () => blocks.map((b) => hooks.view.headerJson(b)),
    );
  }

  if (route === 'blockhashbyheight' && parts.length === 2) {
    const { name, ext } = splitFormat(parts[1]!);
    if (!/^\d+$/.test(name)) return text(400, `Invalid height: ${name}`);
    const b = chain.byHeight(Number(name));
    if (!b) return text(404, 'Block height out of range');
    // .bin is the hash in internal byte order; .hex prints it as RPC does (display order).
    if (ext === 'hex') return { status: 200, contentType: 'text/plain', body: b.hash + '\n' };
    return out(
      ext,
      () => Buffer.from(b.hash, 'hex').reverse(),
      () => ({ blockhash: b.hash }),
    );
  }

  if (parts.length === 1 && splitFormat(parts[0]!).name === 'chaininfo') {
    if (splitFormat(parts[0]!).ext !== 'json') return text(404, 'output format not found (available: json)');
    return out(
      'json',
      () => new Uint8Array(0),
      () => hooks.blockchainInfo(),
    );
  }

  // No handler for the path: Core's HTTP server answers a bare 404.
  return { status: 404, contentType: 'text/html', body: '' };
}
