// The lookups an operator has, built from the settings, in the order they are asked: an Esplora HTTP
// API (ELECTRS_API_URL), an Electrum server (ELECTRUM_HOST), Bitcoin Core, and mempool's own Esplora-
// shaped routes (only when its backend is not Esplora: it registers them then, bitcoin.routes.ts).
// Listing the mempool is left to those that can (Esplora, Core, mempool); spent outputs and
// statuses go to all of them in order.
import type { Settings } from '../../config/settings.js';
import type { Logger } from '../../log/logger.js';
import { createEsploraClient } from '../../sources/esplora/client.js';
import { ElectrumClient } from '../../sources/electrum/client.js';
import { bitcoindFromSettings } from '../../sources/fromSettings.js';
import { joinUrl, shownUrl } from '../../sources/http/url.js';
import type { BackendInfo } from '../../sources/mempool/backendInfo.js';
import { coreLookup } from './core.js';
import { electrumLookup } from './electrum.js';
import { esploraLookup } from './esplora.js';
import type { TxLookup } from './types.js';

export function lookupsFromSettings(s: Readonly<Settings>, log: Logger, backend: BackendInfo | undefined): TxLookup[] {
  const out: TxLookup[] = [];
  if (s.electrsApiUrl !== undefined) {
    const client = createEsploraClient({
      url: s.electrsApiUrl,
      timeoutMs: s.sourceTimeoutMs,
      retries: 1,
      connections: s.whaleCatchupConcurrency,
    });
    out.push(
      esploraLookup(client, {
        name: 'electrs',
        label: shownUrl(s.electrsApiUrl),
        concurrency: s.whaleCatchupConcurrency,
      }),
    );
  }
  if (s.electrum)
    out.push(electrumLookup(new ElectrumClient({ ...s.electrum, timeoutMs: s.sourceTimeoutMs }), s.bitcoinNetwork));
  const core = bitcoindFromSettings(s, log, { retries: 2, rest: 'never' });
  out.push({
    ...coreLookup(core.rpc, { network: s.bitcoinNetwork, label: `Bitcoin Core (${shownUrl(s.bitcoinRpcUrl)})` }),
    close: () => core.close(),
  });
  if (s.mempoolApiUrl !== undefined && backend?.backend !== 'esplora') {
    const api = joinUrl(s.mempoolApiUrl, '/api/v1').toString();
    const client = createEsploraClient({
      url: api,
      service: 'mempool',
      setting: 'MEMPOOL_API_URL',
      timeoutMs: s.sourceTimeoutMs,
      // Its routes fail for want of txindex, not for a moment: asking again does not help.
      retries: 0,
      connections: s.whaleCatchupConcurrency,
    });
    out.push(esploraLookup(client, { name: 'mempool', label: shownUrl(api), concurrency: s.whaleCatchupConcurrency }));
  }
  return out;
}
