// Marking the words a text search matched inside a cell's text (grid and preview).
//
// A full-text index matches words (and, with stemming, other forms of them: "retrievers" finds
// "retriever"); a substring scan matches the typed text anywhere, case-insensitively. The marks follow
// the same rule, so what is marked is what matched (within what the index's tokenizer does that we can
// tell: lower-cased words split on anything that is not a letter or digit).
import { h } from './dom';

export interface Highlight {
  /** Lower-cased words (index) or the whole lower-cased text (scan). */
  terms: string[];
  /** Index search: match words whose stem equals a term's stem. */
  stemmed: boolean;
  /** Substring scan: match `terms` anywhere, not as words. */
  substring?: boolean;
}

/** A rough English stem (the common suffixes the index's stemmer also removes): only for marking. */
export function roughStem(word: string): string {
  const w = word.toLowerCase();
  for (const suffix of ['ingly', 'edly', 'ing', 'ies', 'ied', 'es', 'ed', 'ly', 's']) {
    if (w.length > suffix.length + 2 && w.endsWith(suffix)) return w.slice(0, -suffix.length);
  }
  return w;
}

/** The ranges [start, end) of `text` that the search matched, in order, not overlapping. */
export function matchRanges(text: string, hl: Highlight): [number, number][] {
  const out: [number, number][] = [];
  const lower = text.toLowerCase();
  if (hl.substring) {
    for (const t of hl.terms.filter((x) => x.length > 0)) {
      for (let at = lower.indexOf(t); at >= 0; at = lower.indexOf(t, at + t.length)) out.push([at, at + t.length]);
    }
  } else {
    const terms = new Set(hl.terms.map((t) => t.toLowerCase()));
    const stems = new Set(hl.stemmed ? hl.terms.map(roughStem) : []);
    for (const m of lower.matchAll(/[\p{L}\p{N}]+/gu)) {
      const w = m[0];
      if (terms.has(w) || (hl.stemmed && stems.has(roughStem(w)))) out.push([m.index, m.index + w.length]);
    }
  }
  out.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of out) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** `text` as nodes with the matched ranges in <mark> elements (plain text when nothing matched). */
export function highlighted(text: string, hl: Highlight | undefined): (string | HTMLElement)[] {
  if (!hl || !hl.terms.length) return [text];
  const ranges = matchRanges(text, hl);
  if (!ranges.length) return [text];
  const out: (string | HTMLElement)[] = [];
  let at = 0;
  for (const [s, e] of ranges) {
    if (s > at) out.push(text.slice(at, s));
    out.push(h('mark', { class: 'search-hit' }, text.slice(s, e)));
    at = e;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** Marks the matches inside an element's text nodes (a rendered cell), leaving its structure as is. */
export function highlightElement(el: Element, hl: Highlight | undefined): void {
  if (!hl || !hl.terms.length) return;
  const walker = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n as Text);
  for (const n of nodes) {
    const parts = highlighted(n.data, hl);
    if (parts.length === 1 && typeof parts[0] === 'string') continue;
    n.replaceWith(...parts);
  }
}
