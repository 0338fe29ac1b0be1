import { describe, expect, it } from 'vitest';
import { backupNames, parseBackupName } from '../../src/backup/names.js';
import { planRetention } from '../../src/backup/retention.js';

describe('backup names', () => {
  it.each([
    ['utxoracle_cache_2025-07-01.db', 'price', '2025-07-01'],
    ['mempool_predictions_2025-07-01-031500.db', 'whale', '2025-07-01'],
    ['utxoracle_fallback_2025-07-01-031500-2.db', 'fallback', '2025-07-01'],
    ['utxoracle_cache_2025-02-30.db', null, null], // not a date
    ['utxoracle_cache_2025-07-01.db.wal', null, null],
    ['.tmp-backup-utxoracle_cache-1-ab.db', null, null],
    ['other_2025-07-01.db', null, null],
    ['utxoracle_cache_backup.db', null, null],
  ])('%s -> %s %s', (file, role, date) => {
    const b = parseBackupName(file);
    expect(b?.role ?? null).toBe(role);
    expect(b?.date ?? null).toBe(date);
  });

  it('a second backup the same day gets a later, distinct name', () => {
    const [first, second, third] = backupNames('utxoracle_cache', new Date('2025-07-01T03:15:09Z'));
    expect([first, second, third]).toEqual([
      'utxoracle_cache_2025-07-01.db',
      'utxoracle_cache_2025-07-01-031509.db',
      'utxoracle_cache_2025-07-01-031509-2.db',
    ]);
    expect(parseBackupName(second!)!.order > parseBackupName(first!)!.order).toBe(true);
  });
});

describe('planRetention', () => {
  const now = new Date('2025-07-31T03:00:00Z');
  const b = (f: string) => parseBackupName(f)!;
  const all = [
    'utxoracle_cache_2025-07-30.db',
    'utxoracle_cache_2025-07-01.db',
    'utxoracle_cache_2025-06-30.db',
    'utxoracle_cache_2025-05-01.db',
  ].map(b);
  it.each([
    [
      'keeps recent, removes older than 30 days',
      new Set(['utxoracle_cache_2025-07-30.db']),
      ['utxoracle_cache_2025-06-30.db', 'utxoracle_cache_2025-05-01.db'],
    ],
    [
      'never removes the keeper even when old',
      new Set(['utxoracle_cache_2025-05-01.db']),
      ['utxoracle_cache_2025-06-30.db'],
    ],
    [
      'no keeper (nothing verified): still only the old ones',
      new Set<string>(),
      ['utxoracle_cache_2025-06-30.db', 'utxoracle_cache_2025-05-01.db'],
    ],
  ])('%s', (_n, keep, removed) => {
    expect(planRetention(all, keep, now, 30).map((x) => x.file)).toEqual(removed);
  });
});
