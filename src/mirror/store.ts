/**
 * Subscribers and mirror sessions, saved atomically in the data directory
 * (state/subscribers.json, state/mirrors.json, mode 0600: they name
 * intercepts) and restored at start.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fsyncDir, fsyncDirAsync, noRoom, readIfExists, removeStaleTemporaries, syncFile, writeFileAtomic, writeFileAtomicAsync } from '../datastore/persist';

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


/** rows of a snapshot serialised in one turn of the event loop (about 5 ms) */
const SNAPSHOT_SLICE = 4096;

/**
 * The JSON array of `rows`, a slice at a time with a turn of the event
 * loop between: the relay reads the copies on this loop, and one
 * JSON.stringify of 65,536 rows held it for 60-85 ms. The slices are taken
 * of the array as given (rows are replaced whole when they change; one
 * changed in place meanwhile is journalled after this snapshot's write).
 */
async function toJson(rows: readonly object[]): Promise<string> {
  const parts: string[] = [];
  for (let i = 0; i < rows.length; i += SNAPSHOT_SLICE) {
    if (i) await new Promise((r) => setImmediate(r));
    parts.push(JSON.stringify(rows.slice(i, i + SNAPSHOT_SLICE)).slice(1, -1));
  }
  return `[${parts.join(',')}]`;
}

/** One journalled change applied to a table. */
function apply<T extends { acctSessionId: string }>(table: Map<string, T>, op: JournalOp<T>): void {
  if (typeof op !== 'object' || op === null) throw new Error('not a change');
  if ('set' in op) table.set(op.set.acctSessionId, op.set);
  else table.delete(op.del);
}

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
 * Each table is a snapshot (state/<table>.json, written atomically), and
 * one journal holds the changes to both since (state/changes.journal): one
 * JSON line per write, `{"subscribers":[ops],"mirrors":[ops]}`, appended
 * and fdatasynced. A CoA or an accounting record appends one line instead
 * of rewriting a table of 65,536 rows, and a request that changes both
 * tables (an accounting Stop ending a mirror, an Accounting-On, an address
 * change the mirror follows) is one line: on disk for both or for neither,
 * with one flush. Once the journal holds more changes than max(1024,
 * 2 x rows), the next write folds it into new snapshots of both tables.
 * Loading applies the journal to the snapshots; a torn last line (a crash
 * mid-append) is ignored. Replaying a journal over a snapshot that already
 * holds its changes gives the same tables (sets and deletes of whole rows),
 * so a crash between the snapshots and the journal's truncation is safe.
 * A directory written before 2026-12-06 has a journal per table
 * (state/<table>.journal): read, then folded into the snapshots at load;
 * on a full or read-only file system, by the next snapshot of both tables
 * instead (the start goes on).
 */
