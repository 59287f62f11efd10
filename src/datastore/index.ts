/**
 * Configuration datastores: running (durable), candidate (shared by all
 * sessions, RFC 6241 8.3) and startup; locks; the commit transaction with
 * confirmed commit; the rollback history. Knows the schema, not the
 * transport: NETCONF and RADIUS both come through here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AgentError, ErrorList } from '../errors';
import type { SchemaContext } from '../yang/schema';
import { DataNode } from '../yang/data/node';
import { addDefaults, clone, diff, newTree, parseXml, syncTree, toXml, toXmlBytes, validate } from '../yang/data';
import { undoValidation, type ValidationJournal } from '../yang/data/validate';
import { CommitJournal, crc32, JOURNAL_BYTES, type JournalRecord, recover } from './journal';
import { fsyncDir, noRoom, readIfExists, removeStaleTemporaries, StagedFile, syncFile, writeFileAtomic, writeFileAtomicAsync } from './persist';
import { SerialQueue } from './queue';
import { transformForWrite } from './transform';
import { Applier, ApplyFailure, ChangeSet, Origin, runTransaction } from './transaction';

export type { Applier, ApplyFailure, ChangeSet, Origin, Prepared, Change } from './transaction';
export { SerialQueue } from './queue';

export type DatastoreName = 'running' | 'candidate' | 'startup';

export const HISTORY_DEPTH = 50;

/** The records after the newest checkpoint (which made what came before durable). */
function sinceCheckpoint(records: readonly JournalRecord[]): readonly JournalRecord[] {
  let from = records.length;
  while (from > 0 && records[from - 1].kind !== 'checkpoint') from--;
  return records.slice(from);
}


/**
 * A running.xml of at most this many bytes is small: a dirty candidate is
 * staged ahead of its commit when the last running.xml was (see
 * scheduleAhead), and a small staged file is fdatasynced on the main
 * thread, a larger one on the thread pool (see StagedFile).
 */
const SMALL_RUNNING_BYTES = 256 * 1024;

/** what running.xml holds around the configuration */
const CONFIG_HEAD = '<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">';
const CONFIG_TAIL = '</config>\n';

/**
 * A new running.xml, written to its temporary file: durable (fdatasynced,
 * or its fdatasync started), or, when `text` is set, without a flush, its
 * content going to the commit journal at the commit point.
 */
interface Staged {
  file: StagedFile;
  /** the file's length and CRC-32 (for the journal's barrier) */
  bytes: number;
  crc: number;
  /** the content, for the journal's snapshot record */
  text?: Buffer;
}

/** The candidate's serialisation, staged before its commit. */
interface StagedAhead {
  tree: DataNode;
  staged: Staged;
}

export interface ConfirmedCommit {
  /** session that issued it (for a non-persistent confirmed commit) */
  sessionId?: number;
  persistId?: string;
  /**
   * the session that made it (the latest confirmed commit, for a follow-up
   * with persist-id), while that session is open: RFC 6241 7.5 refuses a
   * lock of running only to the other sessions
   */
  by?: number;
  timer: NodeJS.Timeout;
  deadline: number;
  /** the running configuration to go back to */
  rollbackTo: DataNode;
}

export interface DatastoreEvents {
  /** a commit made running change (for netconf-config-change, audit) */
  onCommitted?(cs: ChangeSet): void;
  /** work that no request waits for failed (a confirmed commit's rollback on its timer) */
  onBackgroundError?(what: string, err: Error): void;
  /** confirmed-commit events (RFC 6470 netconf-confirmed-commit) */
  onConfirmedCommit?(event: 'start' | 'cancel' | 'timeout' | 'extend' | 'complete', info: { sessionId?: number; timeout?: number }): void;
}

/**
 * A commit that took effect (running changed, running.xml written) while
 * an applier's apply() failed after the commit point: reported as an
 * rpc-error that says so, once the commit is complete.
 */
export class CommittedWithErrors extends AgentError {
  constructor(readonly failures: ApplyFailure[]) {
    // a failure that concerns a node carries its path: the whole error is then hidden from a user who may not read it
    const at = failures.find((f) => f.path);
    super('operation-failed', `The configuration is committed and running, but ${failures.map((f) => `${f.applier} could not apply it (${f.message})`).join('; ')}.`, {
      appTag: 'applied-with-errors',
      path: at?.path,
      pathNs: at?.pathNs,
    });
  }
}

/**
 * Trees held here are never changed in place while stored: every writer
 * (edit-config, copy-config, commit, validate) works on a copy (copyOf) and
 * stores the result. So an unchanged candidate is the running tree itself,
 * not a copy, and a commit or discard-changes costs no clone of the
 * configuration. The one tree changed in place is the one a commit has
 * just replaced, once nothing here holds it: it becomes the twin, the next
 * edit's copy of running (see retire).
 */
export class Datastore {
  /** how soon a confirmed commit's rollback that failed (on its timer, or its session closing) is tried again */
  static revertRetryMs = 5000;

