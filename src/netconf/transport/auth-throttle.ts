/**
 * Password guessing brake: failed password attempts are remembered per
 * source address, and every further failure from that source is answered
 * after a growing delay (250 ms, doubling, capped), independent of how many
 * connections the guesser opens. A success or a quiet period clears it.
 * The table is bounded (oldest entries are forgotten first).
 */
export interface ThrottleOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** failures are forgotten after this long without one */
  forgetAfterMs?: number;
  maxSources?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  last: number;
}

export class AuthThrottle {
  private readonly sources = new Map<string, Entry>();
  private readonly base: number;
  private readonly max: number;
  private readonly forget: number;
  private readonly maxSources: number;
  private readonly now: () => number;

  constructor(o: ThrottleOptions = {}) {
    this.base = o.baseDelayMs ?? 250;
    this.max = o.maxDelayMs ?? 8000;
    this.forget = o.forgetAfterMs ?? 15 * 60_000;
    this.maxSources = o.maxSources ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  private entry(source: string): Entry | undefined {
    const e = this.sources.get(source);
    if (e && this.now() - e.last > this.forget) {
      this.sources.delete(source);
      return undefined;
    }
    return e;
  }

  /** Record a failure; returns how long to wait before answering it. */
  failure(source: string): number {
    const e = this.entry(source) ?? { failures: 0, last: 0 };
    e.failures++;
    e.last = this.now();
    this.sources.delete(source); // re-insert: Map order is the age order
    this.sources.set(source, e);
    if (this.sources.size > this.maxSources) this.sources.delete(this.sources.keys().next().value as string);
    return Math.min(this.max, this.base * 2 ** Math.min(e.failures - 1, 20));
  }

  success(source: string): void {
    this.sources.delete(source);
  }

  failures(source: string): number {
    return this.entry(source)?.failures ?? 0;
  }
}
