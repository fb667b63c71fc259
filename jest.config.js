/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(ts|js)$': ['@swc/jest'] },
  // openid-client and its two dependencies are ES modules only; jest (CommonJS here) gets them compiled.
  transformIgnorePatterns: ['/node_modules/(?!(openid-client|oauth4webapi|jose)/)'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  testTimeout: 120_000,
  // One Temporal dev server and one Rust runtime per process: on two cores, files run one at a time.
  maxWorkers: 1,
  modulePathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/.tools'],
};
