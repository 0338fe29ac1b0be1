import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Real data and vectors are carried in test/fixtures (see its README for where each file came from):
// a fresh clone with nothing beside it passes its tests.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES_DIR = path.join(repoRoot, 'test', 'fixtures');
export const fixturePath = (...parts: string[]): string => path.join(FIXTURES_DIR, ...parts);
export const REPO_ROOT = repoRoot;
