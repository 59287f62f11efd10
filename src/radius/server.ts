/**
 * The RADIUS listeners: dynamic authorization (CoA and Disconnect, RFC 5176)
 * and accounting copies (RFC 2866). Each port is bound on every configured
 * address (IPv4 and IPv6 by default). Requests are taken only from configured
 * clients and only with a correct Request Authenticator and, when present,
 * Message-Authenticator (which a client configured so must send);
 * everything else is dropped silently and counted, and a CoA or Disconnect
 * dropped for its source (unknown client, authenticator) is a warning,
 * rate-limited per source (drop-warnings.ts).
 *
 * Reconfiguration is two-phase, for the commit of /fta:access:
 * prepare(config) binds whatever new ports are needed (throwing
 * RadiusBindError and leaving everything as it was if one cannot be bound),
 * then commit() switches over and closes what is no longer used, or abort()
 * closes what prepare() opened.
 */
import * as dgram from 'node:dgram';
import { isIP } from 'node:net';
import { AgentError } from '../errors';
import {
  Attr,
  canonicalIp,
  checkMessageAuthenticator,
  Code,
  decodePacket,
  encodeInteger,
  encodeReply,
  MAX_PACKET_LENGTH,
  RadiusPacket,
  requestMessageAuthenticatorField,
  verifyRequestAuthenticator,
} from './codec';
import { ClientCounters, copyClientCounters, DropReason, MAX_UNKNOWN_ADDRESSES, newClientCounters, RadiusCounters } from './counters';
import { DropWarnings } from './drop-warnings';
import { CoaError, errorCauseOf, errorCauseName, isSuccessCause } from './error-cause';
import { ReplyCache } from './reply-cache';
import {
  AccountingRequest,
  DynamicAuthRequest,
  describeRequest,
  eventTimestampOf,
  parseAccountingRequest,
  parseDynamicAuthRequest,
} from './requests';

export interface RadiusClientConfig {
  /** IPv4 or IPv6 address of the client (the RADIUS server or the BNG) */
  address: string;
  secret: string;
  /** drop this client's requests (CoA, Disconnect, accounting) that carry no Message-Authenticator; counted as missingMessageAuthenticator */
  requireMessageAuthenticator?: boolean;
}

export interface RadiusServerConfig {
  /** CoA / Disconnect port (3799 by default in the data model); 0 picks a free port */
  coaPort: number;
  /** accounting port (1813 by default in the data model); 0 picks a free port */
  acctPort: number;
  clients: readonly RadiusClientConfig[];
  /** seconds an Event-Timestamp of a CoA or Disconnect may differ from now; default 300, 0 = not checked */
  eventTimestampWindow?: number;
  /** addresses to bind; default all: ['0.0.0.0', '::'] ('::' is skipped where IPv6 is unavailable) */
  bindAddresses?: readonly string[];
}

/** The answer to a CoA or Disconnect: ACK, or NAK with an Error-Cause. */
export type CoaAnswer = { ok: true } | { ok: false; cause: number };

export interface RadiusLogger {
  debug?(msg: string): void;
  info?(msg: string): void;
  warn?(msg: string): void;
}

export interface RadiusServerOptions {
  onCoa(req: DynamicAuthRequest): Promise<CoaAnswer>;
  onAccounting(req: AccountingRequest): Promise<void>;
  /** never given intercept details (handle, mediation address, port) */
  logger?: RadiusLogger;
  /** clock in milliseconds (tests) */
  now?: () => number;
  /**
   * duplicate-detection caches: replies kept, for CoA/Disconnect and for
   * accounting each (default 16384). CoA and Disconnect replies are kept for
   * the Event-Timestamp window (RFC 5176 6.3; 300 s when the check is off),
   * Accounting-Responses for `replyCacheTtlMs` (default 30 s).
   */
  replyCacheSize?: number;
  replyCacheTtlMs?: number;
  /**
   * a CoA or Disconnect dropped for its source (unknown client, wrong
   * authenticator, wrong or missing Message-Authenticator) is a warning at
   * most once per source in this many milliseconds (default 60 s); see
   * drop-warnings.ts
   */
  dropWarningIntervalMs?: number;
}

