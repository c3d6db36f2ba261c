/**
 * Integration tests: real local services (Kafka, Kafka Connect with Debezium, MariaDB, OpenTofu)
 * on 127.0.0.1, started by integration/support. Run with `npm run test:integration` (in band: two
 * cores cannot host several brokers at once). globalSetup installs the services if they are missing.
 */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/integration'],
  testMatch: ['**/*.test.ts'],
  // tsconfig.json turns source maps off (nothing ships them); code frames need them to point at the
  // failing line rather than a line of the transpiled output.
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: { sourceMap: true } }] },
  globalSetup: '<rootDir>/integration/support/global-setup.ts',
  // JVM services start in seconds to tens of seconds on a busy machine; a test's own waits say what hung.
  testTimeout: 300000,
};
