// ESLint for camnet's TypeScript (src, test, bench, migrations), run by `npm run lint`.
// typescript-eslint's syntax-only recommended set: the type-aware sets would make
// every lint run compile the project a second time (tsc already does, in lint).
// web/ is checked by tsc --checkJs (web/tsconfig.json) instead.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'web/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // Unused names are errors, except the ones a signature needs but does not read
      // (Express error handlers, Nest interfaces): those start with _.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests read JSON answers (supertest bodies, page.evaluate results, raw rows) whose
    // shape is what the test asserts; typing each one would restate the assertion.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Helper processes the tests start (an OpenID provider that needs its own Node runtime).
    files: ['test/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['**/*.cjs', 'jest.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
  },
);
