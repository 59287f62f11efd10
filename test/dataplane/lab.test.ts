/**
 * In network namespaces (as root): tc reconcile and the end-to-end mirror path
 * sub -- bng -- core with copies to md, checked with tc and tshark.
 */
import { strict as assert } from 'assert';
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { decode } from '../../src/relay/jmirror';

const ROOT = path.join(__dirname, '..', '..');
const P = `ftl${process.pid % 100000}`;
const NS = { sub: `${P}-sub`, bng: `${P}-bng`, core: `${P}-core`, md: `${P}-md` };
const procs: ChildProcess[] = [];
/** made in before(): a run whose --grep selects nothing here leaves no directory behind */
let tmp = '';

const sh = (ns: string, ...args: string[]): string => execFileSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class Driver {
  private readonly proc: ChildProcess;
  private readonly lines: string[] = [];
  private waiters: ((l: string) => void)[] = [];
  constructor() {
    this.proc = spawn('ip', ['netns', 'exec', NS.bng, process.execPath, '-r', 'tsx/cjs', path.join(__dirname, 'driver.ts')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    procs.push(this.proc);
    readline.createInterface({ input: this.proc.stdout! }).on('line', (l) => {
      const w = this.waiters.shift();
      if (w) w(l);
      else this.lines.push(l);
    });
    // a driver that dies answers every waiting call with its death (no hung test)
    this.proc.on('exit', (code, sig) => {
      for (const w of this.waiters.splice(0)) w(JSON.stringify({ ok: false, error: `driver exited (${code ?? sig})` }));
    });
  }
  next(): Promise<Record<string, unknown>> {
    const l = this.lines.shift();
    if (l) return Promise.resolve(JSON.parse(l));
    return new Promise((r) => this.waiters.push((x) => r(JSON.parse(x))));
  }
  async call(cmd: unknown): Promise<Record<string, unknown>> {
    this.proc.stdin!.write(JSON.stringify(cmd) + '\n');
    return this.next();
  }
}

function state(mirrors: unknown[], extra: Record<string, unknown> = {}): unknown {
  return { pool: [{ name: 'vt0' }, { name: 'vt1' }], subscriberInterfaces: ['bsub'], sourceIpv4: '203.0.113.1', dscp: 10, multicast: false, mirrors, ...extra };
}
const M1 = { key: 's1', addresses: ['192.0.2.10', '2001:db8:1::10/128'], tunnel: 'vt0', interceptId: 12345, sessionId: 67890, medIp: '203.0.113.99', medPort: 30030, dropRules: [{ protocol: 17, destinationPort: 9999 }] };
const M2 = { key: 's2', addresses: ['192.0.2.77'], tunnel: 'vt1', interceptId: 7, sessionId: 8, medIp: '203.0.113.99', medPort: 30030, dropRules: [] };

/** Reads a classic pcap file; returns packets from the IP header on. */
function readPcap(file: string): Buffer[] {
  const b = fs.readFileSync(file);
  const link = b.readUInt32LE(20);
  const out: Buffer[] = [];
  let o = 24;
  while (o + 16 <= b.length) {
    const cap = b.readUInt32LE(o + 8);
    const pkt = b.subarray(o + 16, o + 16 + cap);
    out.push(link === 1 ? pkt.subarray(14) : pkt);
    o += 16 + cap;
  }
  return out;
}

function filterLines(): string[] {
  return sh(NS.bng, 'tc', 'filter', 'show', 'dev', 'bsub', 'ingress').split('\n').filter((l) => /fh [0-9a-f]+:[0-9a-f]*:[0-9a-f]+/.test(l));
}

/** tc's listing of the bng interface, one block per filter object, keyed by its fh. */
function filterBlocks(): Map<string, string> {
  const txt = execFileSync('ip', ['netns', 'exec', NS.bng, 'tc', 'filter', 'show', 'dev', 'bsub', 'ingress'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const out = new Map<string, string>();
  for (const b of txt.split(/\n(?=filter )/)) {
    const fh = /fh ([0-9a-f]+:[0-9a-f]*:[0-9a-f]*)/.exec(b);
    if (fh) out.set(fh[1], b);
  }
  return out;
}

/** Datagrams from the subscriber namespace, from the given source addresses. */
function sendFrom(sources: string[], count = 5): void {
  const py = `
import socket,sys
for src in sys.argv[1:]:
  fam = socket.AF_INET6 if ':' in src else socket.AF_INET
  dst = '2001:db8:2::20' if ':' in src else '198.51.100.20'
  u = socket.socket(fam, socket.SOCK_DGRAM); u.bind((src, 0))
  for i in range(${count}): u.sendto(b'scale-test', (dst, 7))
`;
  sh(NS.sub, '/usr/bin/python3', '-c', py, ...sources);
}

describe('dataplane in network namespaces', function () {
  this.timeout(60000);
  let drv: Driver;
  const apply = async (st: unknown): Promise<number> => {
    const r = await drv.call({ op: 'apply', state: st });
    assert.equal(r.ok, true, String(r.error));
    return r.ms as number;
  };
  const stats = async (key: string): Promise<{ packets: number; unmatched: number; received: number }> => {
    const r = (await drv.call({ op: 'counters', key })) as { counters?: { packets: number }; stats: { unmatched: number; received: number } };
    return { packets: r.counters?.packets ?? 0, unmatched: r.stats.unmatched, received: r.stats.received };
  };

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftlab-'));
    execFileSync(path.join(ROOT, 'tools', 'lab.sh'), ['up', P], { stdio: 'ignore' });
    drv = new Driver();
    assert.deepEqual(await drv.next(), { ready: true });
  });

  after(() => {
    for (const p of procs) if (p.pid && p.exitCode === null) try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ }
    try { execFileSync(path.join(ROOT, 'tools', 'lab.sh'), ['down', P], { stdio: 'ignore' }); } catch { /* best effort */ }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('reconcile installs exactly the wanted filters, and a second one changes nothing', async () => {
    await apply(state([M1, M2]));
    const first = filterLines();
    // per mirror and direction one entry: s1 (v4 + v6) x 2 dirs + s2 x 2 dirs = 6 entries, plus 2 links
    const entries = first.filter((l) => /terminal/.test(l));
    assert.equal(entries.length, 6, first.join('\n'));
    const show = sh(NS.bng, 'tc', '-s', 'filter', 'show', 'dev', 'bsub', 'ingress');
    assert.match(show, /match c000020a\/ffffffff at 12/);
    assert.match(show, /match c000020a\/ffffffff at 16/);
    assert.match(show, /match c000024d\/ffffffff at 12/);
    assert.match(show, /Egress Mirror to device vt0/);
    assert.match(show, /Egress Mirror to device vt1/);
    await apply(state([M1, M2]));
    assert.deepEqual(filterLines(), first, 'second reconcile changed nothing');
    // removing s2 removes only its two filters
    await apply(state([M1]));
    const after = filterLines();
    assert.equal(after.filter((l) => /terminal/.test(l)).length, 4);
    assert.deepEqual(after, first.filter((l) => after.includes(l)));
    assert.doesNotMatch(sh(NS.bng, 'tc', 'filter', 'show', 'dev', 'bsub', 'ingress'), /c000024d/);
    // a restarted dataplane adopts: no duplicates, nothing changed
    await drv.call({ op: 'exit' });
    drv = new Driver();
    assert.deepEqual(await drv.next(), { ready: true });
    await apply(state([M1]));
    assert.deepEqual(filterLines(), after);
  });

  it('an interface no longer listed keeps nothing of the agent (entries, links, hash tables, priorities)', async () => {
    await apply(state([M1, M2], { multicast: true }));
    assert.match(sh(NS.bng, 'tc', 'filter', 'show', 'dev', 'bsub', 'ingress'), /pref 61696 u32/);
    await apply(state([M1, M2], { subscriberInterfaces: [] }));
    assert.equal(sh(NS.bng, 'tc', 'filter', 'show', 'dev', 'bsub', 'ingress').trim(), '');
    assert.equal(sh(NS.bng, 'tc', 'filter', 'show', 'dev', 'bsub', 'egress').trim(), '');
    // and back: a fresh layout
    await apply(state([M1]));
    assert.equal(filterLines().filter((l) => /terminal/.test(l)).length, 4);
  });

  it('a filter someone else deletes is put back by the next reconcile', async () => {
    await apply(state([M1, M2]));
    const entry = [...filterBlocks()].find(([, b]) => /c000024d\/ffffffff at 12/.test(b));
    assert.ok(entry, 'the ingress entry of 192.0.2.77');
    sh(NS.bng, 'tc', 'filter', 'del', 'dev', 'bsub', 'ingress', 'pref', String(0xf100), 'protocol', 'ip', 'handle', entry[0], 'u32');
    assert.ok(![...filterBlocks().values()].some((b) => /c000024d\/ffffffff at 12/.test(b)), 'deleted with tc');
    await sleep(300);
    await apply(state([M1, M2]));
    assert.ok([...filterBlocks().values()].some((b) => /c000024d\/ffffffff at 12/.test(b)), 'back after the reconcile');
  });

  it('a refused incremental change (kernel error) throws and leaves the filters and the relay as they were', async () => {
    await apply(state([M1]));
    // the selection: entries (an L2 table emptied by an incremental removal stays until the next full reconcile)
    const entries = (): string[] => [...filterBlocks()].filter(([, b]) => /terminal/.test(b)).map(([k, b]) => `${k} ${b}`).sort();
    const before = entries();
    const n1 = { key: 'n1', addresses: ['192.0.2.11'], tunnel: 'vt1', interceptId: 9, sessionId: 9, medIp: '203.0.113.99', medPort: 30030, dropRules: [] };
    // first a change that works, so the dataplane has read the links
    assert.equal((await drv.call({ op: 'set', key: 'n1', spec: n1 })).ok, true);
    assert.equal((await drv.call({ op: 'set', key: 'n1', spec: null })).ok, true);
    assert.deepEqual(entries(), before);
    assert.equal((await drv.call({ op: 'stale-link', key: 'vt1' })).ok, true);
    const r = await drv.call({ op: 'set', key: 'n1', spec: n1 });
    assert.equal(r.ok, false);
    assert.match(String(r.error), /mirror filter 192\.0\.2\.11\/32/);
    assert.deepEqual(entries(), before, 'nothing of the refused change remains');
    assert.equal((await drv.call({ op: 'counters', key: 'n1' })).counters, undefined, 'no relay session');
    // the links are read again: the same change now goes through, and its removal restores the start
    assert.equal((await drv.call({ op: 'set', key: 'n1', spec: n1 })).ok, true);
    assert.equal(entries().length, before.length + 2);
    assert.equal((await drv.call({ op: 'set', key: 'n1', spec: null })).ok, true);
    assert.deepEqual(entries(), before);
  });

  it('a subscriber interface missing from the kernel is no refusal: the rest is applied, it is reported, and its appearance is announced', async () => {
    await apply(state([M1]));
    const before = filterLines();
    await apply(state([M1], { subscriberInterfaces: ['bsub', 'nosuch0'] }));
    assert.deepEqual(filterLines(), before, 'bsub keeps its filters');
    assert.deepEqual((await drv.call({ op: 'missing' })).missing, ['nosuch0']);
    // an incremental change skips it too
    assert.equal((await drv.call({ op: 'set', key: 'n2', spec: { ...M2, key: 'n2', addresses: ['192.0.2.78'] } })).ok, true);
    assert.equal((await drv.call({ op: 'set', key: 'n2', spec: null })).ok, true);
    sh(NS.bng, 'ip', 'link', 'add', 'nosuch0', 'type', 'veth', 'peer', 'name', 'nosuch0p');
    try {
      let r: Record<string, unknown> = {};
      for (let i = 0; i < 50; i++) {
        r = await drv.call({ op: 'missing' });
        if ((r.appeared as string[]).includes('nosuch0')) break;
        await sleep(20);
      }
      assert.deepEqual(r.appeared, ['nosuch0']);
      assert.deepEqual(r.missing, []);
    } finally {
      sh(NS.bng, 'ip', 'link', 'del', 'nosuch0');
    }
    await apply(state([M1]));
  });

  it('copies both directions of the mirrored subscriber to md in jmirror, nothing of the other', async () => {
    await apply(state([M1]));
    const mdPcap = path.join(tmp, 'md.pcap');
    const subPcap = path.join(tmp, 'sub.pcap');
    const capMd = spawn('ip', ['netns', 'exec', NS.md, 'dumpcap', '-q', '-P', '-i', 'm0', '-f', 'udp port 30030', '-w', mdPcap], { stdio: 'ignore' });
    const capSub = spawn('ip', ['netns', 'exec', NS.sub, 'dumpcap', '-q', '-P', '-i', 's0', '-f', 'ip or ip6', '-w', subPcap], { stdio: 'ignore' });
    const rx = spawn('ip', ['netns', 'exec', NS.md, process.execPath, '-r', 'tsx/cjs', path.join(ROOT, 'tools', 'md-receiver.ts'), '--pcap', path.join(tmp, 'inner.pcap')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    const echo = spawn('ip', ['netns', 'exec', NS.core, '/usr/bin/python3', '-c',
      'import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(("0.0.0.0",7777))\nwhile True:\n d,a=s.recvfrom(2048)\n s.sendto(d,a)'], { stdio: 'ignore' });
    procs.push(capMd, capSub, rx, echo);
    let rxOut = '';
    rx.stdout!.on('data', (d) => (rxOut += d));
    for (let i = 0; i < 50 && !(fs.existsSync(mdPcap) && fs.existsSync(subPcap)); i++) await sleep(100);
    await sleep(1000);
    // traffic: ICMP echo and UDP from the mirrored subscriber, UDP from the other one, a policy-dropped flow
    const py = `
import socket,struct,time
def ck(b):
  s=sum(struct.unpack('!%dH'%(len(b)//2),b)); s=(s>>16)+(s&0xffff); s+=s>>16; return ~s&0xffff
for src in ['192.0.2.10','192.0.2.11']:
  u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); u.bind((src,0)); u.settimeout(1)
  for i in range(3):
    u.sendto(b'hello-%s-%d'%(src.encode(),i),('198.51.100.20',7777))
    try: u.recvfrom(2048)
    except Exception: pass
  u.sendto(b'dropme',('198.51.100.20',9999))
r=socket.socket(socket.AF_INET,socket.SOCK_RAW,socket.IPPROTO_ICMP); r.bind(('192.0.2.10',0)); r.settimeout(1)
for i in range(2):
  h=struct.pack('!BBHHH',8,0,0,0x4242,i)+b'pingdata'; h=h[:2]+struct.pack('!H',ck(h))+h[4:]
  r.sendto(h,('198.51.100.20',0))
  try: r.recvfrom(2048)
  except Exception: pass
`;
    sh(NS.sub, '/usr/bin/python3', '-c', py);
    await sleep(1500);
    for (const p of [capMd, capSub, rx, echo]) p.kill('SIGTERM');
    await sleep(800);
    const counters = (await drv.call({ op: 'counters', key: 's1' })) as { counters: { packets: number; bytes: number; policyDrops: number } };

    // tshark decodes the copies
    const txt = execFileSync('tshark', ['-r', mdPcap, '-d', 'udp.port==30030,jmirror', '-T', 'fields', '-E', 'separator=/t', '-E', 'aggregator=|',
      '-e', 'jmirror.mid', '-e', 'jmirror.sid', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'ip.ttl', '-e', 'ip.dsfield.dscp', '-e', 'udp.checksum'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const rows = txt.trim().split('\n').filter(Boolean).map((l) => l.split('\t'));
    // 3 UDP out + 3 back + 2 ICMP out + 2 back + core's port-unreachable for the
    // policy-dropped datagram = 11 copies; nothing of .11, not the port-9999 datagram
    assert.equal(rows.length, 11, txt);
    assert.equal(rows.filter((r) => r[2].split('|')[1] === '198.51.100.20' && r[2].split('|').length === 3).length, 1, 'the ICMP error is copied');
    for (const r of rows) {
      assert.equal(Number(r[0]), 12345);
      assert.equal(Number(r[1]), 67890);
      const [osrc, isrc] = r[2].split('|');
      const [odst, idst] = r[3].split('|');
      assert.equal(osrc, '203.0.113.1');
      assert.equal(odst, '203.0.113.99');
      assert.equal(r[4].split('|')[0], '255');
      assert.equal(r[5].split('|')[0], '10');
      assert.ok([isrc, idst].includes('192.0.2.10'), `inner ${isrc} > ${idst}`);
      assert.ok(![isrc, idst].includes('192.0.2.11'));
    }
    assert.ok(rows.some((r) => r[2].endsWith('|192.0.2.10')), 'subscriber to core copied');
    assert.ok(rows.some((r) => r[3].endsWith('|192.0.2.10')), 'core to subscriber copied');
    // inner packets identical to what the subscriber sent and received
    // (a capture at the sender sees the UDP checksum before veth offload fills
    // it in, so the UDP checksum field alone is left out of the comparison)
    const norm = (p: Buffer): string => {
      const c = Buffer.from(p);
      if (c[0] >> 4 === 4 && c[9] === 17) c.writeUInt16BE(0, (c[0] & 15) * 4 + 6);
      return c.toString('hex');
    };
    const seen = readPcap(subPcap).map(norm);
    const inner = readPcap(mdPcap).map((p) => decode(p).inner);
    for (const p of inner) assert.ok(seen.includes(norm(p)), `copy not identical to any packet at sub: ${p.toString('hex')}`);
    assert.ok(inner.filter((p) => p[9] === 1).every((p) => seen.includes(p.toString('hex'))), 'ICMP copies identical byte for byte');
    assert.equal(counters.counters.packets, 11);
    assert.equal(counters.counters.policyDrops, 1);
    // the md-receiver tool printed one line per copy and wrote the inner pcap
    assert.equal(rxOut.trim().split('\n').filter((l) => l.startsWith('mid=12345 sid=67890')).length, 11, rxOut);
    assert.equal(readPcap(path.join(tmp, 'inner.pcap')).length, 11);
    for (const p of inner.filter((x) => x[9] === 17)) assert.doesNotMatch(p.toString('latin1'), /dropme/, 'the policy-dropped datagram is not copied');
  });

  it('copies to a mediation device without a route count as send failures, not as sent', async () => {
    const relay = async (): Promise<{ sent: number; sendFailures: number }> => (await drv.call({ op: 'counters', key: 's1' })).stats as never;
    // 198.18.0.1: bng has no route there (no default route)
    await apply(state([{ ...M1, medIp: '198.18.0.1' }]));
    const before = await relay();
    sendFrom(['192.0.2.10']);
    await sleep(800);
    const after = await relay();
    assert.equal(after.sent - before.sent, 0, 'nothing counted as sent');
    assert.ok(after.sendFailures - before.sendFailures >= 5, `every copy counted as a failure (${after.sendFailures - before.sendFailures})`);
    // with the route back, copies are sent again
    await apply(state([M1]));
    const mid = await relay();
    sendFrom(['192.0.2.10']);
    await sleep(800);
    const end = await relay();
    assert.ok(end.sent - mid.sent >= 5, 'sent once the mediation device is reachable');
    assert.equal(end.sendFailures - mid.sendFailures, 0);
  });

  it('multicast-interception copies the multicast forwarded to the one mirrored subscriber behind an interface, and only when on', async function () {
    this.timeout(120000);
    // bng forwards 239.1.2.3 from core (vif 0, bcore) to the subscriber side
    // (vif 1, bsub): a static MFC entry. A kernel without multicast routing
    // (CONFIG_IP_MROUTE off, no /proc/net/ip_mr_vif) cannot forward it; there
    // bng itself sends the group out of bsub, which takes the same egress hook.
    const viaMfc = fs.existsSync('/proc/net/ip_mr_vif');
    const mroute = spawn('ip', ['netns', 'exec', NS.bng, '/usr/bin/python3', '-c', viaMfc ? `
import socket,struct,sys,time
s=socket.socket(socket.AF_INET,socket.SOCK_RAW,socket.IPPROTO_IGMP)
s.setsockopt(socket.IPPROTO_IP,200,struct.pack('i',1))
for vifi,name in enumerate(['bcore','bsub']):
  s.setsockopt(socket.IPPROTO_IP,202,struct.pack('=HBBIi4s',vifi,8,1,0,socket.if_nametoindex(name),bytes(4)))
ttls=bytearray(32); ttls[1]=1
s.setsockopt(socket.IPPROTO_IP,204,struct.pack('=4s4sH32s2xIIIi',socket.inet_aton('198.51.100.20'),socket.inet_aton('239.1.2.3'),0,bytes(ttls),0,0,0,0))
print('ready',flush=True)
sys.stdin.read()
` : `print('ready',flush=True)`], { stdio: ['pipe', 'pipe', 'inherit'] });
    // md: one line per jmirror copy, the inner packet's destination
    const md = spawn('ip', ['netns', 'exec', NS.md, '/usr/bin/python3', '-c', `
import socket
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('0.0.0.0',30030))
print('ready',flush=True)
while True:
  d,a=s.recvfrom(65535)
  i=d[8:]
  if len(i)>=20 and i[0]>>4==4: print(socket.inet_ntoa(i[16:20]),flush=True)
`], { stdio: ['ignore', 'pipe', 'inherit'] });
    procs.push(mroute, md);
    const mdLines: string[] = [];
    let mroutedOut = '';
    readline.createInterface({ input: md.stdout! }).on('line', (l) => mdLines.push(l));
    mroute.stdout!.on('data', (d) => (mroutedOut += d));
    for (let i = 0; i < 50 && !(mroutedOut.includes('ready') && mdLines.includes('ready')); i++) await sleep(100);
    assert.ok(mroutedOut.includes('ready') && mdLines.includes('ready'), 'helpers started');
    const txBsub = (): number => Number(sh(NS.bng, 'cat', '/sys/class/net/bsub/statistics/tx_packets'));
    const groupCopies = (): number => mdLines.filter((l) => l === '239.1.2.3').length;
    const sendGroup = async (): Promise<{ forwarded: number; copies: number }> => {
      const tx = txBsub();
      const c = groupCopies();
      const [from, src] = viaMfc ? [NS.core, '198.51.100.20'] : [NS.bng, '192.0.2.1'];
      sh(from, '/usr/bin/python3', '-c', `
import socket
u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
u.setsockopt(socket.IPPROTO_IP,socket.IP_MULTICAST_TTL,8)
u.setsockopt(socket.IPPROTO_IP,socket.IP_MULTICAST_IF,socket.inet_aton('${src}'))
u.bind(('${src}',0))
for i in range(5): u.sendto(b'group-data-%d'%i,('239.1.2.3',5000))
`);
      await sleep(1200);
      return { forwarded: txBsub() - tx, copies: groupCopies() - c };
    };
    const egress = (): string => sh(NS.bng, 'tc', 'filter', 'show', 'dev', 'bsub', 'egress');

    await apply(state([M1]));
    let r = await sendGroup();
    assert.ok(r.forwarded >= 5, `the group leaves bng on the subscriber side (${r.forwarded})`);
    assert.equal(r.copies, 0, 'multicast-interception off: no multicast copies');
    assert.doesNotMatch(egress(), /e0000000\/f0000000/);

    await apply(state([M1], { multicast: true }));
    assert.match(egress(), /match e0000000\/f0000000 at 16/);
    assert.match(egress(), /match ff000000\/ff000000 at 24/);
    const before = (await stats('s1')).packets;
    r = await sendGroup();
    assert.ok(r.forwarded >= 5);
    assert.equal(r.copies, 5, 'each datagram to the group copied once');
    assert.ok((await stats('s1')).packets - before >= 5, 'into the session of the one mirrored subscriber behind bsub');

    // two mirrored subscribers behind bsub: which one joined is unknown, nothing is copied
    await apply(state([M1, M2], { multicast: true }));
    assert.doesNotMatch(egress(), /e0000000\/f0000000/);
    r = await sendGroup();
    assert.ok(r.forwarded >= 5);
    assert.equal(r.copies, 0, 'shared interface: no multicast copies');

    // in a mirror group (as the mirror service makes them), the multicast entries bind to the
    // group's action: a member move (moveGroups) re-points them with the session's own entries
    const G = 3;
    const action = (): string => sh(NS.bng, 'tc', 'actions', 'get', 'action', 'mirred', 'index', String(0x7f100000 + G));
    await apply(state([{ ...M1, group: G }], { multicast: true }));
    assert.match(egress(), new RegExp(`index ${0x7f100000 + G} `), 'the multicast entries use the group action');
    assert.match(action(), /device vt0/);
    r = await sendGroup();
    assert.equal(r.copies, 5, 'copied through vt0');
    const mv = await drv.call({ op: 'move', moves: [{ group: G, tunnel: 'vt1' }] });
    assert.equal(mv.ok, true, String(mv.error));
    assert.match(action(), /device vt1/, 'the group action now mirrors into vt1');
    assert.match(egress(), /match e0000000\/f0000000 at 16/, 'the multicast entries stay');
    const moved = (await stats('s1')).packets;
    const txOf = (dev: string): number => Number(sh(NS.bng, 'cat', `/sys/class/net/${dev}/statistics/tx_packets`));
    const [vt0, vt1] = [txOf('vt0'), txOf('vt1')];
    r = await sendGroup();
    assert.equal(r.copies, 5, 'after the move each datagram to the group is still copied once');
    assert.ok((await stats('s1')).packets - moved >= 5, 'into the same session');
    assert.ok(txOf('vt1') - vt1 >= 5, 'through vt1');
    assert.equal(txOf('vt0') - vt0, 0, 'and no longer through vt0');

    await apply(state([M1], { multicast: true }));
    await apply(state([M1]));
    assert.doesNotMatch(egress(), /e0000000\/f0000000/, 'off again: the multicast filters are gone');
    r = await sendGroup();
    assert.equal(r.copies, 0);
    mroute.kill('SIGTERM');
    md.kill('SIGTERM');
  });

  it('mirror groups: filters bind to shared actions; a move re-points whole groups without rewriting filters; copies follow; the full reconcile of the moved state changes nothing', async () => {
    const mirrors = [{ ...M1, group: 0 }];
    for (let i = 1; i < 2048; i++)
      mirrors.push({ key: `g${i}`, addresses: [`198.18.${i >> 8}.${i & 255}`], tunnel: i & 1 ? 'vt1' : 'vt0', interceptId: i, sessionId: i, medIp: '203.0.113.99', medPort: 30030, dropRules: [], group: i % 32 } as never);
    await apply(state(mirrors));
    const before = filterBlocks();
    const terminal = [...before.values()].filter((b) => /terminal/.test(b));
    assert.equal(terminal.length, 2 * 2048 + 2);
    const actionOf = (b: string): number => Number(/index (\d+)/.exec(b)![1]);
    assert.ok(terminal.every((b) => actionOf(b) >= 0x7f100000 && actionOf(b) < 0x7f100000 + 32), 'every entry is bound to a group action');
    assert.ok(terminal.every((b) => /bind (\d+)/.exec(b)![1] !== '1'), 'shared, not one action per filter');
    // the listing of the action table is not read (a dump marks every action, the agent's or not)
    assert.doesNotMatch([...before.values()].join('\n'), /used_hw_stats/);
    const c0 = await stats('s1');
    // vt0's groups (even ids) go to vt1: 16 requests
    const moves = Array.from({ length: 16 }, (_, k) => ({ group: 2 * k, tunnel: 'vt1' }));
    const r = await drv.call({ op: 'move', moves });
    assert.equal(r.ok, true, String(r.error));
    console.log(`      move of 16 groups (1,024 mirrors, 2,048 entries): ${(r.ms as number).toFixed(1)} ms`);
    const after = filterBlocks();
    assert.deepEqual([...after.keys()], [...before.keys()], 'no filter added or removed');
    for (const [k, v] of after) assert.equal(v.replace(/device vt[01]/g, 'device X'), before.get(k)!.replace(/device vt[01]/g, 'device X'), 'filters unchanged but for the member they mirror to');
    assert.ok([...after.values()].filter((b) => /terminal/.test(b)).every((b) => /device vt1/.test(b)), 'everything mirrors into vt1 now');
    sendFrom(['192.0.2.10']);
    await sleep(1000);
    assert.ok((await stats('s1')).packets - c0.packets >= 5, 'copies of the moved session still arrive');
    // the full reconcile of the moved state: nothing to do
    const moved = mirrors.map((m) => ({ ...m, tunnel: 'vt1' }));
    await apply(state(moved));
    const full = filterBlocks();
    assert.ok([...full].every(([k, v]) => after.get(k) === v) && full.size === after.size, 'the full reconcile changed nothing');
    // groups no longer used are deleted with their last filter
    await apply(state([M1]));
    const left = Array.from({ length: 32 }, (_, g) => 0x7f100000 + g).filter((i) => {
      try {
        execFileSync('ip', ['netns', 'exec', NS.bng, 'tc', 'actions', 'get', 'action', 'mirred', 'index', String(i)], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    });
    assert.deepEqual(left, [], 'no reserved action is left');
  });

  it('65,536 mirrors: installed in seconds, reconcile again changes nothing, removing one removes its filters only, selection still exact', async function () {
    this.timeout(900000);
    // The other subscribers in 198.18.0.0/16 (RFC 2544 benchmarking range), every
    // 16th with an IPv6 /64 too; 192.0.2.10 (M1) among them.
    const others = [];
    for (let i = 1; i < 65536; i++) {
      const addresses = [`198.18.${i >> 8}.${i & 255}`];
      if (i % 16 === 0) addresses.push(`2001:db8:8000:${i.toString(16)}::/64`);
      others.push({ key: `o${i}`, addresses, tunnel: i & 1 ? 'vt1' : 'vt0', interceptId: i, sessionId: i, medIp: '203.0.113.99', medPort: 30030, dropRules: [] });
    }
    const m1 = { ...M1, dropRules: [] };
    const big = [m1, ...others];
    assert.equal(big.length, 65536);
    const t1 = await apply(state(big));
    console.log(`      install of 65,536 mirrors (${2 * (65536 + 4095 + 1)} entries): ${(t1 / 1000).toFixed(1)} s`);
    assert.ok(t1 < 120000, `install took ${t1} ms`);
    const before = filterBlocks();
    const terminal = [...before.values()].filter((b) => /terminal/.test(b));
    assert.equal(terminal.length, 2 * (65536 + 4095 + 1), 'one entry per address and direction');
    // hashed: a bucket holds only the addresses that share the 16 hashed bits
    const perBucket = new Map<string, number>();
    for (const fh of before.keys()) {
      const [ht, bkt, node] = fh.split(':');
      if (node && node !== '0' && parseInt(ht, 16) >= 0x400 && parseInt(ht, 16) < 0x800) perBucket.set(`${ht}:${bkt}`, (perBucket.get(`${ht}:${bkt}`) ?? 0) + 1);
    }
    assert.ok(perBucket.size > 2 * 65536, `${perBucket.size} buckets in use`);
    assert.ok([...perBucket.values()].every((n) => n <= 2), 'at most the addresses sharing 16 bits per bucket (192.0.2.10 and 198.18.2.10)');

    const t2 = await apply(state(big));
    console.log(`      reconcile again: ${(t2 / 1000).toFixed(1)} s`);
    const again = filterBlocks();
    assert.deepEqual([...again.keys()], [...before.keys()]);
    assert.ok([...again].every(([k, v]) => before.get(k) === v), 'second reconcile changed nothing');

    const t3 = await apply(state(big.filter((m) => m.key !== 'o1001')));
    console.log(`      remove one: ${(t3 / 1000).toFixed(1)} s`);
    const after = filterBlocks();
    const gone = [...before.keys()].filter((k) => !after.has(k));
    assert.equal(gone.length, 2, gone.join(' '));
    for (const k of gone) assert.match(before.get(k)!, /c61203e9\/ffffffff/, '198.18.3.233 = o1001');
    assert.ok([...after].every(([k, v]) => before.get(k) === v), 'nothing else changed');

    // Traffic through the big table: from a mirrored address in it (IPv4 and
    // IPv6) copied to its session, from unmirrored ones not at all.
    sh(NS.sub, 'ip', 'addr', 'add', '198.18.3.7/32', 'dev', 's0');
    sh(NS.sub, 'ip', 'addr', 'add', '2001:db8:8000:300::7/128', 'dev', 's0', 'nodad');
    sh(NS.sub, 'ip', 'addr', 'add', '198.18.3.233/32', 'dev', 's0');
    sh(NS.sub, 'ip', 'addr', 'add', '2001:db8:1::11/128', 'dev', 's0', 'nodad');
    sh(NS.bng, 'ip', 'route', 'add', '198.18.0.0/16', 'dev', 'bsub');
    sh(NS.bng, 'ip', 'route', 'add', '2001:db8:8000::/48', 'dev', 'bsub');
    const s0 = await stats('o775');
    const u0 = await stats('o768');
    sendFrom(['198.18.3.7', '2001:db8:8000:300::7']);
    sendFrom(['192.0.2.10', '2001:db8:1::10']);
    await sleep(1500);
    const s1 = await stats('o775');
    const u1 = await stats('o768');
    const m = await stats('s1');
    assert.ok(s1.packets - s0.packets >= 5, `IPv4 copies of 198.18.3.7: ${s1.packets - s0.packets}`);
    assert.ok(u1.packets - u0.packets >= 5, `IPv6 copies of 2001:db8:8000:300::/64: ${u1.packets - u0.packets}`);
    assert.ok(m.packets >= 10, `copies of 192.0.2.10 and 2001:db8:1::10: ${m.packets}`);
    const r0 = await stats('s1');
    sendFrom(['192.0.2.11', '198.18.3.233', '2001:db8:1::11'], 20);
    await sleep(1500);
    const r1 = await stats('s1');
    assert.equal(r1.unmatched, r0.unmatched, 'nothing of unmirrored addresses is copied');
    assert.equal(r1.received - r0.received, r1.packets - r0.packets, 'every copy belongs to a session');

    // The incremental path (a CoA against 65,536 installed): one mirror added,
    // changed and removed without walking the others; the full reconcile of
    // the same state afterwards finds nothing to change.
    const set = async (key: string, spec: unknown): Promise<number> => {
      const r = await drv.call({ op: 'set', key, spec });
      assert.equal(r.ok, true, String(r.error));
      return r.ms as number;
    };
    const o1001 = others.find((o) => o.key === 'o1001')!;
    const ta = await set('o1001', o1001);
    const withOne = filterBlocks();
    const added = [...withOne.keys()].filter((k) => !after.has(k));
    assert.equal(added.length, 2, added.join(' '));
    for (const k of added) assert.match(withOne.get(k)!, /c61203e9\/ffffffff/);
    assert.ok([...after].every(([k, v]) => withOne.get(k) === v), 'nothing else changed');
    const c0 = await stats('o1001');
    sendFrom(['198.18.3.233']);
    await sleep(1000);
    assert.ok((await stats('o1001')).packets - c0.packets >= 5, 'copies of 198.18.3.233 after the incremental start');
    const tr = await set('o1001', null);
    assert.deepEqual([...filterBlocks()].sort(), [...after].sort(), 'the incremental stop leaves exactly what was there');
    const c1 = await stats('o1001');
    assert.equal(c1.packets, 0, 'the relay session is gone');
    const starts: number[] = [];
    const stops: number[] = [];
    for (let i = 0; i < 10; i++) {
      starts.push(await set('o1001', o1001));
      stops.push(await set('o1001', null));
    }
    const med = (a: number[]): string => [...a].sort((x, y) => x - y)[a.length >> 1].toFixed(1);
    console.log(`      incremental start of one mirror with 65,535 installed: first ${ta.toFixed(1)} ms, then median ${med(starts)} ms; stop: first ${tr.toFixed(1)} ms, then median ${med(stops)} ms`);
    // a new L2 table (IPv6 bucket nobody used), a linear root entry, a change of member, dual-stack
    const n1 = { key: 'n1', addresses: ['2001:db8:9999:abcd::/64', '198.19.7.7'], tunnel: 'vt0', interceptId: 7, sessionId: 7, medIp: '203.0.113.99', medPort: 30030, dropRules: [] };
    const n2 = { key: 'n2', addresses: ['198.19.0.0/24'], tunnel: 'vt1', interceptId: 8, sessionId: 8, medIp: '203.0.113.99', medPort: 30030, dropRules: [] };
    const o775 = { ...others.find((o) => o.key === 'o775')!, tunnel: 'vt0' };
    await set('n1', n1);
    await set('n2', n2);
    await set('o775', o775);
    const incremental = filterBlocks();
    assert.equal([...incremental.values()].filter((b) => /terminal/.test(b)).length, 2 * (65535 + 4095 + 1) + 6);
    const same = big.filter((m) => m.key !== 'o1001').map((m) => (m.key === 'o775' ? o775 : m));
    await apply(state([...same, n1, n2]));
    const full = filterBlocks();
    assert.deepEqual([...full.keys()].sort(), [...incremental.keys()].sort(), 'the full reconcile of the same state adds and removes nothing');
    assert.ok([...full].every(([k, v]) => incremental.get(k) === v), 'and changes nothing');
    // removing n1 leaves its (now empty) L2 tables for the next full reconcile; selection is exact meanwhile
    await set('n1', null);
    await set('n2', null);
    assert.equal([...filterBlocks().values()].filter((b) => /terminal/.test(b)).length, 2 * (65535 + 4095 + 1));

    const t4 = await apply(state([M1]));
    console.log(`      back to one mirror: ${(t4 / 1000).toFixed(1)} s`);
    assert.equal([...filterBlocks().values()].filter((b) => /terminal/.test(b)).length, 4);
  });
});
