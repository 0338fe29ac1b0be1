// One block's worth of transactions: what the oracle should count (round-dollar payments with
// change, round-BTC payments, random amounts) and what it must ignore (>5 inputs, >2 outputs,
// OP_RETURN, large witnesses, same-day chains). The ignored kinds pay round dollars at a DECOY
// price 3% off the true one, inside the reference's +-5% window: if a filter is broken, the
// final price moves and the comparison with the reference fails.
import type { Prng } from './prng.js';
import { EMPTY_BYTES, opReturnScript, p2pkhScriptSig, randomOutputScript, segwitWitness } from './scripts.js';
import type { TxInSpec, TxOutSpec, TxSpec } from './tx.js';

/** Round-dollar amounts people pay, weighted roughly like the reference's spike stencil ($100 first). */
export const USD_AMOUNTS = [5, 10, 15, 20, 25, 30, 40, 50, 100, 150, 200, 300, 500, 1000] as const;
export const USD_WEIGHTS = [1.7, 5.5, 1.9, 5.9, 1.5, 5.3, 1.2, 11.8, 16.1, 2.9, 7.4, 5.3, 3.8, 6.1];
const ROUND_BTC = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2];
export const DECOY_FACTOR = 1.03;

/** Share of each kind in a block (they need not sum to 1: normalised when drawn). */
const KINDS = {
  roundUsd: 0.3,
  roundBtc: 0.06,
  random: 0.2,
  consolidation: 0.05,
  manyInputs: 0.04,
  batch: 0.1,
  opReturn: 0.03,
  bigWitnessItem: 0.05,
  bigWitnessTotal: 0.02,
  witnessAt500: 0.01,
  sameDay: 0.05,
  dustEdge: 0.01,
} as const;
type Kind = keyof typeof KINDS;
const KIND_NAMES = Object.keys(KINDS) as Kind[];
const KIND_WEIGHTS = KIND_NAMES.map((k) => KINDS[k]);

export interface EconomyContext {
  prng: Prng;
  /** USD per BTC at this block's time. */
  price: number;
  /** A txid created earlier (this block or a recent one), for same-day chains; undefined if none yet. */
  recentTxid: () => Uint8Array | undefined;
}

const toSats = (btc: number): number => Math.max(1, Math.round(btc * 1e8));

function input(ctx: EconomyContext, segwit: boolean, prevTxidLE?: Uint8Array): TxInSpec {
  const { prng } = ctx;
  const legacyInput = !segwit || prng.chance(0.1); // segwit txs may still spend a legacy output
  return {
    prevTxidLE: prevTxidLE ?? prng.bytes(32),
    prevIndex: prng.chance(0.7) ? prng.int(0, 1) : prng.int(0, 30),
    scriptSig: legacyInput ? p2pkhScriptSig(prng) : EMPTY_BYTES,
    sequence: prng.pick([0xffffffff, 0xfffffffd, 0xfffffffe]),
    witness: legacyInput || !segwit ? [] : segwitWitness(prng),
  };
}

function inputs(ctx: EconomyContext, n: number, segwit: boolean): TxInSpec[] {
  return Array.from({ length: n }, () => input(ctx, segwit));
}

const out = (ctx: EconomyContext, sats: number): TxOutSpec => ({ value: sats, script: randomOutputScript(ctx.prng) });

/** A round-dollar amount in sats as a wallet pays it: exact most often, else fee deducted or slightly off. */
function roundUsdSats(ctx: EconomyContext, price: number): number {
  const { prng } = ctx;
  const usd = USD_AMOUNTS[prng.weighted(USD_WEIGHTS)]!;
  const exact = (usd / price) * 1e8;
  const style = prng.weighted([55, 25, 20]);
  if (style === 0) return Math.round(exact);
  if (style === 1) return Math.max(1, Math.round(exact - prng.int(150, 3000))); // "subtract fee from amount"
  return Math.round(exact * (1 + (prng.next() - 0.5) * 0.004)); // price feed a little off
}

const changeSats = (ctx: EconomyContext): number => toSats(ctx.prng.logUniform(0.0002, 3));

function shuffle2(ctx: EconomyContext, a: TxOutSpec, b: TxOutSpec): TxOutSpec[] {
  return ctx.prng.chance(0.5) ? [a, b] : [b, a]; // wallets randomise change position
}

function tx(ctx: EconomyContext, ins: TxInSpec[], outs: TxOutSpec[], segwit: boolean): TxSpec {
  // BIP144 forbids the marker when every witness is empty (a segwit wallet spending only legacy coins).
  const withWitness = segwit && ins.some((i) => i.witness.length > 0);
  return {
    version: ctx.prng.chance(0.8) ? 2 : 1,
    segwit: withWitness,
    inputs: ins,
    outputs: outs,
    locktime: ctx.prng.chance(0.3) ? ctx.prng.int(800000, 900000) : 0,
  };
}

