// Entry of dist/thumbnailWorker.js (its own esbuild bundle): makes the thumbnails of the JPEGs it is
// sent (thumbnailLanes.ts) and posts their URLs back, in order. It never touches the dataset.
import { parentPort } from 'worker_threads';
import { thumbnailUrl } from './thumbnailUrl';
import type { ThumbnailJobs, ThumbnailUrls } from './thumbnailLanes';

const port = parentPort!;
port.on('message', ({ id, px, jpegs }: ThumbnailJobs) => {
  const urls: ThumbnailUrls = { id, urls: jpegs.map((j) => thumbnailUrl(j, px)) };
  port.postMessage(urls);
});