/** A port of the RADIUS listeners cannot be bound; the commit that wanted it fails. */
export class RadiusBindError extends AgentError {
  readonly port: number;
  readonly address: string;
  readonly code?: string;
  constructor(role: Role, port: number, address: string, code: string | undefined, detail: string) {
    const leaf = role === 'coa' ? 'radius-disconnect-port' : 'radius-accounting-port';
    // 3799 carries CoA as well as Disconnect (RFC 5176 dynamic authorization); the leaf's name says only "disconnect"
    const what = role === 'coa' ? 'RADIUS dynamic authorization port (RFC 5176 CoA and Disconnect)' : 'RADIUS accounting port';
    super('in-use', `cannot bind the ${what} ${port} on ${address}: ${detail}`, {
      appTag: 'port-unavailable',
      path: `/fta:access/fta:${leaf}`,
      pathNs: { fta: 'urn:flowtapd:yang:access' },
    });
    this.name = 'RadiusBindError';
    this.port = port;
    this.address = address;
    this.code = code;
  }
}

/** Which listener a datagram arrived on. */
export type RadiusPortRole = 'coa' | 'acct';
type Role = RadiusPortRole;

interface Listener {
  port: number;
  bindKey: string;
  sockets: dgram.Socket[];
  role: Role;
  closed: boolean;
}

interface ActiveClient {
  secret: string;
  requireMessageAuthenticator: boolean;
}

interface ActiveConfig {
  clients: Map<string, ActiveClient>;
  windowSeconds: number;
}

export interface PreparedRadiusConfig {
  /** switches to the new configuration; closes listeners no longer used */
  commit(): void;
  /** closes what prepare() opened; the running configuration is untouched */
  abort(): void;
}

const DEFAULT_BIND = ['0.0.0.0', '::'];

/** Drops of a CoA or Disconnect that are warned about (rate-limited, see drop-warnings.ts), with what they say. */
const WARNED_DROPS: Partial<Record<DropReason, string>> = {
  badAuthenticator: 'wrong Request Authenticator (not signed with the configured secret, or altered)',
  badMessageAuthenticator: 'wrong Message-Authenticator (not signed with the configured secret, or altered)',
  missingMessageAuthenticator: 'no Message-Authenticator, which require-message-authenticator demands of this client',
};
const DEFAULT_WINDOW = 300;

function invalid(msg: string, leaf?: string): AgentError {
  if (!leaf) return new AgentError('invalid-value', msg);
  return new AgentError('invalid-value', msg, { path: `/fta:access/fta:${leaf}`, pathNs: { fta: 'urn:flowtapd:yang:access' } });
}

function checkConfig(cfg: RadiusServerConfig): { clients: Map<string, ActiveClient>; bind: string[] } {
  for (const [leaf, p] of [
    ['radius-disconnect-port', cfg.coaPort],
    ['radius-accounting-port', cfg.acctPort],
  ] as const) {
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw invalid(`RADIUS port ${p} is not 0..65535`, leaf);
  }
  if (cfg.coaPort !== 0 && cfg.coaPort === cfg.acctPort) {
    throw invalid(`the disconnect and accounting ports are both ${cfg.coaPort}`, 'radius-accounting-port');
  }
  const clients = new Map<string, ActiveClient>();
  for (const c of cfg.clients) {
    const addr = canonicalIp(c.address);
    if (!addr) throw invalid(`RADIUS client address ${c.address} is not an IP address`, 'radius-client');
    if (typeof c.secret !== 'string' || c.secret.length === 0) throw invalid(`RADIUS client ${c.address} has no secret`, 'radius-client');
    clients.set(addr, { secret: c.secret, requireMessageAuthenticator: c.requireMessageAuthenticator === true });
  }
  const bind = [...(cfg.bindAddresses ?? DEFAULT_BIND)];
  for (const a of bind) if (!isIP(a)) throw invalid(`bind address ${a} is not an IP address`);
  const w = cfg.eventTimestampWindow ?? DEFAULT_WINDOW;
  if (!Number.isFinite(w) || w < 0) throw invalid(`Event-Timestamp window ${w} is not a non-negative number`);
  return { clients, bind };
}

