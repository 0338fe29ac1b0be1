// Bitcoin Core's RPC authentication: HTTP Basic with either the cookie (`__cookie__:<64 hex>`
// written to <datadir>/.cookie at start, a new secret at every restart) or rpcuser/rpcpassword.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const COOKIE_USER = '__cookie__';

export interface AuthOptions {
  /** Write and accept a cookie file. */
  cookie?: boolean;
  user?: string;
  password?: string;
}

export class FakeAuth {
  private cookieSecret: string | undefined;
  readonly cookiePath: string;

  constructor(
    private readonly options: AuthOptions,
    datadir: string,
  ) {
    this.cookiePath = path.join(datadir, '.cookie');
    if (options.cookie) this.rotate();
  }

  /** A new secret in the cookie file, as a restart of bitcoind does; the old one stops working. */
  rotate(): void {
    if (!this.options.cookie) throw new Error('the fake node was started without cookie auth');
    this.cookieSecret = randomBytes(32).toString('hex');
    // Core writes a temporary file and renames it, so readers never see half a cookie.
    const tmp = `${this.cookiePath}.tmp`;
    writeFileSync(tmp, `${COOKIE_USER}:${this.cookieSecret}`, { mode: 0o600 });
    renameSync(tmp, this.cookiePath);
  }

  /** bitcoind's shutdown: the cookie file is deleted (Core's DeleteAuthCookie) and no secret is accepted. */
  forget(): void {
    this.cookieSecret = undefined;
    rmSync(this.cookiePath, { force: true });
  }

  /** True when the Authorization header carries a configured user:password. */
  check(header: string | undefined): boolean {
    if (!header || !header.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = decoded.slice(0, colon);
    const pass = decoded.slice(colon + 1);
    if (this.cookieSecret !== undefined && user === COOKIE_USER && safeEqual(pass, this.cookieSecret)) return true;
    return (
      this.options.user !== undefined &&
      this.options.password !== undefined &&
      user === this.options.user &&
      safeEqual(pass, this.options.password)
    );
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
