/**
 * One NETCONF session on one SSH channel: hello, framing, the per-session
 * message queue (pipelined input, in-order replies), timers and teardown.
 * Everything that can fail on client input is caught here: a misbehaving
 * client only ever ends its own session.
 */
import type { ServerChannel } from 'ssh2';
import { FrameDecoder, FramingError, PieceFramer, encodeMessage, type FramingMode } from '../framing';
import { buildServerHello, parseClientHello, negotiateBase, type BaseVersion } from '../hello';
import { forBase, rpcReplyErrors } from '../rpc-error';
import { AgentError } from '../../errors';
import type { MessageProducer, NetconfSession, OutMessage, PieceBuffers, SessionStats, TerminationReason } from './types';
import { outBuffers } from './out-buffers';

/** What the session needs from the server that owns it. */
export interface SessionHost {
  capabilities(): string[];
  onMessage(s: NetconfSession, xml: string): OutMessage | null | Promise<OutMessage | null>;
  /** hello completed */
  started(s: SshNetconfSession): void;
  /** session over; `established` tells whether started() had been called */
  ended(s: SshNetconfSession, reason: TerminationReason, established: boolean, killedBy?: number): void;
  badHello(s: SshNetconfSession, why: string): void;
  /** a message the transport answered with malformed-message */
  countBad(): void;
  log(level: 'debug' | 'info' | 'warn', msg: string): void;
  helloTimeoutMs: number;
  idleTimeoutMs: number;
  maxMessageBytes: number;
  maxUnreadBytes: number;
}

type Queued = { xml: string } | { error: FramingError };

/**
 * A framing error as sent: a message over the size limit (or a chunk header
 * announcing one) is too-big ("the request ... is too large for the
 * implementation to handle", RFC 6241 appendix A, also in RFC 4741), the
 * others malformed-message.
 */
function wireError(e: FramingError, base: BaseVersion): AgentError {
  if (e.kind === 'too-big') return new AgentError('too-big', e.message, { type: 'rpc' });
  return forBase(e, base);
}

/** Pause reading when this much input waits to be processed. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
const MAX_QUEUED_MESSAGES = 1024;
/** Target size of one channel write. */
const WRITE_BATCH = 32 * 1024;

const TERMINATION: ReadonlySet<string> = new Set(['closed', 'killed', 'dropped', 'timeout', 'bad-hello', 'other']);

export class SshNetconfSession implements NetconfSession {
  readonly id: number;
  username: string;
  sourceHost: string;
  loginTime: Date;
  base: BaseVersion = '1.0';
  clientCapabilities: string[] = [];
  stats: SessionStats = { inRpcs: 0, inBadRpcs: 0, outRpcErrors: 0, outNotifications: 0 };

