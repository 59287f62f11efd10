/**
 * Duplicate detection (RFC 5080 section 2.2.2, RFC 5176 section 6.3): a
 * request is identified by client, port role, identifier and authenticator.
 * While its handler runs, a retransmission is absorbed; afterwards the cached
 * reply is sent again.
 *
 * A reply is kept for the window (`windowMs()`, asked at every look-up, so a
 * reconfigured window applies to what is already cached), counted from the
 * reply or, when the request carried a later Event-Timestamp, from that
 * timestamp: RFC 5176 6.3 wants the duplicate-detection window to be the
 * Event-Timestamp window, and a request is accepted for as long as its
 * timestamp is inside it.
 *
 * The cache holds at most `maxEntries` replies. When it is full the oldest
 * reply goes first. With `guard` (CoA and Disconnect), a reply pushed out
 * before its window ended must not let a replay of its request be acted on
 * again, so the cache remembers, instead of the request, a bound:
 * - the highest Event-Timestamp of such replies: a request not in the cache
 *   whose Event-Timestamp is at or below it may be such a replay, and is
 *   answered 'forgotten' (the caller drops it). Requests with a current
 *   timestamp are not affected; the bound is harmless once it is older
 *   than the window, since such requests are stale anyway.
 * - for a reply to a request without Event-Timestamp, the end of its
 *   window: until then every request without Event-Timestamp that is not
 *   in the cache is 'forgotten'. Nothing else tells a replay of it from a
 *   new request. (Only an overload, more than `maxEntries` requests within
 *   one window, gets there; the drops keep the cache from growing, so it
 *   ends one window after the last such reply was pushed out.)
 * Requests being handled are never pushed out.
 */

interface Done {
  reply: Buffer;
  /** when the reply was made (ms) */
  at: number;
  /** the request's Event-Timestamp (s), if it had one */
  eventTimestamp?: number;
}

export type CacheLookup =
  | { state: 'new' }
  | { state: 'pending' }
  | { state: 'done'; reply: Buffer }
  /** not cached, but possibly a replay of a request whose reply was pushed out of the full cache: drop it */
  | { state: 'forgotten' };

export interface ReplyCacheOptions {
  maxEntries: number;
  /** how long a reply is kept (ms); asked at every look-up */
  windowMs: () => number;
  now: () => number;
  /** refuse possible replays of replies pushed out early (see above) */
  guard?: boolean;
}

export class ReplyCache {
  private readonly pending = new Map<string, { eventTimestamp?: number }>();
  /** in the order the replies were made */
  private readonly done = new Map<string, Done>();
  private readonly opts: ReplyCacheOptions;
  /** highest Event-Timestamp (s) of a reply pushed out inside its window */
  private evictedTimestamp = -Infinity;
  /** end of the window (ms) of the last reply without Event-Timestamp pushed out inside it */
  private evictedPlainUntil = -Infinity;
  /** replies pushed out inside their window (tests, diagnostics) */
  evictedEarly = 0;

  constructor(opts: ReplyCacheOptions) {
    this.opts = opts;
  }

  static key(client: string, role: string, identifier: number, authenticator: Buffer): string {
    return `${role}|${client}|${identifier}|${authenticator.toString('hex')}`;
  }

  /** Looks a request up; a new one is recorded as pending. */
  begin(key: string, eventTimestamp?: number): CacheLookup {
    const t = this.opts.now();
    if (this.pending.has(key)) return { state: 'pending' };
    const e = this.done.get(key);
    if (e) {
      if (this.expires(e) > t) return { state: 'done', reply: e.reply };
      this.done.delete(key);
    }
    if (this.opts.guard) {
      const suspect = eventTimestamp !== undefined ? eventTimestamp <= this.evictedTimestamp : t < this.evictedPlainUntil;
      if (suspect) return { state: 'forgotten' };
    }
    this.pending.set(key, eventTimestamp === undefined ? {} : { eventTimestamp });
    return { state: 'new' };
  }

  /** Records the reply of a request begun earlier. */
  finish(key: string, reply: Buffer): void {
    const p = this.pending.get(key);
    this.pending.delete(key);
    this.done.delete(key); // re-insert: the map's order is the order of the replies
    const e: Done = { reply, at: this.opts.now() };
    if (p?.eventTimestamp !== undefined) e.eventTimestamp = p.eventTimestamp;
    this.done.set(key, e);
    this.sweep();
  }

  /** Forgets a request that got no reply (dropped, or its handling failed), so a retransmission is handled anew. A reply already made stays. */
  forget(key: string): void {
    this.pending.delete(key);
  }

  /** Replies held (requests being handled not counted). */
  get size(): number {
    return this.done.size;
  }

  private expires(e: Done): number {
    const from = e.eventTimestamp !== undefined ? Math.max(e.at, e.eventTimestamp * 1000) : e.at;
    return from + this.opts.windowMs();
  }

  private sweep(): void {
    const t = this.opts.now();
    // expired replies at the front go; past the bound, every expired one, then the oldest
    for (const [k, e] of this.done) {
      if (this.expires(e) > t) break;
      this.done.delete(k);
    }
    if (this.done.size <= this.opts.maxEntries) return;
    for (const [k, e] of this.done) if (this.expires(e) <= t) this.done.delete(k);
    for (const [k, e] of this.done) {
      if (this.done.size <= this.opts.maxEntries) break;
      this.done.delete(k);
      this.evictedEarly++;
      if (e.eventTimestamp !== undefined) this.evictedTimestamp = Math.max(this.evictedTimestamp, e.eventTimestamp);
      else this.evictedPlainUntil = Math.max(this.evictedPlainUntil, this.expires(e));
    }
  }
}
