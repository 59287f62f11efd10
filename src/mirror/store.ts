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
  private writing: Promise<void> = Promise.resolve();

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

  /** Save both tables; resolves once they are on disk. Saves are serialised. */
  save(subscribers: Subscriber[], mirrors: MirrorSession[]): Promise<void> {
    const s = JSON.stringify(subscribers);
    const m = JSON.stringify(mirrors);
    const run = this.writing.then(async () => {
      await writeFileAtomicAsync(path.join(this.dir, 'subscribers.json'), s);
      await writeFileAtomicAsync(path.join(this.dir, 'mirrors.json'), m);
    });
    this.writing = run.catch(() => undefined);
    return run;
  }
}
