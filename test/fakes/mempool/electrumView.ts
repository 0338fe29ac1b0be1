// What an Electrum server beside the fake mempool serves (romanz/electrs, Fulcrum on the same Bitcoin
// Core): the tip's header, and the raw transactions it can find — in the mempool (not the ones a block
// conflicted: gone from Core), mined by the fake's blocks, and the confirmed funding transactions the
// mempool's transactions spend (both servers index every confirmed transaction themselves, so no
// txindex is needed). A transaction that left the mempool unmined is unknown.
import type { ElectrumTx, ElectrumView } from '../electrum/server.js';
import type { Json } from './blocks.js';
import { rawTxOf } from './raw.js';
import type { FakeMempoolState } from './state.js';

const le32 = (n: number): string => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b.toString('hex');
};
const reversed = (hex: string): string => Buffer.from(hex, 'hex').reverse().toString('hex');

/** The 80-byte header of a block summary in mempool's shape (version, prev, merkle, time, bits, nonce). */
export function headerHexOf(b: Json): string {
  const str = (v: unknown, d: string) => (typeof v === 'string' ? v : d);
  const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
  return (
    le32(num(b.version, 0x20000000)) +
    reversed(str(b.previousblockhash, '0'.repeat(64))) +
    reversed(str(b.merkle_root, '0'.repeat(64))) +
    le32(num(b.timestamp, 0)) +
    le32(num(b.bits, 0x1d00ffff)) +
    le32(num(b.nonce, 0))
  );
}

/** The funding transactions' block: ten below the tip, as esploraView.ts places them. */
export function fundingBlock(state: FakeMempoolState): { hash: string; height: number; time: number } {
  const height = Math.max(1, state.tipHeight - 10);
  return { hash: `${'0'.repeat(20)}${'f'.repeat(44)}`, height, time: 1_231_006_505 + height * 600 };
}

export function electrumViewOf(state: FakeMempoolState): ElectrumView {
  return {
    tip() {
      const last = state.blocks[state.blocks.length - 1] ?? {};
      return { height: state.tipHeight, headerHex: headerHexOf(last) };
    },
    tx(txid): ElectrumTx | undefined {
      const raw = rawTxOf(txid);
      if (!raw) return undefined;
      const hex = raw.toString('hex');
      if (state.mempool.has(txid)) return state.conflicted.has(txid) ? undefined : { hex };
      const mined = state.confirmed.get(txid);
      if (mined)
        return {
          hex,
          block: { hash: mined.status.block_hash, height: mined.status.block_height, time: mined.status.block_time },
        };
      if (state.funding.has(txid)) return { hex, block: fundingBlock(state) };
      return undefined;
    },
  };
}
