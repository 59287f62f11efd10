import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { utils, type Client } from 'ssh2';
import { NetconfSshServer, type NetconfSession, type ServerOptions, type AuthRequest } from '../../src/netconf/transport';
import { hashPassword, verifyPassword } from '../../src/auth';
import { usableKey, loadOrCreateHostKeys } from '../../src/netconf/transport/hostkeys';
import { connect, openSubsystem, openNetconf, rpc, sleep, BASE_NS, type TestSession } from './transport-helpers';
import { encodeMessageBuffer } from '../../src/netconf/framing';

const CAPS = ['urn:ietf:params:netconf:base:1.0', 'urn:ietf:params:netconf:base:1.1', 'urn:ietf:params:netconf:capability:candidate:1.0'];
const ALICE_HASH = hashPassword('secret', '$6$');
// ssh2's generator sometimes writes a malformed Ed25519 key: keep the good ones
const goodKey = () => {
  for (;;) {
    const k = utils.generateKeyPairSync('ed25519');
    if (usableKey(k.private)) return k;
  }
};
const clientKey = goodKey();
const otherKey = goodKey();
const clientPub = (utils.parseKey(clientKey.public) as { getPublicSSH(): Buffer }).getPublicSSH();

let keyDir: string;

interface Harness {
  server: NetconfSshServer;
  port: number;
  started: NetconfSession[];
  ended: { s: NetconfSession; reason: string; by?: number }[];
  auths: AuthRequest[];
}

async function startServer(over: Partial<ServerOptions> = {}): Promise<Harness> {
  const h: Partial<Harness> = { started: [], ended: [], auths: [] };
  const server = new NetconfSshServer({
    hostKeyDir: keyDir,
    listen: { host: '127.0.0.1', port: 0 },
    capabilities: () => CAPS,
    authenticate: async (req) => {
      h.auths!.push(req);
      if (req.username !== 'alice') return false;
      if (req.method === 'password') return verifyPassword(req.password ?? '', ALICE_HASH);
      return req.key !== undefined && req.key.data.equals(clientPub);
    },
    onMessage: async (s, xml) => {
      const id = /message-id="([^"]*)"/.exec(xml)?.[1];
      if (xml.includes('<close-session/>')) s.close('closed');
      return `<rpc-reply xmlns="${BASE_NS}" message-id="${id}"><ok/><sid>${s.id}</sid></rpc-reply>`;
    },
    onSessionStart: (s) => h.started!.push(s),
    onSessionEnd: (s, reason, by) => h.ended!.push({ s, reason, by }),
    ...over,
  });
  const { port } = await server.start();
  return Object.assign(h, { server, port }) as Harness;
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(20);
  }
}

