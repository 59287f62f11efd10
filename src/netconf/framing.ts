/**
 * NETCONF message framing (RFC 6242 section 4), as a codec without I/O:
 * bytes in, messages out; messages in, bytes out.
 *
 * - end-of-message framing (base:1.0): each message is followed by `]]>]]>`;
 * - chunked framing (base:1.1): `\n#<len>\n<len octets>` chunks, then `\n##\n`.
 *
 * The decoder is pull-style so the caller can switch framing exactly after
 * the hello: `push()` the bytes read, then call `next()` until it returns
 * null; after the hello message, `setMode('chunked')` applies to whatever
 * bytes follow it, including bytes already pushed.
 *
 * Incoming bytes are kept as a list of Buffers (sub-arrays of what was read,
 * never copied while scanning) and decoded as UTF-8 once per message.
 */
import { isAscii } from 'buffer';
import { AgentError } from '../errors';

export type FramingMode = 'eom' | 'chunked';

export type FramingErrorKind =
  /** a chunk header that is not `\n#<1..4294967295>\n` or `\n##\n` */
  | 'bad-chunk-header'
  /** `\n##\n` without any chunk before it */
  | 'empty-message'
  /** the message grew past maxMessageBytes */
  | 'too-big'
  /** the message is not valid UTF-8 (the stream itself is still in sync) */
  | 'bad-encoding';

/**
 * A framing problem. Except for 'bad-encoding' (where `recoverable` is true
 * because the message boundaries are intact) the stream is out of sync: the
 * session must answer with rpc-error malformed-message and be closed.
 */
export class FramingError extends AgentError {
  readonly kind: FramingErrorKind;
  readonly recoverable: boolean;
  constructor(kind: FramingErrorKind, message: string) {
    super('malformed-message', message, { type: 'rpc' });
    this.name = 'FramingError';
    this.kind = kind;
    this.recoverable = kind === 'bad-encoding';
  }
}

export interface DecoderOptions {
  /** Largest message accepted, in bytes (default 64 MiB). */
  maxMessageBytes?: number;
  /** Longest chunk header accepted, `\n#` and `\n` included (default 13, the most RFC 6242 allows). */
  maxChunkHeaderBytes?: number;
  /** Initial framing (default 'eom', as every session starts with the hello). */
  mode?: FramingMode;
  /**
   * Assemble messages of up to this many bytes in one buffer kept from
   * message to message (default 0: a new buffer per message). Fresh memory
   * costs page faults on every big message; a client that reads big replies
   * saves them, a server with many sessions would rather not hold the memory.
   */
  reuseBytes?: number;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const MAX_CHUNK_SIZE = 4294967295;
const EOM = Buffer.from(']]>]]>', 'latin1');
const EOM_LEN = EOM.length;
const LF = 0x0a;
const HASH = 0x23;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Chunk header parser states. */
const enum H {
  /** expecting the LF that starts a header */
  Lf = 0,
  /** expecting '#' */
  Hash = 1,
  /** expecting the first digit (1-9) or the second '#' of end-of-chunks */
  First = 2,
  /** inside the length digits (0-9) or the closing LF */
  Digits = 3,
  /** after `\n##`, expecting the closing LF */
  EndLf = 4,
}

export class FrameDecoder {
  private mode: FramingMode;
  private readonly maxMessageBytes: number;
  private readonly maxChunkHeaderBytes: number;

  /** unconsumed input: q[0] from qOff on, then the rest of q */
  private q: Buffer[] = [];
  private qOff = 0;
  private qLen = 0;

  /** the message being assembled */
  private parts: Buffer[] = [];
  private partsLen = 0;

  /** chunked state */
  private hState: H = H.Lf;
  private hLen = 0;
  private chunkSize = 0;
  /** bytes still to read of the current chunk's data (0: reading a header) */
  private chunkLeft = 0;
  private chunks = 0;

  private readonly reuseBytes: number;
  /** the kept assembly buffer (reuseBytes) */
  private scratch: Buffer | null = null;

  /** set once a non-recoverable error was raised: the stream is dead */
  private failed: FramingError | null = null;

