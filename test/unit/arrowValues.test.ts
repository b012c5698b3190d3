// raw(): the stored integer of a cell, also in a sliced vector (a list's items are a slice of its child:
// a List<Timestamp> cell read through a slice must give its own values, not ones further on).
// timestampText / isoSeconds: the text of Date.prototype.toISOString over the whole Date range, from
// numbers and from BigInts alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeData, makeVector, TimestampMicrosecond } from 'apache-arrow';
import { isoSeconds, raw, timestampText } from '../../src/extension/lance/arrowValues';

test('raw() reads the right cell of a sliced vector', () => {
  const values = BigInt64Array.from([10n, 20n, 30n, 40n, 50n, 60n]);
  const v = makeVector(makeData({ type: new TimestampMicrosecond(), length: values.length, data: values }));
  assert.equal(raw(v, 4), 50n);
  const sliced = v.slice(2, 5);
  assert.deepEqual(
    [0, 1, 2].map((i) => raw(sliced, i)),
    [30n, 40n, 50n],
  );
  const twice = sliced.slice(1, 3);
  assert.deepEqual(
    [0, 1].map((i) => raw(twice, i)),
    [40n, 50n],
  );
});

/** A result, or the error it threw (the same error is part of the contract: a page labels the cell with it). */
function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (err) {
    return { error: (err as Error).name + ': ' + (err as Error).message };
  }
}

/** What toISOString gives for whole seconds, without ".000Z". */
const viaDate = (secs: number) => new Date(secs * 1000).toISOString().slice(0, -5);

const MAX_SECONDS = 8.64e12; // the Date range, ±8.64e15 ms

test('isoSeconds is toISOString over the whole Date range', () => {
  const secs = [
    0,
    -1,
    1,
    86399,
    86400,
    -86400,
    -86401,
    951_782_400, // 2000-02-29
    -2_203_891_200, // 1900-03-01 (1900 has no 29 February)
    4_107_542_400, // 2100-03-01
    -11_676_096_000, // 1600-02-29
    -62_167_219_200, // 0000-01-01
    -62_167_219_201, // -000001-12-31
    253_402_300_799, // 9999-12-31T23:59:59
    253_402_300_800, // +010000-01-01
    MAX_SECONDS,
    -MAX_SECONDS,
    MAX_SECONDS + 1,
    -MAX_SECONDS - 1,
    2 ** 53,
    -(2 ** 60),
  ];
  for (let k = 0; k < 20_000; k++) secs.push(Math.round((Math.random() - 0.5) * 2 * MAX_SECONDS * 1.001));
  for (let k = 0; k < 20_000; k++) secs.push(Math.round((Math.random() - 0.5) * 2 * 4e9)); // 1843–2096
  for (const s of secs)
    assert.deepStrictEqual(
      outcome(() => isoSeconds(s)),
      outcome(() => viaDate(s)),
      `${s} s`,
    );
  assert.equal(isoSeconds(-62_167_219_201), '-000001-12-31T23:59:59');
  assert.equal(isoSeconds(253_402_300_800), '+010000-01-01T00:00:00');
  assert.throws(() => isoSeconds(MAX_SECONDS + 1), RangeError);
});

test('timestampText: numbers (safe integers) and BigInts give the same text, as toISOString does', () => {
  const P53 = 2n ** 53n;
  const values = [0n, 1n, -1n, 999n, -999n, 1_700_000_000_123_456n, -62_135_596_800_000_000n, 253_402_300_799_999_999n, P53 - 1n, -(P53 - 1n)];
  for (let k = 0; k < 2000; k++) values.push(BigInt(Math.round((Math.random() - 0.5) * 2 * 8.64e15)));
  for (const unit of [0, 1, 2, 3]) {
    for (const v of values) {
      const viaBigInt = outcome(() => timestampText(v, unit, unit % 2 === 0));
      // Beyond 2^53 a number is not that value any more: only BigInts carry it.
      if (v >= -(P53 - 1n) && v <= P53 - 1n)
        assert.deepStrictEqual(
          outcome(() => timestampText(Number(v), unit, unit % 2 === 0)),
          viaBigInt,
          `${v} in unit ${unit}`,
        );
      const per = 10n ** BigInt(unit * 3);
      const secs = v / per - (v % per < 0n ? 1n : 0n);
      const iso = outcome(() => viaDate(Number(secs)));
      if ('error' in (iso as object)) assert.deepStrictEqual(viaBigInt, iso, `${v} in unit ${unit}: out of the Date range`);
      else assert.ok((viaBigInt as { value: string }).value.startsWith((iso as { value: string }).value), `${v} in unit ${unit}`);
    }
  }
  assert.equal(timestampText(-1, 2, true), '1969-12-31T23:59:59.999999Z');
  assert.equal(timestampText(-1n, 2, true), '1969-12-31T23:59:59.999999Z');
  assert.equal(timestampText(1_700_000_000_123_456_789n, 3, false), '2023-11-14T22:13:20.123456789');
  assert.equal(timestampText(2n ** 63n - 1n, 3, true), '2262-04-11T23:47:16.854775807Z');
  assert.throws(() => timestampText(2n ** 63n - 1n, 0, true), RangeError);
});
