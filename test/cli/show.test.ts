/**
 * `flowtapd show` (issue 7) against an agent in process over real SSH:
 * subscribers learned from Debian's radclient, RADIUS counters per client
 * (good, bad-secret and unknown-client datagrams), --json, NACM-hidden
 * views, and the one-line errors and exit codes. The tunnel and session
 * views with a live pool run in test/examples (network namespace).
 */
import { strict as assert } from 'assert';
import { execFile, spawnSync } from 'child_process';
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Agent } from '../../src/daemon/agent';
import { createLogger } from '../../src/log';
import { NetconfClient, parseReply } from '../../src/netconf/client';
import { hashPassword } from '../../src/auth';
import { parseShowArgs, showMain, ShowUsageError } from '../../src/cli/show';
import { renderTable } from '../../src/cli/show/table';
import { render, shortTime } from '../../src/cli/show/views';
import { parseXmlDocument } from '../../src/xml/dom';

const ROOT = path.join(__dirname, '..', '..');
const SECRET = 'show-secret';

function radclient(port: number, kind: 'acct' | 'coa', secret: string, attrs: string[], patient = true): Promise<string> {
  return new Promise((resolve) => {
    const p = execFile('radclient', ['-x', '-t', patient ? '3' : '1', '-r', patient ? '2' : '1', `127.0.0.1:${port}`, kind, secret], { encoding: 'utf8' }, (_e, stdout, stderr) =>
      resolve(stdout + stderr),
    );
    p.stdin!.end(attrs.join('\n') + '\n');
  });
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await showMain(argv, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

describe('cli: flowtapd show (agent in process)', function () {
  this.timeout(60000);
  let dataDir: string;
  let agent: Agent;
  let port: number;
  let acctPort: number;
  let hasRadclient = true;
  /** the agent's log lines */
  const log: { event: string; method?: string }[] = [];

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-show-'));
    agent = new Agent({ dataDir, listen: { host: '127.0.0.1', port: 0 }, log: createLogger('info', (l) => void log.push(JSON.parse(l))), bootstrap: 'admin:pw', radiusPorts: { coaPort: 0, acctPort: 0 } });
    port = (await agent.start()).port;
    const nc = await NetconfClient.connect({ port, username: 'admin', password: 'pw' });
    await nc.rpcOk(
      `<edit-config><target><candidate/></target><config>` +
        `<access xmlns="urn:flowtapd:yang:access"><radius-client><address>127.0.0.1</address><secret>${SECRET}</secret></radius-client></access>` +
        `<system xmlns="urn:ietf:params:xml:ns:yang:ietf-system"><authentication><user><name>oper</name><password>${hashPassword('operpw')}</password></user></authentication></system>` +
        `</config></edit-config>`,
    );
    await nc.rpcOk('<commit/>');
    await nc.close();
    acctPort = agent.radius!.ports().acctPort;
    hasRadclient = spawnSync('sh', ['-c', 'command -v radclient']).status === 0;
  });

  after(async () => {
    await agent?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const creds = (): string[] => ['--port', String(port), '--user', 'admin', '--password', 'pw'];

  it('subscribers: a subscriber from a radclient Accounting Start, as a table and as JSON', async function () {
    if (!hasRadclient) this.skip();
    const r = await radclient(acctPort, 'acct', SECRET, [
      'Acct-Status-Type = Start', 'Acct-Session-Id = "77001"', 'User-Name = "alice@isp.example"', 'Framed-IP-Address = 192.0.2.10', 'NAS-Port-Id = "ge-0/0/0.100"',
      'NAS-Identifier = "bng1"', 'NAS-IP-Address = 198.51.100.1',
    ]);
    assert.match(r, /Accounting-Response/, r);
    const t = await run(['subscribers', ...creds()]);
    assert.equal(t.code, 0, t.err);
    const lines = t.out.trimEnd().split('\n');
    assert.match(lines[0], /^ACCT-SESSION-ID\s+USER\s+IPV4\s+IPV6-PREFIX\s+NAS\s+NAS-PORT-ID\s+START\s+REFUSED$/);
    assert.equal(lines.length, 2, t.out);
    assert.match(lines[1], /^77001\s+alice@isp\.example\s+192\.0\.2\.10\s+-\s+bng1,198\.51\.100\.1\s+ge-0\/0\/0\.100\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+-$/);
    // columns line up: every header title starts where its cell starts
    assert.equal(lines[0].indexOf('IPV4'), lines[1].indexOf('192.0.2.10'));
    assert.equal(lines[0].indexOf('NAS '), lines[1].indexOf('bng1'));
    assert.equal(lines[0].indexOf('NAS-PORT-ID'), lines[1].indexOf('ge-0/0/0.100'));
    const j = await run(['subscribers', '--json', ...creds()]);
    assert.equal(j.code, 0);
    const doc = JSON.parse(j.out) as { subscribers: Record<string, unknown>[] };
    assert.equal(doc.subscribers.length, 1);
    assert.equal(doc.subscribers[0]['acct-session-id'], '77001');
    assert.equal(doc.subscribers[0]['framed-ip-address'], '192.0.2.10');
    assert.equal(doc.subscribers[0]['user-name'], 'alice@isp.example');
    assert.equal(doc.subscribers[0]['nas-identifier'], 'bng1');
    assert.equal(doc.subscribers[0]['nas-ip-address'], '198.51.100.1');
    assert.equal(doc.subscribers[0]['radius-client'], '127.0.0.1');
  });

  it('radius: counters per client, drops by reason, unknown clients', async function () {
    if (!hasRadclient) this.skip();
    const bad = await radclient(acctPort, 'acct', 'wrong-secret', ['Acct-Status-Type = Start', 'Acct-Session-Id = "77002"', 'User-Name = "bob"'], false);
    assert.doesNotMatch(bad, /Received Accounting-Response/);
    // one datagram from a source that is not a configured client
    const s = dgram.createSocket('udp4');
    await new Promise<void>((res) => s.bind(0, '127.0.0.2', () => res()));
    await new Promise<void>((res) => s.send(Buffer.alloc(20, 1), acctPort, '127.0.0.1', () => res()));
    s.close();
    const want = (c: Record<string, unknown>): boolean => (c.dropped as Record<string, number>)['bad-authenticator'] >= 1;
    let doc: { clients: Record<string, unknown>[]; 'unknown-clients': { dropped: number; sources: { address: string; dropped: number }[] } } | undefined;
    for (let i = 0; i < 50; i++) {
      const j = await run(['radius', '--json', ...creds()]);
      assert.equal(j.code, 0, j.err);
      doc = JSON.parse(j.out);
      if (doc!.clients[0] && want(doc!.clients[0]) && doc!['unknown-clients'].dropped >= 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const c = doc!.clients.find((x) => x.address === '127.0.0.1')!;
    assert.ok(c, JSON.stringify(doc));
    assert.equal(c['accounting-requests'], 1, JSON.stringify(c));
    assert.equal(c['accounting-responses'], 1);
    assert.ok((c.requests as number) >= 2, 'the good Start and the bad one');
    assert.ok(want(c), JSON.stringify(c));
    assert.equal(doc!['unknown-clients'].dropped, 1);
    assert.deepEqual(doc!['unknown-clients'].sources, [{ address: '127.0.0.2', dropped: 1 }]);
    const t = await run(['radius', ...creds()]);
    const lines = t.out.trimEnd().split('\n');
    assert.match(lines[0], /^CLIENT\s+REQUESTS\s+COA\s+DISCONNECT\s+ACCOUNTING\s+ACK\s+NAK\s+ACCT-RESP\s+DUPLICATES\s+DROPPED\s+DROP REASONS$/);
    assert.match(lines[1], /^127\.0\.0\.1\s+\d+\s+0\s+0\s+\d+\s+0\s+0\s+1\s+\d+\s+\d+\s+bad-authenticator \d+/);
    // numbers are right-aligned under their titles
    assert.equal(lines[0].indexOf('ACCT-RESP') + 'ACCT-RESP'.length, lines[1].search(/1(?=\s+\d+\s+\d+\s+bad-)/) + 1);
    assert.equal(lines[2], 'unknown clients: 1 dropped (127.0.0.2 1)');
  });

  it('radius: a request without the Message-Authenticator its client must send is counted as missing-message-authenticator', async function () {
    if (!hasRadclient) this.skip();
    const nc = await NetconfClient.connect({ port, username: 'admin', password: 'pw' });
    const require = async (on: boolean): Promise<void> => {
      await nc.rpcOk(
        `<edit-config><target><candidate/></target><config><access xmlns="urn:flowtapd:yang:access"><radius-client><address>127.0.0.1</address>` +
          `<require-message-authenticator>${on}</require-message-authenticator></radius-client></access></config></edit-config>`,
      );
      await nc.rpcOk('<commit/>');
      // the listeners of this agent take new free ports at each commit of /access
      acctPort = agent.radius!.ports().acctPort;
    };
    try {
      await require(true);
      const r = await radclient(acctPort, 'acct', SECRET, ['Acct-Status-Type = Start', 'Acct-Session-Id = "77003"', 'User-Name = "carol"'], false);
      assert.doesNotMatch(r, /Received Accounting-Response/);
    } finally {
      await require(false);
      await nc.close();
    }
    const doc = JSON.parse((await run(['radius', '--json', ...creds()])).out) as { clients: { address: string; dropped: Record<string, number> }[] };
    const c = doc.clients.find((x) => x.address === '127.0.0.1')!;
    assert.equal(c.dropped['missing-message-authenticator'], 1, JSON.stringify(c));
    assert.equal(c.dropped['bad-message-authenticator'], 0);
    assert.match((await run(['radius', ...creds()])).out.split('\n')[1], /missing-message-authenticator 1/);
  });

  it('a user outside the LI groups gets empty sessions and tunnels, and the RADIUS counters but those of CoA and Disconnect', async () => {
    const oper = ['--port', String(port), '--user', 'oper', '--password', 'operpw'];
    const s = await run(['tunnels', '--json', ...oper]);
    assert.equal(s.code, 0, s.err);
    assert.deepEqual(JSON.parse(s.out), { tunnels: [] });
    const t = await run(['sessions', ...oper]);
    assert.equal(t.code, 0);
    assert.match(t.out, /^ACCT-SESSION-ID\s+USER\s+ADDRESSES\s+TUNNEL\s+STATE\s+PACKETS\s+BYTES\s+DROPS\s+START\nno mirror sessions/);
    const r = await run(['radius', '--json', ...oper]);
    assert.equal(r.code, 0);
    const clients = (JSON.parse(r.out) as { clients: Record<string, unknown>[] }).clients;
    assert.equal(clients.length, 1);
    assert.equal(typeof clients[0]['accounting-requests'], 'number');
    for (const k of ['requests', 'coa-requests', 'disconnect-requests', 'acks', 'naks', 'duplicates']) assert.ok(!(k in clients[0]), `oper is given ${k}`);
    const table = (await run(['radius', ...oper])).out.split('\n');
    assert.match(table[1], /^127\.0\.0\.1\s+-\s+-\s+-\s+\d+\s+-\s+-\s+\d+\s+-\s+\d+/);
  });

  it('errors: wrong password and nothing listening give exit 1 and one line', async () => {
    const failed = (): number => log.filter((l) => l.event === 'login-failed').length;
    const before = failed();
    const a = await run(['radius', '--port', String(port), '--user', 'admin', '--password', 'nope']);
    assert.equal(a.code, 1);
    assert.equal(a.out, '');
    assert.match(a.err, /^flowtapd show: cannot open a NETCONF session to 127\.0\.0\.1:\d+: authentication failed for user admin \(check --user or FLOWTAPD_USER, and the password\)\n$/);
    // one attempt: not the same password again through keyboard-interactive (a second failure, a longer delay)
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(failed(), before + 1);
    assert.equal(log.filter((l) => l.event === 'login-failed').pop()!.method, 'password');
    const srv = require('net').createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const free = srv.address().port as number;
    await new Promise<void>((r) => srv.close(() => r()));
    const b = await run(['sessions', '--port', String(free), '--password', 'x']);
    assert.equal(b.code, 1);
    assert.equal(b.err, `flowtapd show: cannot open a NETCONF session to 127.0.0.1:${free}: ECONNREFUSED: nothing listens there (is the agent running?)\n`);
    // the default port, where `npm start`'s agent is not: the way to it
    const c = await run(['sessions', '--host', '127.0.0.2', '--password', 'x']);
    assert.equal(c.code, 1);
    assert.equal(c.err, 'flowtapd show: cannot open a NETCONF session to 127.0.0.2:830: ECONNREFUSED: nothing listens there (is the agent running? `npm start` listens on port 8830: --port 8830)\n');
    // something that is not an SSH server there
    const other = require('net').createServer((sock: import('net').Socket) => sock.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    try {
      const d = await run(['sessions', '--port', String(other.address().port), '--password', 'x']);
      assert.equal(d.code, 1);
      assert.match(d.err, /^flowtapd show: cannot open a NETCONF session to 127\.0\.0\.1:\d+: .* \(is that an SSH server, the agent's NETCONF port\?\)\n$/);
    } finally {
      other.close();
    }
  });

  it('the real command line: exit codes 0 and 2, FLOWTAPD_USER / FLOWTAPD_PASSWORD', async () => {
    // asynchronous: the agent answering lives in this process
    const cli = (args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        const p = execFile(
          process.execPath,
          ['--import', 'tsx', '-e', "require('./src/cli/main').main(process.argv.slice(1)).then((c) => process.exit(c))", 'show', ...args],
          { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FLOWTAPD_USER: '', FLOWTAPD_PASSWORD: '', ...env } },
          (_e, stdout, stderr) => resolve({ status: p.exitCode, stdout, stderr }),
        );
      });
    const ok = await cli(['subscribers', '--json', '--port', String(port)], { FLOWTAPD_USER: 'admin', FLOWTAPD_PASSWORD: 'pw' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(Array.isArray((JSON.parse(ok.stdout) as { subscribers: unknown[] }).subscribers));
    const noCreds = await cli(['subscribers', '--port', String(port)], {});
    assert.equal(noCreds.status, 2);
    assert.match(noCreds.stderr, /^flowtapd show: no credentials: give --password or --key, or set FLOWTAPD_PASSWORD\nUsage: flowtapd show/);
    const badView = await cli(['everything', '--password', 'x'], {});
    assert.equal(badView.status, 2);
    assert.match(badView.stderr, /unknown view "everything"/);
  });
});

describe('cli: flowtapd show (arguments and tables)', () => {
  it('parses the command line and refuses bad input with a typed usage error', () => {
    const o = parseShowArgs(['tunnels', '--json', '--host', '::1', '--port=8830', '--user', 'u'], { FLOWTAPD_PASSWORD: 'p' });
    assert.ok(o !== 'help');
    assert.deepEqual({ v: o.view, j: o.json, h: o.host, p: o.port, u: o.user, pw: o.password }, { v: 'tunnels', j: true, h: '::1', p: 8830, u: 'u', pw: 'p' });
    assert.equal(parseShowArgs(['--help'], {}), 'help');
    // an IPv6 address in brackets, as --netconf-listen takes it
    assert.equal((parseShowArgs(['radius', '--host', '[::1]'], { FLOWTAPD_PASSWORD: 'p' }) as { host: string }).host, '::1');
    for (const bad of [[], ['sessions', 'tunnels'], ['sessions', '--port', '0'], ['sessions', '--port', 'x'], ['sessions', '--bogus'], ['sessions', '--timeout', '-1'], ['sessions', '--key', '/nonexistent/key']]) {
      assert.throws(() => parseShowArgs(bad, { FLOWTAPD_PASSWORD: 'p' }), ShowUsageError, JSON.stringify(bad));
    }
  });

  it('subscribers: the NAS column shows what accounting named the NAS by, else the address it came from', () => {
    const sub = (id: string, nas: string): string =>
      `<subscriber><acct-session-id>${id}</acct-session-id>${nas}<radius-client>192.0.2.254</radius-client></subscriber>`;
    const xml =
      `<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><data><subscribers xmlns="urn:flowtapd:yang:access">` +
      sub('1', '<nas-identifier>bng1</nas-identifier><nas-ipv6-address>2001:db8::1</nas-ipv6-address>') +
      sub('2', '') +
      `</subscribers></data></rpc-reply>`;
    const out = render('subscribers', parseXmlDocument(xml), renderTable).text.split('\n');
    assert.match(out[1], /^1\s+-\s+-\s+-\s+bng1,2001:db8::1\s+-\s+-\s+-$/);
    assert.match(out[2], /^2\s+-\s+-\s+-\s+192\.0\.2\.254\s+-\s+-\s+-$/);
  });

  const reply = (data: string): ReturnType<typeof parseReply> =>
    parseReply(`<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="1"><data>${data}</data></rpc-reply>`);

  it('tunnels: why a member is down (REASON), in the table and the JSON', () => {
    const r = render(
      'tunnels',
      reply(
        `<services xmlns="urn:flowtapd:yang:services"><radius-flow-tap><tunnel-state>` +
          `<tunnel><name>vt0</name><enabled>true</enabled><oper-status>up</oper-status><sessions>3</sessions></tunnel>` +
          `<tunnel><name>vt1</name><enabled>true</enabled><oper-status>down</oper-status><sessions>0</sessions><reason>not-a-tunnel</reason></tunnel>` +
          `</tunnel-state></radius-flow-tap></services>`,
      ),
      renderTable,
    );
    assert.equal(r.text, 'MEMBER  ENABLED  LINK  SESSIONS  REASON\nvt0     yes      up           3  -\nvt1     yes      down         0  not-a-tunnel\n');
    assert.deepEqual(r.json, {
      tunnels: [
        { name: 'vt0', enabled: true, 'oper-status': 'up', sessions: 3 },
        { name: 'vt1', enabled: true, 'oper-status': 'down', sessions: 0, reason: 'not-a-tunnel' },
      ],
    });
  });

  it('subscribers: an address accounting reported that cannot be the subscriber\'s (REFUSED), and the count', () => {
    const r = render(
      'subscribers',
      reply(
        `<subscribers xmlns="urn:flowtapd:yang:access"><refused-addresses>2</refused-addresses>` +
          `<subscriber><acct-session-id>9</acct-session-id><user-name>eve</user-name><framed-ip-address>192.0.2.9</framed-ip-address><refused-address>2001:db8::/32</refused-address></subscriber>` +
          `<subscriber><acct-session-id>10</acct-session-id><framed-ip-address>192.0.2.10</framed-ip-address></subscriber>` +
          `</subscribers>`,
      ),
      renderTable,
    );
    const lines = r.text.trimEnd().split('\n');
    assert.match(lines[0], /^ACCT-SESSION-ID\s+USER\s+IPV4\s+IPV6-PREFIX\s+NAS\s+NAS-PORT-ID\s+START\s+REFUSED$/);
    assert.match(lines[1], /^9\s+eve\s+192\.0\.2\.9\s+-\s+-\s+-\s+-\s+2001:db8::\/32$/);
    assert.equal(lines[0].indexOf('REFUSED'), lines[1].indexOf('2001:db8::/32'));
    assert.match(lines[2], /^10\s+-\s+192\.0\.2\.10\s+-\s+-\s+-\s+-\s+-$/);
    assert.equal(lines[3], "refused addresses: 2 accounting values that cannot be one subscriber's, not learned");
    assert.deepEqual(r.json, {
      subscribers: [
        { 'acct-session-id': '9', 'user-name': 'eve', 'framed-ip-address': '192.0.2.9', 'refused-address': ['2001:db8::/32'] },
        { 'acct-session-id': '10', 'framed-ip-address': '192.0.2.10' },
      ],
      'refused-addresses': 2,
    });
  });

  it('aligns columns: text left, numbers right, two spaces apart', () => {
    const t = renderTable(
      [
        { title: 'NAME', value: (r: { n: string; c: number }) => r.n },
        { title: 'COUNT', value: (r: { n: string; c: number }) => String(r.c), align: 'right' as const },
      ],
      [
        { n: 'a', c: 1234567 },
        { n: 'longer-name', c: 5 },
      ],
    );
    assert.equal(t, 'NAME           COUNT\na            1234567\nlonger-name        5\n');
    assert.equal(shortTime('2026-11-24T10:00:00.123Z'), '2026-11-24 10:00:00Z');
    assert.equal(shortTime(undefined), '-');
  });
});
