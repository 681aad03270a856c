// npm run test:chaos: fault injection, storms and fuzzing against real processes, Redis and Postgres.
const base = require('./jest.config.js').projects[1];
module.exports = {
  ...base,
  displayName: 'chaos',
  testMatch: ['**/*.chaos-spec.ts'],
  testTimeout: 600000,
};
