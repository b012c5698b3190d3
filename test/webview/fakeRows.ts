// A synthetic table for webview tests and the fake host's answers to 'describe', 'count', 'rows' and
// 'row' over it. Rows are computed from their index (nothing is stored), so 50,000 or 2,000,000 rows
// cost nothing; images are real JPEGs (a pool made once with the fixtures' encoder), one look per label.
//
// Filters are evaluated by a small SQL WHERE interpreter (comparisons, AND/OR/NOT, parentheses,
// IS [NOT] NULL, IN, LIKE; 'strings' with '' for a quote, `identifiers` with `` for a backtick), so
// the conditions the grid writes are checked by parsing them back, and anything else is a 'bad-filter'
// error carrying a parser message like the engine's.
import type { Cell, DatasetDescription, FullRow, RowsPage, RowsRequest, SchemaField } from '../../src/shared/types';
import { classStyle, renderImage, rowLook } from '../fixtures/imageArt';
import { encodeJpeg } from '../../src/extension/lance/jpegEncode';
import { mixSeed, mulberry32 } from '../fixtures/random';

export const LABELS = ['tabby_cat', 'goldfish', "O'Neil's “café” ☕ C:\\temp\\x", "jack-o'-lantern", 'golden retriever', 'größe_ß', '日本語ラベル', 'tench'];

const field = (name: string, type: string, kind: SchemaField['kind'], extra: Partial<SchemaField> = {}): SchemaField => ({
  name,
  type,
  kind,
  nullable: true,
  metadata: {},
  children: [],
  ...extra,
});

export const SCHEMA: SchemaField[] = [
  field('id', 'Int64', 'int', { nullable: false }),
  field('image', 'LargeBinary', 'binary'),
  field('label', 'Int32', 'int'),
  field('label_name', 'Utf8', 'string'),
  field('caption', 'Utf8', 'string'),
  field('Quality score', 'Float64', 'float'),
  field('big', 'Int64', 'int'),
  field('embedding', 'FixedSizeList[512]<Float32>', 'vector', { dimension: 512, indices: [{ name: 'embedding_idx', type: 'IVF_PQ', metric: 'cosine' }] }),
];

export interface FakeTableOptions {
  rows: number;
  /** Images per label in the pool (distinct JPEGs). */
  imagesPerLabel?: number;
  rowsError?: DatasetDescription['rowsError'];
}

const WORDS = 'a photo of the small large bright dark striped spotted animal object near under beside with water grass sky wooden metal glass'.split(' ');

export class FakeTable {
  readonly rows: number;
  private readonly pool: Uint8Array[][];
  private readonly matches = new Map<string, Int32Array>();

  constructor(private readonly opts: FakeTableOptions) {
    this.rows = opts.rows;
    const per = opts.imagesPerLabel ?? 6;
    this.pool = LABELS.map((_, label) => {
      const style = classStyle(label, 7);
      return Array.from({ length: per }, (_, k) => {
        const rng = mulberry32(mixSeed(7, label, k));
        const look = rowLook(style, rng, 56, 96);
        return encodeJpeg(renderImage(style, look, rng), 80);
      });
    });
  }

  describe(): DatasetDescription {
    return {
      location: { uri: '/data/synthetic.lance', name: 'synthetic' },
      version: 3,
      latestVersion: 3,
      pinned: false,
      schema: SCHEMA,
      schemaMetadata: {},
      indices: [{ name: 'embedding_idx', type: 'IVF_PQ', columns: ['embedding'], metric: 'cosine' }],
      indexMetadataMissing: false,
      stats: { rows: this.rows, fragments: Math.ceil(this.rows / 10_000), bytes: this.rows * 4_000 },
      ...(this.opts.rowsError ? { rowsError: this.opts.rowsError } : {}),
    };
  }

  // ----- the data, by row index -----------------------------------------------------------------
  label(i: number): number {
    return mixSeed(11, i) % LABELS.length;
  }

