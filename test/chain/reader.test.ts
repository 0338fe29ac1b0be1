import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../src/chain/reader.js';
import { DataError } from '../../src/errors.js';

const reader = (...b: number[]) => new ByteReader(new Uint8Array(b), 'block');

describe('ByteReader.varint', () => {
  it.each([
    { bytes: [0x00], value: 0 },
    { bytes: [0xfc], value: 0xfc },
    { bytes: [0xfd, 0xfd, 0x00], value: 0xfd },
    { bytes: [0xfd, 0xff, 0xff], value: 0xffff },
    { bytes: [0xfe, 0x00, 0x00, 0x01, 0x00], value: 0x10000 },
    { bytes: [0xfe, 0xff, 0xff, 0xff, 0xff], value: 0xffffffff },
    { bytes: [0xff, 0, 0, 0, 0, 1, 0, 0, 0], value: 2 ** 32 },
  ])('reads $value from $bytes and consumes them all', ({ bytes, value }) => {
    const r = reader(...bytes);
    expect(r.varint('n')).toBe(value);
    expect(r.pos).toBe(bytes.length);
  });

  it.each([
    { name: 'fd for a one-byte value', bytes: [0xfd, 0xfc, 0x00], error: /not in shortest form/ },
    { name: 'fe for a two-byte value', bytes: [0xfe, 0xff, 0xff, 0x00, 0x00], error: /not in shortest form/ },
    {
      name: 'ff for a four-byte value',
      bytes: [0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
      error: /not in shortest form/,
    },
    { name: 'ff beyond 2^53', bytes: [0xff, 0, 0, 0, 0, 0, 0, 0x20, 0], error: /absurdly large/ },
    { name: 'empty', bytes: [], error: /truncated block: needed 1 bytes for n at offset 0/ },
    { name: 'fd cut short', bytes: [0xfd, 0x01], error: /needed 2 bytes for n at offset 1/ },
    { name: 'ff cut short', bytes: [0xff, 1, 2, 3], error: /needed 8 bytes/ },
  ])('rejects $name', ({ bytes, error }) => {
    expect(() => reader(...bytes).varint('n')).toThrow(error);
    expect(() => reader(...bytes).varint('n')).toThrow(DataError);
  });
});

describe('ByteReader fixed-width reads', () => {
  it('reads little-endian u32, i32 and amounts', () => {
    const r = reader(0x78, 0x56, 0x34, 0x12, 0xff, 0xff, 0xff, 0xff, 0x00, 0x40, 0x07, 0x5a, 0xf0, 0x75, 0x07, 0x00);
    expect(r.u32('a')).toBe(0x12345678);
    expect(r.i32('b')).toBe(-1);
    expect(r.amount('c')).toBe(2_100_000_000_000_000); // MAX_MONEY itself is allowed
    expect(r.remaining).toBe(0);
    r.expectEnd('everything');
  });

  it.each([
    {
      name: 'MAX_MONEY + 1',
      bytes: [0x01, 0x40, 0x07, 0x5a, 0xf0, 0x75, 0x07, 0x00],
      error: /2100000000000001 sats is outside/,
    },
    { name: 'negative', bytes: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], error: /-1 sats is outside/ },
    { name: 'above 2^53', bytes: [0, 0, 0, 0, 0, 0, 0x40, 0], error: /outside 0\.\./ },
    { name: 'seven bytes', bytes: [0, 0, 0, 0, 0, 0, 0], error: /needed 8 bytes for value at offset 0, 7 left/ },
  ])('rejects amount $name', ({ bytes, error }) => {
    expect(() => reader(...bytes).amount('value')).toThrow(error);
  });

  it('names the tx, input and field in truncation messages', () => {
    const r = reader(1, 2, 3);
    r.place.tx = 5;
    r.place.part = 'input';
    r.place.index = 3;
    r.pos = 1;
    const err = (() => {
      try {
        r.bytesView(32, 'prev txid');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).message).toBe(
      'truncated block: needed 32 bytes for tx 5 input 3 prev txid at offset 1, 2 left',
    );
    expect((err as DataError).offset).toBe(1);
  });

  it('returns views, not copies', () => {
    const bytes = new Uint8Array([3, 9, 8, 7]);
    const r = new ByteReader(bytes, 'block');
    const v = r.varBytes('script');
    expect(Array.from(v)).toEqual([9, 8, 7]);
    expect(v.buffer).toBe(bytes.buffer);
  });

  it.each([
    {
      name: 'count that cannot fit',
      bytes: [0xfd, 0xe8, 0x03, 0, 0],
      call: (r: ByteReader) => r.count('input count', 41),
      error: /input count 1000 cannot fit in the 2 bytes left/,
    },
    {
      name: 'length past the end',
      bytes: [0x05, 1, 2],
      call: (r: ByteReader) => r.varBytes('script'),
      error: /script claims 5 bytes at offset 0, 2 left/,
    },
    {
      name: 'trailing bytes',
      bytes: [1, 2],
      call: (r: ByteReader) => (r.u8('x'), r.expectEnd('x')),
      error: /1 trailing bytes after x at offset 1/,
    },
  ])('rejects $name', ({ bytes, call, error }) => {
    expect(() => call(reader(...bytes))).toThrow(error);
  });
});
