/** The transport's interface to the rest of the agent (RPC dispatch, monitoring). */
import type { BaseVersion } from '../hello';

/**
 * RFC 6470 termination-reason values, used as the `reason` of onSessionEnd:
 * closed (close-session), killed (kill-session), dropped (the transport
 * went away or the client broke framing), timeout (idle timeout),
 * other (server shutdown).
 */
export type TerminationReason = 'closed' | 'killed' | 'dropped' | 'timeout' | 'bad-hello' | 'other';

export interface SessionStats {
  /** counted by the RPC layer */
  inRpcs: number;
  /** counted by the RPC layer; the transport adds messages it could not frame or decode */
  inBadRpcs: number;
  /** counted by the RPC layer; the transport adds the malformed-message errors it sends */
  outRpcErrors: number;
  /** counted by the notification layer */
  outNotifications: number;
}

export interface NetconfSession {
  id: number;
  username: string;
  sourceHost: string;
  loginTime: Date;
  base: BaseVersion;
  clientCapabilities: string[];
  /** Frame and send one message (reply or notification). Ignored once closed. */
  send(xml: string): void;
  /**
   * End the session (reason default 'closed'). Called from inside
   * onMessage, the reply of that message is still sent first.
   */
  close(reason?: string): void;
  readonly closed: boolean;
  stats: SessionStats;
}

/**
 * A message made while it is sent (a large reply): produce() hands its
 * text, in order, to `emit` in pieces (strings or UTF-8 bytes). The
 * transport frames and writes each piece as it comes (base:1.1 chunks of
 * at least the pieces' size), so the whole message never exists as one
 * string and the peer can read the first bytes while the rest is being
 * made. The message is complete when produce() returns, or, when it
 * returns a promise, when that resolves: a big message is made a part at a
 * time, with `buffers.pause()` between the parts, and nothing else goes
 * out on the session meanwhile (its next reply waits; a notification is
 * held until the message is complete).
 */
export interface MessageProducer {
  produce(emit: (piece: string | Buffer) => void, buffers: PieceBuffers): void | Promise<void>;
}

/** What the transport offers a producer: its buffers, and a pause between parts. */
export interface PieceBuffers {
  /**
   * A buffer of at least `min` bytes to write into: a Buffer piece emitted
   * may be a view of one (from its start), which the producer then no
   * longer writes. They are the transport's, reused once the channel has
   * sent what they hold; take one per piece, not one to keep across a
   * pause.
   */
  take(min: number): Buffer;
  /**
   * Send what was emitted and let the event loop run: at once when the
   * channel can take more, else once the client has read what it holds.
   * Resolves false when the session is ending: stop producing.
   */
  pause(): Promise<boolean>;
}

/** An outgoing message: its text, or a producer of it. */
export type OutMessage = string | MessageProducer;

export interface AuthRequest {
  username: string;
  method: 'password' | 'publickey';
  /** method 'password' */
  password?: string;
  /**
   * method 'publickey': the client's public key (algo e.g. 'ssh-ed25519',
   * data the SSH wire encoding, as in authorized_keys after base64
   * decoding). The transport has already checked the client's signature
   * when it asks to log in; the callback only decides whether this key may
   * log in as `username`.
   */
  key?: { algo: string; data: Buffer };
  sourceHost: string;
}

export interface ServerOptions {
  hostKeyDir: string;
  listen: { host: string; port: number };
  /** The server's capabilities, read at each session's hello. */
  capabilities: () => string[];
  authenticate(req: AuthRequest): Promise<boolean>;
  /**
   * One complete message from the client (after the hello). Called in order
   * per session, one at a time: the next call starts after the previous
   * promise settled and its reply (if any) was sent. Messages are framed and
   * queued meanwhile (pipelining). A thrown error is logged and answered
   * with an operation-failed rpc-error. An answer given without a promise
   * is sent at once, a producer's text read there and then.
   */
  onMessage(session: NetconfSession, xml: string): OutMessage | null | Promise<OutMessage | null>;
  /**
   * A login attempt refused: a password or keyboard-interactive answer, a
   * signed public key, or public keys refused when the client asked about
   * them and then left without logging in. A key refused before the client
   * logs in with another (its probe of which of its keys may) is not one.
   */
  onLoginFailed?(attempt: { username: string; method: 'password' | 'keyboard-interactive' | 'publickey'; sourceHost: string }): void;
  onSessionStart?(s: NetconfSession): void;
  onSessionEnd?(s: NetconfSession, reason: string, killedBy?: number): void;
  /** default 60 s; also bounds SSH login */
  helloTimeoutMs?: number;
  /** default 1 h; 0 disables. Any message in or out counts as activity. */
  idleTimeoutMs?: number;
  /** default 200 */
  maxSessions?: number;
  /** default 64 MiB */
  maxMessageBytes?: number;
  /**
   * Notifications a client leaves unread beyond this many bytes (the SSH
   * window is full and the channel buffers) end its session: memory is not
   * spent without bound on a subscriber that does not read. Default 32 MiB.
   */
  maxUnreadBytes?: number;
  /** SSH keepalive interval, default 30 s (0 disables); 3 unanswered end the connection */
  keepaliveMs?: number;
  /** diagnostics (default: none) */
  log?: (level: 'debug' | 'info' | 'warn', msg: string) => void;
}

/** Server-wide counters for ietf-netconf-monitoring /netconf-state/statistics. */
export interface TransportCounters {
  netconfStartTime: Date;
  inBadHellos: number;
  inSessions: number;
  droppedSessions: number;
  /** messages the transport itself rejected (framing, size, encoding): add to the RPC layer's counts */
  inBadRpcs: number;
  /** the malformed-message rpc-errors the transport sent for them */
  outRpcErrors: number;
}