  readonly ctx: SchemaContext;
  readonly dir: string;
  private trees: Record<DatastoreName, DataNode>;
  /** true when the candidate differs from running by an edit not yet committed or discarded */
  candidateDirty = false;
  private locks: Partial<Record<DatastoreName, number>> = {};
  private lockTimes: Partial<Record<DatastoreName, Date>> = {};
  private appliers: Applier[] = [];
  readonly queue = new SerialQueue();
  confirmed: ConfirmedCommit | null = null;
  events: DatastoreEvents = {};
  private historySeq = 0;
  /** bytes of the last running.xml written or read */
  private runningBytes = 0;
  private ahead: StagedAhead | null = null;
  private aheadTimer: NodeJS.Immediate | null = null;
  /**
   * A tree no one else holds, equal to running once caught up (see
   * copyOf): the running tree a commit replaced. `twinOf` is the running
   * tree it was last made equal to; `twinTimer` catches it up in the turn
   * after the commit.
   */
  private twin: DataNode | null = null;
  private twinOf: DataNode | null = null;
  /** the running tree the last commit replaced, until the twin timer looks at it */
  private retired: DataNode | null = null;
  private twinTimer: NodeJS.Immediate | null = null;
  /** trees read across turns of the event loop, and by how many readers (see hold) */
  private readonly readers = new WeakMap<DataNode, number>();

  /**
   * `journalBytes`: the commit journal's size (0: none, every commit
   * replaces running.xml durably, as a configuration too large for the
   * journal does).
   */
  constructor(ctx: SchemaContext, dir: string, opts: { journalBytes?: number } = {}) {
    this.ctx = ctx;
    this.dir = dir;
    this.journalBytes = opts.journalBytes ?? JOURNAL_BYTES;
    this.journalFile = path.join(dir, 'running.journal');
    this.runningFile = path.join(dir, 'running.xml');
    this.startupFile = path.join(dir, 'startup.xml');
    this.confirmFile = path.join(dir, 'confirmed-commit-rollback.xml');
    this.historyDir = path.join(dir, 'rollback');
    this.spareFile = path.join(dir, '.running.xml.spare');
    const empty = newTree(ctx);
    this.trees = { running: empty, candidate: clone(empty), startup: clone(empty) };
  }

  // the files' paths, made once (a commit uses several)
  readonly runningFile: string;
  /** the commit journal (see journal.ts), open from load() on */
  readonly journalFile: string;
  private readonly journalBytes: number;
  private journal: CommitJournal | null = null;
  /**
   * history entries linked to a running.xml written without a flush (a
   * journaled commit's): made durable by checkpoint()
   */
  private readonly undurable = new Set<number>();
  /**
   * a journaled commit's rename of running.xml failed (the commit stands:
   * its record is on disk): running.xml is behind running, written again
   * before a checkpoint says it is complete
   */
  private runningBehind = false;
  /**
   * a start after a crash could not write the history entries the journal
   * holds (no room): written before a checkpoint says the files are complete
   */
  private historyBehind = false;
  readonly startupFile: string;
  /**
   * The configuration before a confirmed commit that is not confirmed yet:
   * RFC 6241 8.4.1, a restart before the confirmation restores it.
   */
  readonly confirmFile: string;
  readonly historyDir: string;
  /**
   * The rollback entry pruned last, kept to be written over by the next
   * staged running.xml instead of creating a new file (see StagedFile).
   */
  readonly spareFile: string;

