import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';

// Every operator shell script: parses, is strict, and passes shellcheck when it is installed.

const SCRIPTS_DIR = path.join(REPO_ROOT, 'scripts');
const scripts = fs
  .readdirSync(SCRIPTS_DIR, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.sh'))
  .map((f) => path.join(SCRIPTS_DIR, f));
const hasShellcheck = spawnSync('sh', ['-c', 'command -v shellcheck'], { encoding: 'utf8' }).status === 0;
if (!hasShellcheck)
  console.warn('[test/ops] shellcheck not installed (apt-get install -y shellcheck): skipping the lint');

describe('scripts/**/*.sh', () => {
  it('include install.sh', () => {
    expect(scripts).toContain(path.join(SCRIPTS_DIR, 'install.sh'));
  });

  it.each(scripts)('%s: bash -n, bash shebang, set -euo pipefail, executable', (file) => {
    const r = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^#!\/(usr\/bin\/env bash|bin\/bash)$/);
    expect(text).toMatch(/^set -euo pipefail$/m);
    expect(fs.statSync(file).mode & 0o111, 'chmod +x').not.toBe(0);
  });

  it.skipIf(!hasShellcheck).each(scripts)('%s: shellcheck', (file) => {
    const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', file], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
