/**
 * The namespace lab for the end-to-end tests, the benchmarks and the demo:
 * sub -- bng -- core, md behind bng (tools/lab.sh, DESIGN.md section 8);
 * the agent as a child process inside bng; a NETCONF client whose SSH stream
 * runs through a small TCP proxy started inside bng (so the root namespace
 * gets no addresses); radclient run inside core; captures at md.
 *
 * Everything started here is remembered and killed by PID in `down()`.
 */
import { ChildProcess, execFile, execFileSync, spawn } from 'child_process';
import { Duplex } from 'stream';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { Client } from 'ssh2';
import { FrameDecoder, encodeMessage, type FramingMode } from '../../src/netconf/framing';

export const ROOT = path.join(__dirname, '..', '..');
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Addresses of tools/lab.sh */
export const ADDR = {
  sub: '192.0.2.10',
  sub2: '192.0.2.11',
  sub6: '2001:db8:1::10',
  bngSub: '192.0.2.1',
  bngCore: '198.51.100.1',
  core: '198.51.100.20',
  core6: '2001:db8:2::20',
  bngMd: '203.0.113.1',
  md: '203.0.113.99',
};

export const NC_BASE = 'urn:ietf:params:xml:ns:netconf:base:1.0';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Why the lab cannot run here, or undefined. */
export function labUnavailable(): string | undefined {
  if (!isRoot()) return 'needs root (network namespaces)';
  for (const t of ['ip', 'tc', 'radclient', 'tshark', 'dumpcap']) {
    try {
      execFileSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' });
    } catch {
      return `${t} is not installed`;
    }
  }
  return undefined;
}

export class Lab {
  readonly ns: { sub: string; bng: string; core: string; md: string };
  private tmpDir = '';
  private procs: ChildProcess[] = [];
  private upDone = false;

  readonly prefix: string;

  /** `prefix` names the namespaces (PREFIX-sub ...), after $FLOWTAPD_LAB_PREFIX if set (runs side by side tell theirs apart). */
  constructor(prefix: string) {
    this.prefix = prefix = `${process.env.FLOWTAPD_LAB_PREFIX ?? ''}${prefix}`;
    this.ns = { sub: `${prefix}-sub`, bng: `${prefix}-bng`, core: `${prefix}-core`, md: `${prefix}-md` };
  }

  /** A temporary directory, made on first use: a run whose --grep selects none of a file's tests leaves none. */
  get tmp(): string {
    return (this.tmpDir ||= fs.mkdtempSync(path.join(os.tmpdir(), `${this.prefix}-`)));
  }

  up(): void {
    this.upDone = true;
    execFileSync(path.join(ROOT, 'tools', 'lab.sh'), ['up', this.prefix], { stdio: 'ignore' });
  }

