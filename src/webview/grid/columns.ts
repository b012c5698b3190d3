// Which columns the grid shows by default and how wide each kind of column is.
import type { SchemaField } from '../../shared/types';
import { uiSettings } from '../settings';
import { devicePx, formatCount } from '../ui/dom';

/** Thumbnail edge: the lanceInspector.thumbnailSize setting. */
export const thumbPx = (): number => uiSettings.thumbnailSize;
/** The same in device pixels: the size the host scales JPEG thumbnails to (RowsRequest.thumbnailPx). */
export const thumbDevicePx = (): number => devicePx(thumbPx());
/** Row heights: with thumbnails, without, and when long text wraps. */
export const rowPxImages = (): number => thumbPx() + 8;
export const ROW_PX_TEXT = 30;
export const ROW_PX_WRAP = 112;

/** Keeps saved column choices that still exist in this schema (a newer version may have dropped some). */
export function validColumns(saved: unknown, fields: SchemaField[]): string[] | undefined {
  if (!Array.isArray(saved)) return undefined;
  const names = new Set(fields.map((f) => f.name));
  const out = saved.filter((c): c is string => typeof c === 'string' && names.has(c));
  return out.length || saved.length === 0 ? [...new Set(out)] : undefined;
}

export interface Track {
  /** A CSS grid track. */
  track: string;
  /** Its smallest width in px (the grid's minimum width is their sum). */
  minPx: number;
}

/** Width of a column by its kind: thumbnails fixed, vectors narrow, numbers compact, text takes the rest. */
export function trackFor(field: SchemaField | undefined): Track {
  switch (field?.kind) {
    case 'binary':
      return { track: `${thumbPx() + 20}px`, minPx: thumbPx() + 20 };
    case 'vector':
      return { track: '176px', minPx: 176 };
    case 'int':
      // 64-bit integers need up to 20 digits (they arrive as exact strings past 2^53).
      return /64/.test(field.type) ? { track: 'minmax(150px, 0.6fr)', minPx: 150 } : { track: 'minmax(90px, 0.6fr)', minPx: 90 };
    case 'float':
    case 'decimal':
      return { track: 'minmax(90px, 0.6fr)', minPx: 90 };
    case 'bool':
      return { track: '70px', minPx: 70 };
    case 'temporal':
      return { track: 'minmax(170px, 0.8fr)', minPx: 170 };
    case 'list':
    case 'struct':
      return { track: 'minmax(160px, 1.2fr)', minPx: 160 };
    default:
      return { track: 'minmax(130px, 1fr)', minPx: 130 };
  }
}

export function indexTrack(total: number): Track {
  const digits = Math.max(1, formatCount(Math.max(0, total - 1)).length);
  const px = Math.max(48, digits * 8 + 20);
  return { track: `${px}px`, minPx: px };
}

/** True when any shown column holds images (binary columns: the host sniffs the bytes). */
export function hasImageColumn(shown: string[], fields: SchemaField[]): boolean {
  const byName = new Map(fields.map((f) => [f.name, f]));
  return shown.some((c) => byName.get(c)?.kind === 'binary');
}
