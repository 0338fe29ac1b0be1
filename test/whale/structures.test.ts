// The bounded structures a months-long whale-watch relies on: the seen-txid set (checked against a
// plain Set as a model, through many evictions), the RBF removal window, log budgets and the limiter.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Limiter } from '../../src/whale/limiter.js';
import { LogBudget } from '../../src/whale/logBudget.js';
import { RBF_WINDOW_UPDATES, RemovalWindow } from '../../src/whale/removals.js';
import type { Tracked } from '../../src/whale/tracker.js';
import { TxidSet } from '../../src/whale/txidSet.js';

const txid = (i: number) => createHash('sha256').update(`t${i}`).digest('hex');

describe('TxidSet', () => {
  it('agrees with a Set of the last `capacity` txids through many evictions', () => {
    const cap = 1_000;
    const set = new TxidSet(cap);
    const order: string[] = [];
    for (let i = 0; i < 5_000; i++) {
      const id = txid(i);
      expect(set.add(id)).toBe(true);
      expect(set.add(id)).toBe(false); // already there
      order.push(id);
      if (i % 97 === 0) {
        const live = new Set(order.slice(-cap));
        for (let j = Math.max(0, i - 1_500); j <= i; j++) expect(set.has(txid(j))).toBe(live.has(txid(j)));
      }
    }
    expect(set.size).toBe(cap);
    expect(set.forgotten).toBe(4_000);
  });

  it('keeps colliding home slots findable after the entries before them are evicted', () => {
    // Txids sharing their first word land on the same home slot: a probe chain, then evictions.
    const prefix = 'abcdef01';
    const ids = Array.from({ length: 40 }, (_, i) => prefix + txid(i).slice(8));
    const set = new TxidSet(16);
    for (const id of ids) set.add(id);
    for (const [i, id] of ids.entries()) expect(set.has(id)).toBe(i >= ids.length - 16);
  });

  it.each([0, 1.5, -1, 2 ** 29])('rejects capacity %s', (cap) => expect(() => new TxidSet(cap)).toThrow(RangeError));
});

describe('RemovalWindow', () => {
  const t = (id: string): Tracked => ({
    txid: id,
    rootTxid: id,
    detectedAtMs: 0,
    predictedHeight: null,
    window: null,
    ancestors: [],
    spends: [],
  });
  it(`holds a removal for the ${RBF_WINDOW_UPDATES - 1} later updates mempool can still pair it in`, () => {
    const w = new RemovalWindow();
    w.hold(t('a'));
    const removedNow = new Set(['a']);
    expect(w.age(removedNow)).toEqual([]); // the update that removed it does not count
    for (let i = 1; i < RBF_WINDOW_UPDATES - 1; i++) expect(w.age(new Set())).toEqual([]);
    expect(w.has('a')).toBe(true);
    expect(w.age(new Set()).map((x) => x.txid)).toEqual(['a']);
    expect(w.size).toBe(0);
  });
  it('gives a held whale back to a late replacement', () => {
    const w = new RemovalWindow();
    w.hold(t('a'));
    expect(w.take('a')?.txid).toBe('a');
    expect(w.take('a')).toBeUndefined();
  });
});

describe('LogBudget', () => {
  it('lets a few lines through per window and says how many were held back', () => {
    let now = 0;
    const b = new LogBudget(2, 1_000, () => now);
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([
      { log: true, suppressed: 0 },
      { log: true, suppressed: 0 },
      { log: false, suppressed: 0 },
      { log: false, suppressed: 0 },
    ]);
    now = 1_000;
    expect(b.take()).toEqual({ log: true, suppressed: 2 });
    expect(b.take()).toEqual({ log: true, suppressed: 0 });
  });
});

describe('Limiter', () => {
  it('never runs more than its limit at once, and runs everything', async () => {
    const l = new Limiter(3);
    let running = 0;
    let peak = 0;
    const done = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        l.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, i % 3));
          running--;
          return i;
        }),
      ),
    );
    expect(done).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
    expect(l.busy).toBe(0);
  });
});
