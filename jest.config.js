// Two tiers, as Jest projects:
// - unit: the specs beside the code (src/**/*.spec.ts) and the tests in test/ that
//   need neither a database nor a broker (real HTTP servers on loopback are fine);
//   `npm run test:unit` (its time is in the README, "The two commands").
//   Services tested on in-memory fakes of their repositories (test/support/fakes/)
//   are unit tests too: specs beside the services, and the fakes' own contract tests.
// - integration: every other test in test/ (PostgreSQL or PGlite, Mosquitto or
//   aedes, Chromium); `npm run test:integration`. CI runs it a second time on the
//   embedded parts.
// `npm test` runs both. A new file in test/ is integration unless listed below.
const transform = {
  '^.+\\.(t|j)s$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    },
  ],
};

/** Tests under test/ that open no database and no broker connection. */
const UNIT_TESTS_IN_TEST_DIR = [
  '<rootDir>/test/onvif/**/*.test.ts',
  '<rootDir>/test/simulator/onvif-device.server.test.ts',
  '<rootDir>/test/alerts/webhook.notifier.test.ts',
  '<rootDir>/test/bench/**/*.test.ts',
  // The in-memory fakes of repositories, held to the repositories' own contracts.
  '<rootDir>/test/support/fakes/**/*.test.ts',
  '<rootDir>/test/view/photos.test.ts',
];

const common = {
  testEnvironment: 'node',
  // Each module sees Math as a parameter of its wrapper, not as a global of Jest's vm
  // sandbox: a global read there goes through an interceptor (about 0.5 µs, jestjs/jest#5163,
  // nodejs/node#31658), twenty times the cost of the picture code's per-pixel arithmetic.
  sandboxInjectedGlobals: ['Math'],
  transform,
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|aedes|kdbush|otplib|@otplib|@scure|@noble|openid-client|oauth4webapi|jose|supercluster)/)'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/src', '<rootDir>/test'], testMatch: ['<rootDir>/src/**/*.spec.ts', ...UNIT_TESTS_IN_TEST_DIR] },
    {
      ...common,
      displayName: 'integration',
      roots: ['<rootDir>/test'],
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/test/onvif/',
        '<rootDir>/test/simulator/onvif-device\\.server\\.test\\.ts$',
        '<rootDir>/test/alerts/webhook\\.notifier\\.test\\.ts$',
        '<rootDir>/test/bench/',
        '<rootDir>/test/support/fakes/',
        '<rootDir>/test/view/photos\\.test\\.ts$',
      ],
    },
  ],
};
