/**
 * Subscribers and mirror sessions, saved atomically in the data directory
 * (state/subscribers.json, state/mirrors.json, mode 0600: they name
 * intercepts) and restored at start.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readIfExists, writeFileAtomicAsync } from '../datastore/persist';

export interface Subscriber {
  acctSessionId: string;
  userName?: string;
  framedIp?: string;
  framedIpv6Prefix?: string;
  nasPortId?: string;
  /** the RADIUS client (BNG) that reported it */
  client: string;
  startTime: string;
}

export interface MirrorSession {
  acctSessionId: string;
  userName?: string;
  addresses: string[];
  /** Med-Dev-Handle, hex */
  handle: string;
  interceptId: number;
  sessionId: number;
  medIp: string;
  medPort: number;
  tunnel: string | null;
  startTime: string;
}

export class StateStore {
  readonly dir: string;
  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'state');
  }

  load(): { subscribers: Subscriber[]; mirrors: MirrorSession[] } {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    return { subscribers: this.read<Subscriber>('subscribers.json'), mirrors: this.read<MirrorSession>('mirrors.json') };
  }

  private read<T>(name: string): T[] {
    const file = path.join(this.dir, name);
    const text = readIfExists(file);
    if (text === undefined) return [];
    try {
      const v = JSON.parse(text) as unknown;
      if (!Array.isArray(v)) throw new Error('not a JSON array');
      return v as T[];
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`);
    }
  }

  private writing: Promise<void> = Promise.resolve();
  private next?: { promise: Promise<void>; subscribers: boolean; mirrors: boolean };

  /**
   * Saves the tables named in `which`; resolves once they are on disk.
   * Group commit: writes are serialised, and every save asked for while a
   * write is under way shares the one write that follows it. The tables are
   * read (through the callbacks) when that write starts, so it carries every
   * change made before any of its callers asked. Only the tables that
   * changed are rewritten (a CoA does not rewrite 65,536 subscribers).
   */
  save(
    subscribers: () => Subscriber[],
    mirrors: () => MirrorSession[],
    which: { subscribers?: boolean; mirrors?: boolean } = { subscribers: true, mirrors: true },
  ): Promise<void> {
    if (this.next) {
      this.next.subscribers ||= !!which.subscribers;
      this.next.mirrors ||= !!which.mirrors;
      return this.next.promise;
    }
    const job = { promise: Promise.resolve(), subscribers: !!which.subscribers, mirrors: !!which.mirrors };
    job.promise = this.writing.then(async () => {
      if (this.next === job) this.next = undefined;
      const s = job.subscribers ? JSON.stringify(subscribers()) : undefined;
      const m = job.mirrors ? JSON.stringify(mirrors()) : undefined;
      if (s !== undefined) await writeFileAtomicAsync(path.join(this.dir, 'subscribers.json'), s);
      if (m !== undefined) await writeFileAtomicAsync(path.join(this.dir, 'mirrors.json'), m);
    });
    this.next = job;
    this.writing = job.promise.catch(() => undefined);
    return job.promise;
  }
}
