// Small shape checks for JSON that arrives from mempool's WebSocket. Each names the field path and the
// bad value, so a log line says exactly what the backend sent ("mempool-transactions.added[3].fee: got -5").
import { DataError } from '../../../errors.js';

export type Json = Record<string, unknown>;

/** Shortens a value for an error message: a whole block object in a log line helps nobody. */
export function show(value: unknown): string {
  let s: string;
  try {
    s = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value));
  } catch {
    s = String(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function fail(path: string, expected: string, value: unknown): never {
  throw new DataError(`${path}: expected ${expected}, got ${show(value)}`);
}

export function obj(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object', value);
  return value as Json;
}

export function arr(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, 'an array', value);
  return value;
}

export function finite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'a finite number', value);
  return value;
}

export function nonNegative(value: unknown, path: string): number {
  const n = finite(value, path);
  if (n < 0) fail(path, 'a number >= 0', value);
  return n;
}

/** Satoshi amounts and heights: exact non-negative integers (JSON numbers are exact up to 2^53). */
export function uint(value: unknown, path: string): number {
  const n = nonNegative(value, path);
  if (!Number.isSafeInteger(n)) fail(path, 'a non-negative integer', value);
  return n;
}

export function str(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'a string', value);
  return value;
}

export function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, 'a boolean', value);
  return value;
}

const HASH_RE = /^[0-9a-f]{64}$/;

/** A txid or block hash: 64 lowercase hex digits, as mempool and electrs print them. */
export function hash64(value: unknown, path: string): string {
  if (typeof value !== 'string' || !HASH_RE.test(value)) fail(path, 'a 64-digit hex hash', value);
  return value;
}

export function optional<T>(value: unknown, path: string, check: (v: unknown, p: string) => T): T | undefined {
  return value === undefined || value === null ? undefined : check(value, path);
}
