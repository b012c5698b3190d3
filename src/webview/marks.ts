// Named moments of a webview's life (`performance.mark('li:<name>')`), e.g. the first page received:
// the benchmark (test/bench/vscode.cli.ts) reads them to say where an open's time goes. No side effects
// at import, so modules that Node tests import can use it.
export function mark(name: string): void {
  globalThis.performance?.mark?.(`li:${name}`);
}

/** Images of this document loaded so far, up to FIRST_IMAGES. */
let imagesLoaded = 0;
const FIRST_IMAGES = 10;

/**
 * Marks `images-10` when the tenth image shown in a cell has loaded (the first screen's thumbnails:
 * what an open is timed to). Only the first ten are listened to.
 */
export function markFirstImages(img: HTMLImageElement): void {
  if (imagesLoaded >= FIRST_IMAGES) return;
  img.addEventListener(
    'load',
    () => {
      if (++imagesLoaded === FIRST_IMAGES) mark(`images-${FIRST_IMAGES}`);
    },
    { once: true },
  );
}
