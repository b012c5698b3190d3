// raw(): the stored integer of a cell, also in a sliced vector (a list's items are a slice of its child:
// a List<Timestamp> cell read through a slice must give its own values, not ones further on).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeData, makeVector, TimestampMicrosecond } from 'apache-arrow';
import { raw } from '../../src/extension/lance/arrowValues';

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