  /** Kills every process started here (by PID), removes the namespaces and the temporary directory. */
  down(): void {
    for (const p of this.procs) {
      if (p.pid && p.exitCode === null && p.signalCode === null) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
    this.procs = [];
    if (this.upDone) {
      try {
        execFileSync(path.join(ROOT, 'tools', 'lab.sh'), ['down', this.prefix], { stdio: 'ignore' });
      } catch {
        /* best effort */
      }
    }
    if (this.tmpDir) fs.rmSync(this.tmpDir, { recursive: true, force: true });
    this.tmpDir = '';
  }

  track<T extends ChildProcess>(p: T): T {
    this.procs.push(p);
    return p;
  }

  /** Runs a command inside a namespace; returns stdout. Throws on a non-zero exit. */
  sh(ns: string, ...args: string[]): string {
    return execFileSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Same, without blocking the event loop. */
  run(ns: string, args: string[], input?: string, timeoutMs = 20000): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const p = this.track(spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['pipe', 'pipe', 'pipe'] }));
      let stdout = '';
      let stderr = '';
      const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
      p.stdout!.on('data', (d) => (stdout += d));
      p.stderr!.on('data', (d) => (stderr += d));
      p.on('close', (code) => {
        clearTimeout(t);
        resolve({ code, stdout, stderr });
      });
      p.stdin!.end(input ?? '');
    });
  }

  spawnIn(ns: string, args: string[], opts: { env?: NodeJS.ProcessEnv; stdio?: ('pipe' | 'ignore' | 'inherit')[] } = {}): ChildProcess {
    return this.track(spawn('ip', ['netns', 'exec', ns, ...args], { cwd: ROOT, env: opts.env ?? process.env, stdio: opts.stdio ?? ['pipe', 'pipe', 'pipe'] }));
  }

  /** `node -r tsx/cjs FILE ARGS` inside a namespace */
  nodeIn(ns: string, file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; stdio?: ('pipe' | 'ignore' | 'inherit')[] } = {}): ChildProcess {
    return this.spawnIn(ns, [process.execPath, '--import', 'tsx', file, ...args], opts);
  }

  /** radclient inside core (the RADIUS server's host), against bng. */
  radclient(kind: 'coa' | 'disconnect' | 'acct', secret: string, attrs: string[], opts: { retries?: number; timeout?: number; port?: number } = {}): Promise<RadReply> {
    const port = opts.port ?? (kind === 'acct' ? 1813 : 3799);
    const args = ['radclient', '-x', '-t', String(opts.timeout ?? 1), '-r', String(opts.retries ?? 1), `${ADDR.bngCore}:${port}`, kind, secret];
    return this.run(this.ns.core, args, attrs.join('\n') + '\n').then((r) => parseRadclient(r));
  }

  /** Count of the agent's u32 filters (both directions) on a bng interface. */
  filterCount(dev: string): number {
    return this.sh(this.ns.bng, 'tc', 'filter', 'show', 'dev', dev, 'ingress')
      .split('\n')
      .filter((l) => /fh [0-9a-f]+:[0-9a-f]*:[0-9a-f]+ .*terminal/.test(l)).length;
  }
}

export interface RadReply {
  code: number | null;
  /** 'CoA-ACK', 'CoA-NAK', 'Disconnect-ACK', 'Accounting-Response', or undefined (no reply) */
  reply?: string;
  errorCause?: string;
  stdout: string;
  stderr: string;
}

function parseRadclient(r: { code: number | null; stdout: string; stderr: string }): RadReply {
  const m = /Received (\S+) Id \d+/.exec(r.stdout);
  const ec = /Error-Cause = (\S+)/.exec(r.stdout.slice(m?.index ?? r.stdout.length));
  return { ...r, reply: m?.[1], errorCause: ec?.[1] };
}

/** Error-Cause as radclient prints it (FreeRADIUS names) or as a number. */
export const ERROR_CAUSE: Record<number, string[]> = {
  401: ['Unsupported-Attribute', '401'],
  402: ['Missing-Attribute', '402'],
  403: ['NAS-Identification-Mismatch', '403'],
  404: ['Invalid-Request', '404'],
  405: ['Unsupported-Service', '405'],
  407: ['Invalid-Attribute-Value', '407'],
  503: ['Session-Context-Not-Found', '503'],
  506: ['Resources-Unavailable', '506'],
};

// ------------------------------------------------------------------ agent

export class AgentProcess {
  proc!: ChildProcess;
  log = '';
  private lines: string[] = [];
  private waiters: ((l: string) => void)[] = [];
  readonly dataDir: string;

  constructor(
    private lab: Lab,
    readonly opts: { cli?: boolean; port?: number; dataDir?: string } = {},
  ) {
    this.dataDir = opts.dataDir ?? path.join(lab.tmp, 'agent');
  }

  get port(): number {
    return this.opts.port ?? 830;
  }

