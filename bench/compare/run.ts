/**
 * Side by side (issue 7): yuma123's netconfd (Debian package netconfd,
 * behind OpenSSH's sshd with netconf-subsystem) and flowtapd, on the same
 * machine, driven by the same Node client (src/netconf/client.ts: ssh2,
 * RFC 6242 chunked framing, pipelining) with the same work and the same
 * SSH authentication (an Ed25519 key):
 *
 *   session setup      TCP + SSH + key auth + netconf subsystem + hello (median)
 *   small get-config   one interface by subtree filter, sequential and 64 in flight (after as many
 *                      untimed; timed in blocks that take turns between the peers)
 *   edit-config+commit one leaf changed in candidate, then commit (p50, p99; as many untimed first;
 *                      timed in blocks that take turns between the peers)
 *   large get-config   the whole running ietf-interfaces list (--large entries; median, taking turns)
 *   large commit       one leaf changed and committed while those entries are configured (median, taking turns)
 *
 * As root:  npx tsx bench/compare/run.ts [--sessions 20] [--rpcs 10000] [--warmup 3000] [--commits 1000] [--large 5000] [--large-gets 9]
 * It creates one network namespace (ftcompare<PID>) with only loopback, reruns
 * itself inside, starts both peers there (by PID: sshd, netconfd, flowtapd),
 * and removes everything at the end. A peer that cannot be set up is
 * reported with the reason, and its column shows "-".
 * BENCH_AGENT_NODE_FLAGS and BENCH_AGENT_STDOUT study flowtapd's agent (see
 * bench/agent-study.ts).
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NetconfClient } from '../../src/netconf/client';
import { idleClientJit } from '../idle-jit';
import { agentNodeFlags, agentStdout, connectWhenUp, installedAgent } from '../agent-study';
import { own, ownDir, rerunInOwnNetns, runInner } from '../own-netns';

const ROOT = path.join(__dirname, '..', '..');
const NS_IF = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';
const IANAIFT = 'urn:ietf:params:xml:ns:yang:iana-if-type';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const N_SESSIONS = arg('--sessions', 20);
const N_RPCS = arg('--rpcs', 10000);
/**
 * edit-config+commit pairs timed per peer (after as many untimed): a p99 of
 * 200 is the second-slowest pair, one host hiccup; of 1,000, the tenth
 */
const N_COMMITS = arg('--commits', 1000);
const N_LARGE = arg('--large', 5000);
/**
 * small get-config sent to each peer before the timed ones, one at a time
 * and 64 in flight: the same for both, so that the one Node client (and a
 * JIT-compiled agent) is measured in its steady state, and not cold for the
 * peer measured first
 */
const N_WARMUP = arg('--warmup', 3000);
/** large get-configs per peer (the median is reported) */
const N_LARGE_GETS = arg('--large-gets', 9);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A step that does not finish in time is a failure of the peer, not a hung benchmark. */
function deadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_r, reject) => (t = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}

/** close-session with a deadline, then drop the connection whatever happened. */
async function closeClient(c: NetconfClient): Promise<void> {
  await deadline(c.close(), 5000, 'close-session').catch(() => undefined);
  c.destroy();
}
const now = (): number => performance.now();

// ------------------------------------------------------------------ peers

interface Peer {
  name: string;
  port: number;
  user: string;
  procs: ChildProcess[];
  /** why it could not be set up */
  failed?: string;
  version: string;
}

