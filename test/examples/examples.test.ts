/**
 * The examples in examples/ run as written (issue 7).
 *
 * Offline: the edit-config documents of the seed's steps, applied in order
 * by the engine's edit-config, give a configuration that validates after
 * every step; that configuration passes `flowtapd lint` and libyang's
 * yanglint; leaving a step out fails.
 *
 * Live (root): a network namespace with lo and the subscriber interface
 * eth1 (a veth pair, so nothing touches the host's interfaces); the agent's
 * real command line runs inside it on 127.0.0.1:18830; there
 * examples/ncclient/push.py pushes the documents and commits,
 * examples/radius/send.sh sends the accounting Start, CoA start, CoA stop
 * and Disconnect with radclient, and `flowtapd show` reads the result;
 * examples/capture.sh on eth2 (a veth towards the mediation device
 * 203.0.113.99) decodes the mirror's copies.
 */
import { strict as assert } from 'assert';
import { ChildProcess, execFile, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadContext } from '../../src/yang/context';
import { parseXml, toXml, validate } from '../../src/yang/data';
import { applyEdit } from '../../src/netconf/edit';
import { IMPLEMENTED_MODULES, searchPath } from '../../src/daemon/modules';
import type { SchemaContext } from '../../src/yang/schema';

const ROOT = path.join(__dirname, '..', '..');
const EX = path.join(ROOT, 'examples');
const STEPS = fs.readdirSync(path.join(EX, 'netconf')).filter((f) => /^0\d-.*\.xml$/.test(f)).sort().map((f) => path.join(EX, 'netconf', f));
const MAIN_JS = "require('./src/cli/main').main(process.argv.slice(1)).then((c) => process.exit(c))";

function applySteps(ctx: SchemaContext, files: string[]): { xml: string; problems: string[][] } {
  const tree = parseXml(ctx, '', { type: 'config' });
  const problems: string[][] = [];
  for (const f of files) {
    const edit = parseXml(ctx, fs.readFileSync(f, 'utf8'), { type: 'edit' });
    const r = applyEdit(tree, edit, { defaultOperation: 'merge' });
    assert.deepEqual(r.errors, [], f);
    problems.push(validate(ctx, tree, { type: 'config', defaults: false }).map((e) => `${path.basename(f)}: ${e.path ?? ''} ${e.message}`));
  }
  return { xml: toXml(tree, { withDefaults: 'trim', indent: true }), problems };
}

describe('examples: edit-config documents of the seed steps (offline)', function () {
  this.timeout(60000);
  let ctx: SchemaContext;
  let tmp: string;
  before(() => {
    ctx = loadContext(IMPLEMENTED_MODULES, { searchPath: searchPath() });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-examples-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('has the five steps: flow-tap, tunnel interfaces, forwarding class, radius-flow-tap, RADIUS client', () => {
    assert.deepEqual(STEPS.map((f) => path.basename(f)), ['01-flow-tap.xml', '02-tunnel-interfaces.xml', '03-forwarding-class.xml', '04-radius-flow-tap.xml', '05-radius-client.xml']);
  });

  it('applied in order, the configuration is valid after every step', () => {
    const { xml, problems } = applySteps(ctx, STEPS);
    assert.deepEqual(problems, STEPS.map(() => []));
    for (const want of ['<flow-tap/>', '<interfaces>vt0</interfaces>', '<interfaces>vt1</interfaces>', '<source-ipv4-address>198.51.100.1</source-ipv4-address>', '<forwarding-class>li</forwarding-class>', 'ianaift:tunnel', '<secret>testing123</secret>']) {
      assert.ok(xml.includes(want), `${want} in\n${xml}`);
    }
  });

  it('the result passes `flowtapd lint` and yanglint', () => {
    const file = path.join(tmp, 'li-config.xml');
    fs.writeFileSync(file, applySteps(ctx, STEPS).xml);
    const mods = ['flowtapd-services', 'flowtapd-access', 'flowtapd-class-of-service'].map((m) => path.join(ROOT, 'yang', `${m}.yang`));
    const lint = execFileSync(process.execPath, ['--import', 'tsx', '-e', MAIN_JS, 'lint', ...mods, 'iana-if-type', '--data', file], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(lint, `${file}: valid (config)\n`);
    try {
      execFileSync('sh', ['-c', 'command -v yanglint'], { stdio: 'ignore' });
    } catch {
      return;
    }
    const ietf = '/usr/share/yuma/modules/ietf';
    execFileSync('yanglint', ['-p', ietf, ...mods, `${ietf}/iana-if-type@2014-05-08.yang`, `${ietf}/ietf-interfaces@2014-05-08.yang`, '-t', 'config', file], { stdio: 'pipe' });
  });

  it('without the tunnel interfaces (step 2) the pool is accepted: LI configuration never constrains the public interfaces (the members are down)', () => {
    const { problems } = applySteps(ctx, STEPS.filter((f) => !f.includes('02-')));
    assert.deepEqual(problems[problems.length - 1], []);
  });

  it('90-move-pool-member.xml takes vt1 out of the pool', () => {
    const { xml, problems } = applySteps(ctx, [...STEPS, path.join(EX, 'netconf', '90-move-pool-member.xml')]);
    assert.deepEqual(problems[problems.length - 1], []);
    assert.ok(xml.includes('<interfaces>vt0</interfaces>') && !xml.includes('<interfaces>vt1</interfaces>'), xml);
  });
});

// ---------------------------------------------------------------------------- live

const NS = `ftex${process.pid % 100000}`;
const PORT = 18830;
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function inNs(args: string[], env: NodeJS.ProcessEnv = {}, input = ''): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = execFile('ip', ['netns', 'exec', NS, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60000 }, (_e, out, err) =>
      resolve({ code: p.exitCode, out, err }),
    );
    p.stdin!.end(input);
  });
}

