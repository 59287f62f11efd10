#!/usr/bin/env node
// Builds the flowtap_native addon with the node-gyp that ships inside npm.
// Uses the system's Node headers (Debian's nodejs puts them in /usr/include/node)
// so that no download is needed; otherwise node-gyp fetches them as usual.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  const npmDir = path.join(path.dirname(fs.realpathSync(process.execPath)), '..', 'lib', 'node_modules', 'npm');
  candidates.push(path.join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push('/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
  candidates.push('/usr/share/nodejs/node-gyp/bin/node-gyp.js');
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return null;
  }
}

const gyp = findNodeGyp();
if (!gyp) {
  console.error('flowtap_native: node-gyp not found (it ships with npm); cannot build native/');
  process.exit(1);
}
const args = [gyp, 'rebuild'];
const prefix = path.join(path.dirname(fs.realpathSync(process.execPath)), '..');
if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
execFileSync(process.execPath, args, { cwd: __dirname, stdio: 'inherit' });
