// The cookie's refresh is judged against the header the refused request carried, so every request
// that left with the old secret is sent again, however the 401s interleave.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cookieError, createAuth } from '../../../src/sources/bitcoind/auth.js';
import { REPO_ROOT } from '../../helpers/paths.js';

describe('cookie auth refresh', () => {
  it('is true for every request that carried the old secret, false for one that already had the new one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cookie-'));
    const file = path.join(dir, '.cookie');
    fs.writeFileSync(file, '__cookie__:old');
    const auth = createAuth({ cookieFile: file });
    const stale = await auth.header();
    fs.writeFileSync(file, '__cookie__:new');
    // Two requests in flight with the old header: the first refresh updates the cache for both.
    expect(await auth.refresh(stale)).toBe(true);
    expect(await auth.refresh(stale)).toBe(true);
    const fresh = await auth.header();
    expect(fresh).not.toBe(stale);
    // A request refused although it carried the current secret: sending it again cannot help.
    expect(await auth.refresh(fresh)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('a cookie this user may not read', () => {
  it('names the fix: rpccookieperms=group (Core >= 28) and the group, or an rpcauth user', () => {
    expect(cookieError('/var/lib/bitcoind/.cookie', 'EACCES')).toBe(
      'BITCOIN_RPC_COOKIE_FILE /var/lib/bitcoind/.cookie cannot be read (EACCES): this user may not read ' +
        "bitcoind's cookie. Either set rpccookieperms=group in bitcoin.conf (Bitcoin Core 28 or later) and add this " +
        "user to bitcoind's group, or give the suite its own rpcauth user (BITCOIN_RPC_USER / BITCOIN_RPC_PASSWORD)",
    );
  });

  // The real refusal needs another user than root (root reads any file): `runuser` to nobody.
  const mod = path.join(REPO_ROOT, 'dist', 'src', 'sources', 'bitcoind', 'auth.js');
  // nobody must reach the built code (a checkout under a 0700 directory, as CI's copy is, it cannot).
  const canDrop =
    process.getuid?.() === 0 && spawnSync('runuser', ['-u', 'nobody', '--', 'test', '-r', mod]).status === 0;
  it.skipIf(!canDrop)("as another user, reading bitcoind's 0600 cookie is that message (exit 2)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cookie-perm-'));
    fs.chmodSync(dir, 0o755);
    const file = path.join(dir, '.cookie');
    fs.writeFileSync(file, '__cookie__:secret', { mode: 0o600 });
    const r = spawnSync(
      'runuser',
      [
        '-u',
        'nobody',
        '--',
        process.execPath,
        '--input-type=module',
        '-e',
        `const { checkAuth } = await import(${JSON.stringify(mod)});
         try { await checkAuth({ cookieFile: ${JSON.stringify(file)} }); } catch (e) { process.stdout.write(e.message); }`,
      ],
      { encoding: 'utf8' },
    );
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.stdout).toBe(cookieError(file, 'EACCES'));
  });
  if (!canDrop)
    it.skip('reading the cookie as another user: skipped, needs root, runuser, and a checkout nobody can read', () =>
      undefined);
});
