// "How did this query run": the engine's plan for a query (Explain) or the plan annotated with what
// actually happened (Analyze, which runs the query), plus a few lines in plain words saying which index
// answered, how many rows each step produced and how much was read.
//
// The plan text is DataFusion's physical plan as Lance prints it, one node a line, children indented by
// two spaces, e.g. (Analyze of `label_name = 'tabby_cat'` on the fixture, abridged):
//   AnalyzeExec verbose=true, elapsed=2.26ms, metrics=[]
//     TracedExec, elapsed=2.26ms, metrics=[]
//       LanceRead: elapsed=2.26ms, uri=…, projection=[id, label_name], …, full_filter=label_name = Utf8("tabby_cat"),
//                  refine_filter=--, metrics=[output_rows=50, …, rows_scanned=50, bytes_read=1.95 K, …]
//         ScalarIndexQuery: elapsed=1.45ms, query=[label_name = tabby_cat]@label_name_idx(Bitmap), metrics=[…]
// The summary is read from that text, node by node; nodes it does not know are passed over, and when no
// step it knows is found it says it could not summarise (the text is always there to read).
import type { IndexInfo } from '../../shared/types';
import { LanceError, PathMapper } from './errors';
import { throwIfAborted } from './stream';

/** What Query, VectorQuery (and TakeQuery) have: structural, so any of them can be explained. */
export interface ExplainableQuery {
  explainPlan(verbose?: boolean): Promise<string>;
  analyzePlan(): Promise<string>;
}

export interface QueryPlan {
  /** The engine's plan text (with the user's paths when mapPaths is given). */
  text: string;
  /** True when the query ran (Analyze): the text then carries rows, bytes and times. */
  analyzed: boolean;
  /** Plain-words lines, the most telling first (which index answered, or that it was a full scan). */
  summary: string[];
}

export type IndexHint = Pick<IndexInfo, 'name' | 'type' | 'columns'>;

export interface PlanOptions {
  /** Run the query and report what happened (analyzePlan) instead of the plan only (explainPlan(true)). */
  analyze?: boolean;
  signal?: AbortSignal;
  /**
   * Time limit. explainPlan/analyzePlan take neither a time limit nor a cancel, so on either this
   * stops waiting and rejects ('timeout' / 'cancelled'); an Analyze already running inside the
   * engine runs on to its end in the background.
   */
  timeoutMs?: number;
  /** The table's indices (LanceDataset.indices()): names an index's type and column where the plan only names it. */
  indices?: IndexHint[];
  mapPaths?: PathMapper;
}

export async function queryPlan(q: ExplainableQuery, opts: PlanOptions = {}): Promise<QueryPlan> {
  throwIfAborted(opts.signal);
  const analyzed = !!opts.analyze;
  const raw = await bounded(analyzed ? q.analyzePlan() : q.explainPlan(true), opts.signal, opts.timeoutMs);
  const text = opts.mapPaths ? opts.mapPaths(raw) : raw;
  return { text, analyzed, summary: summarizePlan(raw, opts.indices) };
}