export class StateStore {
  readonly dir: string;
  private readonly journalFile: string;
  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'state');
    this.journalFile = path.join(this.dir, 'changes.journal');
  }

  load(): { subscribers: Subscriber[]; mirrors: MirrorSession[] } {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // snapshots an agent stopped while writing (the journal holds what they held)
    removeStaleTemporaries(this.dir);
    const tables = {
      subscribers: new Map(this.snapshot<Subscriber>('subscribers').map((r) => [r.acctSessionId, r])),
      mirrors: new Map(this.snapshot<MirrorSession>('mirrors').map((r) => [r.acctSessionId, r])),
    };
    const legacy = TABLES.map((t) => path.join(this.dir, `${t}.journal`)).filter((f) => fs.existsSync(f));
    for (const t of TABLES) {
      const file = path.join(this.dir, `${t}.journal`);
      // the old format: a line per change of that table
      this.replay(file, (line) => apply(tables[t] as Map<string, { acctSessionId: string }>, JSON.parse(line) as JournalOp<{ acctSessionId: string }>));
    }
    this.journalLines = 0;
    this.journalBytes = this.replay(this.journalFile, (line) => {
      const batch = JSON.parse(line) as Partial<Record<Table, JournalOp<{ acctSessionId: string }>[]>>;
      if (typeof batch !== 'object' || batch === null || Array.isArray(batch)) throw new Error('not a JSON object');
      for (const t of TABLES) {
        for (const op of batch[t] ?? []) {
          apply(tables[t] as Map<string, { acctSessionId: string }>, op);
          this.journalLines++;
        }
      }
    });
    const loaded = { subscribers: [...tables.subscribers.values()], mirrors: [...tables.mirrors.values()] };
    this.legacy = legacy;
    if (legacy.length) {
      // folded into the snapshots, so that the one journal is all there is from now on
      try {
        writeFileAtomic(path.join(this.dir, 'subscribers.json'), JSON.stringify(loaded.subscribers));
        writeFileAtomic(path.join(this.dir, 'mirrors.json'), JSON.stringify(loaded.mirrors));
        // gone before the one journal is emptied (as in write()): replayed over these snapshots, they
        // would undo what came after them
        for (const f of legacy) fs.rmSync(f, { force: true });
        fsyncDir(this.dir);
        this.legacy = [];
        if (this.journalBytes > 0) {
          // emptied in place: a recover() finds it open, and appends must not go to a replaced file
          fs.truncateSync(this.journalFile, 0);
          syncFile(this.journalFile);
          this.journalBytes = this.journalLines = 0;
        }
      } catch (e) {
        // a full or read-only file system does not stop the start (the old store wrote nothing at load):
        // the files are read the same way again, and the next snapshot of both tables folds them
        if (!noRoom(e)) throw e;
      }
    }
    return loaded;
  }

  private snapshot<T>(table: Table): T[] {
    const file = path.join(this.dir, `${table}.json`);
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

  /**
   * Each line of a journal to `each`, a torn last line (a crash mid-append)
   * cut off the file; the length kept. A bad line before the last stops
   * the start, naming the file and line.
   */
  private replay(file: string, each: (line: string) => void): number {
    const journal = readIfExists(file);
    if (!journal) return 0;
    let bytes = Buffer.byteLength(journal);
    if (!journal.endsWith('\n')) {
      // a crash mid-append: cut the torn line, or the next append would continue it
      bytes = Buffer.byteLength(journal.slice(0, journal.lastIndexOf('\n') + 1));
      fs.truncateSync(file, bytes);
    }
    const lines = journal.split('\n');
    lines.forEach((line, i) => {
      if (!line) return;
      try {
        each(line);
      } catch (e) {
        if (i === lines.length - 1) return; // torn last line (cut above)
        throw new Error(`${file} line ${i + 1}: ${(e as Error).message}`);
      }
    });
    return bytes;
  }

  private writing: Promise<void> = Promise.resolve();
  private next?: Job;
  /** changes in the journal (decides when it is folded) */
  private journalLines = 0;
  /** the journal's length, to cut a failed append back to */
  private journalBytes = 0;
  private journalHandle?: fs.promises.FileHandle;
  private tables?: StateTables;
  /** per-table journals of before that load() could not fold (no room): the next snapshot removes them */
  private legacy: string[] = [];

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
    const changes = job.lines.subscribers.length + job.lines.mirrors.length;
    const rows = { subscribers: this.snapshotRows.subscribers ?? this.tables?.subscribers.bind(this.tables), mirrors: this.snapshotRows.mirrors ?? this.tables?.mirrors.bind(this.tables) };
    const fold = changes > 0 && this.tables !== undefined && this.journalLines + changes > Math.max(1024, 2 * (this.tables.size('subscribers') + this.tables.size('mirrors')));
    if ((job.snapshot.subscribers || job.snapshot.mirrors || fold) && rows.subscribers && rows.mirrors) {
      // Both tables, since the one journal they share is emptied after; their rows taken now, before
      // the first await: every change recorded before this write began, and none of a request handled
      // while the first snapshot is written (its own line decides: a mirror snapshot taken after it kept
      // its change through a crash, or through the undo of the request when its own write failed).
      const snapshot = { subscribers: rows.subscribers!(), mirrors: rows.mirrors!() };
      for (const t of TABLES) await writeFileAtomicAsync(path.join(this.dir, `${t}.json`), await toJson(snapshot[t]));
      if (this.legacy.length) {
        // gone before the one journal is emptied: replayed over these snapshots, they would undo what came after them
        for (const f of this.legacy) await fs.promises.rm(f, { force: true });
        await fsyncDirAsync(this.dir);
        this.legacy = [];
      }
      if (this.journalBytes > 0 || this.journalHandle) {
        const fh = await this.journal();
        await fh.truncate(0);
        await fh.datasync();
      }
      this.journalLines = 0;
      this.journalBytes = 0;
    } else if (changes) {
      const fh = await this.journal();
      const parts = TABLES.filter((t) => job.lines[t].length).map((t) => `"${t}":[${job.lines[t].join(',')}]`);
      const text = Buffer.from(`{${parts.join(',')}}\n`);
      try {
        await fh.appendFile(text);
        await fh.datasync();
      } catch (e) {
        // A part of the line may be written (a full file system): cut it, or the next append
        // would continue a torn line in the middle of the journal, which a start refuses.
        await fh.truncate(this.journalBytes).catch(() => undefined);
        throw e;
      }
      this.journalLines += changes;
      this.journalBytes += text.length;
    }
  }

  private async journal(): Promise<fs.promises.FileHandle> {
    if (this.journalHandle) return this.journalHandle;
    const existed = fs.existsSync(this.journalFile);
    const fh = await fs.promises.open(this.journalFile, 'a', 0o600);
    if (!existed) {
      const dh = await fs.promises.open(this.dir, 'r');
      try {
        await dh.sync();
      } finally {
        await dh.close();
      }
    }
    return (this.journalHandle = fh);
  }

  /** the row sources of the last save() call (callers that do not attach()) */
  private snapshotRows: { subscribers?: () => Subscriber[]; mirrors?: () => MirrorSession[] } = {};

  /**
   * Rewrites the tables in full and empties the journal; resolves once
   * they are on disk. Both are written whichever `which` names (the one
   * journal they share is emptied after). Group commit: writes are serialised, and every
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

  /**
   * Journals changes to rows (a CoA, an accounting record), no table
   * rewritten: the changes of every request sharing a write are one line.
   */
  record(ops: { subscribers?: JournalOp<Subscriber>[]; mirrors?: JournalOp<MirrorSession>[] }): Promise<void> {
    const job = this.job();
    for (const t of TABLES) for (const op of ops[t] ?? []) job.lines[t].push(JSON.stringify(op));
    return job.promise;
  }

  /** Closes the journal (the agent stops). */
  async close(): Promise<void> {
    await this.writing;
    const fh = this.journalHandle;
    this.journalHandle = undefined;
    await fh?.close().catch(() => undefined);
  }
}
