// Where the shared corpus of real Lance datasets lives, and its expectations. Tests that need it skip
// with a visible message when it is absent (it sits beside the project, not inside it).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export const CORPUS_DIR = path.resolve(process.env.LANCE_CORPUS ?? path.join(process.cwd(), '..', 'shared', 'lance-compat-corpus'));

export interface CorpusEntry {
  path: string;
  lanceSuffix: boolean;
  expect: string;
  rows?: number;
  versions: number;
  latestVersion: number;
  columns: { name: string; type: string; nullable: boolean }[];
  indices?: { name: string; type: string; columns: string[] }[];
  schemaMetadata: Record<string, string>;
}

export function corpusEntries(): CorpusEntry[] | undefined {
  const f = path.join(CORPUS_DIR, 'expectations.json');
  if (!fs.existsSync(f)) {
    console.log(`\n  ⚠ SKIPPING corpus tests: ${f} not found (the shared corpus sits at ../shared beside the project).\n`);
    return undefined;
  }
  return JSON.parse(fs.readFileSync(f, 'utf8')) as CorpusEntry[];
}

/** sha256 of every file below a folder, keyed by relative path: proof that reading wrote nothing. */
export function treeChecksums(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(path.relative(dir, p), crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}
