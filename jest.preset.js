// One jest setup for every package: swc strips types (type-checking comes from the tsc build),
// specs live beside the code (src/**/*.spec.ts) and integration suites in test/**/*.spec.ts.
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};