  /**
   * Read running (and startup) from the data directory. With neither file,
   * `factoryXml` becomes running and startup and is written. A file that
   * cannot be read, parsed or validated stops the start with its name.
   */
  load(factoryXml: string): { factory: boolean; confirmedCommitReverted: boolean; journalRecovered?: { seq: number; time: Date }; recoveryDeferred?: string } {
    fs.mkdirSync(this.historyDir, { recursive: true, mode: 0o700 });
    this.dropAhead();
    this.dropTwin();
    this.removeStaleStaged();
    this.historySeqs = null;
    this.undurable.clear();
    this.runningBehind = false;
    this.historyBehind = false;
    this.journal = null;
    let factory = false;
    let journalRecovered: { seq: number; time: Date } | undefined;
    /** why the files could not be written from the journal (a full or read-only file system) */
    let recoveryDeferred: string | undefined;
    /** the newest history entry the journal holds */
    let journalSeq = 0;
    let fileText = readIfExists(this.runningFile);
    if (this.journalBytes > 0) {
      const journal = (this.journal = new CommitJournal(this.journalFile, this.journalBytes, HISTORY_DEPTH + 1));
      // After a stop that was not clean (no checkpoint newest), running.xml and the history's
      // newest entries may be older than the journal, or torn: the journal has them.
      if (journal.records.length && journal.newestKind !== 'checkpoint') {
        const rec = recover(journal.records, fileText === undefined ? undefined : Buffer.from(fileText, 'utf8'));
        for (const r of sinceCheckpoint(journal.records)) if (r.kind === 'snapshot') journalSeq = Math.max(journalSeq, r.historySeq);
        try {
          this.materializeHistory(journal.records);
          // durable at once: the newest snapshot holds this content, so a crash meanwhile changes nothing
          if (rec.from === 'journal') writeFileAtomic(this.runningFile, rec.record.text);
        } catch (e) {
          // A file system with no room (or read-only): the journal keeps what could not be written,
          // and the start goes on from it (it needs no room); no checkpoint until it is written.
          if (!noRoom(e)) throw e;
          recoveryDeferred = (e as Error).message;
          this.runningBehind = rec.from === 'journal';
          this.historyBehind = true;
          this.historySeqs = null;
        }
        if (rec.from === 'journal') {
          fileText = rec.record.text.toString('utf8');
          journalRecovered = { seq: rec.record.historySeq, time: new Date(rec.record.time) };
        }
      }
    }
    // a confirmed commit was pending when the agent stopped: its configuration was never
    // confirmed, and the one before it is running again
    const rollbackText = readIfExists(this.confirmFile);
    const runningText = rollbackText ?? fileText;
    const startupText = readIfExists(this.startupFile);
    const seqs = this.historyFiles();
    if (runningText === undefined && seqs.length) {
      // Only a first start finds no running.xml (it writes running.xml before the first history
      // entry): with committed configurations kept, the file was removed or lost, and falling
      // back to startup.xml would drop every commit since the last copy-config to startup.
      const last = this.historyFile(seqs[seqs.length - 1]);
      throw new Error(
        `${this.runningFile}: missing, while ${this.historyDir} keeps ${seqs.length} committed configuration(s): ` +
          `copy the newest (${path.basename(last)}) to running.xml to restore the last commit, or remove ${this.historyDir} to start from startup.xml`,
      );
    }
    let running: DataNode;
    if (runningText !== undefined) running = this.parseFile(runningText, rollbackText !== undefined ? this.confirmFile : this.runningFile);
    else if (startupText !== undefined) running = this.parseFile(startupText, this.startupFile);
    else {
      running = this.parseFile(factoryXml, 'factory defaults');
      factory = true;
    }
    this.trees.running = running;
    this.runningBytes = runningText !== undefined ? runningText.length : startupText !== undefined ? startupText.length : factoryXml.length;
    // running read from startup.xml (no running.xml) is startup's tree already: not parsed twice
    this.trees.startup = startupText !== undefined && runningText !== undefined ? this.parseFile(startupText, this.startupFile) : clone(running);
    this.trees.candidate = running;
    this.candidateDirty = false;
    // (a history entry the journal holds and a full file system kept from being written counts)
    this.historySeq = Math.max(seqs.length ? seqs[seqs.length - 1] : 0, journalSeq);
    if (runningText === undefined) {
      const text = this.serialise(running);
      this.announce(text);
      writeFileAtomic(this.runningFile, text);
      if (startupText === undefined) writeFileAtomic(this.startupFile, text);
      this.writeHistory(running, 'copy', text);
    } else {
      if (rollbackText !== undefined) {
        // the configuration before the unconfirmed commit becomes running.xml by a rename,
        // which needs no room on the file system: a full disk does not keep the agent from
        // starting (a copy did)
        this.announce(rollbackText);
        fs.renameSync(this.confirmFile, this.runningFile);
        fsyncDir(this.dir);
        this.runningBehind = false;
      }
      // The history's link to the last commit is not fsynced: after a power cut it can be
      // missing while running.xml (renamed, directory fsynced) is there. Entry 0 must be
      // the active configuration, so running.xml becomes a new entry (as does a restored
      // one): a hard link to it, as after a commit (no data written, no room needed).
      // (not while running.xml is behind the journal: it is not the active configuration then)
      if (!this.runningBehind && readIfExists(this.historyFile(this.historySeq)) !== runningText) this.writeHistory(running, 'link', runningText);
    }
    if (recoveryDeferred === undefined) this.checkpoint();
    // what the records held is in the files now (unless a full disk kept it out: a checkpoint writes it)
    if (!this.historyBehind) this.journal?.forget();
    return { factory, confirmedCommitReverted: rollbackText !== undefined, journalRecovered, recoveryDeferred };
  }

  /**
   * A durable replacement of running.xml with `text` is coming: the
   * journal's barrier names it, so that a start after it takes running.xml
   * (once the rename is on disk) and not an older snapshot.
   */
  private announce(text: string | Buffer): void {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    this.journal?.append('barrier', { length: bytes.length, crc: crc32(bytes) });
  }

  /**
   * Make the last commit durable in running.xml itself (and the history
   * entries written without a flush), then say so in the journal: a start
   * after it reads running.xml, also one an operator replaced meanwhile.
   * At a clean stop, and at the end of a start. Synchronous: no commit runs
   * in between.
   */
  checkpoint(): void {
    const journal = this.journal;
    if (!journal || journal.newestKind === 'checkpoint') return;
    if (this.historyBehind) this.materializeHistory(journal.records);
    this.historyBehind = false;
    for (const seq of this.undurable) syncFile(this.historyFile(seq));
    fsyncDir(this.historyDir);
    // the newest snapshot holds this content: a crash meanwhile changes nothing
    if (this.runningBehind) writeFileAtomic(this.runningFile, this.serialise(this.trees.running));
    this.runningBehind = false;
    syncFile(this.runningFile);
    fsyncDir(this.dir);
    this.undurable.clear();
    // names no content: after it running.xml counts whatever it holds (see recover)
    journal.append('checkpoint', { length: 0, crc: 0 });
    journal.forget();
  }

  /**
   * At a clean stop: the checkpoint. The journal stays open: a commit still
   * under way (the stop's drain time over) may have staged its running.xml
   * without a flush, and its record after the checkpoint is what keeps it.
   */
  close(): void {
    this.checkpoint();
  }

