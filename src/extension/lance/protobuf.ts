// A schema-less reader of the protobuf wire format, enough for Lance's own files: manifests
// (`_versions/*.manifest`) and transaction files (`_transactions/*.txn`) are protobuf messages, and the
// inspector reads a few fields of each without the .proto files or a protobuf library (which would
// bring code generation and a runtime dependency into the VSIX for a few dozen field reads).
// Callers name fields by number; the numbers are documented where they are read.
//
// Corrupt input must never hang or allocate without bound: every read is bounds-checked and throws
// a "protobuf: …" error saying where.

/** Wire types we understand. Groups (3, 4) were removed from proto3 and are rejected. */
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** One occurrence of a field in an encoded message. Varints and fixed64 are exact (bigint). */
type ProtoField = { no: number; wire: 0 | 1; value: bigint } | { no: number; wire: 5; value: number } | { no: number; wire: 2; value: Uint8Array };

const utf8 = new TextDecoder('utf-8');

/**
 * Read a base-128 varint at `pos`. Returns the value and the position after it.
 * Throws on truncation and on varints longer than 10 bytes (so a corrupt buffer can never make
 * us spin or build unbounded numbers).
 */
export function readVarint(buf: Uint8Array, pos: number): { value: bigint; next: number } {
  // Fast path: the first 7 bytes (49 bits) fit exactly in a double.
  let small = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    const p = pos + i;
    if (p >= buf.length) throw new Error(`protobuf: truncated varint at byte ${pos}`);
    const b = buf[p];
    if (i < 7) {
      small += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) return { value: BigInt(small), next: p + 1 };
    } else {
      // Slow path for values >= 2^49: redo the remaining bytes with bigint.
      let big = BigInt(small);
      for (let j = i; j < 10; j++) {
        const q = pos + j;
        if (q >= buf.length) throw new Error(`protobuf: truncated varint at byte ${pos}`);
        const c = buf[q];
        big |= BigInt(c & 0x7f) << BigInt(7 * j);
        if ((c & 0x80) === 0) return { value: BigInt.asUintN(64, big), next: q + 1 };
      }
      break;
    }
  }
  throw new Error(`protobuf: varint longer than 10 bytes at byte ${pos}`);
}

/** Split an encoded message into its fields, in wire order. Unknown fields are simply returned. */
export function decodeFields(buf: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const tagAt = pos;
    const tag = readVarint(buf, pos);
    pos = tag.next;
    if (tag.value > 0xffffffffn) throw new Error(`protobuf: invalid tag at byte ${tagAt}`);
    const t = Number(tag.value);
    const no = Math.floor(t / 8);
    const wire = t & 7;
    if (no === 0) throw new Error(`protobuf: field number 0 at byte ${tagAt}`);
    switch (wire) {
      case WIRE_VARINT: {
        const v = readVarint(buf, pos);
        pos = v.next;
        out.push({ no, wire: 0, value: v.value });
        break;
      }
      case WIRE_FIXED64: {
        if (pos + 8 > buf.length) throw new Error(`protobuf: truncated fixed64 (field ${no}) at byte ${pos}`);
        const lo = BigInt(readU32(buf, pos));
        const hi = BigInt(readU32(buf, pos + 4));
        out.push({ no, wire: 1, value: (hi << 32n) | lo });
        pos += 8;
        break;
      }
      case WIRE_LEN: {
        const len = readVarint(buf, pos);
        pos = len.next;
        if (len.value > BigInt(buf.length - pos)) {
          throw new Error(`protobuf: truncated length-delimited field ${no} at byte ${tagAt} (needs ${len.value} bytes, ${buf.length - pos} left)`);
        }
        const end = pos + Number(len.value);
        out.push({ no, wire: 2, value: buf.subarray(pos, end) });
        pos = end;
        break;
      }
      case WIRE_FIXED32: {
        if (pos + 4 > buf.length) throw new Error(`protobuf: truncated fixed32 (field ${no}) at byte ${pos}`);
        out.push({ no, wire: 5, value: readU32(buf, pos) });
        pos += 4;
        break;
      }
      default:
        throw new Error(`protobuf: unsupported wire type ${wire} (field ${no}) at byte ${tagAt}`);
    }
  }
  return out;
}