  rowId(i: number): string {
    // Like Lance: fragment id in the high 32 bits, offset in the low ones.
    return ((BigInt(Math.floor(i / 10_000)) << 32n) | BigInt(i % 10_000)).toString();
  }

  indexOfRowId(rowId: string): number {
    const v = BigInt(rowId);
    return Number(v >> 32n) * 10_000 + Number(v & 0xffffffffn);
  }

  /** The value as the filter sees it (bigint for Int64 past 2^53). */
  value(i: number, column: string): unknown {
    switch (column) {
      case 'id':
        return i;
      case 'image':
        return i % 97 === 13 ? null : 'binary';
      case 'label':
        return this.label(i);
      case 'label_name':
        return LABELS[this.label(i)];
      case 'caption': {
        if (i % 11 === 5) return null;
        if (i % 11 === 7) return '';
        const rng = mulberry32(mixSeed(3, i));
        const n = 3 + Math.floor(rng() * (i % 5 === 0 ? 60 : 8));
        return Array.from({ length: n }, () => WORDS[Math.floor(rng() * WORDS.length)]).join(' ') + (i % 13 === 0 ? ' <script>alert(1)</script>' : '');
      }
      case 'Quality score':
        return Math.round(mulberry32(mixSeed(5, i))() * 1000) / 100;
      case 'big':
        return 9_007_199_254_740_993n + BigInt(i);
      default:
        throw {
          kind: 'bad-filter',
          message: 'The filter refers to a column the table does not have.',
          detail: `Schema error: No field named ${column}. Valid fields are ${SCHEMA.map((f) => f.name).join(', ')}.`,
        };
    }
  }

  cell(i: number, column: string, withImages: boolean, fullVectors = false): Cell {
    switch (column) {
      case 'image': {
        if (this.value(i, 'image') === null) return null;
        const list = this.pool[this.label(i)];
        const bytes = list[i % list.length];
        return { t: 'bin', size: bytes.byteLength, media: 'image/jpeg', head: hex(bytes.subarray(0, 16)), ...(withImages ? { bytes } : {}) };
      }
      case 'big':
        return { t: 'i64', v: String(this.value(i, 'big')) };
      case 'embedding': {
        const rng = mulberry32(mixSeed(9, i));
        const values = Array.from({ length: 512 }, () => Math.fround(rng() * 2 - 1));
        const norm = Math.sqrt(values.reduce((s, v) => s + v * v, 0));
        return { t: 'vec', dim: 512, norm, head: values.slice(0, 8), ...(fullVectors ? { values } : {}) };
      }
      default:
        return this.value(i, column) as Cell;
    }
  }

  // ----- queries --------------------------------------------------------------------------------
  /** Row indices matching the filter (undefined: all rows, in order). */
  private matching(filter: string | undefined): Int32Array | undefined {
    if (!filter?.trim()) return undefined;
    let m = this.matches.get(filter);
    if (!m) {
      const pred = compileFilter(filter, (i, c) => this.value(i, c));
      const out: number[] = [];
      for (let i = 0; i < this.rows; i++) if (pred(i)) out.push(i);
      m = Int32Array.from(out);
      this.matches.set(filter, m);
    }
    return m;
  }

  count(filter?: string): number {
    const m = this.matching(filter);
    return m ? m.length : this.rows;
  }

  /** Indices of the rows a query returns, in order. */
  indices(filter: string | undefined, offset: number, limit: number): number[] {
    const m = this.matching(filter);
    const total = m ? m.length : this.rows;
    const out: number[] = [];
    for (let k = offset; k < Math.min(total, offset + limit); k++) out.push(m ? m[k] : k);
    return out;
  }

  rowsPage(req: RowsRequest): RowsPage {
    if (this.opts.rowsError) throw this.opts.rowsError;
    const columns = req.columns ?? SCHEMA.map((f) => f.name);
    for (const c of columns) if (!SCHEMA.some((f) => f.name === c)) this.value(0, c); // throws the engine-like error
    const idx = this.indices(req.filter, req.offset, req.limit);
    return {
      offset: req.offset,
      columns,
      rowIds: idx.map((i) => this.rowId(i)),
      rows: idx.map((i) => columns.map((c) => this.cell(i, c, !!req.withImages))),
    };
  }

