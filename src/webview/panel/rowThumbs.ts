// Thumbnails of rows named by id (the Curation tab's lists): the rows are kept on the host as one row set
// (replaced as the lists change) and read the way the Rows tab reads them, a page of the set with image
// bytes (rpc 'rows' with `rowSet`), only for tiles that come into view. Cells already read are kept
// (bounded), so a new threshold reads only the rows it adds.
import type { RpcClient } from '../../shared/rpc';
import type { Cell } from '../../shared/types';
import { ImageUrls, renderCell } from '../cells';
import { devicePx, h } from '../ui/dom';

/** Rows per page read: about a screenful of tiles, ~1.5 MB of 120 KB images. */
const PAGE_ROWS = 12;
/** Cells kept (each a thumbnail's bytes). */
const KEPT = 600;

export interface RowThumbs {
  /** The rows the lists now show (in display order): rows not read yet are kept on the host as the set to read from. */
  show(rowIds: string[]): Promise<void>;
  /** A tile's image box for a row: filled when its page arrives (only once it is in view). */
  box(rowId: string): HTMLElement;
  dispose(): void;
}

export function rowThumbs(rpc: RpcClient, imageColumn: () => string | undefined, thumbPx: number): RowThumbs {
  const cells = new Map<string, Cell>();
  const waiting = new Map<string, HTMLElement[]>();
  const images = new ImageUrls();
  let setId: string | undefined;
  /** Position of each unread row in the host's set. */
  let at = new Map<string, number>();
  const pagesAsked = new Set<number>();
  let generation = 0;

  const observer =
    typeof IntersectionObserver !== 'undefined'
      ? new IntersectionObserver((entries) => {
          for (const e of entries) {
            if (!e.isIntersecting) continue;
            observer?.unobserve(e.target);
            const i = at.get((e.target as HTMLElement).dataset.thumbRow ?? '');
            if (i !== undefined) ask(Math.floor(i / PAGE_ROWS));
          }
        })
      : undefined;

  function fill(el: HTMLElement, cell: Cell): void {
    el.replaceChildren(renderCell(cell, { images, thumbSize: thumbPx }));
    el.classList.remove('loading');
  }

  function ask(page: number): void {
    const col = imageColumn();
    if (!setId || !col || pagesAsked.has(page)) return;
    pagesAsked.add(page);
    const gen = generation;
    rpc
      .request('rows', {
        rowSet: setId,
        columns: [col],
        offset: page * PAGE_ROWS,
        limit: PAGE_ROWS,
        withImages: true,
        thumbnailPx: devicePx(thumbPx),
      })
      .then((res) => {
        res.rowIds.forEach((id, i) => {
          const cell = res.rows[i][0] ?? null;
          cells.set(id, cell);
          for (const el of waiting.get(id) ?? []) fill(el, cell);
          waiting.delete(id);
        });
        while (cells.size > KEPT) cells.delete(cells.keys().next().value as string);
      })
      .catch(() => {
        if (gen === generation) pagesAsked.delete(page); // asked again when the tile shows again
      });
  }

  async function showNow(rowIds: string[]): Promise<void> {
    generation++;
    // The lists are drawn anew: the old tiles' thumbnail URLs go (the bytes stay, for the new tiles).
    images.revokeAll();
    pagesAsked.clear();
    for (const els of waiting.values()) for (const el of els) observer?.unobserve(el);
    waiting.clear();
    const unread = [...new Set(rowIds)].filter((id) => !cells.has(id));
    at = new Map(unread.map((id, i) => [id, i]));
    const prev = setId;
    setId = undefined; // no page is read from the old set with the new positions
    if (!unread.length || !imageColumn()) return;
    const set = await rpc.request('keepRowSet', { rowIds: unread, label: 'Curation thumbnails', ...(prev ? { replaces: prev } : {}) });
    setId = set.id;
  }

  /** Shows run one after another: each replaces the set the one before kept. */
  let chain: Promise<void> = Promise.resolve();

  return {
    show(rowIds) {
      chain = chain.then(() => showNow(rowIds)).catch(() => undefined);
      return chain;
    },
    box(rowId) {
      const el = h('div', { class: 'thumb-box loading', 'data-thumb-row': rowId });
      if (!imageColumn()) {
        el.classList.remove('loading');
        return el;
      }
      const cell = cells.get(rowId);
      if (cell !== undefined) {
        fill(el, cell);
        return el;
      }
      waiting.set(rowId, [...(waiting.get(rowId) ?? []), el]);
      if (observer) observer.observe(el);
      else {
        const i = at.get(rowId);
        if (i !== undefined) ask(Math.floor(i / PAGE_ROWS));
      }
      return el;
    },
    dispose() {
      observer?.disconnect();
      images.revokeAll();
      cells.clear();
      waiting.clear();
    },
  };
}
