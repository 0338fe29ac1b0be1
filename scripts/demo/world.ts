// The demo's simulated world: a synthetic chain served by a fake Bitcoin Core, a fake electrs at
// the same tip, a fake mempool backend (REST + WebSocket) and a webhook receiver for the alerts.
import { generateChain, type SyntheticChain } from '../../test/fakes/chain/index.js';
import { startFakeBitcoind, type FakeBitcoind } from '../../test/fakes/bitcoind/index.js';
import { startFakeElectrs, type FakeElectrs } from '../../test/fakes/electrs/server.js';
import { startFakeMempool, type FakeMempool } from '../../test/fakes/mempool/index.js';
import { startFakeWebhook, type FakeWebhook } from '../../test/fakes/webhook/server.js';

export const DEMO_DATE = '2025-06-01';
/** The demo's chain covers the week before DEMO_DATE too, for the range chart (analyze --from/--to). */
export const DEMO_FROM = '2025-05-26';
export const DEMO_SECRET = 'demo-webhook-secret';

export interface DemoWorld {
  chain: SyntheticChain;
  node: FakeBitcoind;
  electrs: FakeElectrs;
  mempool: FakeMempool;
  webhook: FakeWebhook;
  close(): Promise<void>;
}

export async function startWorld(): Promise<DemoWorld> {
  // A week of prices climbing from about $99,000 to $105,000 in three-day swings of ±$1,800:
  // each day's consensus price should follow the curve, and the range chart shows it.
  const weekStart = Date.parse(`${DEMO_FROM}T00:00:00Z`) / 1000 - 86_400;
  const price = (t: number) => {
    const days = (t - weekStart) / 86_400;
    return 99_000 + 750 * days + 1_800 * Math.sin((2 * Math.PI * days) / 3);
  };
  const weekBlocks = 144 * 7;
  const chain = generateChain({
    seed: 'utxoracle-demo',
    date: DEMO_DATE,
    price,
    scale: 'small',
    marginBeforeBlocks: weekBlocks,
    startHeight: 880_000 - weekBlocks + 144,
  });
  const node = await startFakeBitcoind({ chain, auth: { cookie: true }, rest: true });
  const mempool = await startFakeMempool({
    tipHeight: chain.tip.height,
    usd: 105_250,
    priceTime: Math.floor(Date.now() / 1000),
  });
  // electrs beside the same Bitcoin Core: the chain's tip, the mempool's transactions with prevouts.
  const electrs = await startFakeElectrs({
    getTip: () => ({ height: chain.tip.height, hash: chain.tip.hash }),
    view: mempool.esplora,
  });
  const webhook = await startFakeWebhook(DEMO_SECRET);
  return {
    chain,
    node,
    electrs,
    mempool,
    webhook,
    close: async () => {
      await Promise.all([node.close(), electrs.close(), mempool.close(), webhook.close()]);
    },
  };
}