  /**
   * The journal's snapshots since its newest checkpoint (which made the
   * entries before durable; older ones may name entries of a rollback/
   * removed since) still in the history (the newest HISTORY_DEPTH sequence
   * numbers) as files: written again (fsynced, with the commit's time) when
   * missing or different, otherwise fsynced at the checkpoint. An entry
   * beyond HISTORY_DEPTH was pruned before the crash, its rename to the
   * spare lost, and the spare's inode maybe written over since: removed.
   */
  private materializeHistory(records: readonly JournalRecord[]): void {
    const snaps = sinceCheckpoint(records).filter((r): r is JournalRecord & { text: Buffer } => r.kind === 'snapshot' && r.historySeq > 0);
    const files = this.historyFiles();
    const newest = Math.max(files.length ? files[files.length - 1] : 0, ...snaps.map((r) => r.historySeq));
    for (const seq of files) if (seq <= newest - HISTORY_DEPTH) fs.rmSync(this.historyFile(seq), { force: true });
    for (const r of snaps) {
      if (r.historySeq <= newest - HISTORY_DEPTH) continue;
      const file = this.historyFile(r.historySeq);
      let have: Buffer | undefined;
      try {
        have = fs.readFileSync(file);
      } catch {
        have = undefined;
      }
      if (have?.equals(r.text)) {
        this.undurable.add(r.historySeq);
        continue;
      }
      writeFileAtomic(file, r.text);
      fs.utimesSync(file, r.time / 1000, r.time / 1000);
    }
    this.historySeqs = null;
  }

  /** The confirmed commit is over (confirmed, cancelled, timed out): nothing to restore at a restart. */
  private dropConfirmFile(): void {
    fs.rmSync(this.confirmFile, { force: true });
    fsyncDir(this.dir);
  }

  private parseFile(text: string, file: string): DataNode {
    // An empty file (a truncation, an editor's mistake) would parse as an empty configuration
    // and start with no users, no NACM rules and no mirrors: refused like any corrupt file.
    // The agent's files always hold the <config> element, an empty configuration included.
    if (!/\S/.test(text)) throw new Error(`${file}: empty file: the agent's files always hold a <config> element; restore it from ${this.historyDir}`);
    let tree: DataNode;
    try {
      tree = parseXml(this.ctx, text, { type: 'config', file, unwrap: true });
    } catch (e) {
      // the parser's messages name the file already (file:line: ...)
      const msg = (e as Error).message;
      throw new Error(msg.startsWith(`${file}:`) ? msg : `${file}: ${msg}`);
    }
    const errors = validate(this.ctx, tree, { type: 'config' });
    if (errors.length) throw new Error(`${file}: invalid configuration: ${errors[0].message}${errors[0].path ? ` (${errors[0].path})` : ''}`);
    return tree;
  }

  serialise(tree: DataNode): string {
    return `${CONFIG_HEAD}${toXml(tree, { withDefaults: 'explicit' })}${CONFIG_TAIL}`;
  }

  /**
   * serialise() as the UTF-8 bytes of the file, made without building the
   * string: valid until the next call (see toXmlBytes), so staged at once.
   */
  private serialiseFile(tree: DataNode): Buffer {
    return toXmlBytes(tree, { withDefaults: 'explicit', head: CONFIG_HEAD, tail: CONFIG_TAIL });
  }

  get(name: DatastoreName): DataNode {
    return this.trees[name];
  }

  /**
   * A copy of a datastore's tree for the caller to change and store (set,
   * commitDirect) or drop. When that tree is running (a candidate with no
   * edit since the last commit is), the copy is the twin: the tree the last
   * commit replaced, made equal to running in place (syncTree), so an edit
   * allocates only what it changes instead of a copy of the configuration.
   */
  copyOf(name: DatastoreName): DataNode {
    const tree = this.trees[name];
    if (tree !== this.trees.running) return clone(tree);
    this.adoptRetired();
    const twin = this.twin;
    if (!twin) return clone(tree);
    this.twin = null;
    if (this.twinOf !== tree) syncTree(twin, tree);
    this.twinOf = null;
    return twin;
  }

