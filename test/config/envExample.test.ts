import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'dotenv';
import { parseEnvFile } from '../../src/config/envFile.js';
import { buildSettings, settingNames } from '../../src/config/settings.js';
import { REPO_ROOT } from '../helpers/paths.js';

const settingsSource = fs.readFileSync(path.join(REPO_ROOT, 'src/config/settings.ts'), 'utf8');
const example = fs.readFileSync(path.join(REPO_ROOT, '.env.example'), 'utf8');

describe('.env.example', () => {
  it('lists every setting the settings module reads, and nothing else', () => {
    const read = new Set([...settingsSource.matchAll(/\(env, '([A-Z0-9_]+)'/g)].map((m) => m[1]!));
    const listed = new Set(Object.keys(parse(example)));
    expect([...read].filter((n) => !listed.has(n))).toEqual([]);
    expect([...listed].filter((n) => !read.has(n))).toEqual([]);
  });

  it('is accepted by the strict .env reader: every key is known (settingNames sees every setting)', () => {
    expect(new Set(settingNames())).toEqual(new Set(Object.keys(parse(example))));
    expect(() => parseEnvFile(example, '.env.example')).not.toThrow();
  });

  it('documents the real defaults: loading it as-is gives the built-in settings', () => {
    const dir = fs.mkdtempSync('/tmp/envex-');
    const fromExample = buildSettings({ ...parse(example), UTXORACLE_DATA_DIR: dir });
    const defaults = buildSettings({ UTXORACLE_DATA_DIR: dir });
    expect(fromExample).toEqual(defaults);
  });

  it('gives each setting a comment or a section above it', () => {
    const lines = example.split('\n');
    const firstSetting = lines.findIndex((l) => /^[A-Z]/.test(l));
    expect(lines.slice(0, firstSetting).some((l) => l.startsWith('#'))).toBe(true);
  });
});