describe('netconf/transport (NETCONF over SSH, real ssh2 client on 127.0.0.1)', function () {
  this.timeout(60000);
  let h: Harness;
  const clients: Client[] = [];
  const track = <T extends { client: Client }>(x: T): T => {
    clients.push(x.client);
    return x;
  };

  before(async () => {
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-hostkeys-'));
  });
  after(() => fs.rmSync(keyDir, { recursive: true, force: true }));
  afterEach(async () => {
    for (const c of clients.splice(0)) c.end();
    if (h) await h.server.stop();
  });

  it('creates host keys with mode 0600 on first start and reuses them', async () => {
    h = await startServer();
    const files = fs.readdirSync(keyDir).filter((f) => !f.endsWith('.pub')).sort();
    assert.deepEqual(files, ['ssh_host_ed25519_key', 'ssh_host_rsa_key']);
    for (const f of files) assert.equal(fs.statSync(path.join(keyDir, f)).mode & 0o777, 0o600, f);
    const before = fs.readFileSync(path.join(keyDir, 'ssh_host_ed25519_key'), 'utf8');
    const seen: Buffer[] = [];
    const c1 = await connect(h.port, { hostVerifier: (k: Buffer) => (seen.push(k), true) } as never);
    c1.end();
    await h.server.stop();
    h = await startServer();
    assert.equal(fs.readFileSync(path.join(keyDir, 'ssh_host_ed25519_key'), 'utf8'), before);
    const c2 = await connect(h.port, { hostVerifier: (k: Buffer) => (seen.push(k), true) } as never);
    c2.end();
    assert.equal(seen.length, 2);
    assert.ok(seen[0].equals(seen[1]), 'same host key after restart');
    assert.ok(h.port > 0);
  });

  it('every generated host key is usable (ssh2 alone writes a malformed Ed25519 key about 1 in 256 times)', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-keygen-'));
    for (let i = 0; i < 300; i++) {
      const [k] = await loadOrCreateHostKeys(path.join(base, String(i)), [{ file: 'k', type: 'ed25519' }]);
      assert.ok(usableKey(k));
    }
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('refuses to start with a corrupt host key, naming the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-badkey-'));
    fs.writeFileSync(path.join(dir, 'ssh_host_ed25519_key'), 'not a key');
    const s = new NetconfSshServer({
      hostKeyDir: dir,
      listen: { host: '127.0.0.1', port: 0 },
      capabilities: () => CAPS,
      authenticate: async () => false,
      onMessage: async () => null,
    });
    await assert.rejects(s.start(), /ssh_host_ed25519_key/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports a port in use as a start error', async () => {
    h = await startServer();
    const s2 = new NetconfSshServer({
      hostKeyDir: keyDir,
      listen: { host: '127.0.0.1', port: h.port },
      capabilities: () => CAPS,
      authenticate: async () => false,
      onMessage: async () => null,
    });
    await assert.rejects(s2.start(), /EADDRINUSE/);
  });

  it('password authentication: right password in, wrong password and unknown user out', async () => {
    h = await startServer();
    const c = await connect(h.port);
    c.end();
    await assert.rejects(connect(h.port, { password: 'wrong' }), /authentication/i);
    await assert.rejects(connect(h.port, { username: 'mallory', password: 'secret' }), /authentication/i);
    const pw = h.auths.filter((a) => a.method === 'password');
    assert.equal(pw.length, 3);
    assert.equal(pw[0].sourceHost, '127.0.0.1');
    assert.equal(pw[0].password, 'secret');
  });

  it('keyboard-interactive authentication asks one password prompt', async () => {
    h = await startServer();
    const kbd = (answer: string) =>
      new Promise<Client>((resolve, reject) => {
        const { Client: C } = require('ssh2') as typeof import('ssh2');
        const c = new C();
        const prompts: string[] = [];
        c.on('keyboard-interactive', (_n, _i, _l, p, finish) => {
          prompts.push(...p.map((x) => x.prompt));
          finish([answer]);
        });
        c.on('ready', () => resolve(Object.assign(c, { prompts })));
        c.on('error', reject);
        c.connect({ host: '127.0.0.1', port: h.port, username: 'alice', tryKeyboard: true, readyTimeout: 20000 });
      });
    const c = (await kbd('secret')) as Client & { prompts: string[] };
    assert.deepEqual(c.prompts, ['Password: ']);
    c.end();
    await assert.rejects(kbd('nope'), /authentication/i);
  });

  it('public-key authentication checks the signature and asks the callback about the key', async () => {
    h = await startServer();
    const c = await connect(h.port, { password: undefined, privateKey: clientKey.private });
    const s = await openSubsystem(c);
    const hello = await s.hello();
    assert.ok(hello.sessionId >= 1);
    c.end();
    await assert.rejects(connect(h.port, { password: undefined, privateKey: otherKey.private }), /authentication/i);
    const pk = h.auths.filter((a) => a.method === 'publickey');
    assert.ok(pk.some((a) => a.key!.algo === 'ssh-ed25519' && a.key!.data.equals(clientPub)));
  });

  it('offers only the netconf subsystem: exec, shell and other subsystems are refused', async () => {
    h = await startServer();
    const c = await connect(h.port);
    clients.push(c);
    await assert.rejects(
      new Promise((res, rej) => c.exec('id', (err, ch) => (err ? rej(err) : ch.on('close', () => rej(new Error('exec ran'))).on('data', res)))),
      /failure|denied|refused|exec/i,
    );
    await assert.rejects(openSubsystem(c, 'sftp'), /failure|denied|subsystem/i);
    await assert.rejects(new Promise((res, rej) => c.shell(false, (err) => (err ? rej(err) : res(null)))), /failure|denied|shell/i);
    const s = await openSubsystem(c, 'netconf');
    const { serverHello } = await s.hello();
    assert.match(serverHello, /candidate:1\.0/);
  });

  it('hello exchange with base:1.1: chunked framing afterwards, unique session-ids from 1, events', async () => {
    h = await startServer();
    const a = track(await openNetconf(h.port, '1.1'));
    const b = track(await openNetconf(h.port, '1.1'));
    assert.match(a.serverHello, new RegExp(`<hello xmlns="${BASE_NS}">`));
    for (const cap of CAPS) assert.ok(a.serverHello.includes(`<capability>${cap}</capability>`));
    assert.ok(a.sessionId >= 1 && b.sessionId === a.sessionId + 1);
    a.s.send(rpc(7));
    const reply = (await a.s.next())!;
    assert.match(reply, /message-id="7"/);
    assert.match(reply, new RegExp(`<sid>${a.sessionId}</sid>`));
    await until(() => h.started.length === 2);
    const sa = h.started.find((x) => x.id === a.sessionId)!;
    assert.equal(sa.base, '1.1');
    assert.equal(sa.username, 'alice');
    assert.equal(sa.sourceHost, '127.0.0.1');
    assert.ok(sa.loginTime instanceof Date);
    assert.ok(sa.clientCapabilities.includes('urn:ietf:params:netconf:base:1.1'));
    assert.deepEqual(h.server.sessions().map((x) => x.id).sort(), [a.sessionId, b.sessionId].sort());
    assert.equal(h.server.stats().inSessions, 2);
  });

  it('hello exchange with base:1.0 keeps end-of-message framing', async () => {
    h = await startServer();
    const a = track(await openNetconf(h.port, '1.0'));
    a.s.send(rpc('x1'));
    a.s.send(rpc('x2'));
    assert.match((await a.s.next())!, /message-id="x1"/);
    assert.match((await a.s.next())!, /message-id="x2"/);
    await until(() => h.started.length === 1);
    assert.equal(h.started[0].base, '1.0');
  });

  it('a server with only base:1.0 talks 1.0 to a 1.1 client', async () => {
    h = await startServer({ capabilities: () => ['urn:ietf:params:netconf:base:1.0'] });
    const a = track(await openNetconf(h.port, '1.1'));
    assert.equal(a.s.mode, 'eom');
    a.s.send(rpc(1));
    assert.match((await a.s.next())!, /message-id="1"/);
  });

  it('pipelined messages are handled one at a time and answered in order', async () => {
    let running = 0;
    let maxRunning = 0;
    h = await startServer({
      onMessage: async (_s, xml) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        const id = Number(/message-id="(\d+)"/.exec(xml)![1]);
        await sleep((id * 7) % 5); // later messages sometimes finish "faster"
        running--;
        return id % 10 === 3 ? null : `<rpc-reply xmlns="${BASE_NS}" message-id="${id}"><ok/></rpc-reply>`;
      },
    });
    const a = track(await openNetconf(h.port, '1.1'));
    // all 200 in one write, then some split byte-wise
    let all = '';
    const parts: Buffer[] = [];
    for (let i = 1; i <= 200; i++) parts.push(Buffer.concat(require('../../src/netconf/framing').encodeMessage(rpc(i), 'chunked')));
    all = Buffer.concat(parts).toString('latin1');
    a.s.raw(Buffer.from(all.slice(0, 12345), 'latin1'));
    for (let i = 12345; i < all.length; i += 997) a.s.raw(Buffer.from(all.slice(i, i + 997), 'latin1'));
    const ids: number[] = [];
    for (let i = 1; i <= 200; i++) if (i % 10 !== 3) ids.push(Number(/message-id="(\d+)"/.exec((await a.s.next())!)![1]));
    assert.deepEqual(ids, [...Array(200).keys()].map((i) => i + 1).filter((i) => i % 10 !== 3));
    assert.equal(maxRunning, 1);
  });

  it('close() inside onMessage sends that reply, then ends the session (close-session)', async () => {
    h = await startServer();
    const a = track(await openNetconf(h.port, '1.1'));
    a.s.send(rpc(1, '<close-session/>'));
    a.s.send(rpc(2));
    assert.match((await a.s.next())!, /message-id="1"><ok\/>/);
    assert.equal(await a.s.next(), null, 'nothing after close-session');
    await until(() => h.ended.length === 1);
    assert.equal(h.ended[0].reason, 'closed');
    assert.equal(h.ended[0].s.id, a.sessionId);
    assert.equal(h.ended[0].s.closed, true);
    assert.equal(h.server.sessions().length, 0);
  });

  it('killSession ends the target at once and reports who killed it', async () => {
    h = await startServer();
    const a = track(await openNetconf(h.port));
    const b = track(await openNetconf(h.port));
    assert.equal(h.server.killSession(a.sessionId, b.sessionId), true);
    await a.s.waitClosed();
    assert.equal(h.server.killSession(a.sessionId), false);
    assert.equal(h.server.killSession(9999), false);
    await until(() => h.ended.length === 1);
    assert.deepEqual([h.ended[0].s.id, h.ended[0].reason, h.ended[0].by], [a.sessionId, 'killed', b.sessionId]);
    b.s.send(rpc(5));
    assert.match((await b.s.next())!, /message-id="5"/);
  });

  it('killSession finds a session whose hello is not answered yet (its id is in our hello)', async () => {
    h = await startServer();
    const client = await connect(h.port);
    clients.push(client);
    client.on('error', () => undefined);
    const s = await openSubsystem(client);
    const id = Number(/<session-id>(\d+)<\/session-id>/.exec((await s.next())!)![1]);
    assert.equal(h.server.sessions().length, 0, 'not started');
    assert.equal(h.server.killSession(id, 1), true);
    await s.waitClosed();
    assert.equal(h.server.killSession(id), false);
  });

  it('a client dropping the connection ends its session as dropped', async () => {
    h = await startServer();
    const a = await openNetconf(h.port);
    await until(() => h.started.length === 1);
    a.client.end();
    await until(() => h.ended.length === 1);
    assert.equal(h.ended[0].reason, 'dropped');
    assert.equal(h.server.stats().droppedSessions, 1);
  });

  it('closes a session whose client sends no hello in time (no start/end events)', async () => {
    h = await startServer({ helloTimeoutMs: 300 });
    const c = await connect(h.port);
    clients.push(c);
    const s = await openSubsystem(c);
    assert.match((await s.next())!, /<session-id>/);
    const t0 = Date.now();
    await s.waitClosed(5000);
    assert.ok(Date.now() - t0 >= 250);
    assert.equal(h.started.length, 0);
    assert.equal(h.ended.length, 0);
  });

  it('drops a connection that opens no NETCONF session in time (logged in or not)', async () => {
    h = await startServer({ helloTimeoutMs: 400 });
    const c = await connect(h.port);
    const closed = new Promise<void>((r) => c.on('close', () => r()));
    const t0 = Date.now();
    await closed;
    assert.ok(Date.now() - t0 < 3000);
    // a TCP connection that never even starts SSH
    const net = await import('node:net');
    const sock = net.connect(h.port, '127.0.0.1');
    sock.on('error', () => undefined);
    sock.resume(); // read the server's SSH ident, send nothing
    const t1 = Date.now();
    await new Promise<void>((r) => sock.on('close', () => r()));
    assert.ok(Date.now() - t1 < 3000);
  });

  it('closes an idle session after idleTimeoutMs', async () => {
    h = await startServer({ idleTimeoutMs: 400 });
    const a = track(await openNetconf(h.port));
    a.s.send(rpc(1));
    await a.s.next();
    await a.s.waitClosed(5000);
    await until(() => h.ended.length === 1);
    assert.equal(h.ended[0].reason, 'timeout');
  });

  it('a bad hello closes the session and counts in-bad-hellos', async () => {
    h = await startServer();
    for (const bad of [
      `<hello xmlns="${BASE_NS}"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities><session-id>3</session-id></hello>`,
      `<hello xmlns="${BASE_NS}"><capabilities><capability>urn:x</capability></capabilities></hello>`,
      'garbage',
    ]) {
      const c = await connect(h.port);
      clients.push(c);
      const s = await openSubsystem(c);
      await s.next();
      s.send(bad);
      await s.waitClosed();
    }
    assert.equal(h.server.stats().inBadHellos, 3);
    assert.equal(h.started.length, 0);
  });

  it('garbage framing: malformed-message rpc-error, that session closed, another one unaffected', async () => {
    h = await startServer();
    const bad = track(await openNetconf(h.port, '1.1'));
    const good = track(await openNetconf(h.port, '1.1'));
    bad.s.send(rpc(1));
    assert.match((await bad.s.next())!, /message-id="1"/);
    bad.s.raw('\n#12x\n<rpc/>');
    const err = (await bad.s.next())!;
    assert.match(err, /<rpc-error>/);
    assert.match(err, /<error-type>rpc<\/error-type>/);
    assert.match(err, /<error-tag>malformed-message<\/error-tag>/);
    assert.match(err, /<error-severity>error<\/error-severity>/);
    assert.doesNotMatch(err, /message-id/);
    await bad.s.waitClosed();
    good.s.send(rpc(2));
    assert.match((await good.s.next())!, /message-id="2"/);
    await until(() => h.ended.length === 1);
    assert.equal(h.ended[0].reason, 'dropped');
    const st = h.ended[0].s.stats;
    assert.equal(st.inBadRpcs, 1);
    assert.equal(st.outRpcErrors, 1);
    assert.equal(h.server.stats().inBadRpcs, 1);
    assert.equal(h.server.stats().outRpcErrors, 1);
  });

  it('an oversize message gets too-big (RFC 6241 appendix A) and the session is closed', async () => {
    h = await startServer({ maxMessageBytes: 4096 });
    const a = track(await openNetconf(h.port, '1.0'));
    a.s.raw('<rpc>' + 'x'.repeat(10000));
    const err = (await a.s.next())!;
    assert.match(err, /<error-type>rpc<\/error-type><error-tag>too-big<\/error-tag>/);
    await a.s.waitClosed();
    const b = track(await openNetconf(h.port, '1.1'));
    b.s.raw('\n#5000\n');
    assert.match((await b.s.next())!, /<error-tag>too-big<\/error-tag>/);
    await b.s.waitClosed();
  });

  it('invalid UTF-8 gets malformed-message, the session stays usable', async () => {
    h = await startServer();
    const a = track(await openNetconf(h.port, '1.1'));
    a.s.raw(Buffer.concat([Buffer.from('\n#3\n'), Buffer.from([0x3c, 0xff, 0x3e]), Buffer.from('\n##\n')]));
    assert.match((await a.s.next())!, /malformed-message/);
    a.s.send(rpc(9));
    assert.match((await a.s.next())!, /message-id="9"/);
  });

  it('a base:1.0 session never gets malformed-message (appendix A: not to old clients): operation-failed, error-type rpc', async () => {
    h = await startServer();
    const a = track(await openNetconf(h.port, '1.0'));
    a.s.raw(Buffer.concat([Buffer.from([0x3c, 0xff, 0x3e]), Buffer.from(']]>]]>')]));
    const err = (await a.s.next())!;
    assert.doesNotMatch(err, /malformed-message/);
    assert.match(err, /<error-type>rpc<\/error-type><error-tag>operation-failed<\/error-tag>/);
    a.s.send(rpc(9));
    assert.match((await a.s.next())!, /message-id="9"/);
  });

  it('an onMessage that throws gets operation-failed, not a crash', async () => {
    h = await startServer({
      onMessage: async (_s, xml) => {
        if (xml.includes('boom')) throw new Error('boom');
        return `<rpc-reply xmlns="${BASE_NS}" message-id="2"><ok/></rpc-reply>`;
      },
    });
    const a = track(await openNetconf(h.port));
    a.s.send(rpc(1, '<boom/>'));
    a.s.send(rpc(2));
    assert.match((await a.s.next())!, /operation-failed/);
    assert.match((await a.s.next())!, /message-id="2"/);
  });

  it('random garbage in every state never takes the server down', async () => {
    h = await startServer();
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const junk = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
    for (let round = 0; round < 12; round++) {
      const c = await connect(h.port);
      clients.push(c);
      c.on('error', () => undefined);
      const s = await openSubsystem(c);
      if (round % 3 === 0) await s.next();
      if (round % 3 === 1) await s.hello('1.0');
      if (round % 3 === 2) await s.hello('1.1');
      s.raw(Buffer.concat([junk(1 + Math.floor(rnd() * 3000)), Buffer.from(round % 2 ? ']]>]]>' : '\n##\n')]));
      if (round % 3 === 0) s.raw(']]>]]>');
      if (round % 3 !== 0) {
        // an established session answers the junk (malformed-message, or an
        // rpc-reply when it happened to frame), closes, or waits for more
        const m = await s.next(1500).catch(() => null);
        if (m !== null) assert.match(m, /malformed-message|rpc-reply/);
      }
    }
    const ok = track(await openNetconf(h.port));
    ok.s.send(rpc(77));
    assert.match((await ok.s.next())!, /message-id="77"/);
  });

  it('a client that vanishes while its request runs does not disturb the server', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h = await startServer({
      onMessage: async (_s, xml) => {
        if (xml.includes('slow')) await gate;
        return `<rpc-reply xmlns="${BASE_NS}" message-id="1"><ok/></rpc-reply>`;
      },
    });
    const a = await openNetconf(h.port);
    a.s.send(rpc(1, '<slow/>'));
    await sleep(100);
    a.client.end();
    await until(() => h.ended.length === 1);
    release();
    await sleep(50);
    const b = track(await openNetconf(h.port));
    b.s.send(rpc(1));
    assert.match((await b.s.next())!, /<ok\/>/);
    assert.equal(h.ended[0].reason, 'dropped');
  });

  it('limits sessions to maxSessions', async () => {
    h = await startServer({ maxSessions: 2 });
    track(await openNetconf(h.port));
    track(await openNetconf(h.port));
    const c = await connect(h.port);
    clients.push(c);
    await assert.rejects(openSubsystem(c), /failure|subsystem|denied/i);
    assert.equal(h.server.sessions().length, 2);
  });

  it('a client that leaves notifications unread past maxUnreadBytes loses its session; one that reads keeps it', async () => {
    h = await startServer({ maxUnreadBytes: 1024 * 1024 });
    const reader = track(await openNetconf(h.port));
    const sleeper = track(await openNetconf(h.port));
    await until(() => h.started.length === 2);
    sleeper.s.channel.pause(); // reads nothing more: the SSH window fills, then the server's channel buffers
    const [sr, ss] = [reader, sleeper].map((x) => h.started.find((s) => s.id === x.sessionId)!);
    const note = `<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"><eventTime>2026-12-05T00:00:00Z</eventTime><x>${'y'.repeat(64 * 1024)}</x></notification>`;
    const n = 100;
    for (let i = 0; i < n; i++) {
      sr.send(note);
      ss.send(note);
      await sleep(2);
    }
    await until(() => h.ended.some((e) => e.s.id === sleeper.sessionId));
    assert.equal(h.ended.find((e) => e.s.id === sleeper.sessionId)!.reason, 'other');
    for (let i = 0; i < n; i++) assert.match((await reader.s.next())!, /^<notification/, `notification ${i} reached the reader`);
    assert.ok(!h.ended.some((e) => e.s.id === reader.sessionId), 'the reader keeps its session');
    reader.s.send(rpc(1));
    assert.match((await reader.s.next())!, /message-id="1"/);
  });

  it('serves 100 concurrent sessions', async () => {
    h = await startServer();
    const n = 100;
    const sessions = await Promise.all(Array.from({ length: n }, () => openNetconf(h.port, '1.1').then(track)));
    const ids = new Set(sessions.map((x) => x.sessionId));
    assert.equal(ids.size, n);
    await until(() => h.server.sessions().length === n);
    await Promise.all(
      sessions.map(async (x, i) => {
        x.s.send(rpc(i));
        const r = (await x.s.next())!;
        assert.match(r, new RegExp(`message-id="${i}"`));
        assert.match(r, new RegExp(`<sid>${x.sessionId}</sid>`));
      }),
    );
  });

  it('stop() ends every session with reason other', async () => {
    h = await startServer();
    const a = track(await openNetconf(h.port));
    await until(() => h.started.length === 1);
    await h.server.stop();
    await a.s.waitClosed();
    assert.equal(h.ended[0].reason, 'other');
    assert.equal(h.server.sessions().length, 0);
  });

  it('streams a large reply (20 MB) to a 1.1 client intact', async () => {
    const big = `<rpc-reply xmlns="${BASE_NS}" message-id="1"><data>${'y'.repeat(20 * 1024 * 1024)}</data></rpc-reply>`;
    h = await startServer({ onMessage: async () => big });
    const a = track(await openNetconf(h.port, '1.1'));
    a.s.send(rpc(1));
    const r = (await a.s.next(30000))!;
    assert.equal(r.length, big.length);
    assert.equal(r, big);
  });

  /** onMessage answering each rpc with a produced reply: <rpc-reply><data>, what `body` emits, </data></rpc-reply> */
  const producedData =
    (body: (emit: (piece: string | Buffer) => void) => void) =>
    (_s: unknown, xml: string) => {
      const id = /message-id="([^"]*)"/.exec(xml)![1];
      return {
        produce(emit: (piece: string | Buffer) => void) {
          emit(`<rpc-reply xmlns="${BASE_NS}" message-id="${id}"><data>`);
          body(emit);
          emit('</data></rpc-reply>');
        },
      };
    };

  it('a produced reply (pieces of any size, strings and bytes) arrives whole over 1.1 and 1.0, answered without a promise', async () => {
    const pieces: (string | Buffer)[] = [];
    for (let i = 0; i < 200; i++) pieces.push(i % 3 === 0 ? Buffer.from(`<e n="${i}">é€😀</e>`) : `<e n="${i}">${'z'.repeat(i * 97)}</e>`);
    const text = (id: string) => `<rpc-reply xmlns="${BASE_NS}" message-id="${id}"><data>` + pieces.map((p) => p.toString()).join('') + '</data></rpc-reply>';
    h = await startServer({ onMessage: producedData((emit) => pieces.forEach((p) => emit(p))) });
    for (const base of ['1.1', '1.0'] as const) {
      const a = track(await openNetconf(h.port, base));
      // pipelined: the answers come back whole and in order
      a.s.send(rpc(1));
      a.s.send(rpc(2));
      assert.equal((await a.s.next(30000))!, text('1'));
      assert.equal((await a.s.next(30000))!, text('2'));
    }
  });

  it('big produced string pieces stay intact past the SSH window, pipelined', async () => {
    // 300 distinct pieces of 20,000 characters: 6 MB, three times the client's window
    const piece = (i: number) => `<p>${String(i).padEnd(20000, 'abcdefghij'[i % 10])}</p>`;
    const text = (id: string) => `<rpc-reply xmlns="${BASE_NS}" message-id="${id}"><data>` + Array.from({ length: 300 }, (_x, i) => piece(i)).join('') + '</data></rpc-reply>';
    h = await startServer({ onMessage: producedData((emit) => {
      for (let i = 0; i < 300; i++) emit(piece(i));
    }) });
    for (const base of ['1.1', '1.0'] as const) {
      const a = track(await openNetconf(h.port, base));
      a.s.send(rpc(1));
      a.s.send(rpc(2));
      assert.ok((await a.s.next(30000)) === text('1'), `${base}: first reply intact`);
      assert.ok((await a.s.next(30000)) === text('2'), `${base}: second reply intact`);
    }
  });

  it('pieces written into the transport\'s buffers stay intact while the buffers are reused: two sessions, pipelined, past the window', async () => {
    // each reply 6 MB of 256 KiB pieces, three times the client's window, its bytes telling reply and piece apart:
    // a buffer given back while the channel still held it would be written over by the next reply
    const fill = (tag: string, i: number) => `<p>${`${tag}:${i}:`.padEnd(200 * 1024, 'abcdefghij'[i % 10])}</p>`;
    const text = (id: string, tag: string) => `<rpc-reply xmlns="${BASE_NS}" message-id="${id}"><data>` + Array.from({ length: 30 }, (_x, i) => fill(tag, i)).join('') + '</data></rpc-reply>';
    let replies = 0;
    h = await startServer({
      onMessage: (_s: unknown, xml: string) => {
        const id = /message-id="([^"]*)"/.exec(xml)![1];
        const tag = `r${++replies}`;
        return {
          produce(emit: (piece: string | Buffer) => void, buffers: { take(min: number): Buffer }) {
            emit(`<rpc-reply xmlns="${BASE_NS}" message-id="${id}"><data>`);
            for (let i = 0; i < 30; i++) {
              const b = buffers.take(210 * 1024);
              emit(b.subarray(0, b.write(fill(tag, i))));
            }
            emit('</data></rpc-reply>');
          },
        };
      },
    });
    const a = track(await openNetconf(h.port, '1.1'));
    const b = track(await openNetconf(h.port, '1.1'));
    for (let round = 0; round < 2; round++) {
      const first = replies;
      a.s.send(rpc(1));
      a.s.send(rpc(2));
      b.s.send(rpc(1));
      b.s.send(rpc(2));
      const got = await Promise.all([a.s.next(30000), b.s.next(30000), a.s.next(30000), b.s.next(30000)]);
      // which reply went to which session depends on the order the sessions ran: each is one of this round's, whole
      const tags = Array.from({ length: 4 }, (_x, i) => `r${first + i + 1}`);
      for (const [k, r] of got.entries()) {
        const id = k < 2 ? '1' : '2';
        assert.ok(tags.some((t) => r === text(id, t)), `round ${round}, reply ${k}: intact`);
      }
    }
  });

  it('small pieces written into the transport\'s buffers: pipelined replies that wait in one write batch are each intact', async () => {
    // a small piece's buffer goes back at once for the next reply: the piece must have been copied out of it
    h = await startServer({
      onMessage: (_s: unknown, xml: string) => {
        const id = /message-id="([^"]*)"/.exec(xml)![1];
        return {
          produce(emit: (piece: string | Buffer) => void, buffers: { take(min: number): Buffer }) {
            const b = buffers.take(100);
            emit(b.subarray(0, b.write(`<rpc-reply xmlns="${BASE_NS}" message-id="${id}"><data>${'r'.repeat(Number(id))}${id}</data></rpc-reply>`)));
          },
        };
      },
    });
    const a = track(await openNetconf(h.port, '1.1'));
    // in one SSH packet: the session answers all 20 in one turn, into one write batch
    a.s.raw(Buffer.concat(Array.from({ length: 20 }, (_x, i) => encodeMessageBuffer(rpc(i + 1), 'chunked'))));
    for (let i = 1; i <= 20; i++) assert.equal((await a.s.next(5000))!, `<rpc-reply xmlns="${BASE_NS}" message-id="${i}"><data>${'r'.repeat(i)}${i}</data></rpc-reply>`);
  });

  it('a reply made a part at a time: a client that does not read holds it at its window; a kill ends it and the producer stops', async () => {
    let parts = 0;
    let stopped: boolean | null = null;
    h = await startServer({
      onMessage: (_s: unknown, xml: string) => {
        const id = /message-id="([^"]*)"/.exec(xml)![1];
        if (id !== '1') return `<rpc-reply xmlns="${BASE_NS}" message-id="${id}"><ok/></rpc-reply>`;
        return {
          async produce(emit: (piece: string | Buffer) => void, buffers: { take(min: number): Buffer; pause(): Promise<boolean> }) {
            emit(`<rpc-reply xmlns="${BASE_NS}" message-id="${id}"><data>`);
            for (let i = 0; i < 40; i++) {
              for (let k = 0; k < 4; k++) {
                const b = buffers.take(256 * 1024);
                emit(b.subarray(0, b.write(`<p>${'q'.repeat(250 * 1024)}</p>`)));
              }
              parts++;
              if (!(await buffers.pause())) {
                stopped = true;
                return;
              }
            }
            stopped = false;
            emit('</data></rpc-reply>');
          },
        };
      },
    });
    const a = track(await openNetconf(h.port, '1.1'));
    const b = track(await openNetconf(h.port, '1.1'));
    a.s.channel.pause();
    a.s.send(rpc(1));
    await sleep(500);
    // 40 MB asked: the window (2 MB) and a queue of the channel's size were made, no more
    assert.ok(parts >= 2 && parts <= 6, `${parts} parts made for a client that reads nothing`);
    // the server goes on meanwhile
    b.s.send(rpc(7, '<get-config/>'));
    assert.equal((await b.s.next(5000))!, `<rpc-reply xmlns="${BASE_NS}" message-id="7"><ok/></rpc-reply>`);
    h.server.killSession(h.started[0].id);
    await until(() => stopped !== null);
    assert.equal(stopped, true, 'the producer was told to stop');
    assert.equal(h.ended[0].reason, 'killed');
    assert.ok(parts <= 7);
  });

  it('a producer that fails half-way ends the session instead of sending a broken message', async () => {
    h = await startServer({
      onMessage: () => ({
        produce(emit) {
          emit('<rpc-reply');
          throw new Error('boom');
        },
      }),
    });
    const a = track(await openNetconf(h.port, '1.1'));
    a.s.send(rpc(1));
    await until(() => h.ended.length === 1);
    assert.equal(h.ended[0].reason, 'other');
  });
});