  constructor(opts: DecoderOptions = {}) {
    this.mode = opts.mode ?? 'eom';
    this.maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.maxChunkHeaderBytes = opts.maxChunkHeaderBytes ?? 13;
    this.reuseBytes = opts.reuseBytes ?? 0;
  }

  get framing(): FramingMode {
    return this.mode;
  }

  /** Bytes received and not yet returned as part of a message. */
  get buffered(): number {
    return this.qLen + this.partsLen;
  }

  /**
   * Switch framing. Takes effect for the bytes after the last message
   * returned by next(); only allowed between messages.
   */
  setMode(mode: FramingMode): void {
    if (this.partsLen > 0 || this.hState !== H.Lf || this.chunkLeft > 0) {
      throw new Error('FrameDecoder.setMode called in the middle of a message');
    }
    this.mode = mode;
  }

  /** Hand in bytes as read. Nothing is parsed until next(). */
  push(data: Buffer): void {
    if (data.length === 0) return;
    this.q.push(data);
    this.qLen += data.length;
  }

  /**
   * The next complete message, or null when more bytes are needed.
   * Throws FramingError; after a non-recoverable one every later call
   * throws it again.
   */
  next(): string | null {
    if (this.failed) throw this.failed;
    try {
      const buf = this.mode === 'eom' ? this.nextEom() : this.nextChunked();
      if (buf === null) return null;
      return decodeUtf8(buf);
    } catch (e) {
      if (e instanceof FramingError && !e.recoverable) this.failed = e;
      throw e;
    }
  }

  /** Whether the stream stopped in the middle of a message (for end-of-stream checks). */
  get midMessage(): boolean {
    return this.partsLen > 0 || this.hState !== H.Lf || this.chunkLeft > 0 || this.qLen > 0;
  }

  // ---- end-of-message framing ----

  private nextEom(): Buffer | null {
    while (this.q.length > 0) {
      const chunk = this.head();
      // 1. a delimiter straddling what is already assembled and this chunk
      if (this.partsLen > 0) {
        const tailLen = Math.min(EOM_LEN - 1, this.partsLen);
        const headLen = Math.min(EOM_LEN - 1, chunk.length);
        const probe = Buffer.concat([this.tail(tailLen), chunk.subarray(0, headLen)]);
        let p = probe.indexOf(EOM);
        // only a match that begins in the tail and ends in the chunk counts
        while (p !== -1 && p < tailLen && p + EOM_LEN <= tailLen) p = probe.indexOf(EOM, p + 1);
        if (p !== -1 && p < tailLen) {
          const inTail = tailLen - p;
          const inChunk = EOM_LEN - inTail;
          this.dropTail(inTail);
          this.consume(inChunk);
          return this.finish();
        }
      }
      // 2. a delimiter inside this chunk
      const i = chunk.indexOf(EOM);
      if (i !== -1) {
        this.append(chunk.subarray(0, i));
        this.consume(i + EOM_LEN);
        return this.finish();
      }
      this.append(chunk);
      this.consume(chunk.length);
    }
    return null;
  }

  /** last n bytes of the assembled message (n <= partsLen) */
  private tail(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let need = n;
    for (let k = this.parts.length - 1; k >= 0 && need > 0; k--) {
      const p = this.parts[k];
      const take = Math.min(need, p.length);
      p.copy(out, need - take, p.length - take);
      need -= take;
    }
    return out;
  }

  private dropTail(n: number): void {
    let left = n;
    while (left > 0) {
      const last = this.parts[this.parts.length - 1];
      if (last.length <= left) {
        this.parts.pop();
        left -= last.length;
      } else {
        this.parts[this.parts.length - 1] = last.subarray(0, last.length - left);
        left = 0;
      }
    }
    this.partsLen -= n;
  }

  // ---- chunked framing ----