  private readonly host: SessionHost;
  private readonly channel: ServerChannel;
  private readonly decoder: FrameDecoder;
  private mode: FramingMode = 'eom';
  private state: 'hello' | 'open' | 'closed' = 'hello';
  private queue: Queued[] = [];
  private queuedBytes = 0;
  private processing = false;
  private paused = false;
  /** set by close() during onMessage: finish after the current reply */
  private pendingClose: TerminationReason | null = null;
  /** input is no longer read (fatal framing error queued) */
  private inputDead = false;
  /** capabilities sent in our hello */
  private serverCaps: string[] = [];
  private out: Buffer[] = [];
  /**
   * buffers of outBuffers the replies' pieces were written into, lent to the
   * channel until it holds none of our data (see releaseBuffers)
   */
  private lent: Buffer[] = [];
  /** the message being produced */
  private framer: PieceFramer | null = null;
  private readonly buffers: PieceBuffers = { take: (min) => this.borrow(min), pause: () => this.pauseProduced() };
  /** notifications that came while a message was being produced, sent after it */
  private held: string[] = [];
  private heldBytes = 0;
  /** pause() told the producer to stop: its message is not ended */
  private producerStopped = false;
  private readonly queueOutFn = this.queueOut.bind(this);
  private readonly emitFn = this.emitProduced.bind(this);
  private outSize = 0;
  private flushScheduled = false;
  private helloTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(host: SessionHost, id: number, username: string, sourceHost: string, channel: ServerChannel) {
    this.host = host;
    this.id = id;
    this.username = username;
    this.sourceHost = sourceHost;
    this.loginTime = new Date();
    this.channel = channel;
    this.decoder = new FrameDecoder({ maxMessageBytes: host.maxMessageBytes });

    channel.on('data', (d: Buffer) => this.onData(d));
    channel.on('error', (e: Error) => host.log('debug', `session ${id}: channel error: ${e.message}`));
    channel.on('close', () => this.terminate('dropped'));
    channel.on('end', () => {
      // client sent EOF: finish what is queued, then drop
      if (this.state !== 'closed' && !this.processing && this.queue.length === 0) this.terminate('dropped');
      else this.inputDead = true;
    });
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /** Send the server hello and start the hello timer. */
  begin(): void {
    let caps: string[];
    try {
      caps = this.serverCaps = this.host.capabilities();
    } catch (e) {
      this.host.log('warn', `session ${this.id}: capabilities() failed: ${(e as Error).message}`);
      this.terminate('other');
      return;
    }
    this.writeFramed(buildServerHello(caps, this.id));
    if (this.host.helloTimeoutMs > 0) {
      this.helloTimer = setTimeout(() => {
        this.host.badHello(this, 'no hello from the client in time');
        this.terminate('timeout');
      }, this.host.helloTimeoutMs);
    }
  }

  /** A message the session did not ask for (a notification). */
  send(xml: string): void {
    if (this.state === 'closed') return;
    if (this.framer) {
      // not in the middle of a reply made a part at a time
      this.held.push(xml);
      this.heldBytes += xml.length;
      if (this.heldBytes > this.host.maxUnreadBytes) {
        this.host.log('warn', `session ${this.id} (${this.username}): ${this.heldBytes} bytes of notifications held behind a reply the client does not read: session closed`);
        this.terminate('other');
      }
      return;
    }
    this.writeFramed(xml);
    this.touch();
    // replies wait for the client to read (processQueue); notifications cannot wait
    const unread = this.channel.writableLength + this.outSize;
    if (unread > this.host.maxUnreadBytes) {
      this.host.log('warn', `session ${this.id} (${this.username}): ${unread} bytes of notifications left unread: session closed`);
      this.terminate('other');
    }
  }

  close(reason: string = 'closed'): void {
    const r: TerminationReason = TERMINATION.has(reason) ? (reason as TerminationReason) : 'other';
    if (this.state === 'closed') return;
    if (this.processing) {
      // inside (or awaiting) onMessage: send its reply first
      this.pendingClose = r;
      this.inputDead = true;
      return;
    }
    this.terminate(r);
  }

  /** kill-session: immediate, pending work is discarded. */
  kill(by?: number): void {
    this.terminate('killed', by);
  }

  /** server shutdown: immediate, reason 'other'. */
  shutdown(): void {
    this.terminate('other');
  }

  // ---- input ----

  private onData(d: Buffer): void {
    if (this.state === 'closed' || this.inputDead) return;
    try {
      this.decoder.push(d);
      this.drainDecoder();
      // every message of this read is queued first, so that the replies of a
      // pipelined batch leave together (answers are often given at once)
      if (!this.processing && this.queue.length > 0) void this.process();
    } catch (e) {
      // never let client input escape as an exception
      this.host.log('warn', `session ${this.id}: ${(e as Error).message}`);
      this.terminate('dropped');
    }
  }

  private drainDecoder(): void {
    for (;;) {
      if (this.state === 'closed' || this.inputDead) return;
      let msg: string | null;
      try {
        msg = this.decoder.next();
      } catch (e) {
        if (!(e instanceof FramingError)) throw e;
        this.stats.inBadRpcs++;
        if (this.state === 'hello') {
          this.host.badHello(this, e.message);
          this.terminate('bad-hello');
          return;
        }
        this.enqueue({ error: e });
        if (!e.recoverable) {
          this.inputDead = true;
          return;
        }
        continue;
      }
      if (msg === null) return;
      if (this.state === 'hello') {
        this.onHello(msg);
        continue;
      }
      if (msg.trim() === '') continue; // stray whitespace between end-of-message frames
      this.enqueue({ xml: msg });
    }
  }

  private onHello(msg: string): void {
    let caps: string[];
    try {
      caps = parseClientHello(msg).capabilities;
    } catch (e) {
      this.host.badHello(this, (e as Error).message);
      this.terminate('bad-hello');
      return;
    }
    const base = negotiateBase(this.serverCaps, caps);
    if (base === null) {
      this.host.badHello(this, 'no common base version');
      this.terminate('bad-hello');
      return;
    }
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = null;
    this.base = base;
    this.clientCapabilities = caps;
    if (base === '1.1') {
      this.mode = 'chunked';
      this.decoder.setMode('chunked');
    }
    this.state = 'open';
    this.touch();
    this.host.started(this);
  }

  private enqueue(item: Queued): void {
    this.queue.push(item);
    if ('xml' in item) this.queuedBytes += item.xml.length;
    this.touch();
    if (!this.paused && (this.queuedBytes > MAX_QUEUED_BYTES || this.queue.length > MAX_QUEUED_MESSAGES)) {
      this.paused = true;
      this.channel.pause();
    }

  }

  // ---- processing, in order ----

  private async process(): Promise<void> {
    this.processing = true;
    try {
      while (this.queue.length > 0 && this.state === 'open') {
        const item = this.queue.shift()!;
        if ('error' in item) {
          this.stats.outRpcErrors++;
          this.host.countBad();
          // RFC 6241 appendix A: malformed-message (operation-failed on a base:1.0 session, see
          // forBase), too-big for a message over the size limit; no message-id (none could be read)
          this.writeFramed(rpcReplyErrors([wireError(item.error, this.base)], ''));
          if (!item.error.recoverable) {
            this.queue = [];
            this.terminate('dropped');
            return;
          }
          continue;
        }
        this.queuedBytes -= item.xml.length;
        if (this.paused && this.queuedBytes <= MAX_QUEUED_BYTES / 2 && this.queue.length <= MAX_QUEUED_MESSAGES / 2) {
          this.paused = false;
          this.channel.resume();
        }
        let reply: OutMessage | null;
        try {
          const r = this.host.onMessage(this, item.xml);
          // an answer given at once is sent at once (no promise hop per message)
          reply = r !== null && typeof r === 'object' && 'then' in r ? await r : r;
        } catch (e) {
          this.host.log('warn', `session ${this.id}: onMessage failed: ${(e as Error).stack ?? e}`);
          this.stats.outRpcErrors++;
          reply = rpcReplyErrors([new AgentError('operation-failed', 'internal error')], '');
        }
        if (this.state !== 'open') return; // killed or dropped meanwhile
        if (reply !== null) {
          const producing = this.writeFramed(reply);
          if (producing) await producing;
          if (this.state !== 'open') return;
          this.touch();
        }
        if (this.pendingClose) {
          this.terminate(this.pendingClose);
          return;
        }
        // a client that does not read its replies is not buffered for without bound
        if (this.channel.writableNeedDrain) {
          await this.waitDrain();
          this.releaseBuffers();
        }
      }
      // every reply of this batch is framed: send them now (one write for a
      // pipelined batch), not a loop turn later
      this.flush();
      if (this.inputDead && this.state === 'open' && this.queue.length === 0) {
        // client EOF after its last message
        this.terminate('dropped');
      }
    } catch (e) {
      this.host.log('warn', `session ${this.id}: ${(e as Error).stack ?? e}`);
      this.terminate('dropped');
    } finally {
      this.processing = false;
    }
  }

  private waitDrain(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.channel.off('drain', done);
        this.channel.off('close', done);
        resolve();
      };
      this.channel.on('drain', done);
      this.channel.on('close', done);
    });
  }

  // ---- output ----

  /**
   * Frame a message into the output batch. Every channel.write becomes at
   * least one SSH packet (padding, cipher, MAC, a socket write), so headers,
   * data and the replies of pipelined requests that complete in the same
   * event-loop turn are coalesced into writes of about WRITE_BATCH bytes.
   */
  private writeFramed(msg: OutMessage): Promise<void> | undefined {
    if (!this.channel.writable) return;
    if (typeof msg !== 'string') return this.writeProduced(msg);
    for (const piece of encodeMessage(msg, this.mode)) this.queueOut(piece);
    this.scheduleFlush();
  }

  /**
   * A produced message: each piece framed and queued as it comes, a big one
   * handed to the channel as it is (ssh2 copies it into its packets anyway)
   * after what was batched before it. A promise when the producer makes it
   * a part at a time (see MessageProducer).
   */
  private writeProduced(msg: MessageProducer): Promise<void> | undefined {
    this.releaseBuffers();
    const framer = new PieceFramer(this.mode, this.queueOutFn);
    this.framer = framer;
    let made: void | Promise<void>;
    try {
      made = msg.produce(this.emitFn, this.buffers);
    } catch (e) {
      this.producerFailed(e);
      return;
    }
    if (made) return made.then(() => this.produced(framer), (e) => this.producerFailed(e));
    this.produced(framer);
  }

  /** The producer is done: the message's end, then what waited for it. */
  private produced(framer: PieceFramer): void {
    this.framer = null;
    if (this.state === 'closed') return; // ended while it was made: the rest is not sent
    if (this.producerStopped) {
      // closing: a message cut short is not ended as if it were whole
      this.producerStopped = false;
      this.terminate(this.pendingClose ?? 'other');
      return;
    }
    try {
      framer.end();
    } catch (e) {
      this.producerFailed(e);
      return;
    }
    if (this.lent.length > 0) {
      // within the window the channel takes it all at once: the buffers are free again
      this.flush();
      this.releaseBuffers();
    }
    this.scheduleFlush();
    const held = this.held;
    if (held.length > 0) {
      this.held = [];
      this.heldBytes = 0;
      for (const xml of held) this.send(xml);
    }
  }

  private producerFailed(e: unknown): void {
    this.framer = null;
    // part of the message may be out: the stream can no longer be trusted
    this.host.log('warn', `session ${this.id}: a reply failed while it was sent: ${(e as Error).stack ?? e}`);
    this.terminate('other');
  }

  /** PieceBuffers.pause: what is framed goes out, then the event loop runs. */
  private pauseProduced(): Promise<boolean> {
    const goOn = (): boolean => {
      const ok = this.state !== 'closed' && !this.pendingClose;
      if (!ok) this.producerStopped = true;
      return ok;
    };
    if (!goOn()) return Promise.resolve(false);
    this.framer?.closeChunk();
    this.flush();
    return new Promise((resolve) => {
      const go = (): void => resolve(goOn());
      if (!this.channel.writableNeedDrain) {
        setImmediate(go);
        return;
      }
      this.waitDrain().then(() => {
        // the channel holds nothing of ours: every piece emitted so far is copied out
        this.releaseBuffers();
        go();
      });
    });
  }

  /** A piece of the message being produced (bound once: no closure per message). */
  private emitProduced(piece: string | Buffer): void {
    const framer = this.framer;
    if (!framer) throw new Error('a producer emitted outside produce()');
    // a string piece is head or tail markup (the big ones are written as bytes into buffers of ours)
    if (typeof piece === 'string') piece = Buffer.from(piece, 'utf8');
    else if (piece.length < WRITE_BATCH) {
      // a small piece (most replies are one) is copied into the batch's memory, and the buffer
      // it was written in given back at once, for the next reply: not kept until the channel drains
      const lent = this.lent;
      const last = lent.length - 1;
      if (last >= 0 && lent[last].buffer === piece.buffer) {
        piece = Buffer.from(piece);
        outBuffers.give(lent[last]);
        lent.pop();
      }
    }
    framer.push(piece);
  }

  /** A buffer of outBuffers, lent to this session's replies until releaseBuffers. */
  private borrow(min: number): Buffer {
    const b = outBuffers.take(min);
    this.lent.push(b);
    return b;
  }

  /**
   * Give the lent buffers back once nothing of ours waits in the batch or
   * the channel: ssh2 has then copied every piece into its packets.
   */
  private releaseBuffers(): void {
    if (this.lent.length === 0 || this.outSize > 0 || this.channel.writableLength > 0) return;
    for (const b of this.lent) outBuffers.give(b);
    this.lent = [];
  }

  private queueOut(piece: Buffer): void {
    if (piece.length >= WRITE_BATCH) {
      this.flush();
      this.writeOut(piece);
      return;
    }
    this.out.push(piece);
    this.outSize += piece.length;
    if (this.outSize >= WRITE_BATCH) this.flush();
  }

  private scheduleFlush(): void {
    if (this.outSize > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
  }

  private flush(): void {
    if (this.outSize === 0) return;
    const buf = this.out.length === 1 ? this.out[0] : Buffer.concat(this.out, this.outSize);
    this.out = [];
    this.outSize = 0;
    this.writeOut(buf);
  }

  private writeOut(buf: Buffer): void {
    try {
      if (this.channel.writable) this.channel.write(buf);
    } catch (e) {
      this.host.log('warn', `session ${this.id}: write failed: ${(e as Error).message}`);
    }
  }

  // ---- timers and teardown ----

  private touch(): void {
    if (this.state !== 'open' || this.host.idleTimeoutMs <= 0) return;
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(() => {
      this.host.log('info', `session ${this.id}: idle timeout`);
      this.terminate('timeout');
    }, this.host.idleTimeoutMs);
  }

  private terminate(reason: TerminationReason, killedBy?: number): void {
    if (this.state === 'closed') return;
    const established = this.state === 'open';
    this.state = 'closed';
    if (this.helloTimer) clearTimeout(this.helloTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.helloTimer = this.idleTimer = null;
    this.queue = [];
    this.lent = []; // the channel may still hold them: not given back
    this.held = [];
    this.heldBytes = 0;
    this.flush();
    try {
      // end() flushes what was written (the last reply), then EOF + close
      this.channel.end();
      const ch = this.channel;
      const t = setTimeout(() => {
        try {
          ch.close();
        } catch {
          /* already gone */
        }
      }, 2000);
      t.unref();
      ch.once('close', () => clearTimeout(t));
    } catch {
      /* channel already gone */
    }
    try {
      this.host.ended(this, reason, established, killedBy);
    } catch (e) {
      this.host.log('warn', `session ${this.id}: session-end handler failed: ${(e as Error).message}`);
    }
  }
}