/**
 * setpriv's arguments that keep only the capabilities of tools/flowtapd.service
 * (CapabilityBoundingSet, AmbientCapabilities, NoNewPrivileges); none without setpriv.
 */
function unitCapabilities(): string[] {
  try {
    execFileSync('sh', ['-c', 'command -v setpriv'], { stdio: 'ignore' });
  } catch {
    return [];
  }
  const unit = fs.readFileSync(path.join(ROOT, 'tools', 'flowtapd.service'), 'utf8');
  const caps = /^CapabilityBoundingSet=(.*)$/m.exec(unit)![1].trim().split(/\s+/).map((c) => `+${c.replace(/^CAP_/, '').toLowerCase()}`).join(',');
  return ['setpriv', `--bounding-set=-all,${caps}`, `--inh-caps=-all,${caps}`, `--ambient-caps=-all,${caps}`, '--no-new-privs'];
}

function liveUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespace)';
  for (const t of ['ip', 'radclient']) {
    try {
      execFileSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' });
    } catch {
      return `${t} is not installed`;
    }
  }
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import ncclient'], { stdio: 'ignore' });
  } catch {
    return 'python3-ncclient is not installed';
  }
  return undefined;
}

describe('examples: run as written against the agent (network namespace)', function () {
  this.timeout(180000);
  let agent: ChildProcess | undefined;
  let agentLog = '';
  let dataDir = '';
  let nsUp = false;

  const show = async (view: string, extra: string[] = []): Promise<{ code: number | null; out: string; err: string }> =>
    inNs([process.execPath, '--import', 'tsx', '-e', MAIN_JS, 'show', view, '--port', String(PORT), ...extra], { FLOWTAPD_USER: 'admin', FLOWTAPD_PASSWORD: 'secret' });
  const showJson = async <T>(view: string): Promise<T> => {
    const r = await show(view, ['--json']);
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out) as T;
  };
  const send = async (what: string): Promise<string> => {
    const r = await inNs([path.join(EX, 'radius', 'send.sh'), what]);
    return r.out + r.err;
  };
  type Session = { 'acct-session-id': string; state: string; 'tunnel-interface'?: string; 'user-name'?: string; 'subscriber-address': string[] };
  type Tunnel = { name: string; enabled: boolean; 'oper-status': string; sessions: number; reason?: string };

  before(async function () {
    const why = liveUnavailable();
    if (why) {
      process.stdout.write(`      skipped: ${why}\n`);
      this.skip();
    }
    execFileSync('ip', ['netns', 'add', NS]);
    nsUp = true;
    const ip = (...a: string[]): void => void execFileSync('ip', ['-n', NS, ...a]);
    ip('link', 'set', 'lo', 'up');
    ip('link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth1p');
    ip('link', 'set', 'eth1', 'up');
    ip('link', 'set', 'eth1p', 'up');
    ip('addr', 'add', '192.0.2.1/24', 'dev', 'eth1');
    // the subscriber's and the mediation device's link-layer addresses, so packets to them leave at once
    ip('neigh', 'add', '192.0.2.10', 'lladdr', '02:00:00:00:00:10', 'dev', 'eth1', 'nud', 'permanent');
    ip('link', 'add', 'eth2', 'type', 'veth', 'peer', 'name', 'eth2p');
    ip('link', 'set', 'eth2', 'up');
    ip('link', 'set', 'eth2p', 'up');
    ip('addr', 'add', '203.0.113.1/24', 'dev', 'eth2');
    ip('neigh', 'add', '203.0.113.99', 'lladdr', '02:00:00:00:00:99', 'dev', 'eth2', 'nud', 'permanent');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-ex-data-'));
    // with only the capabilities tools/flowtapd.service grants (root's others dropped), as the unit runs it
    agent = spawn('ip', ['netns', 'exec', NS, ...unitCapabilities(), process.execPath, '--import', 'tsx', '-e', MAIN_JS, '--', '--data-dir', dataDir, '--netconf-listen', `127.0.0.1:${PORT}`], {
      cwd: ROOT,
      env: { ...process.env, FLOWTAPD_BOOTSTRAP_USER: 'admin:secret' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    agent.stderr!.on('data', (d) => (agentLog += d));
    for (let i = 0; i < 600 && !agentLog.includes('"netconf-listening"'); i++) {
      if (agent.exitCode !== null) break;
      await sleep(100);
    }
    assert.ok(agentLog.includes('"netconf-listening"'), `agent did not start:\n${agentLog}`);
  });

  it("the agent runs with the systemd unit's capabilities only", function () {
    if (!unitCapabilities().length) this.skip(); // no setpriv
    // ip netns exec and setpriv each exec the next: the process spawned is the agent's node
    const status = fs.readFileSync(`/proc/${agent!.pid}/status`, 'utf8');
    assert.match(status, /^Name:\s+node$/m);
    const bits = (name: string): bigint => BigInt(`0x${new RegExp(`^${name}:\\s+([0-9a-f]+)$`, 'm').exec(status)![1]}`);
    // CAP_NET_BIND_SERVICE 10, CAP_NET_ADMIN 12, CAP_NET_RAW 13
    const want = (1n << 10n) | (1n << 12n) | (1n << 13n);
    for (const set of ['CapEff', 'CapPrm', 'CapBnd']) assert.equal(bits(set), want, `${set} in\n${status}`);
  });

  after(async () => {
    if (agent?.pid && agent.exitCode === null) {
      agent.kill('SIGTERM');
      for (let i = 0; i < 50 && agent.exitCode === null; i++) await sleep(100);
      if (agent.exitCode === null) agent.kill('SIGKILL');
    }
    if (nsUp) {
      try {
        execFileSync('ip', ['netns', 'del', NS]);
      } catch {
        /* gone */
      }
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('ncclient push.py pushes the five steps and commits', async () => {
    const r = await inNs(['/usr/bin/python3', path.join(EX, 'ncclient', 'push.py'), '--port', String(PORT), ...STEPS], { FLOWTAPD_PASSWORD: 'secret' });
    assert.equal(r.code, 0, r.out + r.err + agentLog.slice(-2000));
    assert.equal(r.out.trim().split('\n').pop(), 'commit: ok');
    const tunnels = await showJson<{ tunnels: Tunnel[] }>('tunnels');
    assert.deepEqual(tunnels.tunnels, [
      { name: 'vt0', enabled: true, 'oper-status': 'up', sessions: 0 },
      { name: 'vt1', enabled: true, 'oper-status': 'up', sessions: 0 },
    ]);
    // the pool members are kernel TUN devices inside the namespace
    const links = execFileSync('ip', ['-n', NS, '-o', 'link', 'show'], { encoding: 'utf8' });
    assert.match(links, /: vt0: /);
    assert.match(links, /: vt1: /);
  });

  it('push.py reports a refused edit with the rpc-error and exit 1', async () => {
    const bad = path.join(dataDir, '..', `${NS}-bad.xml`);
    fs.writeFileSync(bad, fs.readFileSync(path.join(EX, 'netconf', '04-radius-flow-tap.xml'), 'utf8').replace('<maximum-sessions>2048</maximum-sessions>', '<maximum-sessions>70000</maximum-sessions>'));
    try {
      const r = await inNs(['/usr/bin/python3', path.join(EX, 'ncclient', 'push.py'), '--port', String(PORT), '--password', 'secret', bad]);
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.err, /rpc-error: .*70000/);
    } finally {
      fs.rmSync(bad, { force: true });
    }
  });

  /** push.py run in the namespace with the password */
  const push = (...args: string[]): Promise<{ code: number | null; out: string; err: string }> =>
    inNs(['/usr/bin/python3', path.join(EX, 'ncclient', 'push.py'), '--port', String(PORT), ...args], { FLOWTAPD_PASSWORD: 'secret' });
  /** an edit-config document adding forwarding class `name` (dscp is unique) */
  const classFile = (name: string, dscp: number): string => {
    const f = path.join(dataDir, '..', `${NS}-${name}.xml`);
    fs.writeFileSync(f, fs.readFileSync(path.join(EX, 'netconf', '03-forwarding-class.xml'), 'utf8').replace('<name>li</name>', `<name>${name}</name>`).replace('<dscp>10</dscp>', `<dscp>${dscp}</dscp>`));
    return f;
  };
  const inRunning = (name: string): boolean => fs.readFileSync(path.join(dataDir, 'running.xml'), 'utf8').includes(`<name>${name}</name>`);
  const lastAudit = (): { origin: string; user: string | null } => JSON.parse(fs.readFileSync(path.join(dataDir, 'audit.log'), 'utf8').trimEnd().split('\n').pop()!);

  it('push.py --confirmed: the change outlives the script, other commits wait for it, --confirm ID keeps it past the timeout', async () => {
    const f = classFile('held', 20);
    try {
      const started = Date.now();
      const r = await push('--confirmed', '4', f);
      assert.equal(r.code, 0, r.out + r.err);
      const id = /^persist-id: (\S+)$/m.exec(r.out)?.[1];
      assert.ok(id, r.out);
      assert.match(r.out, /^commit: ok, confirmed: rolled back in 4 s unless confirmed$/m);
      assert.match(r.out, new RegExp(`--confirm ${id}\n`));
      assert.match(r.out, new RegExp(`--cancel ${id}\n`));
      await sleep(500);
      assert.ok(inRunning('held'), 'not rolled back when the script\'s session closed');
      // while it is pending, a plain commit is refused
      const other = await push(classFile('other', 22));
      assert.equal(other.code, 1, other.out + other.err);
      assert.match(other.err, /^rpc-error: invalid-value .*persist-id/m);
      const c = await push('--confirm', id!);
      assert.equal(c.code, 0, c.out + c.err);
      assert.equal(c.out, `commit: ok, confirmed commit ${id} confirmed\n`);
      await sleep(Math.max(0, started + 4500 - Date.now()));
      assert.ok(inRunning('held'), 'still there after the timeout');
      assert.ok(!inRunning('other'));
    } finally {
      for (const n of ['held', 'other']) fs.rmSync(path.join(dataDir, '..', `${NS}-${n}.xml`), { force: true });
    }
  });

  it('push.py --cancel ID rolls the confirmed commit back at once (audited as the cancel-commit of that user); an unconfirmed one goes on its timeout', async () => {
    const f = classFile('maybe', 24);
    try {
      const r = await push('--confirmed', '60', '--persist', 'try-1', f);
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /^persist-id: try-1$/m);
      assert.ok(inRunning('maybe'));
      assert.equal((await push('--cancel', 'nope')).code, 1);
      const c = await push('--cancel', 'try-1');
      assert.equal(c.code, 0, c.out + c.err);
      assert.equal(c.out, 'cancel-commit: ok, confirmed commit try-1 rolled back\n');
      assert.ok(!inRunning('maybe'));
      assert.deepEqual([lastAudit().origin, lastAudit().user], ['cancel-commit', 'admin']);
      // not confirmed: gone after its timeout, audited as the timer's
      assert.equal((await push('--confirmed', '1', f)).code, 0);
      assert.ok(inRunning('maybe'));
      for (let i = 0; i < 40 && inRunning('maybe'); i++) await sleep(100);
      assert.ok(!inRunning('maybe'), 'rolled back on its timeout');
      assert.equal(lastAudit().origin, 'timer');
    } finally {
      fs.rmSync(f, { force: true });
    }
  });

  it('push.py: an unreachable agent or a refused login is one line on stderr and exit 1, no traceback', async () => {
    const down = await inNs(['/usr/bin/python3', path.join(EX, 'ncclient', 'push.py'), '--port', '1', '--password', 'secret']);
    assert.equal(down.code, 1, down.out + down.err);
    assert.equal(down.err, 'push.py: cannot connect to 127.0.0.1:1: Could not open socket to 127.0.0.1:1\n');
    // on the agent's default port, where `npm start`'s agent is not: the way to it
    const npmStart = await inNs(['/usr/bin/python3', path.join(EX, 'ncclient', 'push.py'), '--password', 'secret']);
    assert.equal(npmStart.err, 'push.py: cannot connect to 127.0.0.1:830: Could not open socket to 127.0.0.1:830 (is the agent running? `npm start` listens on port 8830: --port 8830)\n');
    const wrong = await inNs(['/usr/bin/python3', path.join(EX, 'ncclient', 'push.py'), '--port', String(PORT), '--password', 'wrong', ...STEPS]);
    assert.equal(wrong.code, 1, wrong.out + wrong.err);
    assert.equal(wrong.err, `push.py: admin@127.0.0.1:${PORT}: login failed (user or password refused)\n`);
    assert.equal(wrong.out, '');
  });

  it('push.py: a file that is not well-formed XML, or not a <config>, is one line naming file, line and column, before connecting; no traceback', async () => {
    const broken = path.join(dataDir, '..', `${NS}-broken.xml`);
    const rpc = path.join(dataDir, '..', `${NS}-rpc.xml`);
    // a document cut short, as an editor that was not saved leaves it
    fs.writeFileSync(broken, fs.readFileSync(STEPS[0], 'utf8').replace(/<\/services>[\s\S]*$/, ''));
    fs.writeFileSync(rpc, '<?xml version="1.0"?>\n<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><commit/></rpc>\n');
    try {
      const r = await push(STEPS[0], broken);
      assert.equal(r.code, 1, r.out + r.err);
      assert.equal(r.out, '', 'nothing pushed');
      assert.match(r.err, new RegExp(`^push\\.py: ${literal(broken)}:\\d+:\\d+: not well-formed XML: Premature end of data in tag services line 3\\n$`));
      const w = await push(rpc);
      assert.equal(w.code, 1);
      assert.equal(w.err, `push.py: ${rpc}:2: the document is <rpc>, not a NETCONF <config> (xmlns="urn:ietf:params:xml:ns:netconf:base:1.0") holding the configuration to push\n`);
    } finally {
      for (const f of [broken, rpc]) fs.rmSync(f, { force: true });
    }
  });

  it('radclient: accounting Start (Accounting-Response), then CoA start (CoA-ACK): show lists the session on a pool member', async () => {
    assert.match(await send('acct-start'), /Received Accounting-Response/);
    const subs = await showJson<{ subscribers: { 'acct-session-id': string; 'framed-ip-address': string }[] }>('subscribers');
    assert.deepEqual(subs.subscribers.map((s) => [s['acct-session-id'], s['framed-ip-address']]), [['1001', '192.0.2.10']]);
    const coa = await send('coa-start');
    assert.match(coa, /Received CoA-ACK/, coa + agentLog.slice(-2000));
    const { sessions } = await showJson<{ sessions: Session[] }>('sessions');
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]['acct-session-id'], '1001');
    assert.equal(sessions[0].state, 'active');
    assert.deepEqual(sessions[0]['subscriber-address'], ['192.0.2.10']);
    assert.ok(['vt0', 'vt1'].includes(sessions[0]['tunnel-interface']!));
    const t = await show('sessions');
    const lines = t.out.trimEnd().split('\n');
    assert.equal(lines.length, 2, t.out);
    assert.match(lines[1], /^1001\s+alice@isp\.example\s+192\.0\.2\.10\/32\s+vt[01]\s+active\s+\d+\s+\d+\s+\d+\s+\d{4}-/);
    const tunnels = (await showJson<{ tunnels: Tunnel[] }>('tunnels')).tunnels;
    assert.equal(tunnels.reduce((a, x) => a + x.sessions, 0), 1);
    const tt = await show('tunnels');
    assert.match(tt.out, /^MEMBER\s+ENABLED\s+LINK\s+SESSIONS\s+REASON\nvt0\s+yes\s+up\s+[01]\s+-\nvt1\s+yes\s+up\s+[01]\s+-\nrelay: \d+ copies sent, \d+ send failures, \d+ packets matching no mirror, \d+ too big to copy\n$/);
  });

  it('capture.sh eth2 prints each copy as: intercept id, session id (decimal), outer source, destination, inner source, destination', async function () {
    try {
      execFileSync('sh', ['-c', 'command -v tshark'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    const cap = spawn('ip', ['netns', 'exec', NS, path.join(EX, 'capture.sh'), 'eth2'], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    cap.stdout!.on('data', (d) => (out += d));
    cap.stderr!.on('data', (d) => (err += d));
    try {
      for (let i = 0; i < 200 && !err.includes('Capturing on'); i++) await sleep(50);
      assert.match(err, /Capturing on 'eth2'/);
      // a packet to the subscriber leaves eth1: its copy goes to 203.0.113.99:30030 out eth2
      for (let i = 0; i < 50 && !out.includes('\n'); i++) {
        execFileSync('ip', ['netns', 'exec', NS, 'bash', '-c', 'echo probe > /dev/udp/192.0.2.10/9']);
        await sleep(200);
      }
      assert.equal(out.split('\n')[0], ['12345', '67890', '198.51.100.1', '203.0.113.99', '192.0.2.1', '192.0.2.10'].join('\t'), out + err);
    } finally {
      if (cap.exitCode === null) process.kill(-cap.pid!, 'SIGINT');
      for (let i = 0; i < 50 && cap.exitCode === null && cap.signalCode === null; i++) await sleep(100);
      if (cap.exitCode === null && cap.signalCode === null) process.kill(-cap.pid!, 'SIGKILL');
    }
    assert.ok(!err.includes('This could be dangerous'), err);
  });

  it('a pool member whose link goes down shows down; its session moves to the other member', async () => {
    const before = (await showJson<{ sessions: Session[] }>('sessions')).sessions[0]['tunnel-interface']!;
    const other = before === 'vt0' ? 'vt1' : 'vt0';
    execFileSync('ip', ['-n', NS, 'link', 'set', before, 'down']);
    let tunnels: Tunnel[] = [];
    for (let i = 0; i < 50; i++) {
      tunnels = (await showJson<{ tunnels: Tunnel[] }>('tunnels')).tunnels;
      if (tunnels.find((x) => x.name === before)?.['oper-status'] === 'down') break;
      await sleep(100);
    }
    assert.deepEqual(tunnels.find((x) => x.name === before), { name: before, enabled: true, 'oper-status': 'down', sessions: 0, reason: 'link-down' });
    assert.match((await show('tunnels')).out, new RegExp(`\\n${before}\\s+yes\\s+down\\s+0\\s+link-down\\n`));
    assert.deepEqual(tunnels.find((x) => x.name === other), { name: other, enabled: true, 'oper-status': 'up', sessions: 1 });
    assert.equal((await showJson<{ sessions: Session[] }>('sessions')).sessions[0]['tunnel-interface'], other);
    execFileSync('ip', ['-n', NS, 'link', 'set', before, 'up']);
  });

  it('CoA stop (CoA-ACK) ends the mirror; CoA start again, then Disconnect (Disconnect-ACK) ends mirror and subscriber', async () => {
    assert.match(await send('coa-stop'), /Received CoA-ACK/);
    assert.deepEqual((await showJson<{ sessions: Session[] }>('sessions')).sessions, []);
    assert.match(await send('coa-start'), /Received CoA-ACK/);
    assert.equal((await showJson<{ sessions: Session[] }>('sessions')).sessions.length, 1);
    assert.match(await send('disconnect'), /Received Disconnect-ACK/);
    assert.deepEqual((await showJson<{ sessions: Session[] }>('sessions')).sessions, []);
    assert.deepEqual((await showJson<{ subscribers: unknown[] }>('subscribers')).subscribers, []);
  });

  it('show radius counts what radclient sent', async () => {
    const { clients } = await showJson<{ clients: Record<string, unknown>[] }>('radius');
    const c = clients.find((x) => x.address === '127.0.0.1')!;
    assert.ok(c, JSON.stringify(clients));
    assert.equal(c['accounting-requests'], 1);
    assert.equal(c['accounting-responses'], 1);
    assert.equal(c['coa-requests'], 3);
    assert.equal(c['disconnect-requests'], 1);
    assert.equal(c.acks, 4);
    assert.equal(c.naks, 0);
  });
});
