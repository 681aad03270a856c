// Unit tests live beside the code (src/**/*.spec.ts); e2e tests in test/**/*.e2e-spec.ts.
// ESM-only dependencies (jose, @kubernetes/client-node, ...) are transformed to CommonJS by swc.
const esmOnly = ['jose', '@kubernetes/client-node', '@a2a-js', '@modelcontextprotocol', 'openid-client', 'oauth4webapi', 'jsonpath-plus', 'hpagent', 'undici', '@electric-sql', 'isomorphic-ws'];
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
  },
];
const base = {
  transform: { '^.+\\.(t|j|mj|cj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testEnvironment: 'node',
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', roots: ['<rootDir>/src'], testMatch: ['**/*.spec.ts'] },
    {
      ...base,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
  ],
  // A global option (ignored inside a project): e2e tests boot real apps on a shared 2-core machine.
  testTimeout: 60000,
  // Two workers, recycled when they grow: e2e files mostly wait on I/O, and one in-band process
  // would accumulate every booted app's memory.
  maxWorkers: 2,
  workerIdleMemoryLimit: '1GB',
};