/** The promise, or a rejection when the signal aborts or the time runs out first. */
function bounded<T>(p: Promise<T>, signal: AbortSignal | undefined, timeoutMs: number | undefined): Promise<T> {
  if (!signal && !timeoutMs) return p;
  p.catch(() => undefined); // a late failure after we stopped waiting is nobody's to handle
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(new LanceError('cancelled', 'Cancelled.'));
    };
    const timer = timeoutMs
      ? setTimeout(() => {
          done();
          reject(new LanceError('timeout', 'The query took too long and was stopped.'));
        }, timeoutMs)
      : undefined;
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        done();
        resolve(v);
      },
      (e) => {
        done();
        reject(e);
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Parsing

export interface PlanNode {
  /** The operator: LanceRead, ScalarIndexQuery, ANNSubIndex, MatchQuery, SortExec, … */
  name: string;
  depth: number;
  /** `key=value` attributes (values as printed); bare words such as `TopK(fetch=10)` under their own text with value ''. */
  attrs: Map<string, string>;
  /** Runtime metrics (Analyze only), as numbers: counts as counts, bytes as bytes, times in ms. */
  metrics: Map<string, number>;
  /** The same metrics as printed (e.g. `selectivity` = `0% (0/10)`, which is no number). */
  rawMetrics: Map<string, string>;
  /** Wall time of the node (Analyze's `elapsed=`), in ms. */
  elapsedMs?: number;
  children: PlanNode[];
  parent?: PlanNode;
}

/** The plan's nodes as a forest (normally one root), in the order printed. */
export function parsePlan(text: string): PlanNode[] {
  const roots: PlanNode[] = [];
  const stack: PlanNode[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const indent = line.length - line.trimStart().length;
    const m = /^([A-Za-z_][\w]*)(?::\s*|,\s*|\s+|$)([\s\S]*)$/.exec(line.trim());
    if (!m) continue;
    let rest = m[2];
    const metrics = new Map<string, number>();
    const rawMetrics = new Map<string, string>();
    const mm = /,?\s*metrics=\[([\s\S]*)\]\s*$/.exec(rest);
    if (mm) {
      for (const part of splitTop(mm[1])) {
        const eq = part.indexOf('=');
        if (eq > 0) {
          const key = part.slice(0, eq).trim();
          const raw = part.slice(eq + 1).trim();
          rawMetrics.set(key, raw);
          const v = metricValue(raw);
          if (v !== undefined) metrics.set(key, v);
        }
      }
      rest = rest.slice(0, mm.index);
    }
    const attrs = new Map<string, string>();
    for (const part of splitTop(rest)) {
      const kv = /^(\w+)=([\s\S]*)$/.exec(part);
      if (kv) attrs.set(kv[1], kv[2]);
      else if (part) attrs.set(part, '');
    }
    const elapsed = attrs.get('elapsed');
    const node: PlanNode = { name: m[1], depth: Math.floor(indent / 2), attrs, metrics, rawMetrics, elapsedMs: elapsed ? durationMs(elapsed) : undefined, children: [] };
    while (stack.length && stack[stack.length - 1].depth >= node.depth) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) {
      node.parent = parent;
      parent.children.push(node);
    } else roots.push(node);
    stack.push(node);
  }
  return roots;
}

/** Splits "a=1, b=[x, y], TopK(fetch=10)" at the commas outside brackets, parentheses and quotes. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (const c of s) {
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"') quote = c;
    else if (c === '[' || c === '(' || c === '{') depth++;
    else if (c === ']' || c === ')' || c === '}') depth--;
    if (c === ',' && depth === 0 && !quote) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/**
 * A metric as printed: counts "2.00 K" / "4.10 M" (thousands, millions), sizes "5.5 KB" / "7.8 MB"
 * (binary units), durations "830.71µs" / "16.43ms" / "1ns" (returned in ms), plain numbers.
 */
function metricValue(v: string): number | undefined {
  const t = durationMs(v);
  if (t !== undefined) return t;
  const m = /^(-?\d+(?:\.\d+)?)\s*(K|M|G|T|B|KB|MB|GB|TB)?$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  const scale: Record<string, number> = { K: 1e3, M: 1e6, G: 1e9, T: 1e12, B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
  return n * (m[2] ? scale[m[2]] : 1);
}

function durationMs(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ns|µs|us|ms|s)$/.exec(v.trim());
  if (!m) return undefined;
  const f: Record<string, number> = { ns: 1e-6, µs: 1e-3, us: 1e-3, ms: 1, s: 1000 };
  return Number(m[1]) * f[m[2]];
}

function walk(nodes: PlanNode[], visit: (n: PlanNode) => void): void {
  for (const n of nodes) {
    visit(n);
    walk(n.children, visit);
  }
}

// ---------------------------------------------------------------------------------------------
// Summary

export const UNSUMMARISED = 'Could not summarise this plan: the plan text below says how the query ran.';

