// An Electrum-protocol client: newline-delimited JSON-RPC over TCP or TLS, as romanz/electrs and
// Fulcrum serve it (50001 plain, 50002 TLS; romanz/electrs has no TLS of its own, Fulcrum's is often
// self-signed, so TLS verifies against the system CAs plus NODE_EXTRA_CA_CERTS). One connection,
// opened on first use and again after it drops, greeted with `server.version` — romanz/electrs
// (src/electrum.rs `version`) takes exactly two parameters and protocol "1.4". Requests carry ids
// and are answered in any order; notifications (no id) are ignored.
import net from 'node:net';
import tls from 'node:tls';
import { SourceError } from '../../errors.js';
import { tlsFailure } from '../http/tls.js';

export const ELECTRUM_PROTOCOL = '1.4';

export interface ElectrumOptions {
  host: string;
  port: number;
  tls: boolean;
  /** Per request (and per connect), ms. */
  timeoutMs: number;
  /** Our name in `server.version`. */
  clientName?: string;
}

/** Where the server is, as logs and messages say it (no secret can be in it). */
export const electrumLabel = (o: Pick<ElectrumOptions, 'host' | 'port' | 'tls'>): string =>
  `${o.tls ? 'ssl' : 'tcp'}://${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  method: string;
}

/** A JSON-RPC error the server answered (its code and message kept). */
export class ElectrumError extends SourceError {
  constructor(
    readonly label: string,
    readonly method: string,
    readonly rpcCode: number | undefined,
    readonly rpcMessage: string,
  ) {
    super(`Electrum server ${label} ${method}: ${rpcMessage} (code ${rpcCode ?? '?'})`, {
      service: 'electrum',
      endpoint: method,
      code: rpcCode,
      retryable: false,
    });
  }
}

export class ElectrumClient {
  readonly label: string;
  /** What the server said it is in `server.version` (e.g. "electrs/0.10.9", "Fulcrum 1.11.1"). */
  serverVersion: string | undefined;
  private socket: net.Socket | undefined;
  private connecting: Promise<net.Socket> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private buffer = '';
  private closed = false;
  /** The current connection has answered at least once (it speaks the protocol). */
  private answered = false;

  constructor(private readonly o: ElectrumOptions) {
    this.label = electrumLabel(o);
  }

  /** `blockchain.headers.subscribe`: the server's tip height. */
  async getTipHeight(): Promise<number> {
    const r = (await this.request('blockchain.headers.subscribe', [])) as { height?: unknown } | null;
    const h = r?.height;
    if (typeof h !== 'number' || !Number.isSafeInteger(h) || h < 0)
      throw this.bad('blockchain.headers.subscribe', `height must be a block height, got ${JSON.stringify(h)}`);
    return h;
  }

  /** `blockchain.transaction.get <txid>`: the raw transaction (hex). */
  async getTransactionHex(txid: string): Promise<string> {
    const r = await this.request('blockchain.transaction.get', [txid]);
    if (typeof r !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(r))
      throw this.bad('blockchain.transaction.get', `expected transaction hex, got ${JSON.stringify(r)?.slice(0, 60)}`);
    return r.toLowerCase();
  }

  /**
   * `blockchain.transaction.get <txid> true`: Bitcoin Core's verbose form, which says where the
   * transaction confirmed (`blockhash`, `confirmations`) — romanz/electrs asks bitcoind with the block
   * hash from its own index, so this works without txindex.
   */
  async getTransactionVerbose(txid: string): Promise<Record<string, unknown>> {
    const r = await this.request('blockchain.transaction.get', [txid, true]);
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      throw this.bad('blockchain.transaction.get', `expected an object, got ${JSON.stringify(r)?.slice(0, 60)}`);
    return r as Record<string, unknown>;
  }

  /** One call; connects (and greets the server) first when needed. */
  async request(method: string, params: unknown[]): Promise<unknown> {
    const socket = await this.connect();
    return this.send(socket, method, params);
  }

  close(): Promise<void> {
    this.closed = true;
    this.drop(
      new SourceError(`Electrum server ${this.label}: client closed`, { service: 'electrum', retryable: false }),
    );
    return Promise.resolve();
  }

  private send(socket: net.Socket, method: string, params: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new SourceError(`Electrum server ${this.label} ${method}: no answer within ${this.o.timeoutMs} ms`, {
            service: 'electrum',
            endpoint: method,
            retryable: true,
          }),
        );
      }, this.o.timeoutMs);
      this.pending.set(id, { resolve, reject, timer, method });
      socket.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
    });
  }

  private connect(): Promise<net.Socket> {
    if (this.closed)
      return Promise.reject(
        new SourceError(`Electrum server ${this.label}: client closed`, { service: 'electrum', retryable: false }),
      );
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<net.Socket> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const { host, port } = this.o;
      const s = this.o.tls
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host })
        : net.connect({ host, port });
      const fail = (err: Error) => {
        clearTimeout(timer);
        s.destroy();
        reject(
          tlsFailure(
            err,
            this.label,
            'Electrum server',
            'set ELECTRUM_TLS_ENABLED=false, or ELECTRUM_PORT to its TLS port',
          ) ??
            new SourceError(
              `Electrum server ${this.label}: ${(err as NodeJS.ErrnoException).code ?? err.message}`,
              { service: 'electrum', retryable: true },
              { cause: err },
            ),
        );
      };
      const timer = setTimeout(
        () => fail(Object.assign(new Error(`no connection within ${this.o.timeoutMs} ms`), { code: 'ETIMEDOUT' })),
        this.o.timeoutMs,
      );
      s.once('error', fail);
      s.once(this.o.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.off('error', fail);
        resolve(s);
      });
    });
    socket.setEncoding('utf8');
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (err) => this.drop(this.connectionError(err)));
    socket.on('close', () => this.drop(this.answered ? this.closedError() : this.silentClose()));
    this.socket = socket;
    this.buffer = '';
    this.answered = false;
    const version = await this.send(socket, 'server.version', [
      this.o.clientName ?? 'utxoracle-ops',
      ELECTRUM_PROTOCOL,
    ]);
    this.serverVersion = Array.isArray(version) && typeof version[0] === 'string' ? version[0] : undefined;
    return socket;
  }

  private closedError(): SourceError {
    return new SourceError(`Electrum server ${this.label}: connection closed`, {
      service: 'electrum',
      retryable: true,
    });
  }

  /** Closed before answering our greeting: most often a TLS port spoken to without TLS. */
  private silentClose(): SourceError {
    const hint = this.o.tls
      ? 'is it an Electrum port?'
      : 'if that port serves TLS (50002), set ELECTRUM_TLS_ENABLED=true';
    return new SourceError(
      `Electrum server ${this.label} closed the connection without answering server.version: ${hint}`,
      { service: 'electrum', retryable: false },
    );
  }

  private connectionError(err: Error): SourceError {
    return new SourceError(
      `Electrum server ${this.label}: ${(err as NodeJS.ErrnoException).code ?? err.message}`,
      { service: 'electrum', retryable: true },
      { cause: err },
    );
  }

  /** Rejects every request in flight and forgets the connection (the next request opens another). */
  private drop(err: SourceError): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(err);
    }
    const s = this.socket;
    this.socket = undefined;
    s?.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    // A server that is not an Electrum server may never send a newline: do not buffer without end.
    if (this.buffer.length > 64 * 1024 * 1024) return this.drop(this.notElectrum(this.buffer.slice(0, 40)));
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.onLine(line);
    }
    // An HTTP server answers our JSON line with a status line and no JSON at all.
    if (/^HTTP\/\d/.test(this.buffer)) this.drop(this.notElectrum(this.buffer.slice(0, 40)));
  }

  private onLine(line: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return this.drop(this.notElectrum(line.slice(0, 40)));
    }
    this.answered = true;
    for (const m of Array.isArray(msg) ? msg : [msg]) {
      if (typeof m !== 'object' || m === null) continue;
      const { id, result, error } = m as { id?: unknown; result?: unknown; error?: unknown };
      if (typeof id !== 'number') {
        // A notification, or an error the server could not tie to a request (romanz/electrs answers
        // a line it cannot parse with id null): the latter means our requests are not understood.
        if (id === null && error) return this.drop(this.notElectrum(line.slice(0, 60)));
        continue;
      }
      const p = this.pending.get(id);
      if (!p) continue;
      this.pending.delete(id);
      clearTimeout(p.timer);
      if (error) {
        const e = error as { code?: unknown; message?: unknown };
        p.reject(
          new ElectrumError(
            this.label,
            p.method,
            typeof e.code === 'number' ? e.code : undefined,
            typeof e.message === 'string' ? e.message : JSON.stringify(error),
          ),
        );
      } else p.resolve(result);
    }
  }

  private notElectrum(start: string): SourceError {
    const tlsHint = this.o.tls ? '' : ' (a TLS port? then set ELECTRUM_TLS_ENABLED=true)';
    return new SourceError(
      `Electrum server ${this.label} does not answer in the Electrum protocol: it sent ${JSON.stringify(start)}; ` +
        `ELECTRUM_HOST/ELECTRUM_PORT must name an Electrum port (50001, 50002 with TLS), not an HTTP one${tlsHint}`,
      { service: 'electrum', retryable: false },
    );
  }

  private bad(method: string, why: string): SourceError {
    return new SourceError(`Electrum server ${this.label} ${method}: ${why}`, {
      service: 'electrum',
      endpoint: method,
      retryable: false,
    });
  }
}
