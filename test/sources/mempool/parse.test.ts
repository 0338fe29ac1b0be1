// The per-key parsers on REAL mempool.space messages (test/fixtures/mempool) and on broken ones.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/sources/mempool/stream/dispatch.js';
import { parseMempoolTx } from '../../../src/sources/mempool/stream/parseTx.js';
import { createBackoff } from '../../../src/sources/mempool/stream/backoff.js';
import type { StreamEvent } from '../../../src/sources/mempool/stream/types.js';
import { fixturePath } from '../../helpers/paths.js';

const capture = (name: string): string => readFileSync(fixturePath('mempool', name), 'utf8');
const captureJson = (name: string): unknown => JSON.parse(capture(name));
const types = (events: StreamEvent[]) => events.map((e) => e.type);

describe('captured WebSocket messages', () => {
  it('init reply (mainnet_mempoolInfo.json): blocks and mempool-blocks, other keys skipped', () => {
    const events = parseMessage(capture('mainnet_mempoolInfo.json'));
    expect(types(events)).toEqual(['blocks', 'mempool-blocks']);
    const blocks = events[0] as Extract<StreamEvent, { type: 'blocks' }>;
    expect(blocks.blocks.at(-1)?.height).toBe(837050);
    expect(blocks.blocks.every((b) => /^0{8}/.test(b.id))).toBe(true);
  });

  it('blocks list (details_rbf_tx01_ws_blocks_01.json)', () => {
    const [ev] = parseMessage(capture('details_rbf_tx01_ws_blocks_01.json'));
    expect(ev?.type).toBe('blocks');
    const blocks = (ev as Extract<StreamEvent, { type: 'blocks' }>).blocks;
    expect(blocks[0]).toMatchObject({
      id: '0000000000000000000079f5b74b6533abb0b1ece06570d8d157b5bebd1460b4',
      height: 890440,
      tx_count: 3823,
    });
    // consecutive heights, each linking to the one before
    for (let i = 1; i < blocks.length; i++) {
      expect(blocks[i]?.height).toBe((blocks[i - 1]?.height ?? 0) + 1);
      expect(blocks[i]?.previousblockhash).toBe(blocks[i - 1]?.id);
    }
  });

  it('new block message (details_rbf_tx02_ws_block.json): block then mempool-blocks; txConfirmed skipped', () => {
    const events = parseMessage(capture('details_rbf_tx02_ws_block.json'));
    expect(types(events)).toEqual(['block', 'mempool-blocks']);
    expect(events[0]).toMatchObject({ block: { height: 890448, tx_count: 2229, medianFee: 2.144206217858874 } });
    const mb = events[1] as Extract<StreamEvent, { type: 'mempool-blocks' }>;
    expect(mb.blocks.map((b) => b.nTx)).toEqual([461, 1080, 901]);
    expect(mb.blocks[0]?.feeRange).toHaveLength(7);
  });

  it.each([
    'details_rbf_tx01_ws_mempool_blocks_01.json',
    'details_rbf_tx02_ws_mempool_blocks_01.json',
    'details_rbf_tx02_ws_next_block.json',
  ])('projected blocks %s', (file) => {
    const [ev] = parseMessage(capture(file));
    const raw = (captureJson(file) as Record<string, Array<{ nTx: number }>>)['mempool-blocks'] ?? [];
    expect(ev?.type).toBe('mempool-blocks');
    expect((ev as Extract<StreamEvent, { type: 'mempool-blocks' }>).blocks.map((b) => b.nTx)).toEqual(
      raw.map((b) => b.nTx),
    );
  });

  it('messages this project does not read yield no events', () => {
    for (const f of [
      'details_rbf_tx01_ws_tx_replaced.json',
      'details_rbf_tx02_ws_tx_position.json',
      'mainnet_live2hchart.json',
    ]) {
      expect(parseMessage(capture(f))).toEqual([]);
    }
  });
});

