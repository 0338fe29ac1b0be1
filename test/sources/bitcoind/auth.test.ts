// The cookie's refresh is judged against the header the refused request carried, so every request
// that left with the old secret is sent again, however the 401s interleave.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAuth } from '../../../src/sources/bitcoind/auth.js';

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
