import type { Settings } from '../config/settings.js';
import type { Logger } from '../log/logger.js';
import { createBitcoindClient } from '../sources/bitcoind/index.js';
import { cookieFileOf, indexSourcesFromSettings } from '../sources/fromSettings.js';
import { createMempoolPriceSource } from '../sources/mempool/prices.js';
import type { Clock } from '../lib/clock.js';
import type { HealthDeps } from './healthCheckPlan.js';
import { knownSecrets, maskingLogger } from '../health/secrets.js';

/**
 * The real clients, set for probing rather than working: no retries (a retry hides the failure or
 * the slowness being measured, and spends the run's time), and a request deadline no longer than
 * the check's timeout or the run's cap, so an abandoned request ends with the run instead of
 * keeping a socket and the process alive.
 */
export function createHealthClients(
  s: Readonly<Settings>,
  log: Logger,
  clock: Clock,
): { deps: HealthDeps; close: () => Promise<void> } {
  const timeoutMs = Math.min(s.health.checkTimeoutMs, s.health.totalTimeoutMs);
  const userpass = s.bitcoinRpcUser !== undefined;
  const bitcoind = createBitcoindClient({
    url: s.bitcoinRpcUrl,
    cookieFile: userpass ? undefined : cookieFileOf(s),
    user: s.bitcoinRpcUser,
    password: s.bitcoinRpcPassword,
    timeoutMs,
    concurrency: 1,
    retries: 0,
    rest: 'never',
    // The client logs what Core answered; a proxy in front of it could echo the credentials.
    logger: maskingLogger(log, knownSecrets(s)),
  });
  const index = indexSourcesFromSettings(s, { timeoutMs, retries: 0 });
  return {
    deps: {
      bitcoind,
      blockTime: async (hash) => {
        const h = await bitcoind.rpc.call<{ time?: unknown }>('getblockheader', [hash, true]);
        if (typeof h?.time !== 'number') throw new Error(`getblockheader ${hash}: no time`);
        return h.time;
      },
      indexes: index.indexes,
      // analyze's price source, probing: one attempt, its deadline the check's, no age limit (the
      // check grades staleness itself).
      prices:
        s.mempoolApiUrl === undefined
          ? undefined
          : createMempoolPriceSource({
              url: s.mempoolApiUrl,
              timeoutMs,
              attempts: 1,
              backoffMs: 0,
              maxAgeSec: Number.POSITIVE_INFINITY,
              clock,
            }),
    },
    close: async () => {
      await bitcoind.close();
      await index.close();
    },
  };
}