export class RadiusServer {
  private readonly opts: RadiusServerOptions;
  private readonly log: RadiusLogger;
  private readonly now: () => number;
  /** CoA and Disconnect replies, kept for the Event-Timestamp window */
  private readonly cache: ReplyCache;
  /** Accounting-Responses: their own bound, so that accounting cannot push CoA replies out */
  private readonly acctCache: ReplyCache;
  private readonly dropWarnings: DropWarnings;
  private listeners: Listener[] = [];
  private active: ActiveConfig = { clients: new Map(), windowSeconds: DEFAULT_WINDOW };
  private clientCounters = new Map<string, ClientCounters>();
  private unknown = { dropped: 0, byAddress: new Map<string, number>() };
  private preparing = false;
  /** what the log last said about the listeners */
  private listening?: string;

  constructor(opts: RadiusServerOptions) {
    this.opts = opts;
    this.log = opts.logger ?? {};
    this.now = opts.now ?? Date.now;
    const maxEntries = opts.replyCacheSize ?? 16384;
    this.cache = new ReplyCache({ maxEntries, windowMs: () => (this.active.windowSeconds || DEFAULT_WINDOW) * 1000, now: this.now, guard: true });
    const acctTtl = opts.replyCacheTtlMs ?? 30_000;
    this.acctCache = new ReplyCache({ maxEntries, windowMs: () => acctTtl, now: this.now });
    this.dropWarnings = new DropWarnings({ intervalMs: opts.dropWarningIntervalMs ?? 60_000, now: this.now, warn: (m) => this.log.warn?.(m) });
  }

  /** Prepares and commits in one step (start-up, tests). */
  async reconfigure(cfg: RadiusServerConfig): Promise<void> {
    (await this.prepare(cfg)).commit();
  }

  /**
   * Phase one: checks the configuration and binds the ports not already
   * bound. Throws AgentError (invalid-value) or RadiusBindError; on a throw
   * nothing has changed.
   */
  async prepare(cfg: RadiusServerConfig): Promise<PreparedRadiusConfig> {
    if (this.preparing) throw new AgentError('in-use', 'another RADIUS reconfiguration is being prepared');
    const { clients, bind } = checkConfig(cfg);
    this.preparing = true;
    const bindKey = bind.join(',');
    const opened: Listener[] = [];
    const chosen: Record<Role, Listener | undefined> = { coa: undefined, acct: undefined };
    try {
      for (const role of ['coa', 'acct'] as Role[]) {
        const port = role === 'coa' ? cfg.coaPort : cfg.acctPort;
        const reuse = port !== 0 ? this.listeners.find((l) => l.port === port && l.bindKey === bindKey && !l.closed) : undefined;
        chosen[role] = reuse ?? (await this.bind(role, port, bind, bindKey));
        if (!reuse) opened.push(chosen[role]!);
      }
    } catch (e) {
      for (const l of opened) this.closeListener(l);
      this.preparing = false;
      throw e;
    }
    let settled = false;
    return {
      commit: () => {
        if (settled) return;
        settled = true;
        this.preparing = false;
        chosen.coa!.role = 'coa';
        chosen.acct!.role = 'acct';
        const keep = new Set([chosen.coa!, chosen.acct!]);
        for (const l of this.listeners) if (!keep.has(l)) this.closeListener(l);
        this.listeners = [chosen.coa!, chosen.acct!];
        this.active = {
          clients,
          windowSeconds: cfg.eventTimestampWindow ?? DEFAULT_WINDOW,
        };
        const counters = new Map<string, ClientCounters>();
        for (const a of clients.keys()) counters.set(a, this.clientCounters.get(a) ?? newClientCounters());
        this.clientCounters = counters;
        // said when it changes, not at every commit that reaches the RADIUS configuration (an LI
        // commit among them: the general log would tell when the LI configuration was changed)
        const listening = `radius: listening for CoA/Disconnect on port ${this.portOf('coa')}, accounting on port ${this.portOf('acct')}, ${clients.size} client(s)`;
        if (listening !== this.listening) this.log.info?.(listening);
        this.listening = listening;
      },
      abort: () => {
        if (settled) return;
        settled = true;
        this.preparing = false;
        for (const l of opened) this.closeListener(l);
      },
    };
  }

  /** The bound port of each listener (the chosen one when configured as 0). */
  ports(): { coaPort: number; acctPort: number } {
    return { coaPort: this.portOf('coa'), acctPort: this.portOf('acct') };
  }

