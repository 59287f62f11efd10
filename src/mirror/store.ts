/**
 * Subscribers and mirror sessions, saved atomically in the data directory
 * (state/subscribers.json, state/mirrors.json, mode 0600: they name
 * intercepts) and restored at start.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readIfExists, removeStaleTemporaries, writeFileAtomicAsync } from '../datastore/persist';

export interface Subscriber {
  acctSessionId: string;
  userName?: string;
  framedIp?: string;
  framedIpv6Prefix?: string;
  nasPortId?: string;
  callingStationId?: string;
  calledStationId?: string;
  /**
   * The last Framed-IP-Address / Framed-IPv6-Prefix accounting reported
   * when it could not be one subscriber's (addresses.ts): not learned, and
   * a CoA start for this subscriber is refused while it is set.
   */
  refusedFramedIp?: string;
  refusedFramedIpv6Prefix?: string;
  /**
   * The NAS that reported it (RFC 5176 section 3 NAS identification), as
   * its last accounting record with any of them said: NAS-IP-Address,
   * NAS-IPv6-Address, NAS-Identifier. A CoA naming a NAS must name this
   * one (service.ts, findSubscriber).
   */
  nasIp?: string;
  nasIpv6?: string;
  nasIdentifier?: string;
  /** the address of the RADIUS client (the BNG, or a proxy) its accounting came from */
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
  /** mirror group on the member (shared kernel action, see pool.ts); absent in tables written before groups */
  group?: number;
  startTime: string;
  /**
   * The NAS of the subscriber it follows (Subscriber's nasIp, nasIpv6,
   * nasIdentifier and client, kept up to date with userName by
   * service.ts): a record of another NAS or User-Name stops the mirror even
   * when the subscriber table says otherwise (a crash between the writes of
   * the two tables). Absent in tables written before 2026-12-06: then the
   * User-Name alone is compared with the mirror's.
   */
  nasIp?: string;
  nasIpv6?: string;
  nasIdentifier?: string;
  client?: string;
}

/** One change to a table, as journalled: a whole record set, or a key deleted. */
export type JournalOp<T> = { set: T } | { del: string };

type Table = 'subscribers' | 'mirrors';
const TABLES: Table[] = ['subscribers', 'mirrors'];

/** The tables as the service holds them, for snapshots. */
export interface StateTables {
  subscribers(): Subscriber[];
  mirrors(): MirrorSession[];
  /** rows in each table (cheap: decides when a journal is folded into its snapshot) */
  size(t: Table): number;
}

interface Job {
  promise: Promise<void>;
  snapshot: Record<Table, boolean>;
  lines: Record<Table, string[]>;
}

/**
 * Each table is a snapshot (state/<table>.json, written atomically) and a
 * journal of the changes since (state/<table>.journal, one JSON line per
 * change, appended and fdatasynced). A CoA or an accounting record appends
 * one line instead of rewriting a table of 65,536 rows; once a journal holds
 * more lines than max(1024, 2 x rows), the next write folds it into a new
 * snapshot. Loading applies the journal to the snapshot; a torn last line
 * (a crash mid-append) is ignored. Replaying a journal over a snapshot that
 * already holds its changes gives the same tables (sets and deletes of whole
 * rows), so a crash between a snapshot and the journal's truncation is safe.
 */
