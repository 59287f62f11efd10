#!/usr/bin/env node
'use strict';
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
const path = require('path');
const fs = require('fs');
const dist = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(dist)) {
  process.stderr.write('flowtapd: ' + dist + ' is missing: run `npm ci` (or `npm run build`) in ' + path.join(__dirname, '..') + '\n');
  process.exit(2);
}
require(dist).main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { process.stderr.write('flowtapd: ' + (err && err.message ? err.message : String(err)) + '\n'); process.exit(1); },
);