function paymentPair(ctx: EconomyContext, price: number): TxOutSpec[] {
  return shuffle2(ctx, out(ctx, roundUsdSats(ctx, price)), out(ctx, changeSats(ctx)));
}

function makeTx(kind: Kind, ctx: EconomyContext): TxSpec {
  const { prng, price } = ctx;
  const decoy = price * DECOY_FACTOR;
  const segwit = prng.chance(0.75);
  switch (kind) {
    case 'roundUsd':
      return tx(ctx, inputs(ctx, prng.weighted([50, 25, 12, 8, 5]) + 1, segwit), paymentPair(ctx, price), segwit);
    case 'roundBtc':
      return tx(
        ctx,
        inputs(ctx, prng.int(1, 3), segwit),
        shuffle2(ctx, out(ctx, toSats(prng.pick(ROUND_BTC))), out(ctx, changeSats(ctx))),
        segwit,
      );
    case 'random':
      return tx(
        ctx,
        inputs(ctx, prng.int(1, 4), segwit),
        [out(ctx, toSats(prng.logUniform(0.00002, 5))), out(ctx, changeSats(ctx))],
        segwit,
      );
    case 'consolidation':
      return tx(ctx, inputs(ctx, prng.int(1, 12), segwit), [out(ctx, toSats(prng.logUniform(0.01, 20)))], segwit);
    case 'manyInputs':
      return tx(ctx, inputs(ctx, prng.int(6, 10), segwit), paymentPair(ctx, decoy), segwit);
    case 'batch': {
      const outs = Array.from({ length: prng.int(3, 12) }, () => out(ctx, roundUsdSats(ctx, decoy)));
      return tx(ctx, inputs(ctx, prng.int(1, 3), segwit), outs, segwit);
    }
    case 'opReturn':
      return tx(
        ctx,
        inputs(ctx, 1, segwit),
        shuffle2(ctx, { value: 0, script: opReturnScript(prng, prng.int(8, 75)) }, out(ctx, roundUsdSats(ctx, decoy))),
        segwit,
      );
    case 'bigWitnessItem': {
      // Inscription-like reveal: one witness item over 500 bytes.
      const ins = inputs(ctx, prng.int(1, 2), true);
      ins[0]!.scriptSig = EMPTY_BYTES;
      ins[0]!.witness = [prng.bytes(64), prng.bytes(prng.int(501, 1200)), prng.bytes(33)];
      return tx(ctx, ins, paymentPair(ctx, decoy), true);
    }
    case 'bigWitnessTotal': {
      // Each item <= 500 but one input's items add up to more than 500 (multisig-like script path).
      const ins = inputs(ctx, prng.int(1, 2), true);
      ins[0]!.scriptSig = EMPTY_BYTES;
      ins[0]!.witness = [EMPTY_BYTES, prng.bytes(prng.int(200, 300)), prng.bytes(prng.int(200, 300))];
      return tx(ctx, ins, paymentPair(ctx, decoy), true);
    }
    case 'witnessAt500': {
      // Exactly 500 bytes in one item and in total: still counted (the rule is "more than 500").
      const ins = inputs(ctx, 1, true);
      ins[0]!.scriptSig = EMPTY_BYTES;
      ins[0]!.witness = [prng.bytes(500)];
      return tx(ctx, ins, paymentPair(ctx, price), true);
    }
    case 'sameDay': {
      const prev = ctx.recentTxid();
      const ins = inputs(ctx, prng.int(1, 3), segwit);
      if (prev) ins[prng.int(0, ins.length - 1)] = input(ctx, segwit, prev);
      return tx(ctx, ins, paymentPair(ctx, prev ? decoy : price), segwit);
    }
    case 'dustEdge': {
      // 1,000 sats is exactly 1e-5 BTC: excluded (strict); 1,001 is counted.
      const edge = prng.chance(0.5) ? 1000 : 1001;
      return tx(ctx, inputs(ctx, 1, segwit), [out(ctx, edge), out(ctx, roundUsdSats(ctx, price))], segwit);
    }
  }
}

/** `count` non-coinbase transactions for one block, and the fees they pay (for the coinbase). */
export function blockTransactions(ctx: EconomyContext, count: number): { txs: TxSpec[]; fees: number } {
  const txs: TxSpec[] = [];
  for (let i = 0; i < count; i++) txs.push(makeTx(KIND_NAMES[ctx.prng.weighted(KIND_WEIGHTS)]!, ctx));
  return { txs, fees: count * ctx.prng.int(500, 3000) };
}