describe('backend transaction objects', () => {
  it.each(['backend_transactions-random.json', 'backend_transactions-rbfs.json', 'backend_transactions-replaced.json'])(
    '%s parse whole',
    (file) => {
      const raw = captureJson(file) as Array<Record<string, unknown>>;
      const txs = raw.map((t, i) => parseMempoolTx(t, `added[${i}]`));
      txs.forEach((tx, i) => {
        const r = raw[i] as {
          txid: string;
          fee: number;
          vsize?: number;
          weight: number;
          vout: Array<{ value: number }>;
        };
        // Some captured objects carry no vsize: it is derived as weight/4 rounded up (BIP141).
        expect([tx.txid, tx.fee, tx.vsize]).toEqual([r.txid, r.fee, r.vsize ?? Math.ceil(r.weight / 4)]);
        expect(tx.vout.map((o) => o.value)).toEqual(r.vout.map((o) => o.value));
      });
    },
  );

  it('a mempool-transactions delta built from them', () => {
    const [a, b] = captureJson('backend_transactions-random.json') as Array<{ txid: string }>;
    const text = JSON.stringify({
      'mempool-transactions': {
        sequence: 7,
        added: [a],
        removed: [],
        mined: [b?.txid],
        replaced: [{ replaced: b?.txid, by: a }],
      },
    });
    const [ev] = parseMessage(text);
    expect(ev).toMatchObject({
      type: 'transactions',
      sequence: 7,
      mined: [b?.txid],
      replaced: [{ replaced: b?.txid, by: a?.txid }],
    });
  });
});

describe('broken messages (table): an invalid event naming the field, the stream goes on', () => {
  const tx = (captureJson('backend_transactions-random.json') as Array<Record<string, unknown>>)[0] as Record<
    string,
    unknown
  >;
  const delta = (over: Record<string, unknown>) =>
    JSON.stringify({
      'mempool-transactions': { sequence: 1, added: [], removed: [], mined: [], replaced: [], ...over },
    });
  const rows: Array<{ name: string; text: string; err: RegExp }> = [
    { name: 'not JSON', text: '{"block": ', err: /not JSON/ },
    { name: 'an array', text: '[1]', err: /not a JSON object/ },
    {
      name: 'negative sequence',
      text: delta({ sequence: -1 }),
      err: /mempool-transactions\.sequence: expected a number >= 0, got -1/,
    },
    {
      name: 'txid not hex',
      text: delta({ removed: ['zz'] }),
      err: /mempool-transactions\.removed\[0\]: expected a 64-digit hex hash, got "zz"/,
    },
    {
      name: 'fee as string',
      text: delta({ added: [{ ...tx, fee: '584' }] }),
      err: /added\[0\]\.fee: expected a finite number, got "584"/,
    },
    {
      name: 'NaN-ish value',
      text: delta({ added: [{ ...tx, vout: [{ scriptpubkey: '00', value: 1.5 }] }] }),
      err: /added\[0\]\.vout\[0\]\.value: expected a non-negative integer, got 1\.5/,
    },
    {
      name: 'block without height',
      text: JSON.stringify({ block: { id: '0'.repeat(64) } }),
      err: /block\.height: expected a finite number, got undefined/,
    },
    {
      name: 'mempool-blocks not a list',
      text: JSON.stringify({ 'mempool-blocks': {} }),
      err: /mempool-blocks: expected an array/,
    },
  ];
  it.each(rows)('$name', ({ text, err }) => {
    const events = parseMessage(text);
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('invalid');
    expect((events[0] as Extract<StreamEvent, { type: 'invalid' }>).error.message).toMatch(err);
  });

  it('a bad key does not hide a good one beside it', () => {
    const block = (captureJson('details_rbf_tx02_ws_block.json') as Record<string, unknown>).block;
    expect(types(parseMessage(JSON.stringify({ block, 'mempool-transactions': { sequence: 'x' } })))).toEqual([
      'block',
      'invalid',
    ]);
  });
});

describe('backoff (table)', () => {
  const rows = [
    { name: 'no jitter doubles 1 s to 30 s', o: { jitter: 0 }, want: [1000, 2000, 4000, 8000, 16000, 30000, 30000] },
    { name: 'rng 0 is the full step', o: { rng: () => 0 }, want: [1000, 2000, 4000, 8000, 16000, 30000, 30000] },
    {
      name: 'rng 0.999… with jitter 0.5 is about half',
      o: { rng: () => 0.999999 },
      want: [500, 1000, 2000, 4000, 8000, 15000, 15000],
    },
    { name: 'custom base/max', o: { baseMs: 20, maxMs: 100, jitter: 0 }, want: [20, 40, 80, 100, 100, 100, 100] },
  ];
  it.each(rows)('$name', ({ o, want }) => {
    const b = createBackoff(o);
    expect(want.map((_, i) => b.delay(i))).toEqual(want);
  });
  it('never Infinity after a very long outage', () => {
    expect(createBackoff({ jitter: 0 }).delay(10_000)).toBe(30_000);
  });
  it.each([{ baseMs: 0 }, { baseMs: 10, maxMs: 5 }, { jitter: 2 }])('rejects %o', (o) => {
    expect(() => createBackoff(o)).toThrow(/backoff:/);
  });
});
