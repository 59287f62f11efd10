/**
 * A lean NETCONF-over-SSH client (RFC 6241, RFC 6242) on ssh2's Client:
 * password or key authentication, the hello exchange, base:1.1 chunked
 * framing (end-of-message with a base:1.0-only server), RPCs with
 * message-ids and pipelining (any number in flight; the server answers in
 * order and every reply is matched to its request by message-id, or by
 * order when a reply carries none), notifications as events, close.
 *
 * Used by `flowtapd show`, the benchmarks and the NETCONF test suites.
 */
import { EventEmitter } from 'events';
import type { ClientChannel, ConnectConfig } from 'ssh2';
import { Client } from './transport/ssh2';
import { FrameDecoder, encodeMessage, type FramingMode } from './framing';
import { parseXmlDocument, type XmlElement } from '../xml/dom';

export const NETCONF_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';
const BASE_10 = 'urn:ietf:params:netconf:base:1.0';
const BASE_11 = 'urn:ietf:params:netconf:base:1.1';

export interface NetconfClientOptions {
  host?: string;
  port: number;
  username: string;
  password?: string;
  /** OpenSSH or PEM private key */
  privateKey?: string | Buffer;
  passphrase?: string;
  /** offer base:1.1 (default) or only base:1.0 */
  base?: '1.0' | '1.1';
  /** extra client capabilities for the hello */
  capabilities?: string[];
  /** SSH connect + hello deadline (default 20 s) */
  timeoutMs?: number;
  /** largest reply accepted (default 2 GiB) */
  maxMessageBytes?: number;
  /** passed through to ssh2 (hostVerifier, algorithms ...) */
  ssh?: Partial<ConnectConfig>;
}

/** One <rpc-error>, as parsed from a reply. */
export interface RpcErrorInfo {
  type: string;
  tag: string;
  severity: string;
  appTag?: string;
  path?: string;
  message?: string;
  /** error-info children by local name (text content) */
  info: Record<string, string>;
}

/** Thrown by rpcOk() when the reply carries rpc-errors. */
export class NetconfRpcError extends Error {
  constructor(
    readonly errors: RpcErrorInfo[],
    readonly reply: string,
  ) {
    super(errors.map((e) => `${e.tag}${e.appTag ? `/${e.appTag}` : ''}: ${e.message ?? ''}${e.path ? ` (${e.path})` : ''}`).join('; '));
    this.name = 'NetconfRpcError';
  }
}

/** The client's connection went away or an RPC could not be sent. */
export class NetconfClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetconfClientError';
  }
}

interface Pending {
  id: string;
  resolve(reply: string): void;
  reject(e: Error): void;
}

/**
 * Events: 'notification' (xml: string), 'close' (), 'error' (Error) only
 * when a listener is attached, otherwise errors reject pending RPCs.
 */
export class NetconfClient extends EventEmitter {
  readonly ssh: Client;
  private channel!: ClientChannel;
  private decoder: FrameDecoder;
  private mode: FramingMode = 'eom';
  private pending: Pending[] = [];
  private nextId = 1;
  private helloWaiter: ((hello: string) => void) | null = null;
  private closeError: Error | null = null;
  sessionId = 0;
  serverCapabilities: string[] = [];
  base: '1.0' | '1.1' = '1.0';
  closed = false;
  /** messages from the server that were neither a reply nor a notification */
  stray: string[] = [];

  private constructor(private opts: NetconfClientOptions) {
    super();
    this.ssh = new Client();
    // replies of up to 32 MiB are assembled in one kept buffer (no fresh memory per big reply)
    this.decoder = new FrameDecoder({ maxMessageBytes: opts.maxMessageBytes ?? 2 * 1024 * 1024 * 1024 - 1, reuseBytes: 32 * 1024 * 1024 });
  }

  /** Connect, authenticate, open the netconf subsystem and exchange hellos. */
  static async connect(opts: NetconfClientOptions): Promise<NetconfClient> {
    const c = new NetconfClient(opts);
    await c.open();
    return c;
  }