  /**
   * A reader that reads a stored tree across turns of the event loop (a
   * big reply, sent as the client reads it) holds it meanwhile: the tree is
   * then never made the twin (changed in place). Returns the release; a
   * hold never released ends with the tree.
   */
  hold(tree: DataNode): () => void {
    this.readers.set(tree, (this.readers.get(tree) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = this.readers.get(tree)! - 1;
      if (n > 0) this.readers.set(tree, n);
      else this.readers.delete(tree);
    };
  }

  /**
   * After a commit: the running tree it replaced becomes the twin in the
   * next turn of the event loop (after the reply is sent), once nothing
   * here holds it any more (the candidate, startup, a confirmed commit's
   * rollback, a staged file, a reader: see hold). Every other reader of a
   * stored tree reads it in one turn, or inside the datastore's queue,
   * which the commit held.
   */
  private retire(old: DataNode): void {
    if (this.twin || this.retired) return; // one twin is enough: the old tree is garbage
    this.retired = old;
    this.twinTimer = setImmediate(() => this.adoptRetired());
  }

  /** The retired tree made the twin (in its timer, or now when an edit comes first). */
  private adoptRetired(): void {
    const old = this.retired;
    if (this.twinTimer) clearImmediate(this.twinTimer);
    this.twinTimer = null;
    this.retired = null;
    if (!old || this.twin) return;
    const held =
      old === this.trees.running ||
      old === this.trees.candidate ||
      old === this.trees.startup ||
      old === this.confirmed?.rollbackTo ||
      old === this.ahead?.tree ||
      this.readers.has(old);
    if (held) return;
    // A new root: caches keyed by a tree's root (NACM's rules of a running tree) never see
    // this one changed, and whatever still held the old root finds it empty, not changed.
    const root = new DataNode(old.schema);
    root.children = old.children;
    for (const c of root.children) c.parent = root;
    root.index = old.index;
    old.children = [];
    old.index = undefined;
    syncTree(root, this.trees.running);
    this.twin = root;
    this.twinOf = this.trees.running;
  }

  private dropTwin(): void {
    if (this.twinTimer) clearImmediate(this.twinTimer);
    this.twinTimer = null;
    this.retired = null;
    this.twin = null;
    this.twinOf = null;
  }

  /**
   * Replace a whole datastore (edit-config result, copy-config, discard-changes). Not for running: use commit.
   * The tree gains its default nodes, those whose `when` holds (RFC 6243: report-all reports the
   * defaults of what an edit created, or of a leaf it deleted, before any commit validates the
   * candidate); it is the caller's new tree, which no reader holds yet.
   */
  set(name: 'candidate' | 'startup', tree: DataNode): void {
    transformForWrite(tree);
    addDefaults(this.ctx, tree, { type: 'config', whens: true });
    // startup is stored once its file is written: a write that fails (a full disk) changes nothing
    if (name === 'startup') writeFileAtomic(this.startupFile, this.serialise(tree));
    this.trees[name] = tree;
    if (name === 'candidate') {
      this.candidateDirty = true;
      this.scheduleAhead();
    }
  }

  discardChanges(): void {
    this.dropAhead();
    this.trees.candidate = this.trees.running;
    this.candidateDirty = false;
  }

  register(applier: Applier): void {
    this.appliers.push(applier);
  }

  // ---- locks (RFC 6241 7.5, 7.6) ----
  lockOwner(name: DatastoreName): number | undefined {
    return this.locks[name];
  }

  lock(name: DatastoreName, sessionId: number): void {
    const owner = this.locks[name];
    if (owner !== undefined) {
      throw new AgentError('lock-denied', owner === sessionId ? 'Lock already held by this session.' : 'Lock is already held by another session.', {
        type: 'protocol',
        info: { 'session-id': String(owner) },
      });
    }
    if (name === 'candidate' && this.candidateDirty) {
      throw new AgentError('lock-denied', 'The candidate has uncommitted changes; commit or discard them first.', {
        type: 'protocol',
        info: { 'session-id': '0' },
      });
    }
    // RFC 6241 7.5: refused when *another* session has an ongoing confirmed commit; error-info
    // names that session (0 once it has gone: a persistent confirmed commit no session holds)
    if (name === 'running' && this.confirmed && this.confirmed.by !== sessionId) {
      const by = this.confirmed.by;
      throw new AgentError('lock-denied', by === undefined ? 'A persistent confirmed commit is pending.' : `A confirmed commit of session ${by} is pending.`, {
        type: 'protocol',
        info: { 'session-id': String(by ?? 0) },
      });
    }
    this.locks[name] = sessionId;
    this.lockTimes[name] = new Date();
  }

  lockTime(name: DatastoreName): Date | undefined {
    return this.locks[name] === undefined ? undefined : this.lockTimes[name];
  }

  unlock(name: DatastoreName, sessionId: number): void {
    const owner = this.locks[name];
    if (owner !== sessionId) {
      throw new AgentError('operation-failed', owner === undefined ? 'The datastore is not locked.' : 'The lock is held by another session.', {
        type: 'protocol',
        info: owner === undefined ? undefined : { 'session-id': String(owner) },
      });
    }
    delete this.locks[name];
    // RFC 6241 7.6: releasing a candidate lock held while it was modified discards the changes
    if (name === 'candidate' && this.candidateDirty) this.discardChanges();
  }

  /**
   * Release everything a closing session held (RFC 6241 7.5: its candidate changes are discarded).
   * True when its non-persistent confirmed commit is being rolled back (RFC 6241 8.4.1).
   */
  sessionGone(sessionId: number, user?: string): boolean {
    for (const name of Object.keys(this.locks) as DatastoreName[]) {
      if (this.locks[name] === sessionId) {
        delete this.locks[name];
        if (name === 'candidate' && this.candidateDirty) this.discardChanges();
      }
    }
    if (this.confirmed?.by === sessionId) this.confirmed.by = undefined;
    if (this.confirmed && this.confirmed.sessionId === sessionId && this.confirmed.persistId === undefined) {
      this.revertInBackground('session closed', { kind: 'session-closed', user, sessionId });
      return true;
    }
    return false;
  }

  /** Throws in-use when `name` is locked by a session other than `sessionId`. */
  checkWritable(name: DatastoreName, sessionId: number | undefined): void {
    const owner = this.locks[name];
    if (owner !== undefined && owner !== sessionId) {
      throw new AgentError('in-use', `The ${name} datastore is locked by session ${owner}.`, {
        type: 'protocol',
        info: { 'session-id': String(owner) },
      });
    }
  }

  // ---- commit ----
  /**
   * Make `next` the running configuration through the two-phase
   * transaction. Must be called from inside `queue.run`. Throws when the
   * commit did not take effect; returns the appliers' errors when it did
   * while one of them failed to apply it (for the caller to report once
   * it has finished its own steps).
   */
  private async commitTree(next: DataNode, origin: Origin, ahead?: StagedAhead, journal?: ValidationJournal): Promise<CommittedWithErrors | undefined> {
    // A large new running.xml (judged by the last one) is written first and fsynced on the
    // thread pool while validation, the diff and the appliers' validate and prepare run here;
    // a small one is written and fsynced at the commit point (see StagedFile). The rename
    // after prepare is the commit point, and a refused or empty commit drops the file. It
    // can be serialised before validation: validation only adds and removes default nodes (no
    // auto-deletion of explicit ones here), which the file (with-defaults explicit) leaves out.
    transformForWrite(next);
    // `ahead`: the same file, staged when `next` (or the tree it is a copy of) became the candidate
    let staged: Staged | undefined = ahead?.staged;
    const stageNow = (): Staged => this.stage(this.serialiseFile(next));
    let stageFailed = false;
    let stageError: unknown;
    if (!staged && this.runningBytes > SMALL_RUNNING_BYTES) {
      try {
        staged = stageNow();
      } catch (e) {
        stageFailed = true;
        stageError = e; // reported at the commit point, after the appliers prepared
      }
    }
    try {
      const errors = validate(this.ctx, next, { type: 'config', journal });
      if (errors.length) throw errors.length === 1 ? errors[0] : new ErrorList(errors);
      const before = this.trees.running;
      // both trees come from the parsers and edits, which refuse two siblings with one key
      const cs: ChangeSet = { before, after: next, changes: diff(before, next, { unique: true }), origin };
      // A leaf set to its default, or such a setting deleted, is a change here (explicitOnly:
      // with-defaults basic mode explicit), so that commit is installed and written; the
      // appliers that act on values see the same values and have nothing to do.
      if (cs.changes.length === 0) return undefined;
      const failures = await runTransaction(this.appliers, cs, async () => {
        if (stageFailed) throw stageError;
        staged ??= stageNow();
        await this.install(staged, next);
      });
      this.trees.running = next;
      this.runningBytes = staged!.bytes;
      this.retire(before);
      this.events.onCommitted?.(cs);
      return failures.length ? new CommittedWithErrors(failures) : undefined;
    } finally {
      staged?.file.discard(); // unless installed
    }
  }

  /**
   * The commit point. A journaled configuration: its snapshot record on
   * disk (one flush), then running.xml renamed over without a flush. A
   * larger one: the journal's barrier, then the rename and the directory
   * fsync, with the history's link and the pruned entry moved to the spare
   * (the spare's next fdatasync is then the data alone).
   */
  private async install(s: Staged, tree: DataNode): Promise<void> {
    const journal = this.journal;
    if (s.text && journal) {
      journal.append('snapshot', { text: s.text, historySeq: this.historySeq + 1 });
      try {
        await s.file.install(() => this.writeHistory(tree, 'link'));
        this.undurable.add(this.historySeq);
        this.runningBehind = false;
      } catch {
        this.runningBehind = true;
        // committed (the record is on disk; a start takes it over running.xml): the history
        // entry is written from the record's text instead of a link to running.xml
        try {
          this.writeHistory(tree, 'copy', s.text.toString('utf8'));
        } catch {
          /* the journal keeps it until the next start makes it a file */
        }
      }
      return;
    }
    journal?.append('barrier', { length: s.bytes, crc: s.crc });
    await s.file.install(() => this.writeHistory(tree, 'link'));
    this.runningBehind = false;
  }

  /**
   * Write running directly (edit-config or copy-config with target
   * running); the candidate follows it, also when the commit took effect
   * with an applier's error.
   */
  async commitDirect(tree: DataNode, origin: Origin): Promise<void> {
    const applyErrors = await this.commitTree(tree, origin);
    this.discardChanges();
    if (applyErrors) throw applyErrors;
  }

  /** <commit> of the candidate (with the confirmed-commit options). */
  async commit(
    origin: Origin,
    opts: { confirmed?: boolean; timeoutSec?: number; persist?: string; persistId?: string } = {},
  ): Promise<void> {
    const sessionId = origin.sessionId;
    const pending = this.confirmed;
    if (pending && opts.persistId === undefined && pending.persistId !== undefined) {
      // RFC 6241 8.4.5.1: a persistent confirmed commit is confirmed only with its persist-id
      throw new AgentError('invalid-value', 'A persistent confirmed commit is pending: give its persist-id.', { type: 'protocol' });
    }
    if (opts.persistId !== undefined && (!pending || pending.persistId !== opts.persistId)) {
      throw new AgentError('invalid-value', 'No confirmed commit with that persist-id is pending.', {
        type: 'protocol',
        info: { 'bad-element': 'persist-id' },
      });
    }
    if (pending && pending.persistId === undefined && pending.sessionId !== sessionId && opts.persistId === undefined) {
      throw new AgentError('in-use', `A confirmed commit of session ${pending.sessionId} is pending.`, {
        type: 'protocol',
        info: { 'session-id': String(pending.sessionId ?? 0) },
      });
    }
    const rollbackTo = pending ? pending.rollbackTo : this.trees.running;
    let applyErrors: CommittedWithErrors | undefined;
    // RFC 6241 8.4.1: a restart before the confirming commit restores the configuration before the
    // confirmed one, so that configuration is on disk before the confirmed commit takes effect
    // (the file is there exactly while a confirmed commit is pending)
    const marking = opts.confirmed === true && !pending;
    if (marking) writeFileAtomic(this.confirmFile, this.serialise(rollbackTo));
    // a candidate that is the running tree itself (nothing edited since) changes nothing
    if (this.trees.candidate !== this.trees.running) {
      // The candidate itself becomes running (no copy): validation adds its default nodes
      // in place, and a commit that fails puts them back out (undoValidation), so the
      // candidate stays as it was.
      const cand = this.trees.candidate;
      const ahead = this.takeAhead(cand);
      const journal: ValidationJournal = [];
      try {
        applyErrors = await this.commitTree(cand, origin, ahead, journal); // committed: reported once finished
      } catch (e) {
        if (this.trees.running !== cand) undoValidation(journal);
        if (marking) this.dropConfirmFile();
        throw e;
      }
    }
    this.dropAhead();
    this.candidateDirty = false;
    this.trees.candidate = this.trees.running;
    if (pending) clearTimeout(pending.timer);
    if (opts.confirmed) {
      const timeoutSec = opts.timeoutSec ?? 600;
      this.confirmed = {
        sessionId: opts.persist === undefined ? sessionId : undefined,
        persistId: opts.persist,
        by: sessionId,
        deadline: Date.now() + timeoutSec * 1000,
        rollbackTo,
        timer: setTimeout(() => this.revertInBackground('timeout'), timeoutSec * 1000),
      };
      this.confirmed.timer.unref?.();
      this.events.onConfirmedCommit?.(pending ? 'extend' : 'start', { sessionId, timeout: timeoutSec });
    } else {
      this.confirmed = null;
      if (pending) {
        this.dropConfirmFile();
        this.events.onConfirmedCommit?.('complete', { sessionId });
      }
    }
    if (applyErrors) throw applyErrors;
  }

  /** <cancel-commit> */
  async cancelCommit(sessionId: number, persistId?: string, user?: string): Promise<void> {
    const pending = this.confirmed;
    if (!pending) throw new AgentError('operation-failed', 'No confirmed commit is pending.', { type: 'protocol' });
    if (pending.persistId !== undefined) {
      if (persistId !== pending.persistId) {
        throw new AgentError('invalid-value', 'The persist-id does not match the pending confirmed commit.', {
          type: 'protocol',
          info: { 'bad-element': 'persist-id' },
        });
      }
    } else if (pending.sessionId !== sessionId) {
      throw new AgentError('operation-failed', 'The pending confirmed commit belongs to another session.', { type: 'protocol' });
    }
    await this.revertConfirmed('cancel', { kind: 'cancel-commit', user, sessionId });
  }

  /**
   * The confirmed commit's rollback when no request waits for it (timer, closed session): a failure goes to events.
   * `origin` is what the audit log and netconf-config-change record as its cause.
   */
  private revertInBackground(why: 'timeout' | 'session closed', origin: Origin = { kind: 'timer' }): void {
    this.queue.run(() => this.revertConfirmed(why, origin)).catch((e: Error) => this.events.onBackgroundError?.(`confirmed-commit rollback (${why})`, e));
  }

  private async revertConfirmed(why: 'timeout' | 'cancel' | 'session closed', origin: Origin): Promise<void> {
    const pending = this.confirmed;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.confirmed = null;
    let applyErrors: CommittedWithErrors | undefined; // rolled back: reported once finished
    try {
      applyErrors = await this.commitTree(clone(pending.rollbackTo), origin);
    } catch (e) {
      // not rolled back (a full disk, an applier refusing): still pending. A cancel-commit that
      // failed keeps its deadline; a rollback nobody waits for is tried again shortly.
      this.confirmed = pending;
      const wait = why === 'cancel' ? Math.max(0, pending.deadline - Date.now()) : Datastore.revertRetryMs;
      pending.timer = setTimeout(() => (why === 'session closed' ? this.revertInBackground(why, origin) : this.revertInBackground('timeout')), wait);
      pending.timer.unref?.();
      throw e;
    }
    this.dropConfirmFile();
    this.dropAhead();
    this.trees.candidate = this.trees.running;
    this.candidateDirty = false;
    // RFC 6470: a session that ends cancels its confirmed commit ('cancel'); only the timer's is 'timeout'
    this.events.onConfirmedCommit?.(why === 'timeout' ? 'timeout' : 'cancel', { sessionId: why === 'timeout' ? undefined : origin.sessionId });
    if (applyErrors) throw applyErrors;
  }

  // ---- history (Junos rollback N) ----
  /** history entries whose file is still being written (seq -> text) */
  private historyPending = new Map<number, string>();
  /** sequence numbers of the kept history files, oldest first (read from the directory once) */
  private historySeqs: number[] | null = null;

  /** The history's sequence numbers, oldest first (the datastore's own array: copy it to change it). */
  private historyFiles(): number[] {
    if (this.historySeqs === null) {
      let names: string[] = [];
      try {
        names = fs.readdirSync(this.historyDir);
      } catch {
        names = [];
      }
      this.historySeqs = names
        .map((n) => /^(\d+)\.xml$/.exec(n))
        .filter((m): m is RegExpExecArray => !!m)
        .map((m) => Number(m[1]))
        .sort((a, b) => a - b);
    }
    return this.historySeqs;
  }

  private historyFile(seq: number): string {
    return `${this.historyDir}${path.sep}${String(seq).padStart(10, '0')}.xml`;
  }

  /**
   * Keep `tree` (the configuration just made running; `text`, its file,
   * when the caller has it) as history entry N+1, and forget the entries
   * beyond HISTORY_DEPTH.
   * 'copy' writes the entry as a file of its own (fsynced: at a start).
   * 'link', after a commit: running.xml already holds exactly this text,
   * fsynced, so the entry is a hard link to it (running.xml is always
   * replaced by rename, so the linked inode never changes), which costs no
   * second data write; the last entry forgotten is moved aside as the next
   * staged file's spare, the others unlinked. Link, rename and unlinks are
   * short synchronous calls: on the thread pool, the two wake-ups of each
   * round trip cost more (see StagedFile).
   */
  private writeHistory(tree: DataNode, how: 'copy' | 'link', text?: string): void {
    const seqs = this.historyFiles();
    const seq = ++this.historySeq;
    const file = this.historyFile(seq);
    seqs.push(seq);
    if (how === 'copy') writeFileAtomic(file, text ?? this.serialise(tree));
    else {
      try {
        fs.linkSync(this.runningFile, file);
      } catch {
        // no hard links here (or a stale file): a copy, readable from memory until it is there
        text ??= readIfExists(this.runningFile) ?? this.serialise(tree);
        this.historyPending.set(seq, text);
        const settle = (): void => {
          this.historyPending.delete(seq);
        };
        writeFileAtomicAsync(file, text).then(settle, settle);
      }
    }
    const drop = seqs.length > HISTORY_DEPTH ? seqs.splice(0, seqs.length - HISTORY_DEPTH) : [];
    for (const [i, old] of drop.entries()) {
      this.historyPending.delete(old);
      this.undurable.delete(old);
      const gone = this.historyFile(old);
      try {
        if (how === 'link' && i === drop.length - 1) fs.renameSync(gone, this.spareFile);
        else fs.unlinkSync(gone);
      } catch {
        /* gone already */
      }
    }
  }

  /** Committed configurations, newest first: index 0 is the active one. */
  history(): { index: number; seq: number; time: Date }[] {
    const seqs = [...this.historyFiles()].reverse();
    return seqs.map((seq, index) => {
      if (this.historyPending.has(seq)) return { index, seq, time: new Date() };
      let time: Date;
      try {
        time = fs.statSync(this.historyFile(seq)).mtime;
      } catch {
        time = new Date(0); // pruned meanwhile
      }
      return { index, seq, time };
    });
  }

  /** Load committed configuration N (0 = active) into the candidate. */
  rollbackToCandidate(n: number): void {
    const seqs = [...this.historyFiles()].reverse();
    if (!Number.isInteger(n) || n < 0 || n >= seqs.length) {
      throw new AgentError('invalid-value', `No committed configuration ${n}: ${seqs.length} are kept (0..${seqs.length - 1}).`, {
        info: { 'bad-element': 'rollback' },
      });
    }
    const file = this.historyFile(seqs[n]);
    const text = this.historyPending.get(seqs[n]) ?? fs.readFileSync(file, 'utf8');
    this.trees.candidate = this.parseFile(text, file);
    this.candidateDirty = true;
    this.scheduleAhead();
  }

  // ---- the candidate staged ahead of its commit ----
  /**
   * A commit's wall time is mostly the disk: the new running.xml's
   * fdatasync, then rename and directory fsync. When the candidate becomes
   * a new (small) tree, its serialisation is written to a staged file in
   * the next turn of the event loop (after the edit's reply is sent) and
   * its fdatasync started, so that it proceeds while the client reads the
   * reply and sends <commit>. A commit of that same tree installs that file
   * (rename, directory fsync: the commit point, as before); any other
   * change of the candidate drops it. Stored trees are never changed in
   * place, so the tree's identity tells that the text is still its own.
   */
  private scheduleAhead(): void {
    this.dropAhead();
    if (this.runningBytes > SMALL_RUNNING_BYTES) return;
    this.aheadTimer = setImmediate(() => {
      this.aheadTimer = null;
      const tree = this.trees.candidate;
      if (!this.candidateDirty || tree === this.trees.running) return;
      try {
        this.ahead = { tree, staged: this.stage(this.serialiseFile(tree)) };
      } catch {
        // the commit stages its own file and reports what fails then
      }
    });
  }

  /**
   * A new running.xml, staged (written over the spare when there is one):
   * without a flush when the journal will hold it (`data` is copied then:
   * the serialiser's buffer is reused by its next call).
   */
  private stage(data: Buffer): Staged {
    const journaled = this.journal !== null && data.length <= this.journal.maxPayload;
    const text = journaled ? Buffer.from(data) : undefined;
    const crc = this.journal && !journaled ? crc32(data) : 0;
    const file = new StagedFile(this.runningFile, text ?? data, { spare: this.spareFile, syncNow: data.length <= SMALL_RUNNING_BYTES, durable: !journaled });
    return { file, bytes: data.length, crc, text };
  }

  /** The staged file of `tree`, handed over to its commit; null when there is none. */
  private takeAhead(tree: DataNode): StagedAhead | undefined {
    const a = this.ahead;
    if (!a || a.tree !== tree) return undefined;
    this.ahead = null;
    return a;
  }

  private dropAhead(): void {
    if (this.aheadTimer) clearImmediate(this.aheadTimer);
    this.aheadTimer = null;
    this.ahead?.staged.file.discard();
    this.ahead = null;
  }

  /**
   * Temporary files left by an agent that stopped before renaming them
   * (`.NAME.PID[.N].tmp` of writeFileAtomic and StagedFile: running.xml,
   * startup.xml, the confirmed commit's file, history entries and, through
   * removeStaleTemporaries, the mirror state), and the spare. Up to the
   * size of the configuration each; only the agent holding the directory's
   * lock writes them, so at a start none is in use.
   */
  private removeStaleStaged(): void {
    removeStaleTemporaries(this.dir);
    removeStaleTemporaries(this.historyDir);
    fs.rmSync(this.spareFile, { force: true });
  }
}

