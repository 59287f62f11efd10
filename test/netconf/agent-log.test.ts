/**
 * What the agent's JSON log says about logins, connections and the RADIUS
 * listeners: a failed login once per refused attempt with the method the
 * client used (not a client's probe of its keys, nor a second try of the
 * same password), the transport's refusals, and the RADIUS listeners when
 * they change, not at every commit that reaches them.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, utils } from 'ssh2';
import { createLogger } from '../../src/log';
import { NetconfClient } from '../../src/netconf/client';
import { newAgent } from './agent-harness';
import { freeUdpPort } from '../cli/radius-ports';
import type { Agent } from '../../src/daemon/agent';

const SYS = 'urn:ietf:params:xml:ns:yang:ietf-system';
const FTS = 'urn:flowtapd:yang:services';
const ACC = 'urn:flowtapd:yang:access';

type Rec = { level: string; event: string; [k: string]: unknown };

describe('agent: the log of logins, connections and RADIUS listeners', function () {
  this.timeout(30000);
  let dir: string;
  let agent: Agent;
  let port: number;
  const lines: Rec[] = [];
  const events = (name: string): Rec[] => lines.filter((l) => l.event === name);
  const good = utils.generateKeyPairSync('ed25519');
  const other = utils.generateKeyPairSync('ed25519');

  /** an SSH login that tries `methods` in order; resolves whether it got in */
  const login = (methods: Record<string, unknown>[]): Promise<boolean> =>
    new Promise((resolve) => {
      const c = new Client();
      c.on('ready', () => {
        c.end();
        resolve(true);
      });
      c.on('error', () => resolve(false));
      c.on('close', () => resolve(false));
      c.connect({ host: '127.0.0.1', port, username: 'admin', authHandler: methods as never, readyTimeout: 10000 });
    });
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 100));

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-log-'));
    // fixed RADIUS ports, as configured ones are (port 0 would bind new ones at every prepare)
    const radiusPorts = { coaPort: await freeUdpPort(), acctPort: await freeUdpPort() };
    agent = newAgent(dir, { bootstrap: 'admin:pw', helloTimeoutMs: 1500, radiusPorts, log: createLogger('debug', (l) => void lines.push(JSON.parse(l) as Rec)) });
    port = (await agent.start()).port;
    const c = await NetconfClient.connect({ port, username: 'admin', password: 'pw' });
    const key = good.public.split(' ')[1];
    await c.rpcOk(
      `<edit-config><target><running/></target><config><system xmlns="${SYS}"><authentication><user><name>admin</name>` +
        `<authorized-key><name>k</name><algorithm>ssh-ed25519</algorithm><key-data>${key}</key-data></authorized-key></user></authentication></system></config></edit-config>`,
    );
    await c.close();
  });
  after(async () => {
    await agent.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a key the client offers first and the agent does not take is a probe, not a failed login', async () => {
    const before = events('login-failed').length;
    assert.ok(await login([{ type: 'publickey', username: 'admin', key: other.private }, { type: 'publickey', username: 'admin', key: good.private }]));
    await settle();
    assert.equal(events('login-failed').length, before);
  });

  it('a client whose only key is refused (it asks, and leaves): one login-failed, method publickey, when it goes', async () => {
    const before = events('login-failed').length;
    assert.equal(await login([{ type: 'publickey', username: 'admin', key: other.private }]), false);
    for (let i = 0; i < 20 && events('login-failed').length === before; i++) await settle();
    assert.deepEqual(
      events('login-failed').slice(before).map((l) => [l.level, l.user, l.method, l.source]),
      [['warn', 'admin', 'publickey', '127.0.0.1']],
    );
  });

  it('a refused password and a refused keyboard-interactive answer: one line each, with the method used', async () => {
    const before = events('login-failed').length;
    assert.equal(await login([{ type: 'password', username: 'admin', password: 'wrong' }]), false);
    assert.equal(
      await login([{ type: 'keyboard-interactive', username: 'admin', prompt: (_n: string, _i: string, _l: string, p: unknown[], cb: (a: string[]) => void) => cb(p.map(() => 'wrong')) }]),
      false,
    );
    await settle();
    assert.deepEqual(
      events('login-failed').slice(before).map((l) => [l.level, l.user, l.method, l.source]),
      [
        ['warn', 'admin', 'password', '127.0.0.1'],
        ['warn', 'admin', 'keyboard-interactive', '127.0.0.1'],
      ],
    );
  });

  it('a connection that opens no NETCONF session in time is logged when the agent closes it', async () => {
    const s = net.connect(port, '127.0.0.1').resume();
    await new Promise<void>((r) => s.once('close', () => r()).on('error', () => undefined));
    assert.ok(
      events('netconf-transport').some((l) => l.level === 'info' && /^connection from 127\.0\.0\.1: no NETCONF session within 1500 ms$/.test(String(l.message))),
      JSON.stringify(events('netconf-transport')),
    );
  });

  it('the RADIUS listeners are logged at start and when they change, not at each commit that reaches them', async () => {
    const said = (): number => events('radius').filter((l) => /^radius: listening /.test(String(l.message))).length;
    assert.equal(said(), 1, 'at start');
    const c = await NetconfClient.connect({ port, username: 'admin', password: 'pw' });
    try {
      // an LI commit: the mirror applier prepares the RADIUS listeners again, which stay as they were
      await c.rpcOk(`<edit-config><target><running/></target><config><services xmlns="${FTS}"><flow-tap/><radius-flow-tap><maximum-sessions>100</maximum-sessions></radius-flow-tap></services></config></edit-config>`);
      assert.equal(said(), 1, 'an LI commit leaves no trace in the general log');
      await c.rpcOk(`<edit-config><target><running/></target><config><access xmlns="${ACC}"><radius-client><address>192.0.2.7</address><secret>s</secret></radius-client></access></config></edit-config>`);
      assert.equal(said(), 2, 'a new client is');
      assert.match(String(events('radius').pop()!.message), /, 1 client\(s\)$/);
    } finally {
      await c.close();
    }
  });
});