function readU32(buf: Uint8Array, pos: number): number {
  return (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16)) + buf[pos + 3] * 0x1000000;
}

/**
 * Typed accessors over a decoded message, following proto3 rules: a missing scalar reads as its
 * default, the last occurrence of a scalar wins, repeated fields keep wire order.
 */
export class ProtoMessage {
  readonly fields: ProtoField[];
  constructor(buf: Uint8Array) {
    this.fields = decodeFields(buf);
  }

  private last(no: number): ProtoField | undefined {
    for (let i = this.fields.length - 1; i >= 0; i--) if (this.fields[i].no === no) return this.fields[i];
    return undefined;
  }
  private all(no: number): ProtoField[] {
    return this.fields.filter((f) => f.no === no);
  }

  has(no: number): boolean {
    return this.last(no) !== undefined;
  }
  /** uint64/uint32/enum/bool as an exact bigint (0n when absent). */
  bigUint(no: number): bigint {
    const f = this.last(no);
    if (!f) return 0n;
    if (f.wire === 2) throw new Error(`protobuf: field ${no} is length-delimited, expected a number`);
    return BigInt(f.value);
  }
  /** uint64/uint32 as a number (exact up to 2^53). */
  uint(no: number): number {
    return Number(this.bigUint(no));
  }
  /** int32 (negative values are sign-extended 10-byte varints on the wire). */
  int32(no: number): number {
    return Number(BigInt.asIntN(32, this.bigUint(no)));
  }
  /** int64 as a number. */
  int64(no: number): number {
    return Number(BigInt.asIntN(64, this.bigUint(no)));
  }
  bool(no: number): boolean {
    return this.bigUint(no) !== 0n;
  }
  bytes(no: number): Uint8Array | undefined {
    const f = this.last(no);
    if (!f) return undefined;
    if (f.wire !== 2) throw new Error(`protobuf: field ${no} is not length-delimited`);
    return f.value;
  }
  string(no: number): string {
    const b = this.bytes(no);
    return b ? utf8.decode(b) : '';
  }
  /** A singular embedded message. Repeated occurrences are merged, as protobuf specifies. */
  message(no: number): ProtoMessage | undefined {
    const parts = this.all(no);
    if (parts.length === 0) return undefined;
    const bufs = parts.map((p) => {
      if (p.wire !== 2) throw new Error(`protobuf: field ${no} is not a message`);
      return p.value;
    });
    return new ProtoMessage(bufs.length === 1 ? bufs[0] : concat(bufs));
  }
  /** A repeated embedded message. */
  messages(no: number): ProtoMessage[] {
    return this.all(no).map((p) => {
      if (p.wire !== 2) throw new Error(`protobuf: field ${no} is not a message`);
      return new ProtoMessage(p.value);
    });
  }
  /** A repeated varint field, accepting both packed and unpacked encodings. */
  bigUints(no: number): bigint[] {
    const out: bigint[] = [];
    for (const f of this.all(no)) {
      if (f.wire === 2) {
        let pos = 0;
        while (pos < f.value.length) {
          const v = readVarint(f.value, pos);
          out.push(v.value);
          pos = v.next;
        }
      } else {
        out.push(BigInt(f.value));
      }
    }
    return out;
  }
  /** map<string, string|bytes> (entries: 1 key, 2 value); bytes values are read as UTF-8. */
  stringMap(no: number): Record<string, string> {
    const out: Record<string, string> = {};
    for (const entry of this.messages(no)) out[entry.string(1)] = entry.string(2);
    return out;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
