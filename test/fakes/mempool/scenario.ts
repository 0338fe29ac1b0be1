// A scripted mempool: a list of plain steps (JSON-able, so the demo can keep scripts in a file) run
// in order against the fake and whoever is connected. Tests use it to drive whale-watch and the
// stream through adds, removals, blocks, replacements, cuts and sequence gaps.
import type { Json } from './blocks.js';
import type { FakeMempool } from './server.js';
import type { FakeTx } from './txs.js';
import type { CutMode } from './wsServer.js';

export type ScenarioStep =
  | { do: 'add'; txs: FakeTx[] }
  | { do: 'remove'; txids: string[] }
  | { do: 'mine'; height?: number; txids?: string[]; txs?: FakeTx[]; block?: Json }
  | { do: 'replace'; replaced: string; by: FakeTx }
  /** A mempool update with no change: no message, the RBF window ages by one update. */
  | { do: 'update'; count?: number }
  | { do: 'in-sync'; on: boolean }
  | { do: 'mempool-blocks'; blocks?: Json[] }
  | { do: 'cut'; mode?: CutMode }
  | { do: 'gap'; count?: number }
  | { do: 'wait'; ms: number }
  /** Wait until this many clients have subscribed (e.g. after a cut, for the reconnect). */
  | { do: 'clients'; count: number; timeoutMs?: number; tracking?: boolean }
  | { do: 'price'; usd: number; time?: number }
  | { do: 'raw'; text: string };

export interface ScenarioOptions {
  /** Called before each step (logging in the demo). */
  onStep?: (step: ScenarioStep, index: number) => void;
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export async function runScenario(
  fake: FakeMempool,
  steps: readonly ScenarioStep[],
  o: ScenarioOptions = {},
): Promise<void> {
  for (const [i, step] of steps.entries()) {
    if (o.signal?.aborted) return;
    o.onStep?.(step, i);
    switch (step.do) {
      case 'add':
        fake.addTxs(step.txs);
        break;
      case 'remove':
        fake.removeTxs(step.txids);
        break;
      case 'mine':
        fake.mineBlock(step);
        break;
      case 'replace':
        fake.replace(step.replaced, step.by);
        break;
      case 'update':
        for (let n = 0; n < (step.count ?? 1); n++) fake.update();
        break;
      case 'in-sync':
        fake.setInSync(step.on);
        break;
      case 'mempool-blocks':
        fake.sendMempoolBlocks(step.blocks);
        break;
      case 'cut':
        fake.cutConnections(step.mode);
        break;
      case 'gap':
        fake.skipSequence(step.count ?? 1);
        break;
      case 'wait':
        await sleep(step.ms, o.signal);
        break;
      case 'clients':
        await fake.waitForClients(step.count, step.timeoutMs, step.tracking);
        break;
      case 'price':
        fake.setPrice(step.usd, step.time);
        break;
      case 'raw':
        fake.sendRaw(step.text);
        break;
    }
  }
}
