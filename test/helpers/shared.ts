import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Real data and vectors live in ../shared beside the checkout (CI clones main with shared/ beside it).
// They are read from there, never copied into the project.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DIR = process.env.UTXORACLE_SHARED_DIR ?? path.resolve(repoRoot, '../shared');
export const sharedPath = (...parts: string[]): string => path.join(SHARED_DIR, ...parts);
export const REPO_ROOT = repoRoot;
