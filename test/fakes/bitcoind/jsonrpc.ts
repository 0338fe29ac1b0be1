// JSON-RPC envelopes as Bitcoin Core (v28+) answers them (doc/JSON-RPC-interface.md):
// - legacy 1.0/1.1 requests: an error becomes an HTTP error status (404 for -32601, 400 for
//   -32600, 500 otherwise) with {"result":null,"error":{code,message},"id"};
// - "jsonrpc":"2.0" requests: HTTP 200 with either result or error (never both), and a
//   notification (no id) gets 204 with no body;
// - a batch (array) is always HTTP 200, one reply per non-notification request.
import {
  callMethod,
  RpcError,
  RPC_INVALID_REQUEST,
  RPC_METHOD_NOT_FOUND,
  RPC_PARSE_ERROR,
  RPC_IN_WARMUP,
  type MethodContext,
} from './methods.js';

export interface RpcReply {
  status: number;
  body: string;
}

export interface RpcHooks {
  ctx: MethodContext;
  /** Non-undefined while warming up: the status message of error -28. */
  warmup(): string | undefined;
  log(method: string): void;
}

type Version = 'legacy' | '2.0';

interface Parsed {
  id: unknown;
  hasId: boolean;
  version: Version;
  method: string;
  params: unknown;
}

function parseRequest(v: unknown): Parsed {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new RpcError(RPC_INVALID_REQUEST, 'Invalid Request object');
  const o = v as Record<string, unknown>;
  const version: Version = o.jsonrpc === '2.0' ? '2.0' : 'legacy';
  if (o.jsonrpc !== undefined && o.jsonrpc !== '1.0' && o.jsonrpc !== '1.1' && o.jsonrpc !== '2.0') {
    throw new RpcError(RPC_INVALID_REQUEST, 'JSON-RPC version not supported');
  }
  if (typeof o.method !== 'string')
    throw new RpcError(RPC_INVALID_REQUEST, o.method === undefined ? 'Missing method' : 'Method must be a string');
  return { id: o.id ?? null, hasId: Object.hasOwn(o, 'id'), version, method: o.method, params: o.params };
}

function replyObject(
  version: Version,
  id: unknown,
  result: unknown,
  error: RpcError | undefined,
): Record<string, unknown> {
  const err = error && { code: error.code, message: error.message };
  if (version === '2.0') return err ? { jsonrpc: '2.0', error: err, id } : { jsonrpc: '2.0', result, id };
  return { result: err ? null : result, error: err ?? null, id };
}

function httpStatusFor(code: number): number {
  if (code === RPC_INVALID_REQUEST) return 400;
  if (code === RPC_METHOD_NOT_FOUND) return 404;
  return 500;
}

function execute(hooks: RpcHooks, req: Parsed): unknown {
  hooks.log(req.method);
  const warm = hooks.warmup();
  if (warm !== undefined) throw new RpcError(RPC_IN_WARMUP, warm);
  return callMethod(hooks.ctx, req.method, req.params);
}

const asRpcError = (e: unknown): RpcError =>
  e instanceof RpcError ? e : new RpcError(-32603, e instanceof Error ? e.message : String(e));

/** One request of a batch: errors always travel in the body. */
function executeOne(hooks: RpcHooks, item: unknown): Record<string, unknown> | undefined {
  let req: Parsed | undefined;
  try {
    req = parseRequest(item);
    const result = execute(hooks, req);
    return req.version === '2.0' && !req.hasId ? undefined : replyObject(req.version, req.id, result, undefined);
  } catch (e) {
    if (req && req.version === '2.0' && !req.hasId) return undefined;
    return replyObject(req?.version ?? 'legacy', req?.id ?? null, undefined, asRpcError(e));
  }
}

export function handleRpcBody(hooks: RpcHooks, body: string): RpcReply {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return {
      status: 500,
      body: JSON.stringify(replyObject('legacy', null, undefined, new RpcError(RPC_PARSE_ERROR, 'Parse error'))) + '\n',
    };
  }
  if (Array.isArray(value)) {
    const replies = value.map((item) => executeOne(hooks, item)).filter((r) => r !== undefined);
    if (value.length > 0 && replies.length === 0) return { status: 204, body: '' };
    return { status: 200, body: JSON.stringify(replies) + '\n' };
  }
  if (value === null || typeof value !== 'object') {
    return {
      status: 500,
      body:
        JSON.stringify(
          replyObject('legacy', null, undefined, new RpcError(RPC_PARSE_ERROR, 'Top-level object parse error')),
        ) + '\n',
    };
  }
  let req: Parsed | undefined;
  try {
    req = parseRequest(value);
    const result = execute(hooks, req);
    if (req.version === '2.0' && !req.hasId) return { status: 204, body: '' };
    return { status: 200, body: JSON.stringify(replyObject(req.version, req.id, result, undefined)) + '\n' };
  } catch (e) {
    const err = asRpcError(e);
    if (req?.version === '2.0') {
      if (!req.hasId) return { status: 204, body: '' };
      return { status: 200, body: JSON.stringify(replyObject('2.0', req.id, undefined, err)) + '\n' };
    }
    return {
      status: httpStatusFor(err.code),
      body: JSON.stringify(replyObject('legacy', req?.id ?? null, undefined, err)) + '\n',
    };
  }
}