  /** Starts the agent in bng; resolves once NETCONF listens. */
  async start(timeoutMs = 60000): Promise<void> {
    const args = [...(this.opts.cli ? ['--cli'] : []), '--data-dir', this.dataDir, '--netconf-listen', `127.0.0.1:${this.port}`];
    this.lines = [];
    this.log = '';
    this.proc = this.lab.nodeIn(this.lab.ns.bng, path.join(__dirname, 'agent-host.ts'), args, {
      env: { ...process.env, FLOWTAPD_BOOTSTRAP_USER: 'admin:pw' },
    });
    const p = this.proc;
    readline.createInterface({ input: p.stdout! }).on('line', (l) => {
      const w = this.waiters.shift();
      if (w) w(l);
      else this.lines.push(l);
    });
    let listening = false;
    p.stderr!.on('data', (d: Buffer) => {
      this.log += d.toString();
      if (this.log.length > 4 << 20) this.log = this.log.slice(-(1 << 20));
      if (this.log.includes('"netconf-listening"')) listening = true;
    });
    const deadline = Date.now() + timeoutMs;
    while (!listening) {
      if (p.exitCode !== null) throw new Error(`agent exited ${p.exitCode}: ${this.log.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`agent did not start: ${this.log.slice(-2000)}`);
      await sleep(50);
    }
    if (!this.opts.cli) {
      const first = JSON.parse(await this.nextLine()) as { ready?: boolean };
      if (!first.ready) throw new Error('agent host not ready');
    }
  }

  private nextLine(): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    return new Promise((r) => this.waiters.push(r));
  }

  /** Control channel of the hosted agent (not with --cli). */
  async control<T = Record<string, unknown>>(op: string): Promise<T> {
    this.proc.stdin!.write(JSON.stringify({ op }) + '\n');
    return JSON.parse(await this.nextLine()) as T;
  }

  kill9(): Promise<void> {
    return this.signal('SIGKILL');
  }

  async signal(sig: NodeJS.Signals): Promise<void> {
    const p = this.proc;
    if (p.exitCode !== null || p.signalCode !== null) return;
    const done = new Promise<void>((r) => p.once('exit', () => r()));
    process.kill(p.pid!, sig);
    await done;
  }
}

// ------------------------------------------------------------------ NETCONF

/** A NETCONF-over-SSH client (ssh2) to the agent inside a namespace, tunnelled through a stdio proxy there. */
export class Netconf {
  private client!: Client;
  private decoder = new FrameDecoder({ maxMessageBytes: 256 * 1024 * 1024 });
  private mode: FramingMode = 'eom';
  private ch!: Duplex & { write(b: Buffer | string): boolean };
  private pending = new Map<string, (xml: string) => void>();
  private nextId = 1;
  readonly notifications: string[] = [];
  private notifWaiters: (() => void)[] = [];
  private proxy?: ChildProcess;

  /** Through a proxy inside the lab's bng namespace. */
  static async open(lab: Lab, port = 830, user = 'admin', password = 'pw'): Promise<Netconf> {
    const nc = new Netconf();
    await nc.connect({ lab, port }, user, password);
    return nc;
  }

  /** Directly to 127.0.0.1:port of the current namespace. */
  static async direct(port: number, user = 'admin', password = 'pw'): Promise<Netconf> {
    const nc = new Netconf();
    await nc.connect({ port }, user, password);
    return nc;
  }

  private async connect(to: { lab?: Lab; port: number }, user: string, password: string): Promise<void> {
    let sock: Duplex | undefined;
    if (to.lab) {
      this.proxy = to.lab.spawnIn(to.lab.ns.bng, tcpProxyCommand(to.port), { stdio: ['pipe', 'pipe', 'ignore'] });
      sock = socketOf(this.proxy);
    }
    this.client = new Client();
    await new Promise<void>((resolve, reject) => {
      this.client.on('ready', () => resolve());
      this.client.on('error', reject);
      this.client.connect({
        ...(sock ? { sock: sock as unknown as import('stream').Readable } : { host: '127.0.0.1', port: to.port }),
        username: user, password, readyTimeout: 30000,
      });
    });
    this.client.on('error', () => undefined);
    this.ch = await new Promise((resolve, reject) =>
      this.client.subsys('netconf', (err, ch) => (err ? reject(err) : resolve(ch as unknown as Duplex & { write(b: Buffer | string): boolean }))),
    );
    let hello: ((x: string) => void) | undefined;
    const helloP = new Promise<string>((r) => (hello = r));
    this.ch.on('data', (d: Buffer) => {
      this.decoder.push(d);
      for (let m = this.decoder.next(); m !== null; m = this.decoder.next()) {
        if (hello) {
          const h = hello;
          hello = undefined;
          h(m);
          continue;
        }
        const id = /<rpc-reply[^>]*message-id="([^"]+)"/.exec(m)?.[1];
        if (id !== undefined && this.pending.has(id)) {
          const f = this.pending.get(id)!;
          this.pending.delete(id);
          f(m);
        } else if (m.includes('<notification')) {
          this.notifications.push(m);
          const w = this.notifWaiters;
          this.notifWaiters = [];
          for (const f of w) f();
        }
      }
    });
    const serverHello = await helloP;
    this.send(`<hello xmlns="${NC_BASE}"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability><capability>urn:ietf:params:netconf:base:1.1</capability></capabilities></hello>`);
    if (serverHello.includes('urn:ietf:params:netconf:base:1.1')) {
      this.mode = 'chunked';
      this.decoder.setMode('chunked');
    }
  }

  private send(xml: string): void {
    for (const p of encodeMessage(xml, this.mode)) this.ch.write(p);
  }

  /** Sends one RPC body, resolves with the rpc-reply. */
  rpc(body: string, timeoutMs = 30000): Promise<string> {
    const id = String(this.nextId++);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`NETCONF rpc ${id} timed out`));
      }, timeoutMs);
      this.pending.set(id, (x) => {
        clearTimeout(t);
        resolve(x);
      });
      this.send(`<rpc xmlns="${NC_BASE}" message-id="${id}">${body}</rpc>`);
    });
  }

  /** rpc() that throws on an rpc-error. */
  async ok(body: string): Promise<string> {
    const r = await this.rpc(body);
    if (r.includes('<rpc-error')) throw new Error(`rpc-error: ${r}`);
    return r;
  }

  /** edit-config on candidate + commit (merge, or the operation given on the elements). */
  async configure(config: string): Promise<void> {
    await this.ok(`<edit-config><target><candidate/></target><config>${config}</config></edit-config>`);
    await this.ok('<commit/>');
  }

  get(filter: string): Promise<string> {
    return this.ok(`<get><filter type="subtree">${filter}</filter></get>`);
  }

  async subscribe(): Promise<void> {
    await this.ok('<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"/>');
  }

  /** Waits until a notification satisfying `pred` has arrived; returns it. */
  async waitNotification(pred: (xml: string) => boolean, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.notifications.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching notification within ${timeoutMs} ms; got:\n${this.notifications.join('\n')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.notifWaiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): void {
    try {
      this.client.end();
    } catch {
      /* closed */
    }
    if (this.proxy?.pid && this.proxy.exitCode === null) {
      try {
        process.kill(this.proxy.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}

// ------------------------------------------------------------------ configuration and state

export const SECRET = 'lab-secret';
export const NS_IF = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';
export const NS_FTS = 'urn:flowtapd:yang:services';
export const NS_FTA = 'urn:flowtapd:yang:access';
export const NS_COS = 'urn:flowtapd:yang:class-of-service';

export function tunnelIf(name: string, enabled = true): string {
  return `<interface><name>${name}</name><type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:tunnel</type><enabled>${enabled}</enabled></interface>`;
}

/** The LI configuration of the lab: pool, source address, forwarding class (DSCP 10), subscriber interface, RADIUS client core. */
export function labConfig(opts: { pool?: string[]; maximumSessions?: number; dscp?: number } = {}): string {
  const pool = opts.pool ?? ['vt0', 'vt1'];
  return (
    `<interfaces xmlns="${NS_IF}">${pool.map((p) => tunnelIf(p)).join('')}</interfaces>` +
    `<class-of-service xmlns="${NS_COS}"><forwarding-classes><class><name>li</name><queue-num>3</queue-num><dscp>${opts.dscp ?? 10}</dscp></class></forwarding-classes></class-of-service>` +
    `<services xmlns="${NS_FTS}"><flow-tap/><radius-flow-tap>${pool.map((p) => `<interfaces>${p}</interfaces>`).join('')}` +
    `<source-ipv4-address>${ADDR.bngMd}</source-ipv4-address><forwarding-class>li</forwarding-class>` +
    (opts.maximumSessions !== undefined ? `<maximum-sessions>${opts.maximumSessions}</maximum-sessions>` : '') +
    `<subscriber-interfaces>bsub</subscriber-interfaces></radius-flow-tap></services>` +
    `<access xmlns="${NS_FTA}"><radius-client><address>${ADDR.core}</address><secret>${SECRET}</secret></radius-client></access>`
  );
}

export interface SessionState {
  id: string;
  state?: string;
  tunnel?: string;
  packets: number;
  bytes: number;
  interceptId?: number;
  sessionId?: number;
}

/** The mirror sessions, read over NETCONF. */
export async function sessions(nc: Netconf): Promise<SessionState[]> {
  const x = await nc.get(`<services xmlns="${NS_FTS}"><radius-flow-tap><sessions/></radius-flow-tap></services>`);
  const out: SessionState[] = [];
  for (const m of x.matchAll(/<session>([\s\S]*?)<\/session>/g)) {
    const f = (n: string): string | undefined => new RegExp(`<${n}>([^<]*)</${n}>`).exec(m[1])?.[1];
    out.push({
      id: f('acct-session-id')!,
      state: f('state'),
      tunnel: f('tunnel-interface'),
      packets: Number(f('packets') ?? 0),
      bytes: Number(f('bytes') ?? 0),
      interceptId: f('intercept-id') !== undefined ? Number(f('intercept-id')) : undefined,
      sessionId: f('session-id') !== undefined ? Number(f('session-id')) : undefined,
    });
  }
  return out;
}

/** Subscribers known from accounting, read over NETCONF. */
export async function subscriberIds(nc: Netconf): Promise<string[]> {
  const x = await nc.get(`<subscribers xmlns="${NS_FTA}"/>`);
  return [...x.matchAll(/<acct-session-id>([^<]*)<\/acct-session-id>/g)].map((m) => m[1]);
}

/**
 * A command line that relays its stdin and stdout to 127.0.0.1:port of the
 * network namespace it runs in (run it there with `ip netns exec` or
 * `nsenter`); socketOf() makes the process a socket for ssh2.
 */
export function tcpProxyCommand(port: number): string[] {
  const code = `const s=require('net').connect(${port},'127.0.0.1');s.setNoDelay(true);process.stdin.pipe(s);s.pipe(process.stdout);s.on('error',()=>process.exit(1));s.on('close',()=>process.exit(0));`;
  return [process.execPath, '-e', code];
}

export function socketOf(proxy: ChildProcess): Duplex {
  return Duplex.from({ readable: proxy.stdout!, writable: proxy.stdin! });
}

/** Retries `f` until it returns a truthy value or the deadline passes. */
export async function until<T>(f: () => Promise<T | undefined | false | null>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(100);
  }
}

// ------------------------------------------------------------------ RADIUS attributes

export function acctStart(id: string, user: string, ip: string, status = 'Start'): string[] {
  return [`Acct-Status-Type = ${status}`, `Acct-Session-Id = "${id}"`, `User-Name = "${user}"`, `Framed-IP-Address = ${ip}`, 'NAS-Port-Id = "ge-0/0/0.100"'];
}

export function mirrorAttrs(action: 'on' | 'off' | 'noop', handle: string, medIp: string = ADDR.md, medPort = 30030): string[] {
  return [`ERX-LI-Action = ${action}`, `ERX-Med-Dev-Handle = ${handle}`, `ERX-Med-Ip-Address = ${medIp}`, `ERX-Med-Port-Number = ${medPort}`];
}

/** An 8-octet Med-Dev-Handle (top bits 00): intercept id, session id. */
export function handle8(mid: number, sid: number): string {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(mid & 0x3fffffff, 0);
  b.writeUInt32BE(sid >>> 0, 4);
  return '0x' + b.toString('hex');
}

/** A 4-octet Med-Dev-Handle (top bits 01): intercept id. */
export function handle4(mid: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE((0x40000000 | (mid & 0x3fffffff)) >>> 0, 0);
  return '0x' + b.toString('hex');
}

// ------------------------------------------------------------------ capture and traffic

/** dumpcap on md's m0 for the jmirror port; stop() resolves with the pcap path. */
export async function captureMd(lab: Lab, name: string): Promise<{ file: string; stop(): Promise<string> }> {
  const file = path.join(lab.tmp, `${name}.pcap`);
  const p = lab.spawnIn(lab.ns.md, ['dumpcap', '-q', '-P', '-i', 'm0', '-f', 'udp port 30030', '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr!.on('data', (d) => (err += d));
  await until(async () => fs.existsSync(file) && fs.statSync(file).size > 0, 10000, `dumpcap on md (${err})`);
  await sleep(300);
  return {
    file,
    stop: async () => {
      await sleep(300);
      if (p.exitCode === null) {
        const done = new Promise((r) => p.once('exit', r));
        p.kill('SIGTERM');
        await done;
      }
      return file;
    },
  };
}

export interface JmirrorRow {
  mid: number;
  sid: number;
  outerSrc: string;
  outerDst: string;
  innerSrc: string;
  innerDst: string;
  ttl: number;
  dscp: number;
  udpDstPort: number;
}

/** tshark -d udp.port==30030,jmirror over a capture. */
export function tsharkJmirror(file: string): JmirrorRow[] {
  const txt = execFileSync(
    'tshark',
    ['-r', file, '-d', 'udp.port==30030,jmirror', '-T', 'fields', '-E', 'separator=/t', '-E', 'aggregator=|',
      '-e', 'jmirror.mid', '-e', 'jmirror.sid', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'ip.ttl', '-e', 'ip.dsfield.dscp', '-e', 'udp.dstport', '-e', 'ipv6.src', '-e', 'ipv6.dst'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return txt
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const r = l.split('\t');
      const src = r[2].split('|');
      const dst = r[3].split('|');
      return {
        mid: Number(r[0]),
        sid: Number(r[1]),
        outerSrc: src[0],
        outerDst: dst[0],
        innerSrc: src[1] ?? r[7],
        innerDst: dst[1] ?? r[8],
        ttl: Number(r[4].split('|')[0]),
        dscp: Number(r[5].split('|')[0]),
        udpDstPort: Number(r[6].split('|')[0]),
      };
    });
}

/** Reads a classic pcap file; returns packets from the IP header on. */
export function readPcap(file: string): Buffer[] {
  const b = fs.readFileSync(file);
  if (b.length < 24) return [];
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

/** A UDP echo server on core:7777 (python, like any far end). */
export function startEcho(lab: Lab): ChildProcess {
  return lab.spawnIn(lab.ns.core, ['/usr/bin/python3', '-c',
    'import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(("0.0.0.0",7777))\nwhile True:\n d,a=s.recvfrom(4096)\n s.sendto(d,a)'], { stdio: ['ignore', 'ignore', 'ignore'] });
}

/** From `src` in sub: n UDP datagrams to core:7777 (echoed) and n ICMP echo requests. Returns how many replies came back (UDP + ICMP). */
export async function traffic(lab: Lab, src: string, n = 3, tag = 'x', dst: string = ADDR.core): Promise<number> {
  const py = `
import socket,struct
def ck(b):
  s=sum(struct.unpack('!%dH'%(len(b)//2),b)); s=(s>>16)+(s&0xffff); s+=s>>16; return ~s&0xffff
u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); u.bind(('${src}',0)); u.settimeout(1)
r=socket.socket(socket.AF_INET,socket.SOCK_RAW,socket.IPPROTO_ICMP); r.bind(('${src}',0)); r.settimeout(1)
got=0
for i in range(${n}):
  u.sendto(b'${tag}-%s-%d'%(b'${src}',i),('${dst}',7777))
  try:
    u.recvfrom(4096); got+=1
  except Exception: pass
  h=struct.pack('!BBHHH',8,0,0,0x4242,i)+b'ping-${tag}'; h=h[:2]+struct.pack('!H',ck(h))+h[4:]
  r.sendto(h,('${dst}',0))
  try:
    while True:
      d,a=r.recvfrom(4096)
      if a[0]=='${dst}' and d[20]==0: got+=1; break
  except Exception: pass
print(got)
`;
  const r = await lab.run(lab.ns.sub, ['/usr/bin/python3', '-c', py]);
  return Number(r.stdout.trim());
}

/** Runs a child to completion asynchronously (no namespace). */
export function execAsync(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile(cmd, args, { encoding: 'utf8' }, (e, out) => (e ? reject(e) : resolve(out))));
}
