'use strict';
// Tests run against the compiled output in dist/ (npm test builds first).
module.exports = {
  spec: ['test/unit/**/*.test.js', 'test/nodes/**/*.test.js', 'test/e2e/**/*.test.js'],
  require: [require.resolve('./test/support/root-hooks.js')],
  reporter: require.resolve('./test/support/summary-reporter.js'),
  timeout: 20000,
  exit: true,
};
