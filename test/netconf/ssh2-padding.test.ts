import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

// In a process of its own: ssh2 must be loaded first through src/netconf/transport/ssh2.ts,
// which mocha's other test files (importing 'ssh2' directly) would not guarantee.
const SCRIPT = `
const { Server, Client, utils, paddingRandomFill } = require('./src/netconf/transport/ssh2');
const ah = require('async_hooks');
const crypto = require('crypto');
let jobs = 0;
ah.createHook({ init(_id, type) { if (type === 'RANDOMBYTESREQUEST') jobs++; } }).enable();
const hostKey = utils.generateKeyPairSync('ed25519').private;
const srv = new Server({ hostKeys: [hostKey] }, (conn) => {
  conn.on('authentication', (ctx) => ctx.accept());
  conn.on('ready', () => conn.on('session', (accept) => {
    const s = accept();
    s.on('exec', (acc) => { const ch = acc(); ch.on('data', (d) => ch.write(d)); });
  }));
});
srv.listen(0, '127.0.0.1', () => {
  const c = new Client();
  c.on('ready', () => c.exec('echo', (err, ch) => {
    if (err) throw err;
    const start = jobs;
    let n = 0;
    ch.on('data', () => {
      if (++n < 100) return void ch.write('x'.repeat(50));
      const during = jobs - start;
      const before = jobs;
      crypto.randomFillSync(Buffer.alloc(8));
      const a = paddingRandomFill(Buffer.alloc(16), 0, 16), b = paddingRandomFill(Buffer.alloc(16), 0, 16);
      console.log(JSON.stringify({ echoed: n, during, nodeJobs: jobs - before, restored: crypto.randomFillSync !== paddingRandomFill, differ: !a.equals(b), nonzero: a.some((x) => x !== 0) }));
      c.end();
      srv.close();
    });
    ch.write('x'.repeat(50));
  }));
  c.connect({ host: '127.0.0.1', port: srv.address().port, username: 'u', password: 'p' });
});
`;

describe('netconf transport: ssh2 with pooled padding randomness', function () {
  this.timeout(30000);
  it('200 SSH packets make no per-packet random job (the agent has nothing to finalise per packet), and the rest of the process keeps Node\'s randomFillSync', () => {
    const root = path.join(__dirname, '..', '..');
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', SCRIPT], { cwd: root, encoding: 'utf8', timeout: 25000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(out.echoed, 100);
    assert.equal(out.during, 0, `${out.during} random jobs while 200 packets went through`);
    assert.equal(out.nodeJobs, 1, "Node's own randomFillSync (one job per call) is what others get");
    assert.ok(out.restored);
    assert.ok(out.differ && out.nonzero, 'the pooled bytes are random');
  });
});