  fullRow(rowId: string, columns?: string[]): FullRow {
    const i = this.indexOfRowId(rowId);
    const cols = columns ?? SCHEMA.map((f) => f.name);
    return { rowId, columns: cols, row: cols.map((c) => this.cell(i, c, true, true)) };
  }
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

// ---------------------------------------------------------------------------------------------------------
// A small SQL WHERE interpreter
// ---------------------------------------------------------------------------------------------------------

type Tok =
  | { k: 'num'; v: string; at: number }
  | { k: 'str'; v: string; at: number }
  | { k: 'id'; v: string; quoted: boolean; at: number }
  | { k: 'op'; v: string; at: number }
  | { k: 'eof'; at: number };

function syntax(msg: string): never {
  throw { kind: 'bad-filter', message: 'The filter is not valid SQL.', detail: `sql parser error: ${msg}` };
}

export function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let v = '';
      let j = i + 1;
      for (;;) {
        if (j >= s.length) syntax(`Unterminated string literal at position ${i}`);
        if (s[j] === "'") {
          if (s[j + 1] === "'") {
            v += "'";
            j += 2;
            continue;
          }
          break;
        }
        v += s[j++];
      }
      out.push({ k: 'str', v, at: i });
      i = j + 1;
    } else if (c === '`' || c === '"') {
      let v = '';
      let j = i + 1;
      for (;;) {
        if (j >= s.length) syntax(`Unterminated quoted identifier at position ${i}`);
        if (s[j] === c) {
          if (s[j + 1] === c) {
            v += c;
            j += 2;
            continue;
          }
          break;
        }
        v += s[j++];
      }
      out.push({ k: 'id', v, quoted: true, at: i });
      i = j + 1;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(s[i + 1] ?? ''))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(s.slice(i))!;
      out.push({ k: 'num', v: m[0], at: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_]\w*/.exec(s.slice(i))!;
      out.push({ k: 'id', v: m[0], quoted: false, at: i });
      i += m[0].length;
    } else {
      const m = /^(<=|>=|<>|!=|=|<|>|\(|\)|,|-)/.exec(s.slice(i));
      if (!m) syntax(`Unexpected character '${c}' at position ${i}`);
      out.push({ k: 'op', v: m[0], at: i });
      i += m[0].length;
    }
  }
  out.push({ k: 'eof', at: s.length });
  return out;
}

type Expr = (row: number) => unknown;
type Get = (row: number, column: string) => unknown;