/** Plain-words lines for a plan text (Explain or Analyze), the access path first, totals last. */
export function summarizePlan(text: string, indices: IndexHint[] = []): string[] {
  const roots = parsePlan(text);
  const analyzed = roots.some((r) => r.name === 'AnalyzeExec');
  const lines: string[] = [];
  const all: PlanNode[] = [];
  walk(roots, (n) => all.push(n));
  const rows = (n: PlanNode | undefined) => (analyzed && n ? n.metrics.get('output_rows') : undefined);
  const arrow = (n: number | undefined) => (n === undefined ? '' : ` → ${count(n)} ${n === 1 ? 'row' : 'rows'}`);

  // Vector search through an index.
  for (const ann of all.filter((n) => n.name === 'ANNSubIndex')) {
    const name = ann.attrs.get('name') ?? '?';
    const hint = indices.find((i) => i.name === name);
    const part = ann.children.find((c) => c.name === 'ANNIvfPartition');
    const nprobes = part?.attrs.get('minimum_nprobes');
    const k = Number(ann.attrs.get('k'));
    // Refine: the index is asked for k × factor candidates, whose exact distances then pick the top k.
    const refineTopK = ancestors(ann).find((a) => a.name === 'SortExec' && hasKnnBelow(a));
    const fetch = refineTopK ? topK(refineTopK) : undefined;
    const parts = [`${hint ? indexType(hint.type) : 'Vector'} index ${name} on ${hint?.columns.join(', ') ?? 'the vector column'}`];
    const metric = ann.attrs.get('metric');
    if (metric) parts.push(metric.toLowerCase());
    if (nprobes) parts.push(`nprobes ${nprobes}`);
    if (fetch && k > fetch) parts.push(`refine ×${Math.round(k / fetch)} (exact distances for ${count(k)} candidates)`);
    const out = refineTopK ?? ann.parent;
    lines.push(parts.join(', ') + arrow(rows(out && out.name === 'SortExec' ? out : ann)));
    const pre = ann.children.find((c) => c.name === 'ScalarIndexQuery' || c.name === 'LanceRead');
    if (pre) lines.push(`Filter applied before the search (prefilter): ${filterWords(pre, indices, analyzed)}`);
  }
  // Exact vector search: distances computed over a scan (not the refine step over the index's candidates).
  for (const knn of all.filter((n) => n.name === 'KNNVectorDistance' && !hasDescendant(n, 'ANNSubIndex'))) {
    const scan = knn.children.find((c) => c.name === 'LanceRead');
    const scanned = analyzed ? scan?.metrics.get('rows_scanned') : undefined;
    const metric = knn.attrs.get('metric');
    lines.push(
      `Exact vector search (no vector index used): ${metric ? `${metric} ` : ''}distance of ${scanned !== undefined ? `${count(scanned)} rows` : 'every row'}${arrow(rows(knn.parent?.name === 'SortExec' ? knn.parent : undefined))}`,
    );
    if (scan) {
      const f = scanFilter(scan);
      if (f) lines.push(`Filter: ${filterWords(scan, indices, analyzed)}`);
    }
  }
  // Full-text search.
  for (const fts of all.filter((n) => /^(Match|Phrase|Boolean|Boost|MultiMatch)Query$/.test(n.name))) {
    const column = fts.attrs.get('column') ?? '?';
    const hint = indices.find((i) => i.columns[0] === column && /^(fts|inverted)$/i.test(i.type));
    const kind = fts.name === 'PhraseQuery' ? 'phrase ' : '';
    lines.push(`Full-text index ${hint ? `${hint.name} ` : ''}on ${column}, ${kind}query ${queryText(fts)}${arrow(rows(fts))}`);
    const pre = fts.children.find((c) => c.name === 'ScalarIndexQuery' || c.name === 'LanceRead');
    if (pre) lines.push(`Filter applied before the search (prefilter): ${filterWords(pre, indices, analyzed)}`);
  }
  for (const flat of all.filter((n) => n.name.startsWith('FlatMatch') || n.name === 'FlatFtsExec')) {
    const column = flat.attrs.get('column') ?? '?';
    const scan = flat.children.find((c) => c.name === 'LanceRead');
    const scanned = analyzed ? scan?.metrics.get('rows_scanned') : undefined;
    const indexed = all.some((n) => /^(Match|Phrase|Boolean|Boost|MultiMatch)Query$/.test(n.name));
    lines.push(
      `Full-text search without an index on ${column}${indexed ? ' for the rows added since the index was built' : ''}: ` +
        `scanned ${scanned !== undefined ? `${count(scanned)} rows` : 'the column'}${arrow(rows(flat))}`,
    );
  }
  // Plain reads: through a scalar index, a full scan for the filter, or a read without a filter.
  for (const read of all.filter((n) => n.name === 'LanceRead' && !n.attrs.get('source')?.startsWith('stream'))) {
    if (read.parent && /KNNVectorDistance|ANNSubIndex|Query$/.test(read.parent.name)) continue; // said above
    if (scanFilter(read)) lines.push(capitalise(filterWords(read, indices, analyzed)));
    else {
      const range = /Some\((\d+)\.\.(\d+)\)/.exec(read.attrs.get('range_before') ?? '');
      const scanned = analyzed ? read.metrics.get('rows_scanned') : undefined;
      lines.push(
        range
          ? `Read rows ${count(Number(range[1]))}–${count(Number(range[2]))} directly (no filter, no index needed)`
          : `Read every row (no filter)${scanned !== undefined ? `: ${count(scanned)} rows` : ''}`,
      );
    }
  }
  // Sorts other than a search's own ranking.
  for (const sort of all.filter((n) => n.name === 'SortExec')) {
    const expr = sort.attrs.get('expr') ?? '';
    if (/_distance|_score/.test(expr)) continue;
    const keys = splitTop(expr.replace(/^\[|\]$/g, '')).map((k) =>
      k
        .replace(/@\d+/g, '')
        .replace(/\s+NULLS (FIRST|LAST)/, '')
        .replace(/ ASC$/, ' ascending')
        .replace(/ DESC$/, ' descending'),
    );
    const k = topK(sort);
    const input = analyzed ? sort.children[0]?.metrics.get('output_rows') : undefined;
    lines.push(`Sorted by ${keys.join(', ')}${k !== undefined ? `, keeping the top ${count(k)}` : ''}${input !== undefined ? ` of ${count(input)} rows` : ''}`);
  }
  // Post-filters above a search (a vector search's postfilter).
  for (const f of all.filter((n) => n.name === 'FilterExec')) {
    // The condition is the node's one bare attribute; `_distance IS NOT NULL` is the vector search's own.
    const cond = [...f.attrs].find(([, v]) => v === '')?.[0];
    if (!cond || /^_distance(@\d+)? IS NOT NULL$/.test(cond)) continue;
    const sel = analyzed ? /\((\d+)\/(\d+)\)/.exec(f.rawMetrics.get('selectivity') ?? '') : undefined;
    const where = hasDescendant(f, 'ANNSubIndex') || hasDescendant(f, 'KNNVectorDistance') ? 'after the search (postfilter)' : 'row by row';
    lines.push(`Filter ${cleanExpr(cond)} applied ${where}${sel ? `: kept ${count(Number(sel[1]))} of ${count(Number(sel[2]))} rows` : ''}`);
  }

  if (!lines.length) return [UNSUMMARISED];
  if (analyzed) {
    let bytes = 0;
    for (const n of all) bytes += n.metrics.get('bytes_read') ?? 0;
    const top = roots.find((r) => r.name === 'AnalyzeExec');
    const ms = top?.elapsedMs;
    // Index reads served from the engine's cache count no bytes: "read 0 B" would read as "did nothing".
    const took = ms !== undefined ? ` in ${duration(ms)}` : '';
    lines.push(bytes > 0 ? `Read ${size(bytes)}${took}` : `Ran${took || ' '} with no data-file bytes read counted`.replace('  ', ' '));
  } else lines.push('Not run: Explain shows the plan; Analyze runs the query and reports rows, bytes and time.');
  return lines;
}

