// Helpers shared by the inspector E2E scenarios (inspect.test.ts, versions.test.ts): ground truth read
// with @lancedb/lancedb, file hashing, polling, and small readers of the dataset panel's webview.
// Everything that decides pass/fail reads the UI through its data-testid attributes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Locator } from 'playwright-core';
import { lancedb } from '../fixtures/lance';
import type { VSCodeSession } from './harness';
import { treeChecksums } from '../helpers/corpus';

export const OPEN_COMMAND = 'Lance: Open Dataset…';

/** sha256 of every file under `dir`, keyed by relative path and sorted: any write, creation or deletion shows up. */
export function hashTree(dir: string): Map<string, string> {
  return new Map([...treeChecksums(dir)].sort(([a], [b]) => a.localeCompare(b)));
}

/** Relative paths whose content differs (written, created or deleted) between two hashTree() results. */
export function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k)).sort();
}

export async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: Error | undefined;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e as Error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The first number in `text` with its thousands separators removed. */
export function firstNumber(text: string): number | undefined {
  const m = text.match(/\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+|\d+/)?.[0];
  return m === undefined ? undefined : Number(m.replace(/\D/g, ''));
}

/** Opens a LanceDB table (a `<name>.lance` folder or any dataset folder) for ground truth; `fn` runs with it. */
export async function withTable<T>(dataset: string, fn: (t: import('@lancedb/lancedb').Table) => Promise<T>): Promise<T> {
  // lancedb.connect(parent).openTable(name) only finds `<name>.lance`; a dataset folder with another name
  // is opened through a symlink named like one (outside the workspace, where no watcher sees it).
  const base = path.basename(dataset);
  let parent = path.dirname(dataset);
  const name = base.replace(/\.lance$/, '');
  let link: string | undefined;
  if (!base.endsWith('.lance')) {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-e2e-truth-'));
    link = parent;
    fs.symlinkSync(dataset, path.join(parent, `${name}.lance`), 'dir');
  }
  const db = await lancedb.connect(parent);
  const table = await db.openTable(name);
  try {
    return await fn(table);
  } finally {
    table.close();
    db.close();
    if (link) fs.rmSync(link, { recursive: true, force: true });
  }
}

/** The active editor tab's title. */
export async function activeTabTitle(v: VSCodeSession): Promise<string> {
  const label = v.page.locator('.editor-group-container.active .tabs-container .tab.active .label-name').first();
  return (await label.count()) ? (await label.innerText()).trim() : '';
}

/** "Lance: Open Dataset…" with `folder` typed; returns the panel's webview frame once its header shows. */
export async function openDataset(v: VSCodeSession, folder: string): Promise<Frame> {
  await v.runCommand(OPEN_COMMAND);
  await v.waitForQuickInput('Open Lance Dataset');
  await v.answerQuickInput(folder, () => v.screenshot('open-path-typed'));
  const name = path.basename(folder).replace(/\.lance$/, '');
  await poll(`an editor tab "Lance: ${name}"`, async () => ((await activeTabTitle(v)) === `Lance: ${name}` ? true : undefined));
  return panelFrame(v, name);
}

/** The dataset panel frame whose header names `name`. */
export async function panelFrame(v: VSCodeSession, name: string): Promise<Frame> {
  return poll(`the panel webview of ${name}`, async () => {
    for (const f of [...v.page.frames()].reverse()) {
      if (f.isDetached()) continue;
      try {
        const h = f.locator('[data-testid=dataset-name]');
        if ((await h.count()) && (await h.first().innerText()).trim() === name && (await h.first().isVisible())) return f;
      } catch {
        /* detached meanwhile */
      }
    }
    return undefined;
  });
}

