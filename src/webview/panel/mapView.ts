// The Map tab: a 2-D map of a vector column (PCA or UMAP, computed by the host in a worker and cached),
// every row a point coloured by a column, with pan and zoom, hover (the row's thumbnail and label), click
// (selects the row: the Row Preview follows) and a lasso that makes a selection to act on.
import { labelColumnOf } from '../../shared/labelColumn';
import { RpcError } from '../../shared/rpc';
import { float32Of, int32Of, rowIdAt, uint32Of } from '../../shared/typedBytes';
import { SIGNAL_COLOUR_LABELS, SIGNAL_COLOUR_PREFIX, signalOfColour } from '../../shared/signalColour';
import type { Cell, EmbeddingMap, MapMethod } from '../../shared/types';
import { ImageUrls, renderCell } from '../cells';
import { bounds, PointGrid, pointsInPolygon } from '../map/geometry';
import { categoryRgb, cssOf, NEUTRAL, scaleGradient, scaleRgb } from '../map/palette';
import { createRenderer, type Camera, type PointRenderer } from '../map/renderer';
import { formatCount, h } from '../ui/dom';
import { button } from '../ui/toolkit';
import type { PanelContext, View } from './context';

const STATE_KEY = 'map';
/** Pointer distance (CSS px) within which a point is under the pointer. */
const PICK_RADIUS = 6;
/** A press that moved less than this (CSS px) is a click, not a drag. */
const CLICK_SLOP = 4;
const HOVER_FETCH_DELAY = 150;
const ZOOM_STEP = 1.25;

interface MapUiState {
  column?: string;
  method?: MapMethod;
  /** '' for one colour. */
  colorBy?: string;
}

/** A map as the view uses it: typed arrays viewed from the bytes that came. */
interface Points {
  info: EmbeddingMap;
  x: Float32Array;
  y: Float32Array;
  ids: Uint32Array;
  codes?: Int32Array;
  values?: Float32Array;
  grid: PointGrid;
}

export interface MapViewApi extends View {
  /** Compute or load the map of the chosen column (the palette's "Show Embedding Map" lands here). */
  load(recompute?: boolean): void;
  /** For tests: where point i is drawn (CSS px within the map's canvas), and whether it is shown. */
  pointOnScreen(i: number): { x: number; y: number; shown: boolean } | undefined;
}

