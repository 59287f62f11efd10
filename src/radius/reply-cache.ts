/**
 * Duplicate detection (RFC 5080 section 2.2.2): a request is identified by
 * client, port role, identifier and authenticator. While its handler runs, a
 * retransmission is absorbed; afterwards the cached reply is sent again. The
 * cache is bounded (oldest first out) and entries expire `ttlMs` after the
 * reply was made.
 */

interface Entry {
  /** undefined while the request is being handled */
  reply?: Buffer;
  expires: number;
}

export type CacheLookup = { state: 'new' } | { state: 'pending' } | { state: 'done'; reply: Buffer };

export class ReplyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  static key(client: string, role: string, identifier: number, authenticator: Buffer): string {
    return `${role}|${client}|${identifier}|${authenticator.toString('hex')}`;
  }

  /** Looks a request up; a new one is recorded as pending. */
  begin(key: string): CacheLookup {
    const t = this.now();
    const e = this.entries.get(key);
    if (e && (e.reply === undefined || e.expires > t)) {
      return e.reply === undefined ? { state: 'pending' } : { state: 'done', reply: e.reply };
    }
    if (e) this.entries.delete(key);
    this.sweep(t);
    this.entries.set(key, { expires: Infinity });
    return { state: 'new' };
  }

  /** Records the reply of a request begun earlier. */
  finish(key: string, reply: Buffer): void {
    this.entries.delete(key); // re-insert: the map's order is the order of expiry
    this.entries.set(key, { reply, expires: this.now() + this.ttlMs });
    this.sweep(this.now());
  }

  /** Forgets a request that got no reply (dropped), so a retransmission is handled anew. */
  forget(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(t: number): void {
    for (const [k, e] of this.entries) {
      if (this.entries.size > this.maxEntries || (e.reply !== undefined && e.expires <= t)) this.entries.delete(k);
      else if (e.reply !== undefined) break;
    }
  }
}
