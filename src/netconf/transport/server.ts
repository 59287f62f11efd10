/**
 * NETCONF over SSH (RFC 6242) on the ssh2 server: host keys, login through
 * the caller's authenticate() callback, the `netconf` subsystem only, and
 * one SshNetconfSession per subsystem channel. ssh2's types stay inside this
 * folder.
 */
import { AuthThrottle } from './auth-throttle';
import * as net from 'net';
import type { Connection, AuthContext, ServerChannel, ClientInfo } from 'ssh2';
import { Server, utils } from './ssh2';
import { loadOrCreateHostKeys } from './hostkeys';
import { SshNetconfSession, type SessionHost } from './session';
import type { AuthRequest, NetconfSession, ServerOptions, TerminationReason, TransportCounters } from './types';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../framing';

/** The server could not start (listen failure). */
export class TransportStartError extends Error {
  readonly code?: string;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'TransportStartError';
    this.code = code;
  }
}

const MAX_AUTH_FAILURES = 6;
const METHODS: ('publickey' | 'password' | 'keyboard-interactive')[] = ['publickey', 'password', 'keyboard-interactive'];

function normalizeHost(ip: string | undefined): string {
  if (!ip) return '';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

interface ConnState {
  conn: Connection;
  sourceHost: string;
  username: string | null;
  sessions: Set<SshNetconfSession>;
  everStarted: boolean;
  authFailures: number;
  /** a user some of whose public keys were refused when the client asked, before any login */
  keyRefusedFor?: string;
}

export class NetconfSshServer {
  private readonly o: ServerOptions;
  private ssh: Server | null = null;
  private tcp: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  /** SSH connections by remote "address|port" (to find them from their socket) */
  private readonly connByKey = new Map<string, ConnState>();
  private readonly live = new Map<number, SshNetconfSession>();
  private readonly conns = new Set<ConnState>();
  private nextId = 1;
  private port = 0;
  private stopping = false;
  /** per-source growing delays for failed passwords */
  private readonly throttle = new AuthThrottle();
  private readonly counters: TransportCounters = {
    netconfStartTime: new Date(),
    inBadHellos: 0,
    inSessions: 0,
    droppedSessions: 0,
    inBadRpcs: 0,
    outRpcErrors: 0,
  };
  private readonly host: SessionHost;

  constructor(o: ServerOptions) {
    this.o = o;
    const log = o.log ?? (() => undefined);
    this.host = {
      capabilities: () => o.capabilities(),
      onMessage: (s, xml) => o.onMessage(s, xml),
      started: (s) => this.sessionStarted(s),
      ended: (s, reason, established, by) => this.sessionEnded(s, reason, established, by),
      badHello: (s, why) => {
        this.counters.inBadHellos++;
        log('info', `session ${s.id} from ${s.sourceHost}: bad hello: ${why}`);
      },
      countBad: () => {
        this.counters.inBadRpcs++;
        this.counters.outRpcErrors++;
      },
      log,
      helloTimeoutMs: o.helloTimeoutMs ?? 60_000,
      idleTimeoutMs: o.idleTimeoutMs ?? 3_600_000,
      maxMessageBytes: o.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      maxUnreadBytes: o.maxUnreadBytes ?? 32 * 1024 * 1024,
    };
  }

  private get maxSessions(): number {
    return this.o.maxSessions ?? 200;
  }

  async start(): Promise<{ port: number }> {
    if (this.ssh) throw new TransportStartError('server already started');
    const hostKeys = await loadOrCreateHostKeys(this.o.hostKeyDir);
    const keepalive = this.o.keepaliveMs ?? 30_000;
    const ssh = new Server(
      {
        hostKeys,
        ident: 'flowtapd',
        keepaliveInterval: keepalive > 0 ? keepalive : undefined,
        keepaliveCountMax: keepalive > 0 ? 3 : undefined,
      },
      (conn, info) => this.onConnection(conn, info),
    );
    ssh.on('error', (e: Error) => this.log('warn', `ssh server error: ${e.message}`));
    // our own listener feeds ssh2 (injectSocket), so that every TCP connection,
    // even one that never speaks SSH, is bounded in number and in time
    const tcp = net.createServer((sock) => this.onSocket(sock));
    tcp.maxConnections = this.maxSessions * 2 + 16;
    const { host, port } = this.o.listen;
    await new Promise<void>((resolve, reject) => {
      const onErr = (e: NodeJS.ErrnoException) => {
        reject(new TransportStartError(`cannot listen on ${host}:${port}: ${e.code ?? e.message}`, e.code));
      };
      tcp.once('error', onErr);
      tcp.listen(port, host, () => {
        tcp.off('error', onErr);
        resolve();
      });
    });
    tcp.on('error', (e: Error) => this.log('warn', `listener error: ${e.message}`));
    this.ssh = ssh;
    this.tcp = tcp;
    this.stopping = false;
    this.counters.netconfStartTime = new Date();
    const addr = tcp.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
    return { port: this.port };
  }

  async stop(): Promise<void> {
    if (!this.ssh) return;
    this.stopping = true;
    for (const s of [...this.live.values(), ...this.pending]) s.shutdown();
    for (const sock of this.sockets) {
      if (!this.connByKey.has(`${sock.remoteAddress}|${sock.remotePort}`)) sock.destroy();
    }
    for (const c of [...this.conns]) {
      try {
        c.conn.end();
      } catch {
        /* gone */
      }
    }
    const tcp = this.tcp!;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        for (const sock of this.sockets) sock.destroy();
      }, 3000);
      t.unref();
      tcp.close(() => {
        clearTimeout(t);
        resolve();
      });
    });
    this.tcp = null;
    this.ssh = null;
  }

  /** Established sessions (hello done), in session-id order. */
  sessions(): NetconfSession[] {
    return [...this.live.values()].filter((s) => !s.closed);
  }

  /**
   * End a session (kill-session). One whose hello is not yet answered is
   * found too: its id was in our hello, and a client that connects and at
   * once has another session kill it may be that quick.
   */
  killSession(id: number, by?: number): boolean {
    let s = this.live.get(id);
    if (!s) for (const p of this.pending) if (p.id === id) s = p;
    if (!s || s.closed) return false;
    s.kill(by);
    return true;
  }

  /** Server-wide counters for ietf-netconf-monitoring statistics. */
  stats(): Readonly<TransportCounters> {
    return { ...this.counters };
  }

  get boundPort(): number {
    return this.port;
  }

  // ---- internals ----

  private log(level: 'debug' | 'info' | 'warn', msg: string): void {
    try {
      this.o.log?.(level, msg);
    } catch {
      /* a logger must not break the transport */
    }
  }

  private onSocket(sock: net.Socket): void {
    if (this.stopping || !this.ssh) {
      sock.destroy();
      return;
    }
    this.sockets.add(sock);
    sock.on('error', () => undefined);
    // replies are small and latency-bound: no Nagle delay
    sock.setNoDelay(true);
    const key = `${sock.remoteAddress}|${sock.remotePort}`;
    const grace = this.host.helloTimeoutMs;
    let timer: NodeJS.Timeout | null = null;
    if (grace > 0) {
      // login and the first subsystem request must happen in time; from then
      // on the NETCONF session's own hello and idle timers apply
      timer = setTimeout(() => {
        const c = this.connByKey.get(key);
        if (!c || (c.sessions.size === 0 && !c.everStarted)) {
          this.log('info', `connection from ${normalizeHost(sock.remoteAddress)}: no NETCONF session within ${grace} ms`);
          sock.destroy();
        }
      }, grace);
    }
    sock.once('close', () => {
      if (timer) clearTimeout(timer);
      this.sockets.delete(sock);
      this.connByKey.delete(key);
    });
    try {
      this.ssh.injectSocket(sock);
    } catch (e) {
      this.log('warn', `ssh2 refused a connection: ${(e as Error).message}`);
      sock.destroy();
    }
  }

  private onConnection(conn: Connection, info: ClientInfo): void {
    const c: ConnState = {
      conn,
      sourceHost: normalizeHost(info.ip),
      username: null,
      sessions: new Set(),
      everStarted: false,
      authFailures: 0,
    };
    this.connByKey.set(`${info.ip}|${info.port}`, c);
    if (this.stopping) {
      destroyConn(conn);
      return;
    }
    this.conns.add(c);
    conn.on('error', (e: Error) => this.log('debug', `connection from ${c.sourceHost}: ${e.message}`));
    conn.on('authentication', (ctx: AuthContext) => {
      this.onAuth(c, ctx).catch((e) => {
        this.log('warn', `authentication error: ${(e as Error).message}`);
        safe(() => ctx.reject());
      });
    });
    conn.on('ready', () => {
      conn.on('session', (accept) => {
        const session = safeCall(accept);
        if (!session) return;
        session.on('error', () => undefined);
        let used = false; // one subsystem per session channel
        session.on('subsystem', (acc, rej, inf) => {
          if (used) return safe(rej);
          used = true;
          this.onSubsystem(c, acc, rej, inf.name);
        });
        session.on('exec', (_a, rej) => safe(rej));
        session.on('shell', (_a, rej) => safe(rej));
        session.on('pty', (_a, rej) => safe(rej));
        session.on('sftp', (_a, rej) => safe(rej));
      });
    });
    conn.on('close', () => {
      this.conns.delete(c);
      // a client whose keys were all refused asks and gives up, never signing: its failed login
      // is told when it goes (a key refused and then another accepted was the client's probe)
      if (c.username === null && c.keyRefusedFor !== undefined) this.loginFailed(c, c.keyRefusedFor, 'publickey');
      // sessions whose channel close never arrived
      for (const s of [...c.sessions]) s.close('dropped');
    });
  }

  private async onAuth(c: ConnState, ctx: AuthContext): Promise<void> {
    const base = { username: ctx.username, sourceHost: c.sourceHost };
    let req: AuthRequest | null = null;
    let verified = true;
    if (ctx.method === 'password') {
      req = { ...base, method: 'password', password: ctx.password };
    } else if (ctx.method === 'publickey') {
      req = { ...base, method: 'publickey', key: { algo: ctx.key.algo, data: Buffer.from(ctx.key.data) } };
      if (ctx.signature && ctx.blob) {
        const k = utils.parseKey(ctx.key.data);
        verified = !(k instanceof Error) && k.verify(ctx.blob, ctx.signature, ctx.hashAlgo as never) === true;
      }
    } else if (ctx.method === 'keyboard-interactive') {
      // one "Password:" prompt, checked like password authentication
      // (clients configured for keyboard-interactive only, e.g. some libssh2 ones)
      const kctx = ctx;
      const answers = await new Promise<string[] | null>((resolve) => {
        kctx.once('abort', () => resolve(null));
        try {
          kctx.prompt([{ prompt: 'Password: ', echo: false }], (a: string[]) => resolve(a));
        } catch {
          resolve(null);
        }
      });
      if (answers === null) return;
      req = { ...base, method: 'password', password: answers[0] ?? '' };
    }
    if (req === null) {
      // 'none' and the others: tell the client what works
      safe(() => ctx.reject(METHODS));
      return;
    }
    let ok = false;
    if (verified) {
      try {
        ok = (await this.o.authenticate(req)) === true;
      } catch (e) {
        this.log('warn', `authenticate() failed: ${(e as Error).message}`);
        ok = false;
      }
    }
    const finalStep = ctx.method !== 'publickey' || ctx.signature !== undefined;
    if (ok) {
      if (finalStep) c.username = ctx.username;
      if (finalStep && req.method === 'password') this.throttle.success(c.sourceHost);
      safe(() => ctx.accept());
      return;
    }
    if (!finalStep) c.keyRefusedFor = ctx.username;
    else {
      c.authFailures++;
      if (ctx.method === 'publickey') c.keyRefusedFor = undefined; // told now
      this.loginFailed(c, ctx.username, ctx.method as 'password' | 'keyboard-interactive' | 'publickey');
      if (req.method === 'password') {
        const wait = this.throttle.failure(c.sourceHost);
        // never the password: user, source and the count only
        this.log('debug', `password authentication failed for user ${JSON.stringify(ctx.username)} from ${c.sourceHost} (${this.throttle.failures(c.sourceHost)} recent failures)`);
        await delay(wait);
      }
      if (c.authFailures >= MAX_AUTH_FAILURES) {
        this.log('info', `connection from ${c.sourceHost}: too many authentication failures`);
        destroyConn(c.conn);
        return;
      }
    }
    safe(() => ctx.reject(METHODS));
  }

  private loginFailed(c: ConnState, username: string, method: 'password' | 'keyboard-interactive' | 'publickey'): void {
    try {
      this.o.onLoginFailed?.({ username, method, sourceHost: c.sourceHost });
    } catch (e) {
      this.log('warn', `onLoginFailed failed: ${(e as Error).message}`);
    }
  }

  private onSubsystem(
    c: ConnState,
    accept: () => ServerChannel,
    reject: () => void,
    name: string,
  ): void {
    if (name !== 'netconf' || c.username === null || this.stopping) {
      safe(reject);
      return;
    }
    if (this.activeCount() >= this.maxSessions) {
      this.log('warn', `connection from ${c.sourceHost}: session limit ${this.maxSessions} reached`);
      safe(reject);
      return;
    }
    const channel = safeCall(accept);
    if (!channel) return;
    const id = this.nextId++;
    const s = new SshNetconfSession(this.host, id, c.username, c.sourceHost, channel);
    c.sessions.add(s);
    this.pending.add(s);
    this.connOf.set(s, c);
    channel.once('close', () => {
      // one NETCONF session per connection is the norm: end the connection
      // once its last session's channel is closed (its last reply flushed)
      setImmediate(() => {
        if (c.sessions.size === 0) safe(() => c.conn.end());
      });
    });
    s.begin();
  }

  /** sessions in hello (not yet in `live`) */
  private readonly pending = new Set<SshNetconfSession>();
  private readonly connOf = new WeakMap<SshNetconfSession, ConnState>();

  private activeCount(): number {
    return this.live.size + this.pending.size;
  }

  private sessionStarted(s: SshNetconfSession): void {
    this.pending.delete(s);
    this.live.set(s.id, s);
    this.counters.inSessions++;
    const c = this.connOf.get(s)!;
    c.everStarted = true;
    this.log('debug', `session ${s.id} started: ${s.username}@${s.sourceHost} base:${s.base}`);
    try {
      this.o.onSessionStart?.(s);
    } catch (e) {
      this.log('warn', `onSessionStart failed: ${(e as Error).message}`);
    }
  }

  private sessionEnded(s: SshNetconfSession, reason: TerminationReason, established: boolean, by?: number): void {
    this.pending.delete(s);
    this.live.delete(s.id);
    this.connOf.get(s)?.sessions.delete(s);
    if (established) {
      if (reason === 'dropped' || reason === 'timeout') this.counters.droppedSessions++;
      this.log('debug', `session ${s.id} ended: ${reason}${by !== undefined ? ` by session ${by}` : ''}`);
      try {
        this.o.onSessionEnd?.(s, reason, by);
      } catch (e) {
        this.log('warn', `onSessionEnd failed: ${(e as Error).message}`);
      }
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function safe(f: () => void): void {
  try {
    f();
  } catch {
    /* the peer went away */
  }
}

function safeCall<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

function destroyConn(conn: Connection): void {
  try {
    (conn as unknown as { _sock?: { destroy(): void } })._sock?.destroy();
  } catch {
    /* gone */
  }
  safe(() => conn.end());
}
