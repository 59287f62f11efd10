// Runs the CLI from the TypeScript sources (tests): node --require tsx/cjs test/cli/run-main.js ARGS...
// (a .js file, so that `mocha test/cli` does not load it as a test)
'use strict';
require('../../src/cli/main.ts')
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(99);
    },
  );
