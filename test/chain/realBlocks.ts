// The real mainnet blocks in test/fixtures/blocks, found by name, with the facts the README table gives.
import fs from 'node:fs';
import { fixturePath } from '../helpers/paths.js';

export interface RealBlock {
  file: string;
  height: number;
  hash: string;
  bytes: Uint8Array;
}

/** Tx counts from the data set's README (test/fixtures/README.md points to it) (an independent record, not our output). */
export const README_TX_COUNTS: Record<number, number> = {
  413567: 1557,
  542213: 4,
  600000: 1925,
  627714: 2727,
  702861: 2500,
};

const NAME = /^mainnet_(\d+)_([0-9a-f]{64})\.raw$/;

export function realBlocks(): RealBlock[] {
  const dir = fixturePath('blocks');
  return fs
    .readdirSync(dir)
    .filter((f) => NAME.test(f))
    .sort()
    .map((file) => {
      const m = NAME.exec(file)!;
      return { file, height: Number(m[1]), hash: m[2]!, bytes: new Uint8Array(fs.readFileSync(`${dir}/${file}`)) };
    });
}

export function realBlock(height: number): RealBlock {
  const found = realBlocks().find((b) => b.height === height);
  if (!found) throw new Error(`no real block ${height} in ${fixturePath('blocks')}`);
  return found;
}
