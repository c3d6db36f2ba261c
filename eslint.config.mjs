// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // JavaScript is generated or configuration, except the require hook that loads the TypeScript.
  { ignores: ['node_modules/', 'cdktf.out/', 'dist/', '.cache/', 'coverage/', '**/*.js', '**/*.mjs', '!scripts/ts-cache.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Non-null assertions are allowed where a validated configuration guarantees the value.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Plain CommonJS so that it loads without a compiler: require() is how it imports.
    files: ['scripts/ts-cache.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