function which(cmd: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms} ms`);
    await sleep(50);
  }
}

function iface(name: string, description: string): string {
  return `<interface><name>${name}</name><description>${description}</description><type xmlns:ianaift="${IANAIFT}">ianaift:ethernetCsmacd</type></interface>`;
}

async function startNetconfd(tmp: string, key: Buffer, pub: string): Promise<Peer> {
  const port = 19830;
  const peer: Peer = { name: 'netconfd', port, user: 'root', procs: [], version: '' };
  for (const bin of ['netconfd', '/usr/sbin/sshd', '/usr/sbin/netconf-subsystem']) {
    if (!which(bin)) {
      peer.failed = `${bin} is not installed (apt-get install netconfd openssh-server)`;
      return peer;
    }
  }
  try {
    peer.version = execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'netconfd'], { encoding: 'utf8' }).trim();
  } catch {
    peer.version = '?';
  }
  const dir = path.join(tmp, 'netconfd');
  // --yuma-home keeps netconfd's files (the txid file in data/) here
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  const sock = path.join(dir, 'ncxserver.sock');
  const startup = path.join(dir, 'startup-cfg.xml');
  fs.writeFileSync(startup, '<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"/>\n');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'hostkey')]);
  fs.writeFileSync(path.join(dir, 'authorized_keys'), pub);
  fs.mkdirSync('/run/sshd', { recursive: true });
  const cfg = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    cfg,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(dir, 'hostkey')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'UseDNS no',
      `Subsystem netconf /usr/sbin/netconf-subsystem --ncxserver-sockname=${port}@${sock}`,
      '',
    ].join('\n'),
  );
  const ncd = spawn(
    'netconfd',
    [`--port=${port}`, `--ncxserver-sockname=${sock}`, '--superuser=root', `--startup=${startup}`, '--module=ietf-interfaces', '--module=iana-if-type', `--yuma-home=${dir}`, '--log-level=error', `--log=${path.join(dir, 'netconfd.log')}`],
    { env: { ...process.env, HOME: dir }, stdio: 'ignore' },
  );
  peer.procs.push(own(ncd));
  // sshd -D: stays in the foreground, so it is our child and is killed by PID
  const sshd = spawn('/usr/sbin/sshd', ['-D', '-f', cfg, '-E', path.join(dir, 'sshd.log')], { stdio: 'ignore' });
  peer.procs.push(own(sshd));
  try {
    await waitFor(() => fs.existsSync(sock) || ncd.exitCode !== null, 15000, 'netconfd socket');
    if (ncd.exitCode !== null) throw new Error(`netconfd exited (${ncd.exitCode}): ${readTail(path.join(dir, 'netconfd.log'))}`);
    await waitFor(() => readTail(path.join(dir, 'sshd.log')).includes('Server listening') || sshd.exitCode !== null, 15000, 'sshd listening');
    if (sshd.exitCode !== null) throw new Error(`sshd exited: ${readTail(path.join(dir, 'sshd.log'))}`);
    const c = await NetconfClient.connect({ port, username: 'root', privateKey: key, timeoutMs: 20000 });
    await closeClient(c);
  } catch (e) {
    peer.failed = (e as Error).message;
  }
  return peer;
}

async function startFlowtapd(tmp: string, key: Buffer, pub: string): Promise<Peer> {
  const port = 18831;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const peer: Peer = { name: 'flowtapd', port, user: 'admin', procs: [], version: require('../../package.json').version };
  const dataDir = path.join(tmp, 'flowtapd');
  let log = '';
  // the agent as installed (tsc's dist/, built now), as it runs in production
  const p = spawn(process.execPath, [...installedAgent(ROOT, agentNodeFlags()), '--data-dir', dataDir, '--netconf-listen', `127.0.0.1:${port}`, '--log-level', 'warn'], {
    cwd: ROOT,
    env: { ...process.env, FLOWTAPD_BOOTSTRAP_USER: 'admin:bench-pw' },
    stdio: ['ignore', agentStdout(), 'pipe'],
  });
  p.stderr!.on('data', (d) => (log += d));
  peer.procs.push(own(p));
  try {
    const first = await connectWhenUp(p, port, { username: 'admin', password: 'bench-pw' }, () => log.trim().split('\n').pop() ?? '', 60000);
    const [alg, data] = pub.trim().split(/\s+/);
    await first.rpcOk(
      `<edit-config><target><candidate/></target><config><system xmlns="urn:ietf:params:xml:ns:yang:ietf-system"><authentication><user><name>admin</name>` +
        `<authorized-key><name>bench</name><algorithm>${alg}</algorithm><key-data>${data}</key-data></authorized-key></user></authentication></system></config></edit-config>`,
    );
    await first.rpcOk('<commit/>');
    await first.close();
    const c = await NetconfClient.connect({ port, username: 'admin', privateKey: key, timeoutMs: 20000 });
    await closeClient(c);
  } catch (e) {
    peer.failed = (e as Error).message;
  }
  return peer;
}

function readTail(f: string): string {
  try {
    return fs.readFileSync(f, 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    return '';
  }
}

// ------------------------------------------------------------------ work

interface Figures {
  setupMs?: number;
  seqRps?: number;
  pipeRps?: number;
  commitP50?: number;
  commitP99?: number;
  largeLoadMs?: number;
  largeGetMs?: number;
  largeCommitMs?: number;
  largeBytes?: number;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const SMALL = `<get-config><source><running/></source><filter type="subtree"><interfaces xmlns="${NS_IF}"><interface><name>bench0</name></interface></interfaces></filter></get-config>`;
const LARGE = `<get-config><source><running/></source><filter type="subtree"><interfaces xmlns="${NS_IF}"/></filter></get-config>`;

/** One peer's session through the measurement, with its figures so far. */
interface Run {
  peer: Peer;
  c?: NetconfClient;
  f: Figures;
  lat: number[];
  error?: string;
}

/** Session setup, the small get-configs' and the edit-config+commit pairs' warm-up; leaves the session open. */
async function measureFirst(peer: Peer, key: Buffer, run: Run): Promise<void> {
  const f = run.f;
  const phase = (s: string): void => void process.stderr.write(`  ${peer.name}: ${s}\n`);
  const connect = (): Promise<NetconfClient> => NetconfClient.connect({ port: peer.port, username: peer.user, privateKey: key, timeoutMs: 30000 });
  // session setup
  const setups: number[] = [];
  for (let i = 0; i < N_SESSIONS; i++) {
    const t = now();
    const c = await connect();
    setups.push(now() - t);
    await closeClient(c);
  }
  f.setupMs = pct(setups, 50);
  phase('sessions done');
  const c = (run.c = await connect());
  // a few interfaces to read back
  await c.rpcOk(`<edit-config><target><candidate/></target><config><interfaces xmlns="${NS_IF}">${Array.from({ length: 10 }, (_x, i) => iface(`bench${i}`, 'small')).join('')}</interfaces></config></edit-config>`);
  await c.rpcOk('<commit/>');
  const check = await deadline(c.rpcOk(SMALL), 20000, 'get-config');
  if (!check.includes('<name>bench0</name>')) throw new Error(`${peer.name}: small get-config does not return bench0`);
  // small get-config, sequential
  // warm-up (N_WARMUP): sequential, then pipelined
  for (let i = 0; i < N_WARMUP; i++) await c.rpcOk(SMALL);
  let warm = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (warm < N_WARMUP) {
        warm++;
        await c.rpcOk(SMALL);
      }
    }),
  );
  phase('warm-up done');
  // edit-config + commit: as many untimed first (the same warm-up for both peers)
  await commitPairs(c, -N_COMMITS, 0);
}

/** `n` small get-configs one at a time; the milliseconds they took. */
async function sequentialGets(c: NetconfClient, n: number): Promise<number> {
  const t = now();
  for (let i = 0; i < n; i++) await c.rpcOk(SMALL);
  return now() - t;
}

/** `n` small get-configs with 64 in flight; the milliseconds they took. */
async function pipelinedGets(peer: Peer, c: NetconfClient, n: number): Promise<number> {
  const t = now();
  let sent = 0;
  let bad = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (sent < n) {
        sent++;
        const r = await c.rpc(SMALL);
        if (!r.includes('bench0')) bad++;
      }
    }),
  );
  if (bad) throw new Error(`${peer.name}: ${bad} pipelined replies without the data`);
  return now() - t;
}

/**
 * `rounds` rounds of `step` on each peer still measuring, which peer goes
 * first alternating, so that both see the host in the same minutes: this
 * machine's speed drifts by up to 2x within minutes, and a figure of one
 * peer measured after the other's moved with it (netconfd's commit p99
 * was 3.05 ms in one run and 6.8-8.6 ms in the next two; a slow minute gave
 * flowtapd 6,607 small get-configs per second one at a time in one run,
 * 11,566-12,178 in the runs around it). A peer whose step fails is
 * reported and measured no further.
 */
async function takeTurns(runs: Run[], rounds: number, what: string, step: (r: Run, c: NetconfClient, round: number) => Promise<void>): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (const r of round % 2 ? [...runs].reverse() : runs) {
      const c = r.c;
      if (c) await attempt(r, what, 120000, () => step(r, c, round));
    }
  }
}

/** One step of a peer still measuring, within `timeoutMs`; its failure is reported and ends the peer's measurement. */
async function attempt(r: Run, what: string, timeoutMs: number, step: () => Promise<void>): Promise<void> {
  if (r.error) return;
  try {
    await deadline(step(), timeoutMs, `${r.peer.name}: ${what}`);
  } catch (e) {
    console.log(`${r.peer.name}: measurement failed: ${(e as Error).message}`);
    r.error = (e as Error).message;
  }
}

/** The timed small get-configs: one at a time in 10 blocks, then 64 in flight in 5, taking turns. */
async function measureGets(runs: Run[]): Promise<void> {
  const kinds: [string, number, (r: Run, c: NetconfClient, n: number) => Promise<number>, (f: Figures, rps: number) => void][] = [
    ['sequential', 10, (_r, c, n) => sequentialGets(c, n), (f, rps) => (f.seqRps = rps)],
    ['pipelined', 5, (r, c, n) => pipelinedGets(r.peer, c, n), (f, rps) => (f.pipeRps = rps)],
  ];
  for (const [what, blocks, timed, store] of kinds) {
    const ms = new Map<Run, number>();
    await takeTurns(runs, blocks, `${what} get-config`, async (r, c, b) => {
      ms.set(r, (ms.get(r) ?? 0) + (await timed(r, c, Math.floor(N_RPCS / blocks) + (b < N_RPCS % blocks ? 1 : 0))));
    });
    for (const r of runs) {
      if (r.error || !ms.has(r)) continue;
      store(r.f, N_RPCS / (ms.get(r)! / 1000));
      process.stderr.write(`  ${r.peer.name}: ${what} done\n`);
    }
  }
}

/** edit-config+commit pairs `from` .. `to` - 1 (each its own description), timed. */
async function commitPairs(c: NetconfClient, from: number, to: number): Promise<number[]> {
  const lat: number[] = [];
  for (let i = from; i < to; i++) {
    const t0 = now();
    await c.rpcOk(`<edit-config><target><candidate/></target><config><interfaces xmlns="${NS_IF}"><interface><name>bench0</name><description>rev ${i}</description></interface></interfaces></config></edit-config>`);
    await c.rpcOk('<commit/>');
    lat.push(now() - t0);
  }
  return lat;
}

/** The large configuration: load it, read it whole, change one leaf of it; each step taking turns. */
async function measureLarge(runs: Run[]): Promise<void> {
  const parts: string[] = [];
  for (let i = 0; i < N_LARGE; i++) parts.push(iface(`large${i}`, `interface number ${i} of the large configuration`));
  const load = `<edit-config><target><candidate/></target><config><interfaces xmlns="${NS_IF}">${parts.join('')}</interfaces></config></edit-config>`;
  await takeTurns(runs, 1, 'large configuration', async (r, c) => {
    const t = now();
    await c.rpcOk(load);
    await c.rpcOk('<commit/>');
    r.f.largeLoadMs = now() - t;
  });
  const gets = new Map<Run, number[]>();
  await takeTurns(runs, N_LARGE_GETS, 'large get-config', async (r, c) => {
    const t = now();
    const reply = await c.rpcOk(LARGE);
    (gets.get(r) ?? gets.set(r, []).get(r)!).push(now() - t);
    r.f.largeBytes = Buffer.byteLength(reply);
    const n = reply.split('<name>large').length - 1;
    if (n !== N_LARGE) throw new Error(`${r.peer.name}: large get-config returned ${n} of ${N_LARGE} entries`);
  });
  // one leaf changed while the large configuration is there
  const commits = new Map<Run, number[]>();
  await takeTurns(runs, N_LARGE_GETS, 'one-leaf commit of the large configuration', async (r, c, i) => {
    const t = now();
    await c.rpcOk(`<edit-config><target><candidate/></target><config><interfaces xmlns="${NS_IF}"><interface><name>large${i}</name><description>changed ${i}</description></interface></interfaces></config></edit-config>`);
    await c.rpcOk('<commit/>');
    (commits.get(r) ?? commits.set(r, []).get(r)!).push(now() - t);
  });
  for (const r of runs) {
    if (r.error) continue;
    r.f.largeGetMs = pct(gets.get(r)!, 50);
    r.f.largeCommitMs = pct(commits.get(r)!, 50);
  }
}

/** The timed edit-config+commit pairs, in blocks of COMMIT_BLOCK taking turns. */
const COMMIT_BLOCK = 50;

async function measureCommits(runs: Run[]): Promise<void> {
  await takeTurns(runs, Math.ceil(N_COMMITS / COMMIT_BLOCK), 'edit-config+commit', async (r, c, round) => {
    const done = round * COMMIT_BLOCK;
    r.lat.push(...(await commitPairs(c, done, Math.min(N_COMMITS, done + COMMIT_BLOCK))));
  });
  for (const r of runs) {
    if (r.error || !r.c) continue;
    r.f.commitP50 = pct(r.lat, 50);
    r.f.commitP99 = pct(r.lat, 99);
    process.stderr.write(`  ${r.peer.name}: commits done\n`);
  }
}

// ------------------------------------------------------------------ table

function table(peers: { peer: Peer; f?: Figures; error?: string }[]): string {
  const [a, b] = peers;
  type Row = [string, keyof Figures, 'higher' | 'lower', (v: number) => string];
  const ms = (v: number): string => `${v.toFixed(v < 10 ? 2 : 1)} ms`;
  const rows: Row[] = [
    ['session setup (median)', 'setupMs', 'lower', ms],
    ['small get-config, sequential', 'seqRps', 'higher', (v) => `${Math.round(v)} RPC/s`],
    ['small get-config, 64 pipelined', 'pipeRps', 'higher', (v) => `${Math.round(v)} RPC/s`],
    ['edit-config+commit p50', 'commitP50', 'lower', ms],
    ['edit-config+commit p99', 'commitP99', 'lower', ms],
    [`load ${N_LARGE} interfaces (edit+commit)`, 'largeLoadMs', 'lower', ms],
    [`large get-config (${N_LARGE} interfaces, median of ${N_LARGE_GETS})`, 'largeGetMs', 'lower', ms],
    [`one-leaf edit-config+commit with ${N_LARGE} interfaces (median of ${N_LARGE_GETS})`, 'largeCommitMs', 'lower', ms],
  ];
  const cells = rows.map(([label, k, better, fmt]) => {
    const va = a.f?.[k];
    const vb = b.f?.[k];
    const ratio = va !== undefined && vb !== undefined ? (better === 'higher' ? va / vb : vb / va) : undefined;
    return [label, va === undefined ? '-' : fmt(va), vb === undefined ? '-' : fmt(vb), ratio === undefined ? '-' : `${ratio.toFixed(2)}x`];
  });
  const head = ['', a.peer.name, b.peer.name, `${a.peer.name} ahead by`];
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string => c.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ');
  let out = line(head) + '\n' + cells.map(line).join('\n') + '\n';
  const bytes = a.f?.largeBytes !== undefined || b.f?.largeBytes !== undefined;
  if (bytes) out += `(large reply: ${a.peer.name} ${a.f?.largeBytes ?? '-'} bytes, ${b.peer.name} ${b.f?.largeBytes ?? '-'} bytes)\n`;
  out += `ratio: how many times better ${a.peer.name} is (RPC/s: a/b; times: b/a); above 1.00 means ${a.peer.name} is ahead.\n`;
  return out;
}

// ------------------------------------------------------------------ main

async function inner(): Promise<void> {
  idleClientJit();
  const tmp = ownDir(fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-compare-')));
  // netconfd creates an empty ~/.yuma of its user whatever --yuma-home says: removed again if this run made it
  const yumaDir = path.join(os.userInfo().homedir, '.yuma');
  const hadYumaDir = fs.existsSync(yumaDir);
  const peers: Peer[] = [];
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bench', '-f', path.join(tmp, 'id')]);
    const key = fs.readFileSync(path.join(tmp, 'id'));
    const pub = fs.readFileSync(path.join(tmp, 'id.pub'), 'utf8');
    const ftd = await startFlowtapd(tmp, key, pub);
    const ncd = await startNetconfd(tmp, key, pub);
    peers.push(ftd, ncd);
    console.log(`host: ${os.cpus().length} CPU (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`work: ${N_SESSIONS} sessions, ${N_RPCS} small get-config (after ${N_WARMUP} + ${N_WARMUP} pipelined to warm up), ${N_COMMITS} edit+commit (after ${N_COMMITS} untimed), ${N_LARGE} interfaces; same client (src/netconf/client.ts), Ed25519 key auth, loopback`);
    const runs: Run[] = peers.map((peer) => ({ peer, f: {}, lat: [], error: peer.failed }));
    for (const r of runs) {
      console.log(`${r.peer.name} ${r.peer.version}: ${r.peer.failed ? `NOT SET UP: ${r.peer.failed}` : 'measuring...'}`);
      await attempt(r, 'sessions and get-config', 600000, () => measureFirst(r.peer, key, r));
    }
    await measureGets(runs);
    await measureCommits(runs);
    await measureLarge(runs);
    for (const r of runs) if (r.c) await closeClient(r.c);
    const results = runs.map((r) => ({ peer: r.peer, f: r.f, error: r.error }));
    console.log('');
    process.stdout.write(table(results));
  } finally {
    for (const p of peers) {
      for (const c of p.procs) {
        if (c.pid && c.exitCode === null && c.signalCode === null) {
          try {
            process.kill(c.pid, 'SIGTERM');
          } catch {
            /* gone */
          }
        }
      }
    }
    await sleep(1500);
    for (const p of peers) for (const c of p.procs) if (c.pid && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!hadYumaDir) fs.rmSync(yumaDir, { recursive: true, force: true });
  }
}

if (process.env.FLOWTAPD_COMPARE_INNER) runInner('bench/compare', inner);
else rerunInOwnNetns('bench/compare', __filename, 'FLOWTAPD_COMPARE_INNER', 'network namespace, sshd, netconfd as root');