  private open(): Promise<void> {
    const o = this.opts;
    const timeoutMs = o.timeoutMs ?? 20000;
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (e?: Error): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (e) {
          this.ssh.end();
          reject(e);
        } else resolve();
      };
      const timer = setTimeout(() => finish(new NetconfClientError(`NETCONF session to ${o.host ?? '127.0.0.1'}:${o.port}: no hello within ${timeoutMs} ms`)), timeoutMs);
      this.ssh.on('error', (e) => {
        if (!done) finish(e);
        else this.fail(e);
      });
      this.ssh.on('close', () => {
        if (!done) finish(new NetconfClientError('SSH connection closed before the hello'));
        this.fail(new NetconfClientError('connection closed'));
      });
      this.ssh.on('ready', () => {
        this.ssh.subsys('netconf', (err, ch) => {
          if (err) return finish(err);
          this.channel = ch;
          ch.on('data', (d: Buffer) => this.onData(d));
          ch.stderr.on('data', () => undefined);
          ch.on('close', () => this.fail(new NetconfClientError('NETCONF channel closed')));
          this.helloWaiter = (hello) => {
            try {
              this.onHello(hello);
              finish();
            } catch (e) {
              finish(e as Error);
            }
          };
        });
      });
      this.ssh.connect({
        host: o.host ?? '127.0.0.1',
        port: o.port,
        username: o.username,
        password: o.password,
        privateKey: o.privateKey,
        passphrase: o.passphrase,
        readyTimeout: timeoutMs,
        tryKeyboard: o.password !== undefined,
        ...o.ssh,
      });
      // no Nagle from the first byte (Node keeps the flag until the socket connects): the key
      // exchange and authentication are small writes that each wait for the last one's answer,
      // and a write held back for the agent's delayed ACK added 40 ms to one session setup in two
      this.ssh.setNoDelay(true);
      if (o.password !== undefined) {
        this.ssh.on('keyboard-interactive', (_n, _i, _l, prompts, cb) => cb(prompts.map(() => o.password!)));
      }
    });
  }

  private onHello(xml: string): void {
    const hello = parseXmlDocument(xml);
    if (hello.local !== 'hello' || hello.ns !== NETCONF_NS) throw new NetconfClientError(`expected <hello>, got <${hello.local}>`);
    const caps = hello.children.find((c) => c.local === 'capabilities');
    this.serverCapabilities = (caps?.children ?? []).filter((c) => c.local === 'capability').map((c) => c.text.trim());
    const sid = hello.children.find((c) => c.local === 'session-id');
    this.sessionId = sid ? Number(sid.text.trim()) : 0;
    const mine = [BASE_10, ...((this.opts.base ?? '1.1') === '1.1' ? [BASE_11] : []), ...(this.opts.capabilities ?? [])];
    this.writeMessage(
      `<?xml version="1.0" encoding="UTF-8"?><hello xmlns="${NETCONF_NS}"><capabilities>${mine
        .map((c) => `<capability>${c}</capability>`)
        .join('')}</capabilities></hello>`,
    );
    if (mine.includes(BASE_11) && this.serverCapabilities.includes(BASE_11)) {
      this.base = '1.1';
      this.mode = 'chunked';
      this.decoder.setMode('chunked');
    } else if (!this.serverCapabilities.includes(BASE_10)) {
      throw new NetconfClientError('the server offers no base protocol version this client speaks');
    }
  }

  private onData(d: Buffer): void {
    this.decoder.push(d);
    for (;;) {
      let msg: string | null;
      try {
        msg = this.decoder.next();
      } catch (e) {
        this.fail(new NetconfClientError(`framing error from the server: ${(e as Error).message}`));
        this.ssh.end();
        return;
      }
      if (msg === null) return;
      if (this.helloWaiter) {
        const w = this.helloWaiter;
        this.helloWaiter = null;
        w(msg);
        continue;
      }
      this.onMessage(msg);
    }
  }

  private onMessage(msg: string): void {
    const head = rootTag(msg);
    if (head.local === 'rpc-reply') {
      const id = head.messageId;
      let i = 0;
      if (id !== undefined) {
        i = this.pending.findIndex((p) => p.id === id);
        if (i < 0) {
          this.stray.push(msg);
          return;
        }
      } else if (this.pending.length === 0) {
        this.stray.push(msg);
        return;
      }
      const [p] = this.pending.splice(i, 1);
      p.resolve(msg);
      return;
    }
    if (head.local === 'notification') {
      this.emit('notification', msg);
      return;
    }
    this.stray.push(msg);
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.closeError = e;
    const p = this.pending;
    this.pending = [];
    for (const x of p) x.reject(e);
    this.emit('close');
  }

  /** framed messages not yet written: the RPCs sent in one turn leave in one channel write */
  private outQ: Buffer[] = [];
  private outLen = 0;
  private flushQueued = false;

  private writeMessage(xml: string): void {
    for (const p of encodeMessage(xml, this.mode)) {
      this.outQ.push(p);
      this.outLen += p.length;
    }
    // after the current turn's microtasks: every RPC a batch of replies
    // triggered is sent with the others (pipelining), a lone RPC without delay
    if (!this.flushQueued) {
      this.flushQueued = true;
      process.nextTick(() => this.flushOut());
    }
  }

  private flushOut(): void {
    this.flushQueued = false;
    if (this.outLen === 0) return;
    const buf = this.outQ.length === 1 ? this.outQ[0] : Buffer.concat(this.outQ, this.outLen);
    this.outQ = [];
    this.outLen = 0;
    if (this.closed) return;
    try {
      this.channel.write(buf);
    } catch (e) {
      this.fail(new NetconfClientError(`could not send: ${(e as Error).message}`));
    }
  }

  /**
   * Send an operation and resolve with the whole <rpc-reply> text. `body`
   * is the operation element (e.g. '<get-config><source><running/></source></get-config>'),
   * sent inside <rpc message-id="N" xmlns="base:1.0">; elements in the
   * body without their own xmlns are in the base namespace.
   * Many calls may be in flight at once (pipelining).
   */
  rpc(body: string, attrs = ''): Promise<string> {
    const id = String(this.nextId++);
    return this.send(`<rpc xmlns="${NETCONF_NS}" message-id="${id}"${attrs ? ` ${attrs}` : ''}>${body}</rpc>`, id);
  }

  /** As rpc(), throwing NetconfRpcError when the reply holds rpc-errors; resolves with the reply. */
  async rpcOk(body: string): Promise<string> {
    const reply = await this.rpc(body);
    if (reply.includes('rpc-error>')) {
      const errors = parseRpcErrors(reply);
      if (errors.some((e) => e.severity !== 'warning')) throw new NetconfRpcError(errors, reply);
    }
    return reply;
  }

  /**
   * Send a complete message as given (tests: malformed RPCs, no
   * message-id). The reply is matched by `expectId`, or by order when the
   * reply has no message-id.
   */
  send(xml: string, expectId = ''): Promise<string> {
    if (this.closed) return Promise.reject(this.closeError ?? new NetconfClientError('session closed'));
    return new Promise<string>((resolve, reject) => {
      this.pending.push({ id: expectId, resolve, reject });
      try {
        this.writeMessage(xml);
      } catch (e) {
        this.pending.pop();
        reject(new NetconfClientError(`could not send: ${(e as Error).message}`));
      }
    });
  }

  /** Write bytes to the channel as they are (framing tests). */
  writeRaw(bytes: string | Buffer): void {
    this.flushOut();
    this.channel.write(bytes);
  }

  get inFlight(): number {
    return this.pending.length;
  }

  /** <close-session>, then end the connection (resolves when closed). */
  async close(): Promise<void> {
    if (this.closed) return;
    const gone = new Promise<void>((r) => this.once('close', () => r()));
    try {
      await Promise.race([this.rpc('<close-session/>'), gone]);
    } catch {
      /* the connection may go before the reply */
    }
    this.ssh.end();
    await Promise.race([gone, new Promise((r) => setTimeout(r, 2000).unref())]);
    this.fail(new NetconfClientError('session closed'));
  }

  /** Drop the connection without close-session. */
  destroy(): void {
    this.ssh.end();
    this.fail(new NetconfClientError('session closed'));
  }

  /** Resolve with the next notification (optionally one whose text matches). */
  nextNotification(match?: RegExp | string, timeoutMs = 10000): Promise<string> {
    return new Promise((resolve, reject) => {
      const on = (xml: string): void => {
        if (match && !(typeof match === 'string' ? xml.includes(match) : match.test(xml))) return;
        cleanup();
        resolve(xml);
      };
      const onClose = (): void => {
        cleanup();
        reject(new NetconfClientError('session closed while waiting for a notification'));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new NetconfClientError(`no notification${match ? ` matching ${String(match)}` : ''} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('notification', on);
        this.off('close', onClose);
      };
      this.on('notification', on);
      this.once('close', onClose);
    });
  }
}

/** Local name and message-id of a message's root element, without parsing the whole document. */
function rootTag(msg: string): { local: string; messageId?: string } {
  let i = 0;
  for (;;) {
    i = msg.indexOf('<', i);
    if (i < 0) return { local: '' };
    const c = msg.charCodeAt(i + 1);
    if (c === 0x3f /* ? */ || c === 0x21 /* ! */) {
      i = msg.indexOf('>', i) + 1;
      if (i === 0) return { local: '' };
      continue;
    }
    break;
  }
  const end = msg.indexOf('>', i);
  const tag = msg.slice(i + 1, end < 0 ? undefined : end);
  const name = /^([^\s/>]+)/.exec(tag)?.[1] ?? '';
  const local = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
  const mid = /(?:^|\s)message-id\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(tag);
  return { local, messageId: mid ? unescapeXml(mid[1] ?? mid[2]) : undefined };
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos);/g, (_m, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]!);
}

/** The <rpc-error>s of a reply. */
export function parseRpcErrors(reply: string): RpcErrorInfo[] {
  const root = parseXmlDocument(reply);
  return root.children
    .filter((c) => c.local === 'rpc-error')
    .map((e) => {
      const t = (n: string): string | undefined => e.children.find((c) => c.local === n)?.text.trim();
      const info: Record<string, string> = {};
      const ie = e.children.find((c) => c.local === 'error-info');
      for (const c of ie?.children ?? []) info[c.local] = c.text.trim();
      return {
        type: t('error-type') ?? '',
        tag: t('error-tag') ?? '',
        severity: t('error-severity') ?? '',
        appTag: t('error-app-tag'),
        path: t('error-path'),
        message: t('error-message'),
        info,
      };
    });
}

/** Parse a reply and return its root element (for tests and `show`). */
export function parseReply(reply: string): XmlElement {
  return parseXmlDocument(reply);
}
