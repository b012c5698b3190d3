// Named moments of a webview's life (`performance.mark('li:<name>')`), e.g. the first page received:
// the benchmark (test/bench/vscode.cli.ts) reads them to say where an open's time goes. No side effects
// at import, so modules that Node tests import can use it.
export function mark(name: string): void {
  globalThis.performance?.mark?.(`li:${name}`);
}
