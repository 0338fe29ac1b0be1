// When a remembered failure is tried again: each kind against the tip moving, the chain changing
// and a day passing; which failures are remembered at all; and the file surviving a bad write.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DayBackoff,
  RETRY_AFTER_MS,
  failureKind,
  retryReason,
  type ChainNow,
  type DayFailure,
  type FailureKind,
} from '../../src/analyze/dayBackoff.js';
import { DataError, SourceError } from '../../src/errors.js';
import { UnfinishedDateError, UnservedDateError } from '../../src/oracle/window.js';
import { MalformedBlockError } from '../../src/summary/summarizer.js';

const T = 1_800_000_000_000;
const hash = (n: number) => n.toString(16).padStart(64, '0');
const failure = (kind: FailureKind): DayFailure => ({
  date: '2025-05-31',
  kind,
  error: 'x',
  failedAt: T,
  tip: { height: 900_000, hash: hash(900_000) },
});
/** The chain now: `moved` blocks on top of the old tip, the old tip replaced when `reorged`. */
const chainNow = (o: { moved?: number; reorged?: boolean; later?: number }): ChainNow => ({
  tip: { height: 900_000 + (o.moved ?? 0), hash: hash(900_000 + (o.moved ?? 0) + (o.reorged ? 7 : 0)) },
  hashAt: (h) => Promise.resolve(o.reorged && h >= 900_000 ? hash(h + 7) : hash(h)),
  now: T + (o.later ?? 60_000),
});

describe('retryReason', () => {
  it.each([
    ['unserved', { moved: 1 }, undefined],
    ['pruned', { moved: 3 }, undefined],
    ['unpriceable', { moved: 1 }, undefined],
    ['unfinished', { moved: 1 }, 'the tip changed'],
    ['unfinished', {}, undefined],
    ['unserved', { reorged: true }, 'the chain changed'],
    ['pruned', { moved: 2, reorged: true }, 'the chain changed'],
    ['unpriceable', { moved: -1 }, 'the chain changed'], // shorter than the tip it failed on
    ['unserved', { later: RETRY_AFTER_MS }, 'a day has passed'],
    ['pruned', { later: RETRY_AFTER_MS - 1 }, undefined],
  ] as const)('%s, chain %o: %s', async (kind, chain, want) => {
    expect(await retryReason(failure(kind), chainNow(chain))).toBe(want);
  });
});

describe('failureKind', () => {
  it.each([
    ['the chain does not reach back', new UnservedDateError('d is before the first block'), 'load', 'unserved'],
    ['not finished', new UnfinishedDateError("d is after this node's tip"), 'load', 'unfinished'],
    ['a malformed block', new MalformedBlockError('block 1 is malformed: x'), 'load', 'unpriceable'],
    [
      'pruned over REST',
      new SourceError('Bitcoin Core REST /rest/block/ab.bin: HTTP 404 ab not available (pruned data)', {
        service: 'bitcoind-rest',
        status: 404,
      }),
      'load',
      'pruned',
    ],
    [
      'pruned over RPC',
      new SourceError('Bitcoin Core RPC getblock failed: Block not available (pruned data) (code -1)', {
        service: 'bitcoind',
        code: -1,
      }),
      'load',
      'pruned',
    ],
    ['too few outputs to price', new DataError('no usable outputs in blocks 1..2'), 'price', 'unpriceable'],
    // These may pass by themselves: the next run simply tries again.
    ['a reorg during the run', new DataError('reorg or wrong block at height 5'), 'load', undefined],
    ['the node unreachable', new SourceError('getblockcount failed after 7 attempts: ECONNREFUSED'), 'load', undefined],
  ] as const)('%s: %s', (_name, err, phase, want) => {
    expect(failureKind(err, phase)).toBe(want);
  });
});

describe('DayBackoff file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'day-backoff-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'analyze-backoff.json');

  it('keeps what it records across runs, forgets what it is told to, and removes itself when empty', () => {
    const a = DayBackoff.load(file, true);
    a.record(failure('pruned'));
    a.record({ ...failure('unserved'), date: '2025-05-30' });
    a.save();
    const b = DayBackoff.load(file, true);
    expect(b.get('2025-05-31')).toEqual(failure('pruned'));
    b.keepOnly(['2025-05-31']);
    expect(b.size).toBe(1);
    b.clear('2025-05-31');
    b.save();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('a damaged file, or a dry run, changes nothing: every day is simply tried', () => {
    fs.writeFileSync(file, '{"days": [ {"date": "2025-05-31", "kind": "nonsense"}');
    expect(DayBackoff.load(file, true).size).toBe(0);
    fs.writeFileSync(file, JSON.stringify({ days: [{ date: '2025-05-31', kind: 'pruned' }] }));
    expect(DayBackoff.load(file, true).size).toBe(0); // fields missing
    const dry = DayBackoff.load(path.join(dir, 'dry.json'), false);
    dry.record(failure('pruned'));
    dry.save();
    expect(fs.existsSync(path.join(dir, 'dry.json'))).toBe(false);
  });
});
