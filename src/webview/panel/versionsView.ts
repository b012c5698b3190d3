// Version history as a timeline, newest first, 100 versions a page (more as you scroll, so thousands
// of versions stay quick). Each version: when (relative, absolute beside it), rows, what changed
// against the version before it, its tags, and actions: browse it read-only, compare, tag it.
// Two versions picked with their checkboxes (or one, against the latest) are compared by the host;
// the difference shows above the list.
import type { VersionDiff, VersionInfo } from '../../shared/types';
import { RpcError } from '../../shared/rpc';
import { formatBytes, formatCount, h } from '../ui/dom';
import { badge, button } from '../ui/toolkit';
import type { PanelContext, VersionsViewApi } from './context';

const PAGE = 100;

interface Row {
  info: VersionInfo;
  li: HTMLLIElement;
  check: HTMLInputElement;
  rows: HTMLElement;
  what: HTMLElement;
  tags: HTMLElement;
}

export function versionsView(ctx: PanelContext): VersionsViewApi {
  const d = ctx.description;
  let loaded: Row[] = [];
  const byVersion = new Map<number, Row>();
  let total: number | undefined;
  let latest = d.latestVersion;
  let loading = false;
  let failed = false;
  let generation = 0;
  let selected: number[] = [];
  let disposed = false;

  const status = h('div', { class: 'versions-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'versions-status' });
  const summary = h('span', { class: 'muted', 'data-testid': 'versions-summary' }, 'Loading versions…');
  const hint = h('span', { class: 'muted compare-hint' });
  const compareSelectedBtn = button('Compare selected', () => compareSelected(), { testId: 'compare-selected', title: 'Compare the versions ticked in the list' });
  const changed = h('span', { class: 'versions-changed', hidden: true });
  const diffBox = h('section', { class: 'version-diff', 'data-testid': 'version-diff', hidden: true, 'aria-live': 'polite', tabindex: -1 });
  const list = h('ol', { class: 'versions-timeline', 'aria-label': 'Versions, newest first' });
  const more = h('div', { class: 'versions-more', 'data-testid': 'versions-more' });

  const banner = d.pinned
    ? h(
        'div',
        { class: 'info-banner pinned-banner', role: 'note', 'data-testid': 'pinned-banner' },
        h('span', {}, `Viewing version ${d.version}${d.tag ? ` (tag “${d.tag}”)` : ''} (read-only) — `),
        button('Back to latest', () => void browse(undefined), { testId: 'back-to-latest', title: `Show the latest version (${d.latestVersion}) again` }),
      )
    : null;

  const element = h(
    'section',
    { class: 'versions-view', 'data-testid': 'versions' },
    banner,
    h(
      'div',
      { class: 'toolbar versions-toolbar' },
      summary,
      hint,
      compareSelectedBtn,
      button('Refresh', () => reset(), { secondary: true, testId: 'versions-refresh', title: 'List the versions again' }),
      changed,
    ),
    status,
    diffBox,
    list,
    more,
  );

  // ------------------------------------------------------------------------------------------------
  // Paging
  // ------------------------------------------------------------------------------------------------

  const hasMore = () => total === undefined || loaded.length < total;

  async function loadMore(): Promise<void> {
    if (loading || disposed || !hasMore()) return;
    loading = true;
    failed = false;
    const gen = generation;
    const offset = loaded.length;
    more.replaceChildren(h('span', { class: 'muted' }, offset ? 'Loading older versions…' : 'Loading versions…'));
    try {
      const page = await ctx.rpc.request('versions', { offset, limit: PAGE });
      if (gen !== generation) return;
      total = page.total;
      latest = page.latest;
      const start = loaded.length;
      const frag = document.createDocumentFragment();
      for (const v of page.versions) {
        if (byVersion.has(v.version)) continue; // a version written meanwhile shifted the pages
        const row = renderRow(v);
        loaded.push(row);
        byVersion.set(v.version, row);
        frag.append(row.li);
      }
      list.append(frag);
      if (start === 0 && loaded.length) loaded[0].li.tabIndex = 0;
      for (let i = Math.max(0, start - 1); i < loaded.length; i++) renderWhat(i);
      // A short page: nothing more to ask for, whatever total said.
      if (page.versions.length === 0) total = loaded.length;
    } catch (err) {
      if (gen !== generation) return;
      failed = true;
      more.replaceChildren(
        h('div', { class: 'error-inline', role: 'alert' }, `Could not list versions: ${message(err)}`),
        button('Try again', () => void loadMore(), { secondary: true }),
      );
      return;
    } finally {
      if (gen === generation) loading = false;
    }
    renderFooter();
    updateCompareUi();
    // Re-observing reports the sentinel's current state: a screen that still shows it asks for the next page.
    if (observer && hasMore()) {
      observer.unobserve(more);
      observer.observe(more);
    }
  }

  function renderFooter(): void {
    summary.textContent = total === undefined ? '' : `${formatCount(total)} version${total === 1 ? '' : 's'} · latest ${latest}${d.pinned ? ` · showing ${d.version}` : ''}`;
    if (hasMore()) {
      more.replaceChildren(
        button(`Load more (${formatCount(total! - loaded.length)} older)`, () => void loadMore(), { secondary: true, testId: 'versions-load-more' }),
        h('span', { class: 'muted' }, `${formatCount(loaded.length)} of ${formatCount(total!)} shown`),
      );
    } else {
      more.replaceChildren(h('span', { class: 'muted' }, total ? `All ${formatCount(total)} versions shown.` : 'No versions.'));
    }
  }

  function reset(): void {
    generation++;
    loading = false;
    loaded = [];
    byVersion.clear();
    total = undefined;
    list.replaceChildren();
    status.textContent = '';
    changed.hidden = true;
    void loadMore();
  }

  // ------------------------------------------------------------------------------------------------
  // Rows
  // ------------------------------------------------------------------------------------------------

  function renderRow(v: VersionInfo): Row {
    const isCurrent = v.version === d.version;
    const isLatest = v.version === latest;
    const check = h('input', { type: 'checkbox', class: 'version-select', 'data-testid': 'version-select', 'aria-label': `Select version ${v.version} for comparison` });
    check.checked = selected.includes(v.version);
    check.addEventListener('change', () => toggleSelected(v.version, check.checked));
    const t = v.timestamp ? Date.parse(v.timestamp) : NaN;
    const abs = Number.isNaN(t) ? undefined : absoluteTime(t);
    const rows = h('div', { class: 'v-rows' });
    const what = h('div', { class: 'v-what' });
    const tags = h('div', { class: 'v-tags' });
    const browseBtn = h(
      'button',
      {
        type: 'button',
        class: 'row-action',
        'data-testid': 'version-browse',
        title: isCurrent ? 'This version is shown now' : isLatest ? 'Show the latest version' : `Open version ${v.version} read-only in this panel`,
        disabled: isCurrent,
      },
      'Browse',
    );
    browseBtn.addEventListener('click', () => void browse(isLatest ? undefined : v.version));
    const compareBtn = h(
      'button',
      {
        type: 'button',
        class: 'row-action',
        'data-testid': 'version-compare',
        title: isLatest ? `Compare version ${v.version} with the version before it` : `Compare version ${v.version} with the latest (${latest})`,
      },
      'Compare',
    );
    compareBtn.addEventListener('click', () => compareWithLatest(v.version));
    const tagBtn = h('button', { type: 'button', class: 'row-action', 'data-testid': 'create-tag', title: `Create a tag on version ${v.version}…` }, 'Tag…');
    tagBtn.addEventListener('click', () => void createTag(v.version));
    const li = h(
      'li',
      {
        class: `version-row${isCurrent ? ' current' : ''}${isLatest ? ' latest' : ''}`,
        'data-testid': 'version-row',
        'data-version': v.version,
        'aria-current': isCurrent ? 'true' : undefined,
        'aria-label': `Version ${v.version}`,
        tabindex: -1,
      },
      h('span', { class: 'v-dot', 'aria-hidden': 'true' }),
      h('label', { class: 'v-check' }, check),
      h(
        'div',
        { class: 'v-id' },
        h('span', { class: 'v-num' }, `v${v.version}`),
        isCurrent ? badgeWith(d.pinned ? 'shown' : 'current', 'The version this panel shows', 'version-current') : null,
        isLatest && !isCurrent ? badgeWith('latest', 'The newest version on disk', 'version-latest') : null,
      ),
      h(
        'div',
        { class: 'v-time', title: v.timestamp ?? 'No time recorded' },
        h('span', { class: 'v-rel' }, Number.isNaN(t) ? 'time unknown' : relativeTime(t)),
        abs ? h('span', { class: 'v-abs muted' }, abs) : null,
      ),
      rows,
      what,
      tags,
      h('div', { class: 'v-actions' }, browseBtn, compareBtn, tagBtn),
    );
    const row: Row = { info: v, li, check, rows, what, tags };
    renderTags(row);
    return row;
  }

  /** Rows and "what changed", against the next older version (known once it is loaded). */
  function renderWhat(i: number): void {
    const row = loaded[i];
    const v = row.info;
    const older = loaded[i + 1]?.info;
    const oldest = !older && !hasMore();
    const delta = older && v.rows !== undefined && older.rows !== undefined ? v.rows - older.rows : undefined;
    row.rows.replaceChildren(h('span', {}, v.rows === undefined ? 'rows unknown' : `${formatCount(v.rows)} row${v.rows === 1 ? '' : 's'}`));
    if (delta) row.rows.append(h('span', { class: `v-delta ${delta > 0 ? 'plus' : 'minus'}` }, signed(delta)));
    const chips = v.damaged ? [{ text: 'manifest damaged: this version cannot be opened', cls: 'damaged' }] : describeChange(v, older, oldest);
    const keys = Object.keys(v.metadata);
    const details = keys.length ? h('details', { class: 'v-meta' }, h('summary', {}, `metadata (${keys.length})`)) : null;
    details?.addEventListener('toggle', () => {
      if (details.childElementCount > 1) return;
      details.append(
        h(
          'dl',
          {},
          keys.sort().flatMap((k) => [h('dt', {}, k), h('dd', {}, v.metadata[k])]),
        ),
      );
    });
    row.what.replaceChildren(
      ...chips.map((c) =>
        h(
          'span',
          { class: `v-chip ${c.cls ?? ''}`, title: c.cls === 'damaged' ? v.damaged : undefined, 'data-testid': c.cls === 'damaged' ? 'version-damaged' : undefined },
          c.text,
        ),
      ),
      ...(details ? [details] : []),
    );
  }

  function renderTags(row: Row): void {
    row.tags.replaceChildren(
      ...row.info.tags.map((name) => {
        const open = h('button', { type: 'button', class: 'tag-name', title: `Browse tag “${name}” (version ${row.info.version})` }, name);
        open.addEventListener('click', () => void browseTag(name));
        const del = h('button', { type: 'button', class: 'tag-delete', 'aria-label': `Delete tag ${name}`, title: `Delete tag “${name}”…`, 'data-testid': 'delete-tag' }, '×');
        del.addEventListener('click', () => void deleteTag(name, row.info.version));
        return h('span', { class: 'tag-badge', 'data-testid': 'tag-badge', 'data-tag': name }, h('span', { class: 'tag-icon', 'aria-hidden': 'true' }, '⚑'), open, del);
      }),
    );
  }

  /** Re-reads the page holding `version` and updates the tags shown (after a tag was created or deleted). */
  async function refreshTags(version: number): Promise<void> {
    const i = loaded.findIndex((r) => r.info.version === version);
    if (i < 0) return reset();
    const offset = Math.floor(i / PAGE) * PAGE;
    try {
      const page = await ctx.rpc.request('versions', { offset, limit: PAGE });
      if (!page.versions.some((v) => v.version === version)) return reset();
      for (const v of page.versions) {
        const row = byVersion.get(v.version);
        if (!row) continue;
        row.info = { ...row.info, tags: v.tags };
        renderTags(row);
      }
    } catch (err) {
      status.textContent = `Could not refresh the tags: ${message(err)}`;
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Actions
  // ------------------------------------------------------------------------------------------------

  async function browse(version: number | undefined): Promise<void> {
    status.textContent = version === undefined ? 'Opening the latest version…' : `Opening version ${version}…`;
    try {
      await ctx.rpc.request('browse', version === undefined ? {} : { version }, { timeoutMs: 0 });
    } catch (err) {
      status.textContent = `Could not open ${version === undefined ? 'the latest version' : `version ${version}`}: ${message(err)}`;
    }
  }

  async function browseTag(tag: string): Promise<void> {
    status.textContent = `Opening tag “${tag}”…`;
    try {
      await ctx.rpc.request('browse', { tag }, { timeoutMs: 0 });
    } catch (err) {
      status.textContent = `Could not open tag “${tag}”: ${message(err)}`;
    }
  }

  async function createTag(version: number): Promise<void> {
    status.textContent = '';
    try {
      // The host asks for the name and a confirmation: no time limit while the user answers.
      const { created } = await ctx.rpc.request('createTag', { version }, { timeoutMs: 0 });
      if (!created) return;
      status.textContent = `Tag created on version ${version}.`;
      await refreshTags(version);
    } catch (err) {
      status.textContent = `Could not create the tag: ${message(err)}`;
    }
  }

  async function deleteTag(name: string, version: number): Promise<void> {
    status.textContent = '';
    try {
      const { deleted } = await ctx.rpc.request('deleteTag', { name }, { timeoutMs: 0 });
      if (!deleted) return;
      status.textContent = `Tag “${name}” deleted.`;
      await refreshTags(version);
    } catch (err) {
      status.textContent = `Could not delete tag “${name}”: ${message(err)}`;
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Compare
  // ------------------------------------------------------------------------------------------------

  function toggleSelected(version: number, on: boolean): void {
    selected = selected.filter((v) => v !== version);
    if (on) selected.push(version);
    while (selected.length > 2) {
      const dropped = selected.shift()!;
      const r = byVersion.get(dropped);
      if (r) r.check.checked = false;
    }
    updateCompareUi();
  }

  function updateCompareUi(): void {
    const pair = selectedPair();
    compareSelectedBtn.toggleAttribute('disabled', !pair);
    if (selected.length === 2) hint.textContent = `Compare version ${pair![0]} → ${pair![1]}`;
    else if (selected.length === 1 && pair) hint.textContent = `Compare version ${pair[0]} → ${pair[1]}${pair[1] === latest ? ' (latest)' : ''}`;
    else hint.textContent = 'Tick one version to compare it with the latest, or two to compare them.';
  }

  /** The ticked versions, older first; one ticked version pairs with the latest (or, if it is the latest, its predecessor). */
  function selectedPair(): [number, number] | undefined {
    if (selected.length === 2) return [Math.min(...selected), Math.max(...selected)];
    if (selected.length === 1) return pairWithLatest(selected[0]);
    return undefined;
  }

  function pairWithLatest(version: number): [number, number] | undefined {
    if (version !== latest) return [Math.min(version, latest), Math.max(version, latest)];
    const i = loaded.findIndex((r) => r.info.version === version);
    const older = loaded[i + 1]?.info.version;
    return older === undefined ? undefined : [older, version];
  }

  function compareSelected(): void {
    const pair = selectedPair();
    if (pair) void compare(pair[0], pair[1]);
  }

  function compareWithLatest(version: number): void {
    const pair = pairWithLatest(version);
    if (pair) void compare(pair[0], pair[1]);
    else status.textContent = `Version ${version} has no other version to compare with.`;
  }

  async function compare(from: number, to: number): Promise<void> {
    diffBox.hidden = false;
    diffBox.replaceChildren(diffHeader(from, to), h('p', { class: 'muted', 'data-testid': 'diff-loading' }, `Comparing version ${from} with version ${to}…`));
    diffBox.scrollIntoView?.({ block: 'nearest' });
    try {
      const diff = await ctx.rpc.request('compareVersions', { from, to }, { channel: 'versions.compare' });
      diffBox.replaceChildren(diffHeader(diff.from, diff.to), renderDiff(diff));
    } catch (err) {
      if (err instanceof RpcError && err.info.kind === 'superseded') return;
      diffBox.replaceChildren(diffHeader(from, to), h('div', { class: 'error-inline', role: 'alert' }, `Could not compare: ${message(err)}`));
    }
  }

  function diffHeader(from: number, to: number): HTMLElement {
    const close = h('button', { type: 'button', class: 'row-action', 'aria-label': 'Close the comparison', title: 'Close', 'data-testid': 'diff-close' }, '×');
    close.addEventListener('click', () => {
      diffBox.hidden = true;
      diffBox.replaceChildren();
    });
    return h('div', { class: 'diff-head' }, h('h3', {}, `Version ${from} → version ${to}`), close);
  }

  // ------------------------------------------------------------------------------------------------
  // Keyboard: Up/Down/Home/End move between versions (one tab stop for the list); Tab reaches the row's controls.
  // ------------------------------------------------------------------------------------------------

  list.addEventListener('keydown', (e) => {
    const li = (e.target as HTMLElement).closest<HTMLLIElement>('li.version-row');
    if (!li || e.target !== li) return;
    const i = loaded.findIndex((r) => r.li === li);
    let to: number | undefined;
    if (e.key === 'ArrowDown') to = i + 1;
    else if (e.key === 'ArrowUp') to = i - 1;
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = loaded.length - 1;
    else if (e.key === ' ') {
      const r = loaded[i];
      r.check.checked = !r.check.checked;
      toggleSelected(r.info.version, r.check.checked);
      e.preventDefault();
      return;
    }
    if (to === undefined) return;
    e.preventDefault();
    const target = loaded[Math.max(0, Math.min(loaded.length - 1, to))];
    if (!target) return;
    for (const r of loaded) r.li.tabIndex = -1;
    target.li.tabIndex = 0;
    target.li.focus();
    if (to >= loaded.length - 1 && hasMore()) void loadMore();
  });
  list.addEventListener('focusin', (e) => {
    const li = (e.target as HTMLElement).closest<HTMLLIElement>('li.version-row');
    if (!li) return;
    for (const r of loaded) r.li.tabIndex = r.li === li ? 0 : -1;
  });

  // ------------------------------------------------------------------------------------------------
  // Wiring
  // ------------------------------------------------------------------------------------------------

  const offChanged = ctx.rpc.on('datasetChanged', ({ latestVersion }) => {
    changed.hidden = false;
    changed.replaceChildren(`Version ${latestVersion} was written. `);
    const refresh = h('button', { type: 'button', class: 'row-action' }, 'Show it');
    refresh.addEventListener('click', () => reset());
    changed.append(refresh);
  });

  // The first page is asked for when the list comes on screen; later pages when its end does.
  const observer: IntersectionObserver | undefined =
    typeof IntersectionObserver === 'function'
      ? new IntersectionObserver((entries) => {
          if (entries.some((e) => e.isIntersecting) && !failed) void loadMore();
        })
      : undefined;
  if (observer) observer.observe(more);
  else void loadMore();
  updateCompareUi();

  return {
    element,
    onShow() {
      if (!loaded.length && !loading) void loadMore();
    },
    compare(from: number, to: number) {
      void compare(from, to);
    },
    dispose() {
      disposed = true;
      generation++; // answers still on their way are dropped
      observer?.disconnect();
      offChanged();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Pieces
// ---------------------------------------------------------------------------------------------------

function badgeWith(text: string, title: string, testId: string): HTMLElement {
  const b = badge(text, title);
  b.dataset.testid = testId;
  return b;
}

function num(m: Record<string, string>, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = m[k];
    if (v !== undefined && v !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return undefined;
}

/** What a version changed against the one before it, from what its metadata records (facts, no guesses). */
export function describeChange(v: VersionInfo, older: VersionInfo | undefined, oldest: boolean): { text: string; cls?: string }[] {
  const out: { text: string; cls?: string }[] = [];
  const op = v.metadata.operation ?? v.metadata.op;
  if (op) out.push({ text: op, cls: 'op' });
  if (!older) {
    if (oldest) out.push({ text: 'first version', cls: 'op' });
    const f = num(v.metadata, 'total_fragments', 'fragments');
    if (f !== undefined) out.push({ text: `${formatCount(f)} fragment${f === 1 ? '' : 's'}` });
    return out;
  }
  let any = false;
  const frag = [num(older.metadata, 'total_fragments', 'fragments'), num(v.metadata, 'total_fragments', 'fragments')];
  if (frag[0] !== undefined && frag[1] !== undefined && frag[0] !== frag[1]) {
    out.push({ text: `fragments ${formatCount(frag[0])} → ${formatCount(frag[1])}` });
    any = true;
  }
  const del = [num(older.metadata, 'total_deletion_file_rows'), num(v.metadata, 'total_deletion_file_rows')];
  if (del[0] !== undefined && del[1] !== undefined && del[0] !== del[1]) {
    const n = del[1] - del[0];
    out.push({ text: n > 0 ? `${formatCount(n)} row${n === 1 ? '' : 's'} deleted` : `${formatCount(-n)} deleted rows compacted away`, cls: n > 0 ? 'minus' : undefined });
    any = true;
  }
  const size = [num(older.metadata, 'total_files_size'), num(v.metadata, 'total_files_size')];
  if (size[0] !== undefined && size[1] !== undefined && size[0] !== size[1]) {
    const n = size[1] - size[0];
    out.push({ text: `${n > 0 ? '+' : '−'}${formatBytes(Math.abs(n))} data` });
    any = true;
  }
  if (v.rows !== undefined && older.rows !== undefined && v.rows !== older.rows) any = true;
  if (!any && !op && (frag[1] !== undefined || size[1] !== undefined || v.rows !== undefined))
    out.push({ text: 'rows and files unchanged (a schema, index, tag or metadata change)', cls: 'muted' });
  return out;
}

function renderDiff(diff: VersionDiff): HTMLElement {
  const rowsDelta = diff.rows.to - diff.rows.from;
  const list = (items: HTMLElement[], none: string) => (items.length ? h('ul', { class: 'diff-list' }, items) : h('span', { class: 'muted' }, none));
  const item = (cls: 'added' | 'removed' | 'changed', ...text: (string | HTMLElement)[]) =>
    h(
      'li',
      { class: `diff-${cls}` },
      h('span', { class: 'diff-sign', 'aria-hidden': 'true' }, cls === 'added' ? '+' : cls === 'removed' ? '−' : '~'),
      h('span', { class: 'sr-only' }, `${cls}: `),
      ...text,
    );
  const ids = (xs: number[]) => (xs.length > 20 ? `${xs.slice(0, 20).join(', ')}, … (${formatCount(xs.length)})` : xs.join(', '));
  const s = diff.schema;
  return h(
    'table',
    { class: 'grid kv diff-table' },
    h(
      'tbody',
      {},
      h(
        'tr',
        { 'data-testid': 'diff-rows' },
        h('th', {}, 'Rows'),
        h(
          'td',
          {},
          `${formatCount(diff.rows.from)} → ${formatCount(diff.rows.to)} `,
          h('span', { class: `v-delta ${rowsDelta > 0 ? 'plus' : rowsDelta < 0 ? 'minus' : 'muted'}` }, rowsDelta ? `(${signed(rowsDelta)})` : '(no change)'),
        ),
      ),
      h(
        'tr',
        { 'data-testid': 'diff-fragments' },
        h('th', {}, 'Fragments'),
        h(
          'td',
          {},
          `${formatCount(diff.fragments.from)} → ${formatCount(diff.fragments.to)}: `,
          h('span', { class: 'plus', title: diff.fragments.added.length ? `ids ${ids(diff.fragments.added)}` : '' }, `+${formatCount(diff.fragments.added.length)} added`),
          ', ',
          h('span', { class: 'minus', title: diff.fragments.removed.length ? `ids ${ids(diff.fragments.removed)}` : '' }, `−${formatCount(diff.fragments.removed.length)} removed`),
        ),
      ),
      h(
        'tr',
        { 'data-testid': 'diff-schema' },
        h('th', {}, 'Schema'),
        h(
          'td',
          {},
          list(
            [
              ...s.added.map((f) => item('added', h('code', {}, f.name), h('span', { class: 'muted' }, `: ${f.type}`))),
              ...s.removed.map((f) => item('removed', h('code', {}, f.name), h('span', { class: 'muted' }, `: ${f.type}`))),
              ...s.changed.map((f) => item('changed', h('code', {}, f.name), h('span', { class: 'muted' }, `: ${f.from} → ${f.to}`))),
            ],
            'No schema changes.',
          ),
        ),
      ),
      h(
        'tr',
        { 'data-testid': 'diff-indices' },
        h('th', {}, 'Indices'),
        h(
          'td',
          {},
          list(
            [...diff.indices.added.map((n) => item('added', n)), ...diff.indices.removed.map((n) => item('removed', n, h('span', { class: 'muted' }, ' (dropped)')))],
            'No index changes.',
          ),
        ),
      ),
      h(
        'tr',
        { 'data-testid': 'diff-metadata' },
        h('th', {}, 'Metadata keys'),
        h(
          'td',
          {},
          list(
            [
              ...diff.metadata.added.map((k) => item('added', h('code', {}, k))),
              ...diff.metadata.removed.map((k) => item('removed', h('code', {}, k))),
              ...diff.metadata.changed.map((k) => item('changed', h('code', {}, k), h('span', { class: 'muted' }, ' (value changed)'))),
            ],
            'No metadata changes.',
          ),
        ),
      ),
    ),
  );
}

function signed(n: number): string {
  return n > 0 ? `+${formatCount(n)}` : `−${formatCount(-n)}`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['week', 7 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];
const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 hours ago", "yesterday", "in 2 minutes" (clock skew), "just now". */
export function relativeTime(t: number, now = Date.now()): string {
  const s = (t - now) / 1000;
  if (Math.abs(s) < 45) return 'just now';
  for (const [unit, secs] of UNITS) {
    if (Math.abs(s) >= secs * (unit === 'minute' ? 1 : 0.95)) return rtf.format(Math.round(s / secs), unit);
  }
  return rtf.format(Math.round(s / 60), 'minute');
}

function absoluteTime(t: number): string {
  return new Date(t).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
