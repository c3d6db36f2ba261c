/** Unit and snapshot tests: no network, no services. Integration tests live in integration/. */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  // Only *.test.ts are suites; other files under __tests__ are shared helpers and fakes.
  testMatch: ['**/*.test.ts'],
  // tsconfig.json turns source maps off (nothing ships them); code frames need them to point at the
  // failing line rather than a line of the transpiled output.
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: { sourceMap: true } }] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