/** Clicks a panel tab (tab-rows, tab-versions, …) inside the webview. */
export async function showTab(frame: Frame, id: 'rows' | 'schema' | 'versions' | 'indices' | 'similar' | 'curation'): Promise<void> {
  await frame.locator(`[data-testid=tab-${id}]`).click();
  await frame.waitForFunction((t) => document.querySelector(`[data-testid=tab-${t}]`)?.getAttribute('aria-selected') === 'true', id, { timeout: 5_000 }).catch(() => undefined);
}

/** Rows tab's row count text, e.g. "100 of 2,000 rows". */
export async function rowCountText(frame: Frame): Promise<string> {
  return (await frame.locator('[data-testid=row-count]').innerText()).trim();
}

export interface GridRow {
  index: number;
  rowId: string;
  /** Cell text by column name. */
  cells: Record<string, string>;
  /** Thumbnails in the row: decoded = complete with naturalWidth > 0. */
  thumbs: { decoded: boolean; naturalWidth: number }[];
}

/** The loaded rows the grid has in its DOM (visible plus a few overscan), in order. */
export async function gridRows(frame: Frame): Promise<GridRow[]> {
  return frame.evaluate(() => {
    const grid = document.querySelector('[data-testid=rows-grid]');
    if (!grid) return [];
    const names = Array.from(grid.querySelectorAll<HTMLElement>('.grid-header [data-column]')).map((c) => c.dataset.column ?? '');
    return Array.from(grid.querySelectorAll<HTMLElement>('[data-testid=grid-row][data-rowid]')).map((r) => {
      const cells: Record<string, string> = {};
      r.querySelectorAll<HTMLElement>('.grid-cell[data-col]').forEach((c) => {
        cells[names[Number(c.dataset.col)] ?? `#${c.dataset.col}`] = c.innerText.trim();
      });
      return {
        index: Number(r.dataset.index),
        rowId: r.dataset.rowid ?? '',
        cells,
        thumbs: Array.from(r.querySelectorAll<HTMLImageElement>('img[data-testid=thumb]')).map((img) => ({
          decoded: img.complete && img.naturalWidth > 0,
          naturalWidth: img.naturalWidth,
        })),
      };
    });
  });
}

/**
 * Waits (polling in the webview, 50 ms) until the grid shows `total` rows in its count and at least
 * `minThumbs` decoded thumbnails among loaded rows; `rowsMatch` (a source string of a predicate over
 * a row's label_name) must hold for every loaded row. Returns the ms waited.
 */
/**
 * Waits until the grid shows the count matching `count` and at least `minThumbs` decoded thumbnails;
 * returns when that was first seen, by the page's clock (epoch ms: the same clock as Date.now() here),
 * so a measure is not stretched by the round trips of the wait itself. `pollMs`: how often it looks.
 */
export async function waitForGrid(frame: Frame, opts: { count: RegExp; minThumbs: number; labelPrefix?: string; timeoutMs?: number; pollMs?: number }): Promise<number> {
  const seen = await frame.waitForFunction(
    ({ count, flags, minThumbs, labelPrefix }) => {
      const countEl = document.querySelector<HTMLElement>('[data-testid=row-count]');
      if (!countEl || !new RegExp(count, flags).test(countEl.innerText)) return false;
      const grid = document.querySelector('[data-testid=rows-grid]');
      if (!grid) return false;
      const rows = Array.from(grid.querySelectorAll<HTMLElement>('[data-testid=grid-row][data-rowid]'));
      if (!rows.length) return false;
      if (labelPrefix !== undefined) {
        const names = Array.from(grid.querySelectorAll<HTMLElement>('.grid-header [data-column]')).map((c) => c.dataset.column);
        const col = names.indexOf('label_name');
        if (!rows.every((r) => (r.querySelector<HTMLElement>(`.grid-cell[data-col="${col}"]`)?.innerText.trim() ?? '').startsWith(labelPrefix))) return false;
      }
      const decoded = rows.flatMap((r) => Array.from(r.querySelectorAll<HTMLImageElement>('img[data-testid=thumb]'))).filter((i) => i.complete && i.naturalWidth > 0);
      return decoded.length >= minThumbs ? Date.now() : false;
    },
    { count: opts.count.source, flags: opts.count.flags, minThumbs: opts.minThumbs, labelPrefix: opts.labelPrefix },
    { polling: opts.pollMs ?? 50, timeout: opts.timeoutMs ?? 30_000 },
  );
  return (await seen.jsonValue()) as number;
}

