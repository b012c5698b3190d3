// One thumbnail made: a JPEG's picture about `px` on its longer side (jpegThumbnail.ts), written as a
// small JPEG (jpegEncode.ts) in a data: URL. Pure work on bytes, run on the extension host's thread or
// in the thumbnail worker (thumbnailLanes.ts); thumbnailCache.ts keeps what it makes.
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

/** The thumbnail as a `data:image/jpeg` URL, or '' when none can be made or it would not be smaller than the JPEG. */
export function thumbnailUrl(jpeg: Uint8Array, px: number): string {
  const large = px >= LARGE_PX;
  const pixels = jpegThumbnail(jpeg, px, large ? 'half' : 'whole');
  const small = pixels && encodeJpeg(pixels, THUMBNAIL_QUALITY, large ? '4:2:0' : '4:4:4');
  return small && small.byteLength < jpeg.byteLength ? `data:image/jpeg;base64,${Buffer.from(small.buffer, small.byteOffset, small.byteLength).toString('base64')}` : '';
}
