// Thumbnails already made, by the image's content and size, for the whole extension host: scrolling
// back, a panel shown again (VS Code destroys a hidden webview and its next load asks again), the same
// dataset reopened or another version of it all send images decoded before, and a JPEG costs 3–4 ms to
// scale (jpegThumbnail.ts) against ~0.2 ms to hash. Keyed by content, not row id: row ids change with
// versions and compaction, bytes do not; identical images share one entry.
import * as crypto from 'crypto';
import type { Cell } from '../../shared/types';
import { makeThumbnailUrls } from './thumbnailLanes';
import { thumbnailUrl } from './thumbnailUrl';

/** JPEGs smaller than this are sent as they are: a thumbnail would save little channel time and cost ~1–3 ms to make. */
const MIN_THUMBNAIL_SOURCE = 24 * 1024;

/**
 * Bytes of thumbnails kept: some 2,000 of a 64-px cell's (~4 KB as a data: URL), 150 screenfuls back.
 * The extension host's memory counts (bench:vscode: +176 MB over its start after 10,000 rows with 32 MB).
 */
const MAX_BYTES = 8 * 1024 * 1024;
/** A JPEG that could not be scaled (or not to fewer bytes): remembered too, so it is not tried again. */
const NONE = '';

const kept = new Map<string, string>();
let keptBytes = 0;

/**
 * Replaces the bytes of the large JPEG cells in these rows (top-level cells, as encodeCell writes them)
 * by thumbnails about `px` on their longer side: kept ones at once, the others made on both lanes
 * (thumbnailLanes.ts) and kept. A JPEG of which no thumbnail can be made keeps its bytes.
 */
export async function withThumbnails(rows: Cell[][], px: number): Promise<void> {
  const cells: { cell: Extract<Cell, { t: 'bin' }>; key: string }[] = [];
  for (const row of rows) {
    for (const cell of row) {
      if (!cell || typeof cell !== 'object' || cell.t !== 'bin' || cell.media !== 'image/jpeg' || !cell.bytes || cell.bytes.byteLength <= MIN_THUMBNAIL_SOURCE) continue;
      const key = keyOf(cell.bytes, px);
      const url = kept.get(key);
      if (url === undefined) cells.push({ cell, key });
      else use(cell, touch(key, url));
    }
  }
  if (!cells.length) return;
  const urls = await makeThumbnailUrls(
    cells.map((c) => c.cell.bytes!),
    px,
  );
  cells.forEach(({ cell, key }, i) => use(cell, keep(key, urls[i])));
}

/** The thumbnail of one JPEG of any size (see withThumbnails), made on this thread and kept; undefined when none can be made. */
export function cachedJpegThumbnail(jpeg: Uint8Array, px: number): string | undefined {
  const key = keyOf(jpeg, px);
  const url = kept.get(key);
  const found = url === undefined ? keep(key, thumbnailUrl(jpeg, px)) : touch(key, url);
  return found === NONE ? undefined : found;
}

function keyOf(jpeg: Uint8Array, px: number): string {
  return `${px}:${crypto.createHash('md5').update(jpeg).digest('base64')}`;
}

function use(cell: Extract<Cell, { t: 'bin' }>, url: string): void {
  if (url === NONE) return;
  cell.thumb = url;
  delete cell.bytes;
}

/** Most recently used last, so eviction takes the oldest first. */
function touch(key: string, url: string): string {
  kept.delete(key);
  kept.set(key, url);
  return url;
}

function keep(key: string, url: string): string {
  if (kept.has(key)) return touch(key, url);
  kept.set(key, url);
  keptBytes += url.length + key.length;
  for (const [k, v] of kept) {
    if (keptBytes <= MAX_BYTES) break;
    kept.delete(k);
    keptBytes -= v.length + k.length;
  }
  return url;
}

/** Thumbnails kept now (for tests and the benchmark). */
export function thumbnailCacheSize(): { entries: number; bytes: number } {
  return { entries: kept.size, bytes: keptBytes };
}

/** Forget every kept thumbnail (tests and the benchmark measure cold and warm). */
export function clearThumbnailCache(): void {
  kept.clear();
  keptBytes = 0;
}
