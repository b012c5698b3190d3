// @ts-check
// ESLint (flat config) for src/, test/, scripts/ and esbuild.js: `npm run lint`.
// - JavaScript recommended + typescript-eslint recommendedTypeChecked (type-aware: no-floating-promises,
//   no-misused-promises, await-thenable, no-unnecessary-type-assertion, no-unsafe-*, ...).
// - import-x/no-cycle over the TypeScript sources (resolved with import-x's own node resolver and the .ts
//   extension), so an import cycle between modules fails the lint.
// Deviations from the recommended sets are listed below, each with its reason.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';

export default defineConfig(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'sample-data/**', '.cache/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    plugins: { 'import-x': importX },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json', '.node'] })],
      'import-x/extensions': ['.ts', '.js'],
    },
    rules: {
      // A variable that a closure reads before its one assignment (two objects that refer to each other)
      // cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Cycles only among our own modules (node_modules are never followed).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // node:test's test()/describe() return promises that the runner itself awaits; everything else
      // (t.test subtests included) must still be awaited or voided.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      // Off: an `async` function without `await` is used on purpose to turn a throw into a rejection and
      // to implement Promise-returning interfaces (host handlers, VS Code serializers, fakes); dropping
      // `async` to please the rule would change behaviour.
      '@typescript-eslint/require-await': 'off',
      // Arrow's DataType subclasses all define toString() (e.g. "Int32", "List<Float32>"); the base
      // declaration does not.
      '@typescript-eslint/no-base-to-string': ['error', { ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', 'DataType'] }],
      // Re-rejecting a reason caught from another promise passes it through unchanged.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // Numbers, arrays (joined with ','), vscode.Uri (its toString() is the URI) are fine in messages.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allowNumber: true,
          allowBoolean: true,
          allowNullish: true,
          allowRegExp: true,
          allowArray: true,
          allowAny: true,
          allow: [
            { from: 'lib', name: ['Error', 'URL', 'URLSearchParams'] },
            { from: 'package', package: 'vscode', name: 'Uri' },
          ],
        },
      ],
    },
  },
  {
    // Tests: they read browser globals through Playwright's page.evaluate (`window as any`), parse JSON
    // replies and poke at private shapes; the assertions check the values, so the no-any/no-unsafe-*
    // family only adds casts there; for the same reason failure messages interpolate `unknown` row
    // values (restrict-template-expressions). Kept on for src/.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The webview fake hosts throw the protocol's plain ErrorInfo objects ({ kind, message }) on purpose:
    // that is what a real host handler's failure looks like on the wire.
    files: ['test/webview/**/*.ts'],
    rules: { '@typescript-eslint/only-throw-error': 'off' },
  },
  {
    files: ['scripts/**/*.js', 'esbuild.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  {
    files: ['eslint.config.mjs'],
    languageOptions: { globals: globals.node },
  },
);
