#!/usr/bin/env -S node --min-semi-space-size=16
'use strict';
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
// Run it as it is (npm start, the systemd unit and the demo do), so that the node flags of the
// line above apply: a young generation of 16 MB from the start instead of 1 MB grown on demand.
// Little of the agent's garbage survives a scavenge now (about 30 KB), so a larger young
// generation halves the scavenges a run of commits meets at the same pause (bench/ab.ts, three
// runs of 2,000 pairs: p99 3.47, 3.29, 2.34 ms against 3.90, 3.81, 2.56). It cannot be set from
// here: V8 sizes the young generation when the process starts.
// V8 optimises a function once it has run about this many bytes of bytecode (its default,
// 66 KiB, left the commit path still being compiled on the helper threads after 2,000
// edit-config+commit pairs, since most of its functions run once per commit; see bench/README.md,
// "Where flowtapd's commit p99 goes"). Set before any of the agent's code is loaded, unless
// the node command line or NODE_OPTIONS sets it.
const given = [...process.execArgv, ...(process.env.NODE_OPTIONS || '').split(/\s+/)].some((a) => /^--interrupt[-_]budget=/.test(a));
if (!given) require('v8').setFlagsFromString('--interrupt-budget=16384');
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
