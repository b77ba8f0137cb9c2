import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'dist', 'drizzle', 'bench/results', 'coverage', '.scratch'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', performance: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Ask the injected Clock for the time.' }],
    },
  },
  {
    // Only config.ts reads the environment (tests and scripts may).
    files: ['src/**/*.ts', 'commands/**/*.ts', 'cards/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings through src/config.ts.' },
        { object: 'Date', property: 'now', message: 'Ask the injected Clock for the time.' },
      ],
    },
  },
  {
    // The sandbox page runs in the browser.
    files: ['src/sandbox/page/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        ['window', 'document', 'localStorage', 'fetch', 'URL', 'URLSearchParams', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'confirm', 'alert', 'HTMLElement', 'Element', 'Node', 'Event', 'KeyboardEvent', 'Intl', 'navigator', 'location', 'history', 'requestAnimationFrame', 'console'].map((name) => [name, 'readonly']),
      ),
    },
  },
);
