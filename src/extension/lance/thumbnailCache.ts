// Thumbnails already made, by the image's content and size, for the whole extension host: scrolling
// back, a panel shown again (VS Code destroys a hidden webview and its next load asks again), the same
// dataset reopened or another version of it all send images decoded before, and a JPEG costs 3–4 ms to
// scale (jpegThumbnail.ts) against ~0.2 ms to hash. Keyed by content, not row id: row ids change with
// versions and compaction, bytes do not; identical images share one entry.
import * as crypto from 'crypto';
import { encodeJpeg } from './jpegEncode';
import { jpegThumbnail } from './jpegThumbnail';

/**
 * JPEG quality of thumbnails (IJG scale): a thumbnail is shown at its own size or smaller, where 85
 * shows no artefacts; it keeps a 64-px one at ~2–4 KB.
 */
const THUMBNAIL_QUALITY = 85;

/**
 * From this size on, colour is kept at half the resolution (4:2:0, as in the photo itself: a 1/2-scale
 * thumbnail of a 4:2:0 JPEG has all the colour detail the photo has at 1/4); below it, whole (4:4:4):
 * halved again, a 64-px thumbnail's colour edges bleed visibly. Half colour takes ~30% less time to
 * decode and write: find similar's eleven 250 × 188 cards took 9 + 3.6 ms each with whole colour.
 */
const LARGE_PX = 128;

/**
 * Bytes of thumbnails kept: some 4,000 of a 64-px cell's (~4 KB as a data: URL), 300 screenfuls back.
 * The extension host's memory counts (bench:vscode: +176 MB over its start after 10,000 rows with 32 MB).
 */
const MAX_BYTES = 16 * 1024 * 1024;
/** A JPEG that could not be scaled (or not to fewer bytes): remembered too, so it is not tried again. */
const NONE = '';

const kept = new Map<string, string>();
let keptBytes = 0;

/**
 * The thumbnail of a JPEG about `px` on its longer side (see jpegThumbnail) as a `data:image/jpeg`
 * URL, made once; undefined when none can be made or it would not be smaller than the JPEG.
 */
export function cachedJpegThumbnail(jpeg: Uint8Array, px: number): string | undefined {
  const key = `${px}:${crypto.createHash('md5').update(jpeg).digest('base64')}`;
  let url = kept.get(key);
  if (url !== undefined) {
    kept.delete(key);
    kept.set(key, url);
  } else {
    const large = px >= LARGE_PX;
    const pixels = jpegThumbnail(jpeg, px, large ? 'half' : 'whole');
    const small = pixels && encodeJpeg(pixels, THUMBNAIL_QUALITY, large ? '4:2:0' : '4:4:4');
    url = small && small.byteLength < jpeg.byteLength ? `data:image/jpeg;base64,${Buffer.from(small.buffer, small.byteOffset, small.byteLength).toString('base64')}` : NONE;
    kept.set(key, url);
    keptBytes += url.length + key.length;
    for (const [k, v] of kept) {
      if (keptBytes <= MAX_BYTES) break;
      kept.delete(k);
      keptBytes -= v.length + k.length;
    }
  }
  return url === NONE ? undefined : url;
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
