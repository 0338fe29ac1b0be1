import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { activeSilence, setSilence, silenceFile } from '../../src/alerts/silence.js';

// The silence file as an operator may write it by hand: what counts, and what is reported.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const NOW = Date.parse('2026-12-06T12:00:00Z');

function withFile(text: string | undefined) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silence-'));
  dirs.push(dir);
  if (text !== undefined) {
    fs.mkdirSync(path.join(dir, 'alerts'));
    fs.writeFileSync(silenceFile(dir), text);
  }
  const problems: string[] = [];
  return { dir, silence: activeSilence(dir, NOW, (p) => problems.push(p)), problems };
}

describe('activeSilence', () => {
  it.each([
    ['no file', undefined, false, 0],
    ['until later (Z)', '{"until": "2026-12-06T14:00:00Z"}', true, 0],
    ['until later (offset)', '{"until": "2026-12-06T15:00:00+02:00"}', true, 0],
    ['expired', '{"until": "2026-12-06T11:59:59Z"}', false, 0],
    ['not JSON', 'until tomorrow', false, 1],
    ['no until', '{"for": "2h"}', false, 1],
    ['an until that is no time', '{"until": "tomorrow"}', false, 1],
  ] as const)('%s', (_name, text, silenced, problems) => {
    const r = withFile(text);
    expect(r.silence !== undefined).toBe(silenced);
    expect(r.problems).toHaveLength(problems);
    if (problems) expect(r.problems[0]).toMatch(/silence\.json must be \{"until": "<ISO time>"\}/);
  });

  it('setSilence writes the file it documents and reads back', () => {
    const { dir } = withFile(undefined);
    const s = setSilence(dir, NOW, 90 * 60_000, 'node upgrade');
    expect(s).toEqual({
      until: '2026-12-06T13:30:00.000Z',
      set_at: '2026-12-06T12:00:00.000Z',
      reason: 'node upgrade',
    });
    expect(activeSilence(dir, NOW)).toEqual(s);
    expect(fs.readdirSync(path.join(dir, 'alerts'))).toEqual(['silence.json']);
  });
});
