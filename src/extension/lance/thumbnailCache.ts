// Thumbnails already made, by the image's content and size, for the whole extension host: scrolling
// back, a panel shown again (VS Code destroys a hidden webview and its next load asks again), the same
// dataset reopened or another version of it all send images decoded before, and a JPEG costs 3–4 ms to
// scale (jpegThumbnail.ts) against ~0.2 ms to hash. Keyed by content, not row id: row ids change with
// versions and compaction, bytes do not; identical images share one entry.
import * as crypto from 'crypto';
import { jpegThumbnail } from './jpegThumbnail';

/**
 * Bytes of thumbnails kept: about 1,000–1,700 of a 64-px cell's (9–15 KB), some 100 screenfuls back.
 * The extension host's memory counts (bench:vscode: +176 MB over its start after 10,000 rows with 32 MB).
 */
const MAX_BYTES = 16 * 1024 * 1024;
/** A JPEG that could not be scaled: remembered too, so it is not tried again. */
const NONE = new Uint8Array(0);

const kept = new Map<string, Uint8Array>();
let keptBytes = 0;

/** The BMP thumbnail of a JPEG about `px` on its longer side (see jpegThumbnail), made once. */
export function cachedJpegThumbnail(jpeg: Uint8Array, px: number): Uint8Array | undefined {
  const key = `${px}:${crypto.createHash('md5').update(jpeg).digest('base64')}`;
  let bmp = kept.get(key);
  if (bmp) {
    kept.delete(key);
    kept.set(key, bmp);
  } else {
    bmp = jpegThumbnail(jpeg, px)?.bmp ?? NONE;
    kept.set(key, bmp);
    keptBytes += bmp.byteLength + key.length;
    for (const [k, v] of kept) {
      if (keptBytes <= MAX_BYTES) break;
      kept.delete(k);
      keptBytes -= v.byteLength + k.length;
    }
  }
  return bmp === NONE ? undefined : bmp;
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