  private nextChunked(): Buffer | null {
    while (this.q.length > 0) {
      if (this.chunkLeft > 0) {
        const chunk = this.head();
        const take = Math.min(this.chunkLeft, chunk.length);
        this.parts.push(take === chunk.length ? chunk : chunk.subarray(0, take));
        this.partsLen += take;
        this.chunkLeft -= take;
        this.consume(take);
        continue;
      }
      // header bytes, one at a time (headers are at most 13 bytes)
      const b = this.q[0][this.qOff];
      this.consume(1);
      this.hLen++;
      if (this.hLen > this.maxChunkHeaderBytes) {
        throw new FramingError('bad-chunk-header', `chunk header longer than ${this.maxChunkHeaderBytes} bytes`);
      }
      switch (this.hState) {
        case H.Lf:
          if (b !== LF) throw badHeader(b, 'LF');
          this.hState = H.Hash;
          break;
        case H.Hash:
          if (b !== HASH) throw badHeader(b, "'#'");
          this.hState = H.First;
          break;
        case H.First:
          if (b === HASH) {
            this.hState = H.EndLf;
          } else if (b >= 0x31 && b <= 0x39) {
            this.chunkSize = b - 0x30;
            this.hState = H.Digits;
          } else {
            throw badHeader(b, "a digit 1-9 or '#'");
          }
          break;
        case H.Digits:
          if (b >= 0x30 && b <= 0x39) {
            this.chunkSize = this.chunkSize * 10 + (b - 0x30);
            if (this.chunkSize > MAX_CHUNK_SIZE) {
              throw new FramingError('bad-chunk-header', `chunk size exceeds ${MAX_CHUNK_SIZE}`);
            }
          } else if (b === LF) {
            if (this.partsLen + this.chunkSize > this.maxMessageBytes) {
              throw tooBig(this.maxMessageBytes);
            }
            this.chunkLeft = this.chunkSize;
            this.chunks++;
            this.hState = H.Lf;
            this.hLen = 0;
            this.chunkSize = 0;
          } else {
            throw badHeader(b, 'a digit or LF');
          }
          break;
        case H.EndLf:
          if (b !== LF) throw badHeader(b, 'LF after \\n##');
          this.hState = H.Lf;
          this.hLen = 0;
          if (this.chunks === 0) {
            throw new FramingError('empty-message', 'end-of-chunks without any chunk');
          }
          this.chunks = 0;
          return this.finish(true);
      }
    }
    return null;
  }

  // ---- shared ----

  private append(b: Buffer): void {
    if (b.length === 0) return;
    // slack: the last bytes may turn out to be the start of a delimiter
    if (this.partsLen + b.length > this.maxMessageBytes + EOM_LEN - 1) throw tooBig(this.maxMessageBytes);
    this.parts.push(b);
    this.partsLen += b.length;
  }

  /** the unconsumed part of the first input buffer */
  private head(): Buffer {
    const first = this.q[0];
    if (this.qOff === 0) return first;
    const h = first.subarray(this.qOff);
    this.q[0] = h;
    this.qOff = 0;
    return h;
  }

  /** drop n bytes from the front of the input queue (an offset: no new Buffer per header byte) */
  private consume(n: number): void {
    this.qLen -= n;
    while (n > 0) {
      const left = this.q[0].length - this.qOff;
      if (left <= n) {
        this.q.shift();
        this.qOff = 0;
        n -= left;
      } else {
        this.qOff += n;
        n = 0;
      }
    }
  }

