import path from 'node:path';
import type { Settings } from '../config/settings.js';
import { ConfigError } from '../errors.js';
import { withDeadline } from '../lib/deadline.js';
import type { Logger } from '../log/logger.js';
import { checkAuth, type AuthConfig } from './bitcoind/auth.js';
import { createBitcoindClient, type BitcoindClient } from './bitcoind/index.js';
import { createMempoolPriceSource, type MempoolPriceSource } from './mempool/prices.js';

/** The cookie file: BITCOIN_RPC_COOKIE_FILE, else `<BITCOIN_DATADIR>/.cookie`, as bitcoind writes it. */
export function cookieFileOf(s: Readonly<Settings>): string {
  return s.bitcoinRpcCookieFile ?? path.join(s.bitcoinDatadir, '.cookie');
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
export function bitcoindFromSettings(s: Readonly<Settings>, log: Logger): BitcoindClient {
  const creds = credentialsOf(s);
  return createBitcoindClient({
    url: s.bitcoinRpcUrl,
    ...creds,
    timeoutMs: s.bitcoinRpcTimeoutMs,
    concurrency: s.bitcoinRpcConcurrency,
    // Six retries (backoff 0.25 s doubling to 5 s): a day is ~150 requests, and with a fifth of them
    // answering 5xx (a busy node behind a flaky proxy) four left ~5% of days unpriced.
    retries: 6,
    logger: log,
  });
}

/** mempool's exchange price, 3 attempts with backoff as the runbook says. */
export function mempoolPriceFromSettings(
  s: Readonly<Settings>,
  log: Logger,
  opts: { backoffMs?: number } = {},
): MempoolPriceSource {
  return createMempoolPriceSource({
    url: s.mempoolApiUrl,
    timeoutMs: s.sourceTimeoutMs,
    attempts: 3,
    backoffMs: opts.backoffMs ?? 1_000,
    maxAgeSec: s.mempoolPriceMaxAgeSec,
    onRetry: (err, attempt) => log.warn({ attempt, err: err.message }, 'mempool price request failed; retrying'),
  });
}