  /** A snapshot of the counters. */
  counters(): RadiusCounters {
    const clients: Record<string, ClientCounters> = {};
    for (const [a, c] of this.clientCounters) clients[a] = copyClientCounters(c);
    return { clients, unknownClient: { dropped: this.unknown.dropped, byAddress: Object.fromEntries(this.unknown.byAddress) } };
  }

  /** Closes every listener. Replies of requests still being handled are not sent. */
  async close(): Promise<void> {
    const ls = this.listeners;
    this.listeners = [];
    await Promise.all(ls.map((l) => this.closeListener(l)));
  }

  private portOf(role: Role): number {
    const l = this.listeners.find((x) => x.role === role);
    if (!l) return 0;
    const s = l.sockets[0];
    try {
      return s.address().port;
    } catch {
      return l.port;
    }
  }

  private async bind(role: Role, port: number, addresses: string[], bindKey: string): Promise<Listener> {
    const l: Listener = { port, bindKey, sockets: [], role, closed: false };
    try {
      for (const address of addresses) {
        const v6 = isIP(address) === 6;
        const sock = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6, reuseAddr: false });
        const ok = await new Promise<boolean>((resolve, reject) => {
          const onError = (err: NodeJS.ErrnoException): void => {
            sock.removeListener('listening', onListening);
            sock.close();
            const noV6 = v6 && address === '::' && (err.code === 'EAFNOSUPPORT' || err.code === 'EADDRNOTAVAIL');
            if (noV6) {
              this.log.warn?.(`radius: IPv6 unavailable (${err.code}); port ${port} bound on IPv4 only`);
              resolve(false);
            } else reject(new RadiusBindError(role, port, address, err.code, err.code ?? err.message));
          };
          const onListening = (): void => {
            sock.removeListener('error', onError);
            resolve(true);
          };
          sock.once('error', onError);
          sock.once('listening', onListening);
          sock.bind({ port, address, exclusive: true });
        });
        if (!ok) continue;
        sock.on('error', (err) => this.log.warn?.(`radius: socket error on port ${port}: ${err.message}`));
        sock.on('message', (msg, rinfo) => this.onDatagram(l, sock, msg, rinfo));
        l.sockets.push(sock);
        // With port 0, the remaining addresses take the port chosen for the first.
        if (port === 0 && l.sockets.length === 1 && addresses.length > 1) port = sock.address().port;
      }
    } catch (e) {
      this.closeListener(l);
      throw e;
    }
    if (l.sockets.length === 0) {
      throw new RadiusBindError(role, port, addresses.join(', '), undefined, 'no address could be bound');
    }
    l.port = l.sockets[0].address().port;
    return l;
  }

  private closeListener(l: Listener): Promise<void> {
    if (l.closed) return Promise.resolve();
    l.closed = true;
    return Promise.all(
      l.sockets.map(
        (s) =>
          new Promise<void>((resolve) => {
            try {
              s.close(() => resolve());
            } catch {
              resolve();
            }
          }),
      ),
    ).then(() => undefined);
  }

  private drop(c: ClientCounters, reason: DropReason, client: string, detail: string, role?: Role): void {
    c.dropped[reason]++;
    this.log.debug?.(`radius: dropped datagram from ${client}: ${reason} (${detail})`);
    const why = role === 'coa' ? WARNED_DROPS[reason] : undefined;
    if (why) this.dropWarnings.note(client, why);
  }

  /** Processes one datagram; exposed for tests that feed datagrams without a socket. */
  handleDatagram(role: Role, msg: Buffer, rinfo: { address: string; port: number }, send: (reply: Buffer) => void): Promise<void> {
    const addr = canonicalIp(rinfo.address) ?? rinfo.address;
    const client = this.active.clients.get(addr);
    if (client === undefined) {
      this.unknown.dropped++;
      const n = this.unknown.byAddress.get(addr);
      if (n !== undefined) this.unknown.byAddress.set(addr, n + 1);
      else if (this.unknown.byAddress.size < MAX_UNKNOWN_ADDRESSES) this.unknown.byAddress.set(addr, 1);
      this.log.debug?.(`radius: dropped datagram from unknown client ${addr}`);
      if (role === 'coa') this.dropWarnings.note(addr, 'not a configured RADIUS client');
      return Promise.resolve();
    }
    const { secret } = client;
    const c = this.clientCounters.get(addr)!;
    c.requests++;
    const r = decodePacket(msg);
    if (!r.ok) {
      this.drop(c, 'malformed', addr, r.error.reason);
      return Promise.resolve();
    }
    const pkt = r.packet;
    const expected = role === 'coa' ? pkt.code === Code.CoaRequest || pkt.code === Code.DisconnectRequest : pkt.code === Code.AccountingRequest;
    if (!expected) {
      this.drop(c, 'unexpectedCode', addr, `code ${pkt.code}`);
      return Promise.resolve();
    }
    if (!verifyRequestAuthenticator(pkt.raw!, secret)) {
      this.drop(c, 'badAuthenticator', addr, `id ${pkt.identifier}`, role);
      return Promise.resolve();
    }
    const ma = checkMessageAuthenticator(pkt, secret, requestMessageAuthenticatorField(pkt));
    if (ma === 'invalid') {
      this.drop(c, 'badMessageAuthenticator', addr, `id ${pkt.identifier}`, role);
      return Promise.resolve();
    }
    if (ma === 'absent' && client.requireMessageAuthenticator) {
      this.drop(c, 'missingMessageAuthenticator', addr, `id ${pkt.identifier}: no Message-Authenticator, which this client must send`, role);
      return Promise.resolve();
    }
    const cache = role === 'coa' ? this.cache : this.acctCache;
    const key = ReplyCache.key(addr, role, pkt.identifier, pkt.authenticator);
    const seen = cache.begin(key, role === 'coa' ? eventTimestampOf(pkt) : undefined);
    if (seen.state !== 'new') {
      c.duplicates++;
      const what =
        seen.state === 'done'
          ? 'cached reply sent'
          : seen.state === 'pending'
            ? 'still in progress'
            : 'possibly a replay of a request whose reply the full cache no longer holds: dropped';
      this.log.debug?.(`radius: retransmission from ${addr} id ${pkt.identifier} (${what})`);
      if (seen.state === 'done') send(seen.reply);
      return Promise.resolve();
    }
    const withMa = ma === 'valid';
    const handled =
      role === 'coa' ? this.handleDynamicAuth(pkt, addr, secret, c, key, withMa, send) : this.handleAccounting(pkt, addr, secret, c, key, withMa, send);
    // Whatever fails, no entry stays pending without a reply: a retransmission is handled like the first.
    return handled.catch((e: unknown) => {
      cache.forget(key);
      throw e;
    });
  }

  private async handleDynamicAuth(
    pkt: RadiusPacket,
    addr: string,
    secret: string,
    c: ClientCounters,
    key: string,
    withMa: boolean,
    send: (reply: Buffer) => void,
  ): Promise<void> {
    const disconnect = pkt.code === Code.DisconnectRequest;
    if (disconnect) c.disconnectRequests++;
    else c.coaRequests++;
    const { windowSeconds } = this.active;
    const ts = eventTimestampOf(pkt);
    if (windowSeconds > 0 && ts !== undefined && Math.abs(this.now() / 1000 - ts) > windowSeconds) {
      this.cache.forget(key);
      this.drop(c, 'eventTimestamp', addr, `id ${pkt.identifier}: ${Math.round(this.now() / 1000 - ts)} s off`);
      return;
    }
    let cause: number | undefined;
    let what = `${disconnect ? 'disconnect' : 'coa'} from ${addr} id ${pkt.identifier}`;
    try {
      const req = parseDynamicAuthRequest(pkt, secret, addr);
      what = describeRequest(req);
      const answer = await this.opts.onCoa(req);
      if (!answer || typeof answer !== 'object') cause = errorCauseOf(undefined);
      else if (!answer.ok) cause = Number.isInteger(answer.cause) && answer.cause > 0 && answer.cause <= 0xffffffff ? answer.cause : errorCauseOf(undefined);
    } catch (e) {
      cause = errorCauseOf(e);
      // Only the error's class: a message might carry intercept details.
      if (e instanceof AgentError || e instanceof CoaError) {
        this.log.debug?.(`radius: ${what} refused: ${e instanceof Error ? e.name : 'error'}`);
      } else this.log.warn?.(`radius: ${what}: handler failed (${e instanceof Error ? e.name : typeof e}); answering ${cause}`);
    }
    const ack = cause === undefined || isSuccessCause(cause);
    const code = disconnect ? (ack ? Code.DisconnectAck : Code.DisconnectNak) : ack ? Code.CoaAck : Code.CoaNak;
    const attrs = [];
    if (cause !== undefined) attrs.push({ type: Attr.ErrorCause, value: encodeInteger(cause) });
    // RFC 5176 3.3: State MUST be sent unmodified in the ACK or NAK. A request
    // with more than one is invalid (RFC 2865 5.24: zero or one) and NAKed with
    // 404; neither is echoed then, since a reply too may carry only one.
    const states = pkt.attributes.filter((a) => a.type === Attr.State);
    if (states.length === 1) attrs.push({ type: Attr.State, value: states[0].value });
    for (const a of pkt.attributes) if (a.type === Attr.ProxyState) attrs.push({ type: a.type, value: a.value });
    // Every attribute of the reply but Error-Cause is copied from the request,
    // so only a NAK's Error-Cause can take it past 4096 octets (a request of
    // nearly 4096 octets, nearly all Proxy-State). Proxy-State MUST be copied
    // (RFC 5176 3.1) and Error-Cause is optional in a NAK (3.5): it is the one
    // left out, and the NAK still tells the client the request failed.
    let bodyLength = 20 + (withMa ? 18 : 0);
    for (const a of attrs) bodyLength += 2 + a.value.length;
    if (bodyLength > MAX_PACKET_LENGTH && cause !== undefined) {
      attrs.shift();
      this.log.debug?.(`radius: ${what}: Error-Cause ${cause} left out of the reply, which would exceed ${MAX_PACKET_LENGTH} octets`);
    }
    const reply = encodeReply(code, pkt.identifier, pkt.authenticator, attrs, secret, { messageAuthenticator: withMa });
    this.cache.finish(key, reply);
    if (ack) c.acks++;
    else c.naks++;
    this.log.debug?.(`radius: ${what}: ${ack ? 'ACK' : `NAK ${cause} ${errorCauseName(cause!)}`}`);
    send(reply);
  }

  private async handleAccounting(
    pkt: RadiusPacket,
    addr: string,
    secret: string,
    c: ClientCounters,
    key: string,
    withMa: boolean,
    send: (reply: Buffer) => void,
  ): Promise<void> {
    c.accountingRequests++;
    const parsed = parseAccountingRequest(pkt, addr);
    if (!parsed.ok) {
      this.acctCache.forget(key);
      this.drop(c, 'invalidRequest', addr, parsed.message);
      return;
    }
    if (parsed.request) {
      if (parsed.ignored) {
        for (const [type, why] of parsed.ignored) this.log.debug?.(`radius: ${describeRequest(parsed.request)}: attribute ${type} ignored (${why})`);
      }
      try {
        await this.opts.onAccounting(parsed.request);
      } catch (e) {
        this.acctCache.forget(key);
        this.drop(c, 'handlerFailed', addr, `${describeRequest(parsed.request)}: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
    }
    const attrs = pkt.attributes.filter((a) => a.type === Attr.ProxyState).map((a) => ({ type: a.type, value: a.value }));
    // No Message-Authenticator in Accounting-Response: no RFC defines one, and
    // FreeRADIUS checks it over a zero authenticator field (unlike every other reply).
    void withMa;
    const reply = encodeReply(Code.AccountingResponse, pkt.identifier, pkt.authenticator, attrs, secret);
    this.acctCache.finish(key, reply);
    c.accountingResponses++;
    send(reply);
  }

  private onDatagram(l: Listener, sock: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const send = (reply: Buffer): void => {
      if (l.closed) return;
      try {
        sock.send(reply, rinfo.port, rinfo.address, (err) => {
          if (err) this.log.warn?.(`radius: reply to ${rinfo.address} failed: ${err.message}`);
        });
      } catch (err) {
        this.log.warn?.(`radius: reply to ${rinfo.address} failed: ${(err as Error).message}`);
      }
    };
    this.handleDatagram(l.role, msg, rinfo, send).catch((err: unknown) => {
      this.log.warn?.(`radius: internal error on a datagram from ${rinfo.address}: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
}
