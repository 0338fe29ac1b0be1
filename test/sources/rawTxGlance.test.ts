// A catch-up batch of raw transactions looked at together (src/sources/rawTxGlance.ts): the same
// decisions and numbers as parsing each one alone, objects only for what the caller wants, and every
// defect named exactly as the one-at-a-time parser names it.
import { describe, expect, it } from 'vitest';
import type { MempoolTx } from '../../src/sources/mempool/stream.js';
import { mempoolTxFromRaw } from '../../src/sources/rawTx.js';
import { PASSED, glanceRawTxs, type RawTxGlance } from '../../src/sources/rawTxGlance.js';
import { makeTx, makeTxBatch } from '../fakes/mempool/index.js';
import { rawTxOf, serialize } from '../fakes/mempool/raw.js';

const full = (hex: string, txid: string): MempoolTx =>
  mempoolTxFromRaw(hex, txid, { network: 'main', service: 'Bitcoin Core' });
const hexOf = (txid: string): string => rawTxOf(txid)!.toString('hex');

/** A legacy (non-segwit) transaction with three inputs, to mix layouts in one batch. */
function legacyTx(): { txid: string; hex: string } {
  const s = serialize({
    version: 1,
    locktime: 500_000,
    vin: [0, 1, 2].map((i) => ({
      txid: `${i}`.repeat(64),
      vout: i === 2 ? 0xfffffffe : i,
      scriptsig: '47'.padEnd(144, 'a'),
      sequence: 0xffffffff,
      witness: [],
    })),
    vout: [{ value: 2_100_000_000_000_000, scriptpubkey: '6a' }],
  });
  return { txid: s.txid, hex: s.bytes.toString('hex') };
}

describe('glanceRawTxs', () => {
  const small = makeTxBatch(6, 'glance');
  const whale = makeTx({ seed: 'glance-whale', outputs: [{ address: 'bc1qglancewhale', value: 150e8 }] });
  const legacy = legacyTx();
  const txids = [small[0]!.txid, whale.txid, small[1]!.txid, legacy.txid, 'ab'.repeat(32), small[2]!.txid];
  const hexes = txids.map((t, i) => (i === 4 ? null : t === legacy.txid ? legacy.hex : hexOf(t)));

  it('adds up the outputs and lists the spent coins as parsing each one would', () => {
    const seen: { sats: number; spends: string[] }[] = [];
    glanceRawTxs(hexes, txids, (g) => (seen.push({ sats: g.outputSats, spends: g.spends() }), false), full);
    const expected = hexes.flatMap((h, i) => {
      if (h === null) return [];
      const tx = full(h, txids[i]!);
      return [{ sats: tx.vout.reduce((s, o) => s + o.value, 0), spends: tx.vin.map((v) => `${v.txid}:${v.vout}`) }];
    });
    expect(seen).toEqual(expected);
    expect(seen[1]!.sats).toBe(150e8);
    // The legacy transaction's last input index is above 2^31: read unsigned.
    expect(seen[3]!.spends).toEqual([`${'0'.repeat(64)}:0`, `${'1'.repeat(64)}:1`, `${'2'.repeat(64)}:${0xfffffffe}`]);
  });

  it('makes objects only of what is worth it; the rest is PASSED, the missing stay null', () => {
    const out = glanceRawTxs(hexes, txids, (g) => g.outputSats >= 100e8, full);
    expect(out.map((x) => (x === PASSED ? 'passed' : x === null ? null : x.txid))).toEqual([
      'passed',
      whale.txid,
      'passed',
      legacy.txid,
      null,
      'passed',
    ]);
    // The objects are the one-at-a-time parser's.
    expect(JSON.stringify(out[1])).toBe(JSON.stringify(full(hexes[1]!, whale.txid)));
  });

  it('a spender of a coin of interest is worth it whatever its size', () => {
    const coin = full(hexes[2]!, txids[2]!).vin[0]!;
    const wanted = new Set([`${coin.txid}:${coin.vout}`]);
    const out = glanceRawTxs(hexes, txids, (g: RawTxGlance) => g.spends().some((k) => wanted.has(k)), full);
    expect(out.filter((x) => x !== PASSED && x !== null).map((x) => x.txid)).toEqual([txids[2]]);
  });

  it('nothing there: every answer null, nothing parsed', () => {
    expect(glanceRawTxs([null, null], ['aa'.repeat(32), 'bb'.repeat(32)], () => true, full)).toEqual([null, null]);
  });

  const message = (f: () => unknown): string => {
    try {
      f();
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('expected an error');
  };
  const oneByOne = (hs: (string | null)[], ts: string[]): string =>
    message(() => hs.forEach((h, i) => h !== null && full(h, ts[i]!)));

  it.each([
    [
      'a transaction cut short (the next one would start inside it)',
      (hs: (string | null)[]) => hs.map((h, i) => (i === 2 ? h!.slice(0, -10) : h)),
    ],
    ['two transactions in one answer', (hs: (string | null)[]) => hs.map((h, i) => (i === 0 ? h! + h! : h))],
    [
      'a segwit flag that is not 0x01',
      (hs: (string | null)[]) => hs.map((h, i) => (i === 5 ? `${h!.slice(0, 10)}02${h!.slice(12)}` : h)),
    ],
  ])('%s: the error the one-at-a-time parser gives', (_what, spoil) => {
    const bad = spoil(hexes);
    const expected = oneByOne(bad, txids);
    expect(expected).toMatch(/Bitcoin Core: transaction [0-9a-f]{64}: not a valid transaction/);
    expect(message(() => glanceRawTxs(bad, txids, () => false, full))).toBe(expected);
  });

  it('another transaction than the one asked for is named', () => {
    const swapped = [hexes[2]!, hexes[0]!];
    const asked = [txids[0]!, txids[2]!];
    const err = message(() => glanceRawTxs(swapped, asked, () => false, full));
    expect(err).toBe(`Bitcoin Core: transaction ${txids[0]}: the bytes answered are transaction ${txids[2]}`);
  });
});
