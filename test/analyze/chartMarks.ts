// Reads a chart's marks back from the page Chromium laid out: where each element landed (its
// box in page pixels, after the browser's own layout), its text and its stroke.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { chartHtml } from '../../src/analyze/chartAxis.js';
import { startChromium, type Headless } from '../helpers/chromium.js';

export interface Mark {
  cls: string;
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
  stroke: string;
  dash: string;
  data: Record<string, string>;
}

// Browser-side code is kept as source text: the project compiles without the DOM's types.
const READ_MARKS = `[...document.querySelectorAll('svg [class], svg text')].map((el) => {
  const r = el.getBoundingClientRect();
  const cs = getComputedStyle(el);
  return {
    cls: el.getAttribute('class') ?? '',
    text: el.textContent ?? '',
    x: r.x, y: r.y, w: r.width, h: r.height,
    stroke: cs.stroke,
    dash: cs.strokeDasharray,
    data: Object.fromEntries(Object.entries(el.dataset)),
  };
})`;

/** Every element with a class (and every text element), as laid out. */
export async function readMarks(page: Page): Promise<Mark[]> {
  return page.evaluate<Mark[]>(READ_MARKS);
}

/** The `d` of each path, by its class. */
export async function readPaths(page: Page): Promise<Record<string, string>> {
  return page.evaluate<Record<string, string>>(
    "Object.fromEntries([...document.querySelectorAll('path')].map((p) => [p.getAttribute('class'), p.getAttribute('d')]))",
  );
}
/** Whether a pixel is close to a colour (anti-aliasing blends the edges of a 2 px line). */
export function near(px: readonly number[], rgb: readonly number[], tol = 60): boolean {
  return rgb.every((c, i) => Math.abs(px[i]! - c) <= tol);
}

export const ORANGE = [255, 165, 0];
export const GREEN = [0x3d, 0xdc, 0x84];

/** One headless Chromium for a describe block: started before its tests, closed after them. */
export function useChromium(): () => Headless {
  let b: Headless | undefined;
  beforeAll(async () => {
    b = await startChromium();
  }, 60_000);
  afterAll(async () => {
    await b?.close();
  });
  return () => b!;
}

/** A chart's SVG in its HTML page, as Chromium lays it out: its marks, its paths and a screenshot. */
export async function drawChart(b: Headless, svg: string) {
  const page = await b.page();
  try {
    await page.setContent(chartHtml(svg, 'chart'));
    return { marks: await readMarks(page), paths: await readPaths(page), png: await page.screenshot({ type: 'png' }) };
  } finally {
    await page.close();
  }
}
