// The demo's whale scenario: an exchange inflow, an exchange outflow, an unknown mover that is
// replaced (RBF) and then mined, one that is dropped, and small fry that must be ignored.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { makeTx, runScenario, type FakeMempool, type ScenarioStep } from '../../test/fakes/mempool/index.js';

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

export async function playWhales(fake: FakeMempool, tip: number, log: (line: string) => void): Promise<void> {
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
  const bumped = makeTx({
    seed: 'demo-mover-bumped',
    outputs: [{ address: demoAddress('mover'), value: 150 * BTC - 20_000 }],
    feeRate: 25,
  });
  const dropped = makeTx({
    seed: 'demo-dropped',
    outputs: [{ address: demoAddress('dropper'), value: 500 * BTC }],
    feeRate: 1,
  });
  const smallFry = Array.from({ length: 50 }, (_, i) =>
    makeTx({ seed: `demo-small-${i}`, outputs: [{ address: demoAddress(`small-${i}`), value: (i + 1) * 1_000_000 }] }),
  );
  const steps: ScenarioStep[] = [
    { do: 'clients', count: 1, timeoutMs: 15_000, tracking: true },
    { do: 'mempool-blocks' },
    { do: 'add', txs: [...smallFry.slice(0, 25), inflow, outflow] },
    { do: 'wait', ms: 1_500 },
    { do: 'add', txs: [mover, dropped, ...smallFry.slice(25)] },
    { do: 'mempool-blocks' },
    { do: 'wait', ms: 1_500 },
    { do: 'replace', replaced: String(mover.txid), by: bumped },
    { do: 'wait', ms: 1_500 },
    { do: 'mine', height: tip + 1, txids: [String(inflow.txid), String(outflow.txid), String(bumped.txid)] },
    { do: 'wait', ms: 1_500 },
    { do: 'remove', txids: [String(dropped.txid)] },
  ];
  await runScenario(fake, steps, { onStep: (s) => s.do !== 'wait' && log(`  mempool: ${s.do}`) });
}