  private finish(sizeChecked = false): Buffer {
    if (!sizeChecked && this.partsLen > this.maxMessageBytes) throw tooBig(this.maxMessageBytes);
    const n = this.partsLen;
    let out: Buffer;
    if (this.parts.length === 1) out = this.parts[0];
    else if (n <= this.reuseBytes) {
      // decoded into a string before the next message: the buffer can be kept
      if (this.scratch === null || this.scratch.length < n) {
        this.scratch = Buffer.allocUnsafe(Math.min(this.reuseBytes, Math.max(n, 2 * (this.scratch?.length ?? 0), 64 * 1024)));
      }
      let off = 0;
      for (const p of this.parts) {
        this.scratch.set(p, off);
        off += p.length;
      }
      out = this.scratch.subarray(0, n);
    } else out = Buffer.concat(this.parts, n);
    this.parts = [];
    this.partsLen = 0;
    return out;
  }
}

function badHeader(b: number, expected: string): FramingError {
  const shown = b >= 0x21 && b <= 0x7e ? `'${String.fromCharCode(b)}'` : `0x${b.toString(16).padStart(2, '0')}`;
  return new FramingError('bad-chunk-header', `bad chunk header: got ${shown}, expected ${expected}`);
}

function tooBig(max: number): FramingError {
  return new FramingError('too-big', `message larger than ${max} bytes`);
}

function decodeUtf8(buf: Buffer): string {
  // ASCII (the usual XML) is its own UTF-8: no validation pass needed, and
  // the one-byte decoding is many times faster than TextDecoder's
  if (isAscii(buf)) return buf.toString('latin1');
  try {
    return utf8.decode(buf);
  } catch {
    throw new FramingError('bad-encoding', 'message is not valid UTF-8');
  }
}

// ---- encoder ----

/** Default size of the chunks the encoder emits. */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;
const EOC = Buffer.from('\n##\n', 'latin1');

/**
 * Frame one message. Returns the pieces to write in order; the message's
 * bytes are sub-arrays of one Buffer (no copies), so a 100 MB reply costs
 * one UTF-8 encoding and a few thousand small headers.
 */
export function encodeMessage(
  msg: string | Buffer,
  mode: FramingMode,
  chunkBytes: number = DEFAULT_CHUNK_BYTES,
): Buffer[] {
  const body = typeof msg === 'string' ? Buffer.from(msg, 'utf8') : msg;
  if (mode === 'eom') return [body, EOM];
  if (body.length === 0) throw new Error('chunked framing cannot carry an empty message');
  const size = Math.max(1, Math.min(chunkBytes, MAX_CHUNK_SIZE));
  const out: Buffer[] = [];
  for (let off = 0; off < body.length; off += size) {
    const end = Math.min(body.length, off + size);
    out.push(Buffer.from(`\n#${end - off}\n`, 'latin1'), body.subarray(off, end));
  }
  out.push(EOC);
  return out;
}

/**
 * Frames one message that arrives in pieces (its UTF-8 bytes, in order),
 * handing the framed bytes to `out` as it goes: pieces are never copied;
 * with chunked framing, consecutive pieces share a chunk up to
 * `chunkBytes`, a bigger piece is one chunk of its own. A piece is held
 * back only until the next one shows whether it still fits its chunk.
 */
export class PieceFramer {
  private group: Buffer[] = [];
  private glen = 0;
  private total = 0;

  constructor(
    private readonly mode: FramingMode,
    private readonly out: (framed: Buffer) => void,
    private readonly chunkBytes: number = DEFAULT_CHUNK_BYTES,
  ) {}

  push(piece: Buffer): void {
    if (piece.length === 0) return;
    this.total += piece.length;
    if (this.mode === 'eom') {
      this.out(piece);
      return;
    }
    if (this.glen > 0 && this.glen + piece.length > this.chunkBytes) this.closeChunk();
    if (piece.length > MAX_CHUNK_SIZE) throw new Error('a piece larger than the largest chunk');
    this.group.push(piece);
    this.glen += piece.length;
  }

  /** The message is complete: the last chunk and the end-of-message mark. */
  end(): void {
    if (this.mode === 'eom') {
      this.out(EOM);
      return;
    }
    this.closeChunk();
    if (this.total === 0) throw new Error('chunked framing cannot carry an empty message');
    this.out(EOC);
  }

  /** Frame what is held back now, as a chunk of its own (the pieces may then be reused). */
  closeChunk(): void {
    if (this.glen === 0) return;
    this.out(Buffer.from(`\n#${this.glen}\n`, 'latin1'));
    for (const b of this.group) this.out(b);
    this.group = [];
    this.glen = 0;
  }
}

/** Frame one message given as UTF-8 pieces (never copied), as PieceFramer does. */
export function encodeParts(parts: Buffer[], mode: FramingMode, chunkBytes: number = DEFAULT_CHUNK_BYTES): Buffer[] {
  const out: Buffer[] = [];
  const f = new PieceFramer(mode, (b) => out.push(b), chunkBytes);
  for (const p of parts) f.push(p);
  f.end();
  return out;
}

/** Frame one message into a single Buffer (small messages, tests). */
export function encodeMessageBuffer(msg: string | Buffer, mode: FramingMode, chunkBytes?: number): Buffer {
  return Buffer.concat(encodeMessage(msg, mode, chunkBytes));
}