function ancestors(n: PlanNode): PlanNode[] {
  const out: PlanNode[] = [];
  for (let p = n.parent; p; p = p.parent) out.push(p);
  return out;
}

function hasDescendant(n: PlanNode, name: string): boolean {
  return n.children.some((c) => c.name === name || hasDescendant(c, name));
}

function hasKnnBelow(n: PlanNode): boolean {
  return n.children.some((c) => c.name === 'KNNVectorDistance' || (c.name !== 'ANNSubIndex' && hasKnnBelow(c)));
}

function topK(sort: PlanNode): number | undefined {
  for (const k of sort.attrs.keys()) {
    const m = /^TopK\(fetch=(\d+)\)$/.exec(k);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** A LanceRead's filter, when it has one (`full_filter=--` means none). */
function scanFilter(read: PlanNode): string | undefined {
  const f = read.attrs.get('full_filter');
  return f && f !== '--' ? f : undefined;
}

/**
 * How a filter was answered, in words: by which scalar index (and what was then checked row by row),
 * or by a full scan.
 */
function filterWords(node: PlanNode, indices: IndexHint[], analyzed: boolean): string {
  const rows = analyzed ? node.metrics.get('output_rows') : undefined;
  const arrow = rows === undefined ? '' : ` → ${count(rows)} ${rows === 1 ? 'row' : 'rows'}`;
  const sq = node.name === 'ScalarIndexQuery' ? node : node.children.find((c) => c.name === 'ScalarIndexQuery');
  if (sq) {
    // Index answers, e.g. query=OR([label_name = a]@label_name_idx(Bitmap),[label_name = b]@label_name_idx(Bitmap)).
    // A ScalarIndexQuery's own output_rows counts row-id masks, not rows: the rows are its reader's.
    const used = new Map<string, string>();
    for (const m of (sq.attrs.get('query') ?? '').matchAll(/\[([^\]]*)\]@([\w.-]+)\((\w+)\)/g)) {
      const hint = indices.find((i) => i.name === m[2]);
      const column = hint?.columns.join(', ') ?? /^\s*`?([\w.]+)`?/.exec(m[1])?.[1] ?? '?';
      used.set(m[2], `${indexType(hint?.type ?? m[3])} index on ${column}`);
    }
    const which = used.size ? [...new Set(used.values())].join(' and ') : 'A scalar index';
    const refine = node.name === 'LanceRead' ? node.attrs.get('refine_filter') : undefined;
    const rowsOut = node === sq ? '' : arrow;
    return `${which}${rowsOut}${refine && refine !== '--' ? `; then ${cleanExpr(refine)} checked row by row (no index for that part)` : ''}`;
  }
  const f = scanFilter(node);
  const scanned = analyzed ? node.metrics.get('rows_scanned') : undefined;
  return `Full scan${scanned !== undefined ? ` of ${count(scanned)} rows` : ''} (no index used for the filter ${f ? cleanExpr(f) : ''})${arrow}`.replace(' )', ')');
}

/** `label_name = Utf8("tabby_cat") AND id > Int64(100)` → `label_name = 'tabby_cat' AND id > 100`. */
function cleanExpr(e: string): string {
  return e
    .replace(/\b(?:Utf8|LargeUtf8|Utf8View)\("((?:[^"\\]|\\.)*)"\)/g, (_, s: string) => `'${s.replace(/'/g, "''")}'`)
    .replace(/\b(?:U?Int\d+|Float\d+|Boolean|Decimal\d*)\(([^()]*)\)/g, '$1')
    .replace(/@\d+/g, '');
}

function queryText(fts: PlanNode): string {
  const q = fts.attrs.get('query') ?? '';
  return `"${q.replace(/^\[|\]$/g, '')}"`;
}

/** Index type words as users know them: BITMAP, BTREE, IVF_PQ, … */
function indexType(t: string): string {
  const known: Record<string, string> = {
    bitmap: 'BITMAP',
    btree: 'BTREE',
    labellist: 'LABEL_LIST',
    inverted: 'Full-text (INVERTED)',
    fts: 'Full-text (INVERTED)',
    ngram: 'NGRAM',
    zonemap: 'ZONEMAP',
    ivfpq: 'IVF_PQ',
    ivfflat: 'IVF_FLAT',
    ivfsq: 'IVF_SQ',
    ivfhnswpq: 'IVF_HNSW_PQ',
    ivfhnswsq: 'IVF_HNSW_SQ',
    ivfhnswflat: 'IVF_HNSW_FLAT',
    ivfrq: 'IVF_RQ',
  };
  return known[t.toLowerCase().replace(/[_\s]/g, '')] ?? t;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function size(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} KB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

function duration(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}
