/** Unit and snapshot tests: no network, no services. Integration tests live in integration/. */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
