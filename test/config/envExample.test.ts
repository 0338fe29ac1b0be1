import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'dotenv';
import { parseEnvFile } from '../../src/config/envFile.js';
import { ALIASES } from '../../src/config/parse.js';
import { buildSettings, settingNames } from '../../src/config/settings.js';
import { REPO_ROOT } from '../helpers/paths.js';

const example = fs.readFileSync(path.join(REPO_ROOT, '.env.example'), 'utf8');
/** Our settings: every name the settings module reads, but the other documents' names it also accepts. */
const ours = () => new Set([...settingNames()].filter((n) => !ALIASES.has(n)));

describe('.env.example', () => {
  it('lists every setting the settings module reads, and nothing else (the whale guide’s aliases are not ours)', () => {
    const listed = new Set(Object.keys(parse(example)));
    expect([...ours()].filter((n) => !listed.has(n))).toEqual([]);
    expect([...listed].filter((n) => !ours().has(n))).toEqual([]);
    expect([...ALIASES.keys()].sort()).toEqual([
      'ACCURACY_CRITICAL_THRESHOLD',
      'ACCURACY_WARNING_THRESHOLD',
      'MEMORY_MAX_MB',
      'MEMORY_THRESHOLD_MB',
    ]);
  });

  it('is accepted by the strict .env reader', () => {
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
