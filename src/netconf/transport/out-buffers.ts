/**
 * The buffers big replies are written into, shared by every session and
 * reused from one reply to the next.
 *
 * A reply larger than the SSH channel's window (2 MB) is not sent while it
 * is made: ssh2 keeps what the window does not take by reference until the
 * client reads on. Fresh memory for every piece of every such reply cost
 * page faults, and its size counted against V8's external memory, which
 * started a full mark-compact every few large get-configs (measured: a
 * 5.8 MB get-config allocated 23 MB of such buffers). A session borrows
 * buffers here while a reply goes out and gives them back once its channel
 * holds none of its data (see SshNetconfSession).
 */

/** the size of a kept buffer: a piece of the byte writer */
const OUT_BUFFER_BYTES = 256 * 1024;

export class OutBuffers {
  private readonly free: Buffer[] = [];

  /** `keep`: how many buffers are kept for reuse at most (the rest is left to the garbage collector) */
  constructor(private readonly keep: number) {}

  /** A buffer of at least `min` bytes: a kept one when it fits, else one of its own. */
  take(min: number): Buffer {
    if (min > OUT_BUFFER_BYTES) return Buffer.allocUnsafeSlow(min);
    return this.free.pop() ?? Buffer.allocUnsafeSlow(OUT_BUFFER_BYTES);
  }

  /** Give back a buffer take() returned; nothing may use it any longer. */
  give(b: Buffer): void {
    if (b.length === OUT_BUFFER_BYTES && this.free.length < this.keep) this.free.push(b);
  }
}

/** 32 buffers, 8 MB: every piece of a reply of up to 8 MB reused, kept once such a reply has been sent */
export const outBuffers = new OutBuffers(32);