export function compileFilter(src: string, get: Get): (row: number) => boolean {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const kw = (w: string) => {
    const t = toks[p];
    return t.k === 'id' && !t.quoted && t.v.toUpperCase() === w;
  };
  const eat = (w: string) => (kw(w) ? (p++, true) : false);
  const op = (v: string) => {
    const t = toks[p];
    return t.k === 'op' && t.v === v;
  };
  const describe = (t: Tok) => (t.k === 'eof' ? 'EOF' : `'${'v' in t ? t.v : ''}'`);

  function or(): Expr {
    let l = and();
    while (eat('OR')) {
      const a = l;
      const b = and();
      l = (r) => truthy(a(r)) || truthy(b(r));
    }
    return l;
  }
  function and(): Expr {
    let l = not();
    while (eat('AND')) {
      const a = l;
      const b = not();
      l = (r) => truthy(a(r)) && truthy(b(r));
    }
    return l;
  }
  function not(): Expr {
    if (eat('NOT')) {
      const e = not();
      return (r) => !truthy(e(r));
    }
    return cmp();
  }
  function cmp(): Expr {
    const l = primary();
    const t = peek();
    if (t.k === 'op' && ['=', '!=', '<>', '<', '<=', '>', '>='].includes(t.v)) {
      p++;
      const r = primary();
      return (row) => compare(t.v, l(row), r(row));
    }
    if (eat('IS')) {
      const neg = eat('NOT');
      if (!eat('NULL')) syntax(`Expected NULL, found: ${describe(peek())}`);
      return (row) => (l(row) === null) !== neg;
    }
    const neg = eat('NOT');
    if (eat('IN')) {
      if (!op('(')) syntax(`Expected (, found: ${describe(peek())}`);
      p++;
      const items: Expr[] = [primary()];
      while (op(',')) {
        p++;
        items.push(primary());
      }
      if (!op(')')) syntax(`Expected ), found: ${describe(peek())}`);
      p++;
      return (row) => items.some((e) => compare('=', l(row), e(row))) !== neg;
    }
    if (eat('LIKE')) {
      const pat = primary();
      return (row) => {
        const v = l(row);
        const pt = pat(row);
        if (typeof v !== 'string' || typeof pt !== 'string') return false;
        const re = new RegExp(
          '^' +
            pt
              .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
              .replace(/%/g, '.*')
              .replace(/_/g, '.') +
            '$',
          's',
        );
        return re.test(v) !== neg;
      };
    }
    if (neg) syntax(`Expected IN or LIKE after NOT, found: ${describe(peek())}`);
    return l;
  }
  function primary(): Expr {
    const t = peek();
    if (t.k === 'op' && t.v === '(') {
      p++;
      const e = or();
      if (!op(')')) syntax(`Expected ), found: ${describe(peek())}`);
      p++;
      return e;
    }
    if (t.k === 'op' && t.v === '-') {
      p++;
      const n = peek();
      if (n.k !== 'num') syntax(`Expected a number after -, found: ${describe(n)}`);
      p++;
      const v = parseNum('-' + n.v);
      return () => v;
    }
    if (t.k === 'num') {
      p++;
      const v = parseNum(t.v);
      return () => v;
    }
    if (t.k === 'str') {
      p++;
      return () => t.v;
    }
    if (t.k === 'id') {
      if (!t.quoted) {
        const u = t.v.toUpperCase();
        if (u === 'TRUE' || u === 'FALSE') {
          p++;
          return () => u === 'TRUE';
        }
        if (u === 'NULL') {
          p++;
          return () => null;
        }
        if (['AND', 'OR', 'NOT', 'IS', 'IN', 'LIKE', 'SELECT', 'FROM', 'WHERE'].includes(u)) syntax(`Expected an expression, found: ${t.v}`);
      }
      p++;
      get(0, t.v); // unknown column: fail at planning, like the engine
      return (row) => get(row, t.v);
    }
    syntax(`Expected an expression, found: ${describe(t)}`);
  }

  const e = or();
  if (peek().k !== 'eof') syntax(`Expected end of expression, found: ${describe(peek())} at position ${peek().at}`);
  return (row) => truthy(e(row));
}

function parseNum(s: string): number | bigint {
  if (/^-?\d+$/.test(s)) {
    const b = BigInt(s);
    return b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(b) : b;
  }
  return Number(s);
}

function truthy(v: unknown): boolean {
  return v === true;
}

function compare(op: string, a: unknown, b: unknown): boolean | null {
  if (a === null || b === null || a === undefined || b === undefined) return null;
  let x = a;
  let y = b;
  if (typeof x === 'bigint' || typeof y === 'bigint') {
    if (typeof x === 'number' && Number.isInteger(x)) x = BigInt(x);
    if (typeof y === 'number' && Number.isInteger(y)) y = BigInt(y);
  }
  if (typeof x !== typeof y) {
    throw { kind: 'bad-filter', message: 'The filter compares values of different types.', detail: `Error during planning: Cannot compare ${typeof a} with ${typeof b}` };
  }
  switch (op) {
    case '=':
      return x === y;
    case '!=':
    case '<>':
      return x !== y;
    case '<':
      return (x as number) < (y as number);
    case '<=':
      return (x as number) <= (y as number);
    case '>':
      return (x as number) > (y as number);
    case '>=':
      return (x as number) >= (y as number);
  }
  return null;
}