/** Waits until the Similar tab shows `queryId`'s query card and 10 results with decoded images. */
/** Returns when it was first seen, by the page's clock (as waitForGrid). */
export async function waitForSimilar(frame: Frame, queryId: string, timeoutMs = 30_000, pollMs = 50): Promise<number> {
  const seen = await frame.waitForFunction(
    (id) => {
      const q = document.querySelector('[data-testid=similar-query]');
      const idOf = (card: Element) => {
        const dt = Array.from(card.querySelectorAll('dt')).find((d) => d.textContent?.trim() === 'id');
        return (dt?.nextElementSibling as HTMLElement | null)?.innerText.trim();
      };
      if (!q || idOf(q) !== id) return false;
      const cards = [q, ...Array.from(document.querySelectorAll('[data-testid=similar-result]'))];
      const done =
        cards.length === 11 &&
        cards.every((c) => {
          const img = c.querySelector<HTMLImageElement>('img');
          return !!img && img.complete && img.naturalWidth > 0;
        });
      return done ? Date.now() : false;
    },
    queryId,
    { polling: pollMs, timeout: timeoutMs },
  );
  return (await seen.jsonValue()) as number;
}

/** `Locator` of the tree rows in the Lance activity-bar container. */
export function lanceTreeRows(v: VSCodeSession): Locator {
  return v.page.locator('.part.sidebar .monaco-list-row');
}

export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** One timing line for the issue notes (collected and printed again at the end of each file). */
export const timings: string[] = [];
export function timing(what: string, ms: number): void {
  const line = `${what}: ${ms} ms`;
  timings.push(line);
  console.log(`[e2e][timing] ${line}`);
}

export interface TreeRow {
  label: string;
  description: string;
  level: number;
  expanded: string | null;
}

/** Rows of the Lance container's tree views, top to bottom. */
export async function treeRows(v: VSCodeSession): Promise<TreeRow[]> {
  return lanceTreeRows(v).evaluateAll((rows) =>
    rows.map((r) => ({
      label: r.querySelector('.label-name')?.textContent?.trim() ?? '',
      description: r.querySelector('.label-description')?.textContent?.trim() ?? '',
      level: Number(r.getAttribute('aria-level') ?? 0),
      expanded: r.getAttribute('aria-expanded'),
    })),
  );
}

export function treeRow(v: VSCodeSession, label: string, level?: number) {
  const rows = lanceTreeRows(v).filter({ has: v.page.locator('.label-name', { hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) });
  return level === undefined ? rows.first() : rows.and(v.page.locator(`[aria-level="${level}"]`)).first();
}

/** Expands a tree row by its twistie (a click on the label would run the row's command). */
export async function expand(v: VSCodeSession, label: string, level?: number): Promise<void> {
  const row = treeRow(v, label, level);
  await row.waitFor({ state: 'visible' });
  if ((await row.getAttribute('aria-expanded')) === 'true') return;
  await row.locator('.monaco-tl-twistie').click();
  await poll(`tree row "${label}" expanded`, async () => ((await row.getAttribute('aria-expanded')) === 'true' ? true : undefined));
}

export async function showLanceContainer(v: VSCodeSession): Promise<void> {
  const item = v.page.locator('.part.activitybar .action-item a.action-label[aria-label^="Lance"]').first();
  await item.click();
  await v.page.locator('.part.sidebar .composite.title', { hasText: /LANCE/i }).waitFor({ state: 'visible' });
}
