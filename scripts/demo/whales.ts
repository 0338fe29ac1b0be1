// The demo's whale scenario, as the real mempool backend reports things (see test/fakes/mempool):
// a whale already in the mempool before whale-watch starts (found by the catch-up), an exchange
// inflow and outflow, a mover replaced (RBF) and then mined, one replaced a few updates after its
// removal, one whose coins a block spends elsewhere (a conflict), a dropped connection with a whale
// arriving meanwhile, one evicted (dropped once mempool can no longer pair it with a replacement),
// and small fry that must be ignored. Inputs come without prevouts (mempool's default backend):
// whale-watch asks electrs.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import {
  makeReplacement,
  makeTx,
  runScenario,
  type FakeMempool,
  type ScenarioStep,
} from '../../test/fakes/mempool/index.js';

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BTC = 100_000_000;

/** A deterministic, well-formed P2WPKH-looking address (the demo never spends anything). */
export function demoAddress(label: string): string {
  const h = createHash('sha256').update(label).digest();
  let out = 'bc1q';
  for (let i = 0; i < 38; i++) out += BECH32[h[i % 32]! % 32];
  return out;
}

export const EXCHANGE_HOT = demoAddress('DemoExchange hot');
export const EXCHANGE_COLD = demoAddress('DemoExchange cold');
export const OTHER_EXCHANGE = demoAddress('OtherExchange deposit');

/** The operator's exchange address list, in the format EXCHANGE_ADDRESSES_FILE expects. */
export function writeExchangeCsv(file: string): void {
  fs.writeFileSync(
    file,
    [
      'exchange_name,address,type',
      `DemoExchange,${EXCHANGE_HOT},hot_wallet`,
      `DemoExchange,${EXCHANGE_COLD},cold_wallet`,
      `OtherExchange,${OTHER_EXCHANGE},deposit`,
      '',
    ].join('\n'),
  );
}

const smallFry = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) =>
    makeTx({
      seed: `demo-small-${tag}-${i}`,
      outputs: [{ address: demoAddress(`small-${tag}-${i}`), value: (i + 1) * 1_000_000 }],
    }),
  );

/** A whale in the mempool before whale-watch starts: no delta will ever announce it. */
export function seedMempool(fake: FakeMempool): void {
  fake.addTxs([
    ...smallFry('early', 40),
    makeTx({
      seed: 'demo-early',
      inputs: [{ address: EXCHANGE_HOT, value: 320 * BTC + 40_000 }],
      outputs: [{ address: demoAddress('early buyer'), value: 320 * BTC }],
    }),
  ]);
}

export async function playWhales(fake: FakeMempool, log: (line: string) => void): Promise<void> {
  const inflow = makeTx({
    seed: 'demo-inflow',
    outputs: [
      { address: OTHER_EXCHANGE, value: 250 * BTC },
      { address: demoAddress('change-1'), value: 3 * BTC },
    ],
    feeRate: 40,
  });
  const outflow = makeTx({
    seed: 'demo-outflow',
    inputs: [{ address: EXCHANGE_COLD, value: 1_200 * BTC + 50_000 }],
    outputs: [
      { address: demoAddress('buyer'), value: 1_000 * BTC },
      { address: EXCHANGE_HOT, value: 200 * BTC },
    ],
  });
  const mover = makeTx({
    seed: 'demo-mover',
    outputs: [{ address: demoAddress('mover'), value: 150 * BTC }],
    feeRate: 3,
  });
  const bumped = makeReplacement(mover, { seed: 'demo-mover-bumped', feeRate: 25 });
  const late = makeTx({ seed: 'demo-late', outputs: [{ address: demoAddress('late'), value: 400 * BTC }], feeRate: 2 });
  const lateBump = makeReplacement(late, { seed: 'demo-late-bumped', feeRate: 30 });
  const conflicted = makeTx({
    seed: 'demo-conflicted',
    outputs: [{ address: demoAddress('c'), value: 180 * BTC }],
    feeRate: 4,
  });
  const doubleSpend = makeReplacement(conflicted, { seed: 'demo-double-spend', feeRate: 60 });
  const whileAway = makeTx({
    seed: 'demo-away',
    outputs: [{ address: OTHER_EXCHANGE, value: 610 * BTC }],
    feeRate: 15,
  });
  const evicted = makeTx({
    seed: 'demo-evicted',
    outputs: [{ address: demoAddress('dropper'), value: 500 * BTC }],
    feeRate: 1,
  });
  const steps: ScenarioStep[] = [
    { do: 'clients', count: 1, timeoutMs: 15_000, tracking: true },
    { do: 'wait', ms: 1_500 }, // the catch-up at start finds the early whale
    { do: 'add', txs: [...smallFry('a', 25), inflow, outflow] },
    { do: 'wait', ms: 1_000 },
    { do: 'add', txs: [mover, late, conflicted, evicted, ...smallFry('b', 25)] },
    { do: 'wait', ms: 1_000 },
    { do: 'replace', replaced: mover.txid, by: bumped },
    // `late` leaves the mempool; its replacement reaches mempool only two updates later.
    { do: 'remove', txids: [late.txid] },
    { do: 'add', txs: smallFry('c', 3) },
    { do: 'add', txs: [lateBump] },
    { do: 'wait', ms: 1_000 },
    // A pool mines a double spend of `conflicted` that the mempool never saw.
    { do: 'mine', txids: [inflow.txid, outflow.txid, bumped.txid], txs: [doubleSpend] },
    { do: 'wait', ms: 1_000 },
    // The connection drops; a whale arrives while whale-watch is away.
    { do: 'cut', mode: 'terminate' },
    { do: 'add', txs: [whileAway, ...smallFry('d', 5)] },
    { do: 'clients', count: 1, timeoutMs: 15_000, tracking: true },
    { do: 'wait', ms: 1_500 },
    // `evicted` leaves; nine more updates and mempool can no longer report a replacement: dropped.
    { do: 'remove', txids: [evicted.txid] },
    ...Array.from({ length: 9 }, (_, i) => ({ do: 'add' as const, txs: smallFry(`e${i}`, 1) })),
    { do: 'mine', txids: [lateBump.txid] },
    { do: 'wait', ms: 1_500 },
  ];
  await runScenario(fake, steps, { onStep: (s) => s.do !== 'wait' && s.do !== 'clients' && log(`  mempool: ${s.do}`) });
}
