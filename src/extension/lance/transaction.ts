// What a version's commit did, read from its transaction file (`_transactions/<name>.txn`, a protobuf
// lance.table.Transaction; the manifest names it). The operation is a oneof at field numbers 100+.
import * as fs from 'fs';
import * as path from 'path';
import { ProtoMessage } from './protobuf';

/** Transaction.operation oneof, by field number (lance protos/transaction.proto). */
const OPERATIONS: Record<number, string> = {
  100: 'append',
  101: 'delete',
  102: 'overwrite',
  103: 'create index',
  104: 'rewrite (compaction)',
  105: 'merge (columns added)',
  106: 'restore',
  107: 'reserve fragments',
  108: 'update',
  109: 'project (columns dropped or renamed)',
  110: 'update config',
  111: 'data replacement',
  112: 'update MemWAL state',
  113: 'clone',
  114: 'update bases',
  115: 'data overlay',
};

/** Transaction files of huge appends list every new fragment; the operation is all we need. */
const MAX_TXN_BYTES = 32 << 20;

export interface CommitInfo {
  operation: string;
  /** Delete predicate, restored version, or the commit message, when the transaction records one. */
  detail?: string;
}

export async function readCommit(datasetDir: string, transactionFile: string): Promise<CommitInfo | undefined> {
  // Only a bare file name inside _transactions/ is followed.
  if (transactionFile !== path.basename(transactionFile)) return undefined;
  const file = path.join(datasetDir, '_transactions', transactionFile);
  try {
    const st = await fs.promises.stat(file);
    if (st.size > MAX_TXN_BYTES) return undefined;
    return decodeCommit(new Uint8Array(await fs.promises.readFile(file)));
  } catch {
    return undefined;
  }
}

/** What a transaction file's bytes say the commit did (undefined: an operation not known here). */
export function decodeCommit(bytes: Uint8Array): CommitInfo | undefined {
  try {
    const m = new ProtoMessage(bytes);
    const no = Object.keys(OPERATIONS)
      .map(Number)
      .find((n) => m.has(n));
    if (no === undefined) return undefined;
    const message = m.stringMap(4)['__lance_commit_message'];
    let detail: string | undefined;
    if (no === 101) detail = m.message(101)?.string(3) || undefined;
    else if (no === 106) detail = `to version ${m.message(106)?.uint(1)}`;
    return { operation: OPERATIONS[no], detail: message || detail };
  } catch {
    return undefined;
  }
}
