import fs from 'node:fs';
import { sharedPath } from '../helpers/shared.js';

/** A vector file's values as doubles. The files print each double in shortest round-trip form. */
export function loadVector(name: string): number[] {
  const doc = JSON.parse(fs.readFileSync(sharedPath('vectors', name), 'utf8')) as { count: number; values: string[] };
  if (doc.values.length !== doc.count) throw new Error(`${name}: count ${doc.count} but ${doc.values.length} values`);
  return doc.values.map((s) => Number(s));
}
