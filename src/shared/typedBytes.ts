// Typed arrays across the host ↔ webview boundary as bytes. A Uint8Array is what every transport here
// carries intact (VS Code's webview messages transfer it; the tests' harness encodes it), so wider arrays
// travel as a byte view of themselves and are viewed again on arrival (copied only when misaligned).

export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

type View<T> = new (buffer: ArrayBuffer, byteOffset: number, length: number) => T;

/** A view of the bytes as a wider type: no copy unless the bytes start off an element boundary. */
function view<T>(b: Uint8Array, Ctor: View<T>, size: number): T {
  const buf = b.byteOffset % size === 0 ? b : b.slice();
  return new Ctor(buf.buffer as ArrayBuffer, buf.byteOffset, Math.floor(buf.byteLength / size));
}

export const float32Of = (b: Uint8Array): Float32Array => view(b, Float32Array, 4);
export const int32Of = (b: Uint8Array): Int32Array => view(b, Int32Array, 4);
export const uint32Of = (b: Uint8Array): Uint32Array => view(b, Uint32Array, 4);

/** u64 row ids as (low, high) Uint32 pairs: no bigint crosses the boundary, no bit is lost. */
export function rowIdPairs(ids: BigUint64Array): Uint32Array {
  const out = new Uint32Array(ids.length * 2);
  for (let i = 0; i < ids.length; i++) {
    out[2 * i] = Number(ids[i] & 0xffffffffn);
    out[2 * i + 1] = Number(ids[i] >> 32n);
  }
  return out;
}

/** Row id i of a pairs array, as the decimal string the protocol names rows by. */
export function rowIdAt(pairs: Uint32Array, i: number): string {
  const hi = pairs[2 * i + 1];
  const lo = pairs[2 * i];
  return hi === 0 ? String(lo) : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}
