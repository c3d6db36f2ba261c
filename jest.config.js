/** Unit and snapshot tests: no network, no services. Integration tests live in integration/. */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  // Only *.test.ts are suites; other files under __tests__ are shared helpers and fakes.
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
