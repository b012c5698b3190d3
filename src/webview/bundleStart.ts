// Imported first by each webview's entry, so its mark is the moment the bundle began to run (after it
// was fetched and parsed, before its modules were evaluated): see marks.ts. From then on, main-thread
// tasks over 50 ms are marked too (`li:long-task`, lasting as long as the task), so the benchmark can
// say what held the page up while it opened.
import { mark } from './marks';

mark('bundle-start');
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) performance.measure('li:long-task', { start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
} catch {
  // No Long Tasks API (not Chromium): nothing to mark.
}
