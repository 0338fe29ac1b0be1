import fs from 'node:fs';
import { fixturePath } from '../helpers/paths.js';

/** A vector file's values as doubles. The files print each double in shortest round-trip form. */
export function loadVector(name: string): number[] {
  const doc = JSON.parse(fs.readFileSync(fixturePath('vectors', name), 'utf8')) as { count: number; values: string[] };
  if (doc.values.length !== doc.count) throw new Error(`${name}: count ${doc.count} but ${doc.values.length} values`);
  return doc.values.map((s) => Number(s));
}
