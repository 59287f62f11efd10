/**
 * Rate-limited warnings of dropped CoA and Disconnect requests (unknown
 * client, wrong Request Authenticator, wrong or missing
 * Message-Authenticator): a misconfigured secret or a probe should be seen
 * in the log without a packet flood becoming a log flood. The first drop
 * from a source is logged at once; further drops from it within the
 * interval are only counted, and the first warning after the interval says
 * how many there were (the per-client counters hold every one). At most
 * `maxSources` sources are warned about one by one per interval; drops from
 * any further source (a flood from spoofed addresses) share one warning.
 */

export interface DropWarningOptions {
  intervalMs: number;
  now: () => number;
  warn: (msg: string) => void;
  /** sources warned about one by one (default 32) */
  maxSources?: number;
}

interface Entry {
  /** no warning before this time (ms) */
  until: number;
  /** drops not warned about since the last warning */
  suppressed: number;
}

export class DropWarnings {
  private readonly sources = new Map<string, Entry>();
  /** the sources beyond maxSources, together */
  private others?: Entry;
  private readonly max: number;

  constructor(private readonly opts: DropWarningOptions) {
    this.max = opts.maxSources ?? 32;
  }

  /** A CoA or Disconnect request from `source` was dropped, because `why`. */
  note(source: string, why: string): void {
    const now = this.opts.now();
    let entry = this.sources.get(source);
    let shared = false;
    if (!entry && this.sources.size >= this.max) {
      // entries whose interval is over (what they held back stays in the counters only)
      for (const [k, e] of this.sources) if (now >= e.until) this.sources.delete(k);
      if (this.sources.size >= this.max) {
        shared = true;
        entry = this.others;
      }
    }
    if (entry && now < entry.until) {
      entry.suppressed++;
      return;
    }
    const from = shared ? `from ${source} (one of more than ${this.max} sources dropped from)` : `from ${source}`;
    const more = entry?.suppressed ? `; ${entry.suppressed} more dropped ${shared ? 'from such sources' : 'from it'} since the last warning` : '';
    this.opts.warn(`radius: dropped a CoA or Disconnect request ${from}: ${why}${more} (at most one warning per source every ${Math.round(this.opts.intervalMs / 1000)} s)`);
    const next = { until: now + this.opts.intervalMs, suppressed: 0 };
    if (shared) this.others = next;
    else this.sources.set(source, next);
  }
}