export function mapView(ctx: PanelContext): MapViewApi {
  const schema = ctx.description.schema;
  const vectorFields = schema.filter((f) => f.kind === 'vector' && !f.unsupported);
  const colourFields = schema.filter((f) => !f.unsupported && ['string', 'dictionary', 'bool', 'int', 'float'].includes(f.kind));
  const imageColumn = schema.find((f) => f.kind === 'binary')?.name;
  const labelColumn = labelColumnOf(schema)?.field.name;
  const saved = ctx.getState<MapUiState>(STATE_KEY) ?? {};
  const state: Required<MapUiState> = {
    column: vectorFields.some((f) => f.name === saved.column) ? saved.column! : (vectorFields[0]?.name ?? ''),
    method: saved.method === 'umap' ? 'umap' : 'pca',
    colorBy:
      saved.colorBy !== undefined && (saved.colorBy === '' || colourFields.some((f) => f.name === saved.colorBy) || signalOfColour(saved.colorBy))
        ? saved.colorBy
        : (labelColumn ?? ''),
  };
  const save = () => ctx.setState(STATE_KEY, state);

  // ----- toolbar -----------------------------------------------------------------------------------
  const select = (id: string, label: string, options: { value: string; label: string }[], value: string, onChange: (v: string) => void) => {
    const el = h('select', { id, 'data-testid': id, 'aria-label': label }, ...options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)));
    el.addEventListener('change', () => onChange(el.value));
    return [h('label', { for: id, class: 'muted' }, label), el] as const;
  };
  const columnSelect = select(
    'map-column',
    'Vector column',
    vectorFields.map((f) => ({ value: f.name, label: `${f.name}${f.dimension ? ` (${f.dimension}-d)` : ''}` })),
    state.column,
    (v) => {
      state.column = v;
      save();
      load(false);
    },
  );
  const methodSelect = select(
    'map-method',
    'Projection',
    [
      { value: 'pca', label: 'PCA (exact, seconds)' },
      { value: 'umap', label: 'UMAP (minutes, through the vector index)' },
    ],
    state.method,
    (v) => {
      state.method = v === 'umap' ? 'umap' : 'pca';
      save();
      load(false);
    },
  );
  const colourSelect = select(
    'map-colour',
    'Colour by',
    [
      { value: '', label: '(one colour)' },
      ...colourFields.map((f) => ({ value: f.name, label: f.name })),
      ...Object.entries(SIGNAL_COLOUR_LABELS).map(([kind, label]) => ({ value: SIGNAL_COLOUR_PREFIX + kind, label })),
    ],
    state.colorBy,
    (v) => {
      state.colorBy = v;
      save();
      load(false);
    },
  );
  const recomputeBtn = button('Recompute', () => load(true), { secondary: true, testId: 'map-recompute', title: 'Compute the map again, replacing the cached one' });
  const lassoBtn = h(
    'button',
    { class: 'map-tool', type: 'button', 'aria-pressed': 'false', 'data-testid': 'map-lasso', title: 'Lasso: drag around points to select them (or Shift+drag)' },
    'Lasso',
  );
  let lassoMode = false;
  lassoBtn.addEventListener('click', () => {
    lassoMode = !lassoMode;
    lassoBtn.setAttribute('aria-pressed', String(lassoMode));
    stage.classList.toggle('lasso-mode', lassoMode);
  });
  const zoomIn = h('button', { class: 'map-tool', type: 'button', 'aria-label': 'Zoom in', title: 'Zoom in (+)', 'data-testid': 'map-zoom-in' }, '+');
  const zoomOut = h('button', { class: 'map-tool', type: 'button', 'aria-label': 'Zoom out', title: 'Zoom out (−)', 'data-testid': 'map-zoom-out' }, '−');
  const resetBtn = h('button', { class: 'map-tool', type: 'button', title: 'Show the whole map (0)', 'data-testid': 'map-reset' }, 'Reset view');
  zoomIn.addEventListener('click', () => zoomAt(ZOOM_STEP));
  zoomOut.addEventListener('click', () => zoomAt(1 / ZOOM_STEP));
  resetBtn.addEventListener('click', () => fit());

  // ----- progress, status ----------------------------------------------------------------------------
  const bar = h('progress', { class: 'map-progress-bar', 'aria-label': 'Map computation' });
  const progressText = h('span', { class: 'muted' }, 'Starting…');
  let running: { id: number; cancel(): void } | undefined;
  const cancelBtn = button('Cancel', () => running?.cancel(), { secondary: true, testId: 'map-cancel', title: 'Stop computing the map' });
  const progress = h('div', { class: 'map-progress', 'data-testid': 'map-progress', hidden: true, role: 'status', 'aria-live': 'polite' }, bar, progressText, cancelBtn);
  const status = h('div', { class: 'map-status', 'data-testid': 'map-status', role: 'status' });
  const message = h('div', { class: 'map-message', 'data-testid': 'map-message' });

  // ----- the map ------------------------------------------------------------------------------------
  const canvas = h('canvas', { class: 'map-canvas', 'data-testid': 'map-canvas' });
  const overlay = h('canvas', { class: 'map-overlay', 'aria-hidden': 'true' });
  const tooltip = h('div', { class: 'map-tooltip', 'data-testid': 'map-tooltip', hidden: true, role: 'tooltip' });
  const live = h('div', { class: 'sr-only', 'aria-live': 'polite', 'data-testid': 'map-live' });
  const stage = h(
    'div',
    { class: 'map-stage', tabindex: 0, role: 'application', 'aria-roledescription': 'embedding map', 'aria-label': 'Embedding map', 'data-testid': 'map-stage', 'data-points': 0 },
    canvas,
    overlay,
    tooltip,
  );
  const legend = h('aside', { class: 'map-legend', 'data-testid': 'map-legend', 'aria-label': 'Legend' });
  const selectionCount = h('span', { 'data-testid': 'map-selection-count' });
  const selectionBar = h(
    'div',
    { class: 'map-selection', 'data-testid': 'map-selection', hidden: true, role: 'region', 'aria-label': 'Selection' },
    selectionCount,
    button('Show in Rows', () => void keepSelection('show'), {
      secondary: true,
      testId: 'map-show-in-rows',
      title: 'Show the selected rows in the Rows tab (a row set: ✕ there goes back to the table)',
    }),
    button('Find similar', () => findSimilarToSelection(), { secondary: true, testId: 'map-find-similar', title: 'Nearest neighbours of the first selected row' }),
    button('Export…', () => void keepSelection('export'), { secondary: true, testId: 'map-export', title: 'Export the selected rows (Export Rows… on this selection)' }),
    button('Clear selection', () => setSelection([]), { secondary: true, testId: 'map-clear-selection', title: 'Clear the selection (Escape)' }),
  );

  let renderer: PointRenderer | undefined;
  let fallback: string | undefined;
  let points: Points | undefined;
  const cam: Camera = { cx: 0, cy: 0, scale: 1 };
  let hidden = new Set<number>();
  let selected: number[] = [];
  let selectedSet = new Set<number>();
  let clicked = -1;
  let hover = -1;
  const images = new ImageUrls();

  const shown = (i: number) => !points?.codes || !hidden.has(points.codes[i]);
  const size = () => ({ w: stage.clientWidth || 600, h: stage.clientHeight || 400 });
  const toScreen = (x: number, y: number) => {
    const { w, h: hh } = size();
    return { x: (x - cam.cx) * cam.scale + w / 2, y: hh / 2 - (y - cam.cy) * cam.scale };
  };
  const toData = (sx: number, sy: number) => {
    const { w, h: hh } = size();
    return { x: (sx - w / 2) / cam.scale + cam.cx, y: (hh / 2 - sy) / cam.scale + cam.cy };
  };

  function ensureRenderer(): PointRenderer {
    if (!renderer) {
      // `window.__mapRenderer` ('webgl' | 'canvas') lets tests and the benchmark run either path.
      ({ renderer, fallback } = createRenderer(canvas, (window as { __mapRenderer?: 'webgl' | 'canvas' }).__mapRenderer));
      stage.dataset.renderer = renderer.kind;
    }
    return renderer;
  }

  let frame = 0;
  function draw(): void {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (!points) return;
      const { w, h: hh } = size();
      ensureRenderer().draw(cam, w, hh, pointSize());
      drawOverlay();
    });
  }

  function pointSize(): number {
    const n = points?.info.count ?? 0;
    return n > 50_000 ? 3 : n > 10_000 ? 4 : 6;
  }

  function drawOverlay(): void {
    const { w, h: hh } = size();
    const dpr = window.devicePixelRatio || 1;
    overlay.width = Math.round(w * dpr);
    overlay.height = Math.round(hh * dpr);
    const g = overlay.getContext('2d');
    if (!g || !points) return;
    g.scale(dpr, dpr);
    const ring = (i: number, colour: string, r: number) => {
      if (i < 0) return;
      const p = toScreen(points!.x[i], points!.y[i]);
      g.beginPath();
      g.arc(p.x, p.y, r, 0, 2 * Math.PI);
      g.lineWidth = 2;
      g.strokeStyle = colour;
      g.stroke();
    };
    const fg = getComputedStyle(stage).getPropertyValue('--vscode-focusBorder').trim() || '#0078d4';
    ring(hover, getComputedStyle(stage).color || '#ccc', 7);
    ring(clicked, fg, 9);
    if (document.activeElement === stage && stage.matches(':focus-visible')) {
      // The centre mark that Enter selects at (keyboard use).
      g.beginPath();
      g.moveTo(w / 2 - 8, hh / 2);
      g.lineTo(w / 2 + 8, hh / 2);
      g.moveTo(w / 2, hh / 2 - 8);
      g.lineTo(w / 2, hh / 2 + 8);
      g.lineWidth = 1;
      g.strokeStyle = fg;
      g.stroke();
    }
    if (lasso.length >= 4) {
      g.beginPath();
      g.moveTo(lasso[0], lasso[1]);
      for (let i = 2; i < lasso.length; i += 2) g.lineTo(lasso[i], lasso[i + 1]);
      g.closePath();
      g.setLineDash([4, 3]);
      g.lineWidth = 1.5;
      g.strokeStyle = fg;
      g.stroke();
    }
  }

  /** RGBA per point: its colour, hidden ones transparent, and all but the selection dimmed when there is one. */
  function recolour(): void {
    if (!points) return;
    const n = points.info.count;
    const rgba = new Uint8Array(n * 4);
    const colour = points.info.colour;
    const span = colour?.kind === 'numeric' ? colour.max - colour.min || 1 : 1;
    let drawn = 0;
    for (let i = 0; i < n; i++) {
      const rgb = points.codes ? categoryRgb(points.codes[i]) : points.values && colour?.kind === 'numeric' ? scaleRgb((points.values[i] - colour.min) / span) : 0x3794ff;
      const on = shown(i);
      if (on) drawn++;
      rgba[i * 4] = (rgb >> 16) & 255;
      rgba[i * 4 + 1] = (rgb >> 8) & 255;
      rgba[i * 4 + 2] = rgb & 255;
      rgba[i * 4 + 3] = !on ? 0 : selected.length && !selectedSet.has(i) ? 90 : 235;
    }
    ensureRenderer().setPoints(points.x, points.y, rgba);
    stage.dataset.points = String(drawn);
    stage.setAttribute(
      'aria-label',
      `Embedding map of ${formatCount(drawn)} points (${points.info.method.toUpperCase()} of ${points.info.column}). Arrows pan, + and − zoom, 0 resets, Enter selects the point at the centre, Shift+drag selects an area.`,
    );
    draw();
  }

  function fit(): void {
    if (!points) return;
    const b = bounds(points.x, points.y);
    const { w, h: hh } = size();
    cam.cx = (b.minX + b.maxX) / 2;
    cam.cy = (b.minY + b.maxY) / 2;
    cam.scale = 0.92 * Math.min(w / Math.max(b.maxX - b.minX, 1e-9), hh / Math.max(b.maxY - b.minY, 1e-9));
    draw();
  }

  function zoomAt(factor: number, sx?: number, sy?: number): void {
    const { w, h: hh } = size();
    const before = toData(sx ?? w / 2, sy ?? hh / 2);
    cam.scale *= factor;
    const after = toData(sx ?? w / 2, sy ?? hh / 2);
    cam.cx += before.x - after.x;
    cam.cy += before.y - after.y;
    draw();
  }

  // ----- loading -----------------------------------------------------------------------------------
  let loadSeq = 0;
  function load(recompute = false): void {
    if (!state.column) {
      message.replaceChildren(h('p', { class: 'muted', 'data-testid': 'map-no-vector' }, 'This table has no vector column to map.'));
      return;
    }
    running?.cancel();
    const seq = ++loadSeq;
    const req = ctx.rpc.start('embeddingMap', { column: state.column, method: state.method, colorBy: state.colorBy || undefined, recompute }, { timeoutMs: 0, channel: 'map' });
    const mine = { id: req.id, cancel: req.cancel };
    running = mine;
    bar.removeAttribute('value');
    progressText.textContent = `Preparing the ${state.method.toUpperCase()} map of “${state.column}”…`;
    progress.hidden = false;
    message.replaceChildren();
    stage.setAttribute('aria-busy', 'true');
    const off = ctx.rpc.on('progress', (e) => {
      if (e.requestId !== req.id) return;
      bar.max = Math.max(1, e.total);
      bar.value = Math.min(e.done, e.total);
      progressText.textContent = `${e.stage ? `${e.stage[0].toUpperCase()}${e.stage.slice(1)}: ` : ''}${formatCount(e.done)} of ${formatCount(e.total)} (${e.total ? Math.floor((e.done / e.total) * 100) : 0}%)`;
    });
    req.result
      .then(
        (info) => {
          if (seq !== loadSeq) return;
          show(info);
        },
        (err: unknown) => {
          if (seq !== loadSeq) return;
          const info = err instanceof RpcError ? err.info : undefined;
          if (info?.kind === 'superseded') return;
          message.replaceChildren(
            info?.kind === 'cancelled'
              ? h('p', { class: 'muted', 'data-testid': 'map-cancelled' }, `Cancelled: the ${state.method.toUpperCase()} map of “${state.column}” was not computed.`)
              : h(
                  'div',
                  { class: 'error-inline', role: 'alert', 'data-testid': 'map-error' },
                  `Could not map “${state.column}”: ${info?.message ?? String(err)}`,
                  info?.detail ? h('pre', { class: 'detail' }, info.detail) : null,
                ),
          );
        },
      )
      .finally(() => {
        off();
        if (running === mine) {
          running = undefined;
          progress.hidden = true;
          stage.removeAttribute('aria-busy');
        }
      });
  }

  function show(info: EmbeddingMap): void {
    const x = float32Of(info.x);
    const y = float32Of(info.y);
    const keepView = points && points.info.column === info.column && points.info.method === info.method && points.info.computedAt === info.computedAt;
    points = {
      info,
      x,
      y,
      ids: uint32Of(info.rowIds),
      codes: info.colour?.kind === 'category' ? int32Of(info.colour.codes) : undefined,
      values: info.colour?.kind === 'numeric' ? float32Of(info.colour.values) : undefined,
      grid: new PointGrid(x, y),
    };
    hidden = new Set();
    if (!keepView) {
      setSelection([], false);
      clicked = -1;
    }
    hover = -1;
    ensureRenderer();
    renderStatus(info);
    renderLegend(info);
    recolour();
    if (!keepView) fit();
  }

  function renderStatus(info: EmbeddingMap): void {
    const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
    const method = info.method === 'pca' ? 'PCA' : 'UMAP';
    const explained = info.explained ? ` (axes explain ${(info.explained[0] * 100).toFixed(1)}% and ${(info.explained[1] * 100).toFixed(1)}% of the variance)` : '';
    const nb = info.neighbours ? ` from ${info.neighbours.k} neighbours a row (${info.neighbours.answeredBy}, ${info.neighbours.metric}, ${secs(info.neighbours.ms)})` : '';
    const when = new Date(info.computedAt).toLocaleString();
    status.replaceChildren(
      ...[
        h('span', { 'data-testid': 'map-count' }, `${formatCount(info.count)} points`),
        ` · ${method} of ${info.column}${explained}${nb} · `,
        h(
          'span',
          { 'data-testid': 'map-timing', title: `Reading the vectors ${secs(info.readMs)}, computing ${secs(info.computeMs)}` },
          info.cached ? `from the cache (computed ${when} in ${secs(info.readMs + info.computeMs)})` : `computed in ${secs(info.readMs + info.computeMs)}`,
        ),
        info.sampled
          ? h(
              'div',
              { class: 'map-note', 'data-testid': 'map-sampled' },
              `A seeded sample of ${formatCount(info.count)} of the ${formatCount(info.totalRows)} rows (setting lanceInspector.map.maxPoints = ${formatCount(info.maxPoints)}; seed ${info.seed}: the same version gives the same sample).`,
            )
          : null,
        info.skipped ? h('div', { class: 'map-note' }, `${formatCount(info.skipped)} rows left out: their vector is null or holds NaN/±Infinity.`) : null,
        fallback ? h('div', { class: 'map-note', 'data-testid': 'map-fallback' }, `${fallback}: drawn with the canvas 2D fallback.`) : null,
      ].filter((c): c is HTMLElement | string => !!c),
    );
  }

  function renderLegend(info: EmbeddingMap): void {
    const c = info.colour;
    if (!c) {
      legend.replaceChildren(h('p', { class: 'muted' }, 'One colour: choose a column to colour by.'));
      return;
    }
    if (c.kind === 'numeric') {
      legend.replaceChildren(
        h('div', { class: 'legend-title' }, c.column),
        h('div', { class: 'legend-scale', style: `background: ${scaleGradient()}`, 'aria-hidden': 'true' }),
        h('div', { class: 'legend-ends' }, h('span', {}, fmt(c.min)), h('span', {}, fmt(c.max))),
        h('p', { class: 'muted' }, `Grey: no value (null or NaN).`),
      );
      return;
    }
    const entry = (code: number, label: string, count: number) => {
      const b = h(
        'button',
        { type: 'button', class: 'legend-entry', 'aria-pressed': 'true', 'data-testid': 'legend-entry', 'data-code': code, title: 'Click to hide or show these points' },
        h('span', { class: 'swatch', style: `background: ${cssOf(code < 0 ? NEUTRAL : categoryRgb(code))}`, 'aria-hidden': 'true' }),
        h('span', { class: 'legend-label' }, label),
        h('span', { class: 'muted legend-count' }, formatCount(count)),
      );
      b.addEventListener('click', () => {
        if (hidden.has(code)) hidden.delete(code);
        else hidden.add(code);
        b.setAttribute('aria-pressed', String(!hidden.has(code)));
        b.classList.toggle('off', hidden.has(code));
        if (selected.length) setSelection(selected.filter(shown), false);
        recolour();
        live.textContent = `${hidden.has(code) ? 'Hid' : 'Showing'} ${label}: ${stage.dataset.points} points shown.`;
      });
      return b;
    };
    const nulls = points?.codes ? points.codes.reduce((n, v) => n + (v === -1 ? 1 : 0), 0) : 0;
    legend.replaceChildren(
      h('div', { class: 'legend-title' }, c.column),
      ...c.values.map((v, i) => entry(i, v, c.counts[i])),
      ...(c.otherCount ? [entry(-2, `other (rarer values)`, c.otherCount)] : []),
      ...(nulls ? [entry(-1, 'null', nulls)] : []),
    );
  }

  // ----- selection -----------------------------------------------------------------------------------
  function rowIdOf(i: number): string {
    return rowIdAt(points!.ids, i);
  }

  function setSelection(list: number[], redraw = true): void {
    selected = list;
    selectedSet = new Set(list);
    selectionBar.hidden = list.length === 0;
    selectionCount.textContent = `${formatCount(list.length)} point${list.length === 1 ? '' : 's'} selected`;
    stage.dataset.selected = String(list.length);
    if (redraw) recolour();
  }

  /** The selection as a host-kept row set, shown in Rows; for "Export…", then the export of that view. */
  async function keepSelection(then: 'show' | 'export'): Promise<void> {
    if (!points || !selected.length) return;
    const rowIds = selected.map(rowIdOf);
    try {
      const set = await ctx.rpc.request('keepRowSet', { rowIds, label: 'Map selection' });
      ctx.showRowSet(set);
      if (then === 'export') {
        // The export writes the panel's view: name the set in it now (the Rows tab reports it too).
        ctx.reportView({ rowSet: set });
        await ctx.rpc.request('command', { id: 'exportRows' });
      }
    } catch (err) {
      const info = err instanceof RpcError ? err.info : undefined;
      message.replaceChildren(h('div', { class: 'error-inline', role: 'alert', 'data-testid': 'map-error' }, `Could not keep the selection: ${info?.message ?? String(err)}`));
    }
  }

  function findSimilarToSelection(): void {
    if (!points || !selected.length) return;
    ctx.findSimilar(rowIdOf(selected[0]));
  }

  function selectPoint(i: number): void {
    clicked = i;
    if (i < 0) return draw();
    // Not a position in the Rows tab: like a Similar card, the row is named by its id.
    ctx.reportView({ selectedRowId: rowIdOf(i), selectedIndex: undefined, selectedByClick: true });
    stage.dataset.clicked = rowIdOf(i);
    live.textContent = `Selected row ${rowIdOf(i)}${labelText(i) ? `, ${labelText(i)}` : ''}.`;
    draw();
  }

  function labelText(i: number): string {
    const c = points?.info.colour;
    if (!c || !points) return '';
    if (c.kind === 'category') {
      const code = points.codes![i];
      return `${c.column}: ${code >= 0 ? c.values[code] : code === -1 ? 'null' : 'other'}`;
    }
    return `${c.column}: ${fmt(points.values![i])}`;
  }

  // ----- hover -------------------------------------------------------------------------------------
  let hoverTimer: ReturnType<typeof setTimeout> | undefined;
  let hoverSeq = 0;
  function setHover(i: number, sx: number, sy: number): void {
    if (i === hover) return;
    hover = i;
    clearTimeout(hoverTimer);
    draw();
    if (i < 0 || !points) {
      tooltip.hidden = true;
      return;
    }
    const id = rowIdOf(i);
    const thumb = h('div', { class: 'map-thumb' });
    tooltip.replaceChildren(thumb, h('div', { 'data-testid': 'map-tooltip-label' }, labelText(i) || `row ${id}`), h('div', { class: 'muted' }, `row id ${id}`));
    tooltip.hidden = false;
    const { w } = size();
    tooltip.style.left = `${Math.min(sx + 14, w - 180)}px`;
    tooltip.style.top = `${Math.max(0, sy - 10)}px`;
    if (!imageColumn) return;
    const seq = ++hoverSeq;
    // Debounced: sweeping across the map asks only for the row the pointer rests on.
    hoverTimer = setTimeout(() => {
      void ctx.rpc
        .request('row', { rowId: id, columns: [imageColumn] }, { channel: 'map-hover' })
        .then((r) => {
          if (seq !== hoverSeq) return;
          const cell: Cell | undefined = r.row[0];
          if (cell && typeof cell === 'object' && cell.t === 'bin' && cell.bytes) thumb.replaceChildren(renderCell(cell, { images, thumbSize: 96 }));
          thumb.dataset.testid = 'map-thumb';
        })
        .catch(() => undefined);
    }, HOVER_FETCH_DELAY);
  }

  // ----- pointer and keys ---------------------------------------------------------------------------
  let drag: { x: number; y: number; cx: number; cy: number; moved: boolean; lasso: boolean } | undefined;
  let lasso: number[] = [];
  const local = (e: PointerEvent | WheelEvent | MouseEvent) => {
    const r = stage.getBoundingClientRect();
    // Relative to the canvas, which sits inside the stage's border.
    return { x: e.clientX - r.left - stage.clientLeft, y: e.clientY - r.top - stage.clientTop };
  };
  stage.addEventListener('pointerdown', (e) => {
    if (!points || e.button !== 0) return;
    stage.focus();
    try {
      stage.setPointerCapture(e.pointerId);
    } catch {
      // A synthetic pointer (tests, benchmarks) cannot be captured; the drag works without.
    }
    const p = local(e);
    drag = { x: p.x, y: p.y, cx: cam.cx, cy: cam.cy, moved: false, lasso: lassoMode || e.shiftKey };
    lasso = drag.lasso ? [p.x, p.y] : [];
  });
  stage.addEventListener('pointermove', (e) => {
    if (!points) return;
    const p = local(e);
    if (drag) {
      if (Math.hypot(p.x - drag.x, p.y - drag.y) > CLICK_SLOP) drag.moved = true;
      if (drag.lasso) {
        lasso.push(p.x, p.y);
        draw();
      } else {
        cam.cx = drag.cx - (p.x - drag.x) / cam.scale;
        cam.cy = drag.cy + (p.y - drag.y) / cam.scale;
        draw();
      }
      return;
    }
    const d = toData(p.x, p.y);
    setHover(points.grid.nearest(d.x, d.y, PICK_RADIUS / cam.scale, shown), p.x, p.y);
  });
  stage.addEventListener('pointerup', (e) => {
    if (!drag || !points) return;
    const p = local(e);
    const was = drag;
    drag = undefined;
    if (was.lasso && was.moved) {
      const poly = new Float64Array(lasso.length);
      for (let i = 0; i < lasso.length; i += 2) {
        const d = toData(lasso[i], lasso[i + 1]);
        poly[i] = d.x;
        poly[i + 1] = d.y;
      }
      lasso = [];
      setSelection(pointsInPolygon(points.x, points.y, poly, shown));
      live.textContent = selectionCount.textContent ?? '';
    } else if (!was.moved) {
      lasso = [];
      const d = toData(p.x, p.y);
      selectPoint(points.grid.nearest(d.x, d.y, PICK_RADIUS / cam.scale, shown));
    } else draw();
  });
  stage.addEventListener('pointerleave', () => {
    if (!drag) setHover(-1, 0, 0);
  });
  stage.addEventListener(
    'wheel',
    (e) => {
      if (!points) return;
      e.preventDefault();
      const p = local(e);
      zoomAt(Math.exp(-e.deltaY / 400), p.x, p.y);
    },
    { passive: false },
  );
  stage.addEventListener('keydown', (e) => {
    if (!points) return;
    const step = 40 / cam.scale;
    const keys: Record<string, () => void> = {
      '+': () => zoomAt(ZOOM_STEP),
      '=': () => zoomAt(ZOOM_STEP),
      '-': () => zoomAt(1 / ZOOM_STEP),
      '0': () => fit(),
      ArrowLeft: () => ((cam.cx -= step), draw()),
      ArrowRight: () => ((cam.cx += step), draw()),
      ArrowUp: () => ((cam.cy += step), draw()),
      ArrowDown: () => ((cam.cy -= step), draw()),
      // From the keyboard: pan the map under the centre mark, Enter selects the point nearest to it.
      Enter: () => {
        const { w, h: hh } = size();
        const c = toData(w / 2, hh / 2);
        const i = points!.grid.nearest(c.x, c.y, (4 * PICK_RADIUS) / cam.scale, shown);
        selectPoint(i);
        setHover(i, w / 2, hh / 2);
        if (i < 0) live.textContent = 'No point at the centre of the map.';
      },
      Escape: () => {
        setSelection([]);
        selectPoint(-1);
      },
    };
    const fn = keys[e.key];
    if (!fn) return;
    e.preventDefault();
    fn();
  });
  stage.addEventListener('focus', () => draw());
  stage.addEventListener('blur', () => draw());
  new ResizeObserver(() => draw()).observe(stage);

  const element = h(
    'section',
    { class: 'map-view', 'data-testid': 'map-view' },
    h(
      'div',
      { class: 'toolbar' },
      ...columnSelect,
      ...methodSelect,
      ...colourSelect,
      recomputeBtn,
      h('span', { class: 'map-tools', role: 'group', 'aria-label': 'View' }, lassoBtn, zoomIn, zoomOut, resetBtn),
    ),
    progress,
    status,
    message,
    h('div', { class: 'map-body' }, stage, legend),
    selectionBar,
    live,
  );

  return {
    element,
    load,
    onShow() {
      if (!points && !running) load(false);
      else draw();
    },
    pointOnScreen(i) {
      if (!points || i < 0 || i >= points.info.count) return undefined;
      return { ...toScreen(points.x[i], points.y[i]), shown: shown(i) };
    },
    dispose() {
      running?.cancel();
      images.revokeAll();
      renderer?.dispose();
    },
  };
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return 'null';
  return Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(6)));
}
