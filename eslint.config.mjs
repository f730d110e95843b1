// @ts-check
import tseslint from 'typescript-eslint';

const noVscode = {
  paths: [
    {
      name: 'vscode',
      message: 'core, server and cli are editor-neutral: never import vscode here.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'coverage/',
      '.cache/',
      'test-results/',
      'examples/',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/server/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', noVscode] },
  },
);
