// What an electrs beside the fake mempool sees: the same Bitcoin Core, so the same mempool and the
// same blocks, in Esplora's shapes (electrs src/rest.rs `TransactionValue`: txid, version, locktime,
// vin[] with `prevout` filled from the spent output, vout[], size, weight, fee, status). The
// transactions a block conflicted are gone from Core, hence from electrs, even while the mempool
// backend's cache still holds them. Funding transactions the fake never saw whole are served as
// confirmed transactions carrying the spent outputs at their indexes.
import type { EsploraTx, EsploraView } from '../electrs/server.js';
import { fakeBlockHash } from './blocks.js';
import type { FakeMempoolState } from './state.js';
import { coinbaseInput, type FakeTx, type FakeTxOut } from './txs.js';

/** A fake transaction in electrs' `TransactionValue` shape, with the given status. */
export function esploraTx(tx: FakeTx, status: Record<string, unknown>): EsploraTx {
  return {
    txid: tx.txid,
    version: tx.version ?? 2,
    locktime: tx.locktime ?? 0,
    vin: tx.vin.map((v) => {
      const vin: Record<string, unknown> = {
        txid: v.txid,
        vout: v.vout,
        prevout: v.prevout,
        scriptsig: v.scriptsig,
        scriptsig_asm: v.scriptsig_asm,
        is_coinbase: v.is_coinbase,
        sequence: v.sequence,
      };
      // rest.rs TxInValue: `witness` is skipped when empty.
      if (v.witness.length > 0) vin.witness = v.witness;
      return vin;
    }),
    vout: tx.vout,
    size: tx.size,
    weight: tx.weight,
    fee: tx.fee,
    status,
  };
}

const dummyOut = (i: number): FakeTxOut => ({
  scriptpubkey: '0014' + '00'.repeat(20),
  scriptpubkey_asm: 'OP_0 OP_PUSHBYTES_20 ' + '00'.repeat(20),
  scriptpubkey_type: 'v0_p2wpkh',
  scriptpubkey_address: `bc1qfakeother${i}`,
  value: 1000,
});

export function esploraViewOf(state: FakeMempoolState): EsploraView {
  return {
    mempoolTxids: () => [...state.mempool.keys()].filter((id) => !state.conflicted.has(id)),
    tx(txid) {
      const pending = state.mempool.get(txid);
      if (pending && !state.conflicted.has(txid)) return esploraTx(pending, { confirmed: false });
      const mined = state.confirmed.get(txid);
      if (mined) return esploraTx(mined.tx, mined.status);
      const outs = state.funding.get(txid);
      if (!outs) return undefined;
      const n = Math.max(...outs.keys()) + 1;
      const height = Math.max(1, state.tipHeight - 10);
      const funding: FakeTx = {
        txid,
        version: 2,
        locktime: 0,
        vin: [coinbaseInput(height)],
        vout: Array.from({ length: n }, (_, i) => outs.get(i) ?? dummyOut(i)),
        size: 100 + 31 * n,
        weight: 400 + 124 * n,
        fee: 0,
        vsize: 100 + 31 * n,
        feePerVsize: 0,
        adjustedFeePerVsize: 0,
      };
      return esploraTx(funding, {
        confirmed: true,
        block_height: height,
        block_hash: fakeBlockHash(height),
        block_time: 1_231_006_505 + height * 600,
      });
    },
  };
}
