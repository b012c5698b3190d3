// A busy line for datasets on an object store: while requests wait for the host (pages, thumbnails,
// counts, searches), it says "Reading from s3://…" with how many, so a slow network is visible as
// such rather than as a frozen grid, and a Cancel button stops them all (the host aborts each one; the
// query time limit stops them anyway). Local datasets answer too fast to need it.
import type { RpcClient } from '../../shared/rpc';
import { isObjectStoreUri } from '../../shared/objectStoreUri';
import { h } from '../ui/dom';
import { button, progressRing } from '../ui/toolkit';

/** Requests answered faster than this never show the line (no flicker on a warm cache). */
const SHOW_AFTER_MS = 250;

export interface RemoteActivity {
  element: HTMLElement;
  /** The dataset shown now (the line stays hidden for local ones). */
  setUri(uri: string | undefined): void;
}

export function remoteActivity(rpc: RpcClient, onCancelled: () => void): RemoteActivity {
  let uri: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const text = h('span', { 'data-testid': 'remote-activity-text' });
  const cancel = button(
    'Cancel',
    () => {
      const n = rpc.cancelAll();
      hide();
      if (n) onCancelled();
    },
    { secondary: true, title: 'Stop the reads still waiting for the object store', testId: 'remote-activity-cancel' },
  );
  const element = h('div', { class: 'remote-activity', role: 'status', 'aria-live': 'polite', hidden: true, 'data-testid': 'remote-activity' }, progressRing(), text, cancel);

  const hide = () => {
    clearTimeout(timer);
    timer = undefined;
    element.hidden = true;
  };
  const show = (count: number) => {
    text.textContent = `Reading from ${uri} · ${count} ${count === 1 ? 'request' : 'requests'} waiting`;
    element.hidden = false;
  };
  rpc.onPendingChange((count) => {
    if (!uri || !isObjectStoreUri(uri) || count === 0) return hide();
    if (!element.hidden) return show(count);
    timer ??= setTimeout(() => {
      timer = undefined;
      if (rpc.pendingCount > 0) show(rpc.pendingCount);
    }, SHOW_AFTER_MS);
  });
  return {
    element,
    setUri(next) {
      uri = next;
      if (!uri || !isObjectStoreUri(uri)) hide();
    },
  };
}
