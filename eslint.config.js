import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const engineBoundary = {
  patterns: [
    {
      group: [
        'react',
        'react-dom',
        'react/*',
        'zustand',
        'zustand/*',
        '@xyflow/*',
        'comlink',
        'idb',
      ],
      message:
        'engine/ is framework-free: it runs in a Web Worker and in Node. Only engine/worker.ts may import comlink.',
    },
    {
      group: ['**/src/**', '../src/*', '../../src/*'],
      message: 'The dependency direction is src/ -> engine/, never the reverse.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-bench/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      'public/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-new-func': 'error',
      'no-eval': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    files: ['engine/**/*.ts'],
    ignores: ['engine/worker.ts'],
    rules: { 'no-restricted-imports': ['error', engineBoundary] },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@xyflow/*'],
              message: 'Only src/canvas/ imports @xyflow/react.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/canvas/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