export class StateStore {
  readonly dir: string;
  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'state');
  }

  load(): { subscribers: Subscriber[]; mirrors: MirrorSession[] } {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // snapshots an agent stopped while writing (the journal holds what they held)
    removeStaleTemporaries(this.dir);
    return { subscribers: this.read<Subscriber>('subscribers'), mirrors: this.read<MirrorSession>('mirrors') };
  }

  private read<T extends { acctSessionId: string }>(table: Table): T[] {
    const file = path.join(this.dir, `${table}.json`);
    const text = readIfExists(file);
    let rows: T[] = [];
    if (text !== undefined) {
      try {
        const v = JSON.parse(text) as unknown;
        if (!Array.isArray(v)) throw new Error('not a JSON array');
        rows = v as T[];
      } catch (e) {
        throw new Error(`${file}: ${(e as Error).message}`);
      }
    }
    const jfile = path.join(this.dir, `${table}.journal`);
    const journal = readIfExists(jfile);
    this.journalBytes[table] = journal ? Buffer.byteLength(journal) : 0;
    if (!journal) return rows;
    if (!journal.endsWith('\n')) {
      // a crash mid-append: cut the torn line, or the next append would continue it
      this.journalBytes[table] = Buffer.byteLength(journal.slice(0, journal.lastIndexOf('\n') + 1));
      fs.truncateSync(jfile, this.journalBytes[table]);
    }
    const byKey = new Map(rows.map((r) => [r.acctSessionId, r]));
    const lines = journal.split('\n');
    let n = 0;
    lines.forEach((line, i) => {
      if (!line) return;
      let op: JournalOp<T>;
      try {
        op = JSON.parse(line) as JournalOp<T>;
      } catch (e) {
        if (i === lines.length - 1) return; // torn last line (cut above)
        throw new Error(`${jfile} line ${i + 1}: ${(e as Error).message}`);
      }
      n++;
      if ('set' in op) byKey.set(op.set.acctSessionId, op.set);
      else byKey.delete(op.del);
    });
    this.journalLines[table] = n;
    return [...byKey.values()];
  }

  private writing: Promise<void> = Promise.resolve();
  private next?: Job;
  private journalLines: Record<Table, number> = { subscribers: 0, mirrors: 0 };
  /** each journal's length, to cut a failed append back to */
  private journalBytes: Record<Table, number> = { subscribers: 0, mirrors: 0 };
  private journals: Partial<Record<Table, fs.promises.FileHandle>> = {};
  private tables?: StateTables;

  /** The service's tables, for snapshots of journalled changes. */
  attach(tables: StateTables): void {
    this.tables = tables;
  }

  private job(): Job {
    if (this.next) return this.next;
    const job: Job = { promise: Promise.resolve(), snapshot: { subscribers: false, mirrors: false }, lines: { subscribers: [], mirrors: [] } };
    job.promise = this.writing.then(() => this.run(job));
    this.next = job;
    this.writing = job.promise.catch(() => undefined);
    return job;
  }

  /**
   * The error of a write that failed. Later writes fail with it, writing
   * nothing, until recover(): what the service kept in memory meanwhile is
   * not what the files hold, and a snapshot must not make it durable.
   */
  private failed: Error | null = null;

  private async run(job: Job): Promise<void> {
    if (this.next === job) this.next = undefined;
    if (this.failed) throw this.failed;
    try {
      await this.write(job);
    } catch (e) {
      this.failed = e as Error;
      throw e;
    }
  }

  /** Resolves once every write asked for so far has ended, written or failed. */
  settled(): Promise<void> {
    return this.writing;
  }

  /**
   * After a failed write (call once settled()): the tables as the files hold
   * them, and writes allowed again.
   */
  recover(): { subscribers: Subscriber[]; mirrors: MirrorSession[] } {
    this.failed = null;
    return this.load();
  }

  private async write(job: Job): Promise<void> {
    for (const t of TABLES) {
      const lines = job.lines[t];
      const fold = lines.length > 0 && this.tables !== undefined && this.journalLines[t] + lines.length > Math.max(1024, 2 * this.tables.size(t));
      if (job.snapshot[t] || fold) {
        // the table as it is now holds every change recorded before this write began
        const rows = t === 'subscribers' ? this.snapshotRows.subscribers?.() ?? this.tables?.subscribers() : this.snapshotRows.mirrors?.() ?? this.tables?.mirrors();
        if (rows === undefined) continue;
        await writeFileAtomicAsync(path.join(this.dir, `${t}.json`), JSON.stringify(rows));
        if (this.journalLines[t] > 0 || this.journals[t]) {
          const fh = await this.journal(t);
          await fh.truncate(0);
          await fh.datasync();
        }
        this.journalLines[t] = 0;
        this.journalBytes[t] = 0;
      } else if (lines.length) {
        const fh = await this.journal(t);
        const text = Buffer.from(lines.join('\n') + '\n');
        try {
          await fh.appendFile(text);
          await fh.datasync();
        } catch (e) {
          // A part of the lines may be written (a full file system): cut it, or the next append
          // would continue a torn line in the middle of the journal, which a start refuses.
          await fh.truncate(this.journalBytes[t]).catch(() => undefined);
          throw e;
        }
        this.journalLines[t] += lines.length;
        this.journalBytes[t] += text.length;
      }
    }
  }

  private async journal(t: Table): Promise<fs.promises.FileHandle> {
    let fh = this.journals[t];
    if (fh) return fh;
    const file = path.join(this.dir, `${t}.journal`);
    const existed = fs.existsSync(file);
    fh = await fs.promises.open(file, 'a', 0o600);
    if (!existed) {
      const dh = await fs.promises.open(this.dir, 'r');
      try {
        await dh.sync();
      } finally {
        await dh.close();
      }
    }
    return (this.journals[t] = fh);
  }

  /** the row sources of the last save() call (callers that do not attach()) */
  private snapshotRows: { subscribers?: () => Subscriber[]; mirrors?: () => MirrorSession[] } = {};

  /**
   * Rewrites the named tables in full (and empties their journals); resolves
   * once they are on disk. Group commit: writes are serialised, and every
   * save or record asked for while a write is under way shares the one write
   * that follows it. The tables are read (through the callbacks) when that
   * write starts, so it carries every change made before any of its callers
   * asked.
   */
  save(
    subscribers: () => Subscriber[],
    mirrors: () => MirrorSession[],
    which: { subscribers?: boolean; mirrors?: boolean } = { subscribers: true, mirrors: true },
  ): Promise<void> {
    this.snapshotRows = { subscribers, mirrors };
    const job = this.job();
    job.snapshot.subscribers ||= !!which.subscribers;
    job.snapshot.mirrors ||= !!which.mirrors;
    return job.promise;
  }

  /** Journals changes to rows (a CoA, an accounting record): one line each, no table rewritten. */
  record(ops: { subscribers?: JournalOp<Subscriber>[]; mirrors?: JournalOp<MirrorSession>[] }): Promise<void> {
    const job = this.job();
    for (const t of TABLES) for (const op of ops[t] ?? []) job.lines[t].push(JSON.stringify(op));
    return job.promise;
  }

  /** Closes the journals (the agent stops). */
  async close(): Promise<void> {
    await this.writing;
    for (const t of TABLES) {
      const fh = this.journals[t];
      delete this.journals[t];
      await fh?.close().catch(() => undefined);
    }
  }
}
