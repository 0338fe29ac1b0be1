import path from 'node:path';
import { NETWORK_PARAMS } from '../config/network.js';
import type { Settings } from '../config/settings.js';
import { ConfigError } from '../errors.js';
import { withDeadline } from '../lib/deadline.js';
import type { Logger } from '../log/logger.js';
import { checkAuth, type AuthConfig } from './bitcoind/auth.js';
import { createBitcoindClient, type BitcoindClient } from './bitcoind/index.js';
import { createMempoolPriceSource, type MempoolPriceSource } from './mempool/prices.js';
import { createEsploraClient } from './esplora/client.js';
import { ElectrumClient } from './electrum/client.js';
import { shownUrl } from './http/url.js';
import type { IndexSource } from './types.js';

/**
 * The cookie file: BITCOIN_RPC_COOKIE_FILE, else where bitcoind writes it for BITCOIN_NETWORK:
 * `<BITCOIN_DATADIR>/.cookie` on main, `<BITCOIN_DATADIR>/<testnet3|testnet4|signet|regtest>/.cookie`.
 */
export function cookieFileOf(s: Pick<Settings, 'bitcoinRpcCookieFile' | 'bitcoinDatadir' | 'bitcoinNetwork'>): string {
  return s.bitcoinRpcCookieFile ?? path.join(s.bitcoinDatadir, NETWORK_PARAMS[s.bitcoinNetwork].dataSubdir, '.cookie');
}

/** rpcuser/rpcpassword when set, else the cookie. */
function credentialsOf(s: Readonly<Settings>): AuthConfig {
  return s.bitcoinRpcUser
    ? { user: s.bitcoinRpcUser, password: s.bitcoinRpcPassword }
    : { cookieFile: cookieFileOf(s) };
}

/** The settings phase's check of Bitcoin Core's credentials (the cookie read, bounded). */
export async function checkBitcoindCredentials(s: Readonly<Settings>, signal?: AbortSignal): Promise<void> {
  const cookie = cookieFileOf(s);
  await withDeadline(
    checkAuth(credentialsOf(s)),
    5_000,
    () =>
      new ConfigError(
        `BITCOIN_RPC_COOKIE_FILE ${cookie} did not answer in 5 s (a dead mount?)`,
        'BITCOIN_RPC_COOKIE_FILE',
      ),
    signal,
  );
}

/** Bitcoin Core with the operator's credentials. */
export function bitcoindFromSettings(
  s: Readonly<Settings>,
  log: Logger,
  o: { retries?: number; rest?: 'auto' | 'never'; waitForRestart?: boolean; signal?: AbortSignal } = {},
): BitcoindClient {
  const creds = credentialsOf(s);
  return createBitcoindClient({
    url: s.bitcoinRpcUrl,
    ...creds,
    timeoutMs: s.bitcoinRpcTimeoutMs,
    concurrency: s.bitcoinRpcConcurrency,
    // Six retries (backoff 0.25 s doubling to 5 s): a day is ~150 requests, and with a fifth of them
    // answering 5xx (a busy node behind a flaky proxy) four left ~5% of days unpriced.
    retries: o.retries ?? 6,
    rest: o.rest,
    logger: log,
    restartWaitMs: o.waitForRestart ? s.bitcoinRestartWaitSec * 1000 : 0,
    signal: o.signal,
  });
}

/** mempool's exchange price, 3 attempts with backoff as the runbook says; undefined: MEMPOOL_API_URL=none. */
export function mempoolPriceFromSettings(
  s: Readonly<Settings>,
  log: Logger,
  opts: { backoffMs?: number } = {},
): MempoolPriceSource | undefined {
  if (s.mempoolApiUrl === undefined) return undefined;
  return createMempoolPriceSource({
    url: s.mempoolApiUrl,
    timeoutMs: s.sourceTimeoutMs,
    attempts: 3,
    backoffMs: opts.backoffMs ?? 1_000,
    maxAgeSec: s.mempoolPriceMaxAgeSec,
    onRetry: (err, attempt) => log.warn({ attempt, err: err.message }, 'mempool price request failed; retrying'),
  });
}

/**
 * The index servers the operator has, in the order they are asked: Esplora over HTTP
 * (ELECTRS_API_URL, unless `none`), then an Electrum server (ELECTRUM_HOST). None: Core alone.
 */
export function indexSourcesFromSettings(
  s: Pick<Settings, 'electrsApiUrl' | 'electrum'>,
  o: { timeoutMs: number; retries: number },
): { indexes: IndexSource[]; close(): Promise<void> } {
  const indexes: IndexSource[] = [];
  const closers: (() => Promise<void>)[] = [];
  if (s.electrsApiUrl !== undefined) {
    const esplora = createEsploraClient({ url: s.electrsApiUrl, timeoutMs: o.timeoutMs, retries: o.retries });
    closers.push(() => esplora.close());
    indexes.push({ kind: 'esplora', label: shownUrl(s.electrsApiUrl), getTipHeight: () => esplora.getTipHeight() });
  }
  if (s.electrum) {
    const electrum = new ElectrumClient({ ...s.electrum, timeoutMs: o.timeoutMs });
    closers.push(() => electrum.close());
    indexes.push({ kind: 'electrum', label: electrum.label, getTipHeight: () => electrum.getTipHeight() });
  }
  return { indexes, close: async () => void (await Promise.all(closers.map((c) => c()))) };
}
