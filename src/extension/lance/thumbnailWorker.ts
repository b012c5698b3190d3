// Entry of dist/thumbnailWorker.js (its own esbuild bundle): makes the thumbnail of each JPEG it is
// sent (thumbnailLanes.ts, one at a time) and posts its URL back. It never touches the dataset.
import { parentPort } from 'worker_threads';
import { thumbnailUrl } from './thumbnailUrl';
import type { ThumbnailDone, ThumbnailJob } from './thumbnailLanes';

const port = parentPort!;
port.on('message', ({ id, px, jpeg }: ThumbnailJob) => {
  const done: ThumbnailDone = { id, url: thumbnailUrl(jpeg, px) };
  port.postMessage(done);
});
