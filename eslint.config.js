// Lint with the zone rules of ARCHITECTURE.md: imports only point downwards, and each zone may only use what its
// target environment has (shared: no node, electron or DOM; renderer: shared only; runtime: never electron).
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const zone = (type, pattern) => ({ type, pattern, partialMatch: false });
const to = (...types) => ({ to: { element: { types: { anyOf: types } } } });
const NO_NODE_MESSAGE = 'This zone runs without Node or Electron (ARCHITECTURE.md).';
const NO_NODE = {
  paths: [...builtinModules, 'electron'].map((name) => ({ name, message: NO_NODE_MESSAGE })),
  patterns: [{ group: ['node:*'], message: NO_NODE_MESSAGE }],
};
const NO_ELECTRON = { paths: [{ name: 'electron', message: 'Only electron/main and electron/preload may import Electron (ARCHITECTURE.md).' }] };

export default tseslint.config(
  { ignores: ['dist/**', '.tsbuild/**', 'node_modules/**', 'e2e/results/**', 'shared/manifest/generated/**', '.gatehouse-test/**', 'scripts/.dbg.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty-pattern': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['shared/**/*.ts', 'renderer/**/*.{ts,tsx}', 'electron/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { alwaysTryTypes: true, project: ['shared/tsconfig.json', 'renderer/tsconfig.json', 'electron/tsconfig.json'], noWarnOnMultipleProjects: true } },
      'boundaries/elements': [
        zone('shared', 'shared/**'),
        zone('renderer', 'renderer/**'),
        zone('protocol', 'electron/protocol/**'),
        zone('runtime', 'electron/runtime/**'),
        zone('cloud', 'electron/cloud/**'),
        zone('preload', 'electron/preload/**'),
        zone('main', 'electron/main/**'),
        zone('host', 'electron/host/**'),
        zone('services', 'electron/services/**'),
        zone('cli', 'electron/cli/**'),
      ],
      'boundaries/files': [{ category: 'test', pattern: '**/*.test.{ts,tsx}' }],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            // Zones: imports only point downwards.
            { from: { element: { type: 'shared' } }, disallow: { to: { element: { types: { anyOf: ['renderer', 'protocol', 'runtime', 'cloud', 'preload', 'main', 'host', 'services', 'cli'] } } } } },
            { from: { element: { type: 'renderer' } }, disallow: { to: { element: { types: { anyOf: ['protocol', 'runtime', 'cloud', 'preload', 'main', 'host', 'services', 'cli'] } } } } },
            { from: { element: { types: { anyOf: ['runtime', 'cloud'] } } }, disallow: to('renderer', 'preload', 'main', 'host', 'services', 'cli') },
            // IoT Hub's device-facing conventions, written once below both hubs (the edge hub and the local hub).
            { from: { element: { type: 'protocol' } }, disallow: to('renderer', 'runtime', 'cloud', 'preload', 'main', 'host', 'services', 'cli') },
            { from: { element: { type: 'services' } }, disallow: to('renderer', 'preload', 'main', 'cli') },
            { from: { element: { type: 'host' } }, disallow: to('renderer', 'preload', 'main', 'cli') },
            { from: { element: { type: 'cli' } }, disallow: to('renderer', 'preload', 'main') },
            { from: { element: { type: 'preload' } }, disallow: to('renderer', 'protocol', 'runtime', 'cloud', 'main', 'host', 'services', 'cli') },
            { from: { element: { type: 'main' } }, disallow: to('renderer', 'preload', 'cli') },
          ],
        },
      ],
    },
  },
  // Target environments: shared and renderer have no Node; only main and preload may use Electron.
  { files: ['shared/**/*.ts', 'renderer/src/**/*.{ts,tsx}'], ignores: ['**/*.test.ts', '**/*.test-util.ts'], rules: { 'no-restricted-imports': ['error', NO_NODE] } },
  { files: ['electron/**/*.ts'], ignores: ['electron/main/**', 'electron/preload/**'], rules: { 'no-restricted-imports': ['error', NO_ELECTRON] } },
  // Sample modules and templates are plain CommonJS Node programs, as IoT Edge modules are written.
  {
    files: ['resources/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['renderer/vite.config.ts'],
    rules: { 'boundaries/dependencies': 'off' },
  },
);
