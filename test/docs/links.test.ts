import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';

// Every relative link of the README and docs/ reaches a file of the repository, and every #anchor a
// heading of that file (GitHub's slugs: lower case, punctuation dropped, spaces as hyphens).

const FILES = [
  'README.md',
  ...fs
    .readdirSync(path.join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

function slugs(file: string): Set<string> {
  const out = new Set<string>();
  let inCode = false;
  for (const line of fs.readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n')) {
    if (line.startsWith('```')) inCode = !inCode;
    const m = !inCode && /^#{1,6} (.*)$/.exec(line);
    if (m)
      out.add(
        m[1]!
          .toLowerCase()
          .replace(/[^\p{L}\p{N} _-]/gu, '')
          .replace(/ /g, '-'),
      );
  }
  return out;
}

describe('the documentation links', () => {
  const links = FILES.flatMap((file) =>
    [...fs.readFileSync(path.join(REPO_ROOT, file), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)]
      .map((m) => m[1]!)
      .filter((l) => !/^[a-z]+:/.test(l))
      .map((link) => [file, link] as const),
  );
  it('are many', () => expect(links.length).toBeGreaterThan(20));
  it.each(links)('%s -> %s', (file, link) => {
    const [target, anchor] = link.split('#') as [string, string | undefined];
    const resolved = target === '' ? file : path.normalize(path.join(path.dirname(file), target));
    expect(fs.existsSync(path.join(REPO_ROOT, resolved)), `${resolved} exists`).toBe(true);
    if (anchor) expect([...slugs(resolved)], `#${anchor} in ${resolved}`).toContain(anchor);
  });
});
