// Precision and recall of a curation signal against what the fixture planted, printed (`# …` lines in
// the test output) and returned for the test's floor.

/** One key for an unordered pair of ids. */
export function pairKey(a: number, b: number): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

/** Prints and returns precision (found / predicted) and recall (found / truth). */
export function precisionRecall(name: string, found: number, predicted: number, truth: number): { precision: number; recall: number } {
  const precision = predicted ? found / predicted : 0;
  const recall = truth ? found / truth : 0;
  console.log(`${name}: precision ${precision.toFixed(3)} (${found}/${predicted}), recall ${recall.toFixed(3)} (${found}/${truth})`);
  return { precision, recall };
}
