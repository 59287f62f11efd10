import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NetconfSshServer, type NetconfSession } from '../../src/netconf/transport';
import { hashPassword, verifyPassword } from '../../src/auth';

const BASE_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';
const CAPS = [
  'urn:ietf:params:netconf:base:1.0',
  'urn:ietf:params:netconf:base:1.1',
  'urn:ietf:params:netconf:capability:candidate:1.0',
  'urn:flowtapd:yang:services?module=flowtapd-services&revision=2024-01-01',
];

const SCRIPT = `
import sys, json, logging
import ncclient
from ncclient import manager
import ncclient.devices.default as dd
port, base = int(sys.argv[1]), sys.argv[2]
if base == '1.0':
    dd.DefaultDeviceHandler._BASE_CAPABILITIES = [c for c in dd.DefaultDeviceHandler._BASE_CAPABILITIES if c != 'urn:ietf:params:netconf:base:1.1']
m = manager.connect(host='127.0.0.1', port=port, username='operator', password='s3cret pw',
                    hostkey_verify=False, allow_agent=False, look_for_keys=False, timeout=15)
out = {'ncclient': ncclient.__version__, 'session_id': m.session_id, 'caps': sorted(m.server_capabilities),
       'connected': m.connected}
r = m.close_session()
out['close_ok'] = r.ok
print(json.dumps(out))
`;

function runNcclient(port: number, base: '1.0' | '1.1'): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', ['-W', 'ignore', '-c', SCRIPT, String(port), base], { timeout: 40000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ncclient failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
}

describe('netconf/transport interop: ncclient (Debian python3-ncclient)', function () {
  this.timeout(60000);
  let dir: string;
  let server: NetconfSshServer;
  let port: number;
  const hash = hashPassword('s3cret pw', '$5$');
  const started: NetconfSession[] = [];
  const ended: [number, string][] = [];
  const seen: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-nc-'));
    server = new NetconfSshServer({
      hostKeyDir: dir,
      listen: { host: '127.0.0.1', port: 0 },
      capabilities: () => CAPS,
      authenticate: async (req) => req.username === 'operator' && req.method === 'password' && verifyPassword(req.password ?? '', hash),
      onMessage: async (s, xml) => {
        seen.push(xml);
        const id = /message-id="([^"]*)"/.exec(xml)?.[1] ?? '';
        if (/<(\w+:)?close-session\b/.test(xml)) s.close('closed');
        return `<rpc-reply xmlns="${BASE_NS}" message-id="${id}"><ok/></rpc-reply>`;
      },
      onSessionStart: (s) => started.push(s),
      onSessionEnd: (s, reason) => ended.push([s.id, reason]),
    });
    ({ port } = await server.start());
  });
  after(async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const base of ['1.1', '1.0'] as const) {
    it(`completes the hello (base:${base}), reports session-id and capabilities, closes the session`, async () => {
      const n = started.length;
      const out = await runNcclient(port, base);
      console.log(`      (ncclient ${out.ncclient})`);
      assert.equal(out.connected, true);
      assert.deepEqual(out.caps, [...CAPS].sort());
      assert.equal(out.close_ok, true);
      assert.equal(started.length, n + 1);
      const s = started[n];
      assert.equal(out.session_id, String(s.id));
      assert.equal(s.base, base);
      assert.equal(s.username, 'operator');
      assert.match(seen[seen.length - 1], /close-session/);
      for (let i = 0; i < 50 && !ended.some(([id]) => id === s.id); i++) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(ended.find(([id]) => id === s.id), [s.id, 'closed']);
    });
  }
});
