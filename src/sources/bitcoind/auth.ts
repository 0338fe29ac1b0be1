// Credentials for Bitcoin Core's RPC: rpcuser/rpcpassword, or the cookie file bitcoind rewrites
// with a new secret at every start. The secret stays inside this module: errors name the file,
// never its contents.
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../errors.js';

export interface AuthConfig {
  cookieFile?: string;
  user?: string;
  password?: string;
}

export interface RpcAuth {
  readonly kind: 'cookie' | 'userpass';
  /** The Authorization header value. */
  header(): Promise<string>;
  /**
   * Re-reads the cookie after a 401 (bitcoind restarted). True when the secret now differs from
   * `used`, the header the refused request carried: that request is worth sending again. Compared
   * with the request's own header, not with what is cached, because requests in flight with the old
   * secret see their 401s one after another, and the first to refresh updates the cache for all.
   */
  refresh(used: string): Promise<boolean>;
}

const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * Why the cookie cannot be read, and what fixes it: the cookie is bitcoind's, mode 0600 in its
 * datadir (Core >= 28 can make it group-readable: rpccookieperms=group), rewritten at every start,
 * and under <datadir>/<chain>/ off mainnet.
 */
export function cookieError(file: string, code: string): string {
  const head = `BITCOIN_RPC_COOKIE_FILE ${file} cannot be read (${code})`;
  if (code === 'EACCES' || code === 'EPERM')
    return (
      `${head}: this user may not read bitcoind's cookie. Either set rpccookieperms=group in bitcoin.conf ` +
      "(Bitcoin Core 28 or later) and add this user to bitcoind's group, or give the suite its own rpcauth user " +
      '(BITCOIN_RPC_USER / BITCOIN_RPC_PASSWORD)'
    );
  if (code === 'ENOENT')
    return (
      `${head}: is bitcoind running (it writes the cookie at start)? Off mainnet the cookie is in ` +
      '<datadir>/testnet3, testnet4, signet or regtest: set BITCOIN_NETWORK (or BITCOIN_RPC_COOKIE_FILE)'
    );
  return `${head}; is bitcoind running, and may this user read its datadir?`;
}

async function readCookie(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(cookieError(file, code), 'BITCOIN_RPC_COOKIE_FILE', { cause: err });
  }
  const line = text.trim();
  const colon = line.indexOf(':');
  if (colon <= 0 || colon === line.length - 1) {
    throw new ConfigError(`BITCOIN_RPC_COOKIE_FILE ${file} is not a "user:secret" cookie`, 'BITCOIN_RPC_COOKIE_FILE');
  }
  return basic(line.slice(0, colon), line.slice(colon + 1));
}

/**
 * Reads the credentials once, as the settings phase does before any network call: a missing or
 * malformed cookie is exit 2 now, not at the first RPC after other requests have started.
 */
export async function checkAuth(config: AuthConfig): Promise<void> {
  await createAuth(config).header();
}

export function createAuth(config: AuthConfig): RpcAuth {
  if (config.user !== undefined || config.password !== undefined) {
    if (!config.user || !config.password) {
      throw new ConfigError(
        'BITCOIN_RPC_USER and BITCOIN_RPC_PASSWORD must be set together',
        config.user ? 'BITCOIN_RPC_PASSWORD' : 'BITCOIN_RPC_USER',
      );
    }
    const value = basic(config.user, config.password);
    return { kind: 'userpass', header: () => Promise.resolve(value), refresh: () => Promise.resolve(false) };
  }
  const file = config.cookieFile;
  if (!file)
    throw new ConfigError(
      'Bitcoin Core credentials missing: set BITCOIN_RPC_COOKIE_FILE or BITCOIN_RPC_USER/BITCOIN_RPC_PASSWORD',
      'BITCOIN_RPC_COOKIE_FILE',
    );
  let cached: string | undefined;
  return {
    kind: 'cookie',
    async header() {
      cached ??= await readCookie(file);
      return cached;
    },
    async refresh(used: string) {
      cached = await readCookie(file);
      return cached !== used;
    },
  };
}
