// Headless Chromium (Debian's `chromium` package, or CHROMIUM naming the binary), driven with
// playwright-core over its DevTools protocol: no browser download, the system's own build. Tests
// that need it say they are skipped otherwise. Also used by the README's screenshots.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

function findChromium(): string | undefined {
  const named = process.env.CHROMIUM;
  if (named) return fs.existsSync(named) ? named : undefined;
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'])
    if (fs.existsSync(p)) return p;
  return undefined;
}

export const CHROMIUM = findChromium();
export const NO_CHROMIUM =
  'no chromium (apt-get install chromium, or set CHROMIUM): skipping the rendered-chart checks';

// The flags that work in this sandboxed, offline machine: no sandbox (root), no GPU, and nothing
// that phones home.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Headless {
  page(width?: number, height?: number): Promise<Page>;
  /** The RGBA of one pixel of a PNG, decoded by the browser itself. */
  pixel(png: Buffer, x: number, y: number): Promise<[number, number, number, number]>;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile directory of its own, removed on close. */
export async function startChromium(): Promise<Headless> {
  if (!CHROMIUM) throw new Error(NO_CHROMIUM);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1000, height: 660 },
  });
  const browser: Browser | null = context.browser();
  const blank = await context.newPage();
  return {
    async page(width = 1000, height = 660) {
      const p = await context.newPage();
      await p.setViewportSize({ width, height });
      return p;
    },
    async pixel(png, x, y) {
      // Browser-side source text: the project compiles without the DOM's types.
      return blank.evaluate<[number, number, number, number]>(`(async () => {
        const img = new Image();
        img.src = 'data:image/png;base64,${png.toString('base64')}';
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width;
        c.height = img.height;
        const g = c.getContext('2d');
        g.drawImage(img, 0, 0);
        return [...g.getImageData(${Math.round(x)}, ${Math.round(y)}, 1, 1).data];
      })()`);
    },
    async close() {
      await context.close();
      await browser?.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
