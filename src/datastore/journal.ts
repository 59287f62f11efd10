/**
 * The commit journal: a file of fixed size, written full of zeros once, in
 * which each commit of a small configuration appends one record (the whole
 * new running.xml) and fdatasyncs it. That one flush is the commit point:
 * the blocks were written before, so it is the data and a cache flush, no
 * metadata. running.xml itself is then replaced without a flush (renamed
 * over, so readers always see the last commit), and becomes durable at the
 * next checkpoint; a start after a crash takes the newest record.
 *
 * A replacement of running.xml that is durable itself (a configuration too
 * large for a record, a start's own writes) is announced by a barrier
 * record naming its content (length and CRC-32) before the rename: a start
 * that finds the barrier newest reads running.xml if it holds that content,
 * and otherwise (the rename never reached the disk) the record before it.
 * A checkpoint's barrier (clean stop) says running.xml is complete: when
 * running.xml differs from it, an operator replaced the file while the
 * agent was stopped, and running.xml wins.
 *
 * Records start on 4 KiB boundaries and go round the file. A snapshot is
 * small enough that the records of the newest `keep` commits (the rollback
 * history's, whose files are written without a flush too) are never
 * written over: each commit adds its snapshot or barrier, and at most one
 * checkpoint or start-up barrier (one block each) comes between two
 * commits, and going round wastes less than a snapshot at the end of the
 * file. A record torn by a power cut fails its CRC, so the one before it
 * is the newest. Layout of a record's 64-byte header, little-endian:
 *
 *   0  magic F7 4A 9C 01 (0xF7 never occurs in UTF-8 text)
 *   4  CRC-32 of bytes 8..63
 *   8  journal sequence number (u32, grows by one per record)
 *  12  kind: 1 snapshot, 2 barrier before a rename, 3 checkpoint barrier
 *  16  payload length (snapshot) or running.xml's length (barrier)
 *  20  CRC-32 of the payload (snapshot) or of running.xml (barrier)
 *  24  the history entry's sequence number (snapshot), else 0
 *  28  reserved (0)
 *  32  time of the commit, ms since 1970 (f64)
 *  40  reserved (0) up to 64, then the payload
 */
import * as fs from 'fs';
import { crc32 } from 'zlib';
import { writeFileAtomic } from './persist';

export const JOURNAL_BYTES = 8 * 1024 * 1024;
const BLOCK = 4096;
const HEADER = 64;
const MAGIC = 0x019c4af7; // bytes F7 4A 9C 01

export type RecordKind = 'snapshot' | 'barrier' | 'checkpoint';
const KIND_CODE: Record<RecordKind, number> = { snapshot: 1, barrier: 2, checkpoint: 3 };
const CODE_KIND: Record<number, RecordKind> = { 1: 'snapshot', 2: 'barrier', 3: 'checkpoint' };

export interface JournalRecord {
  kind: RecordKind;
  seq: number;
  /** the payload's or running.xml's length and CRC-32 */
  length: number;
  crc: number;
  historySeq: number;
  time: number;
  /** a snapshot's running.xml */
  text?: Buffer;
}

/** What a start takes as the running configuration's file, given the journal and running.xml. */
export type Recovered =
  | { from: 'file' }
  | { from: 'journal'; record: JournalRecord & { text: Buffer } };

const roundUp = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;

export class CommitJournal {
  /** where the next record goes */
  private next = 0;
  private seq = 0;
  /**
   * the records as read at open (oldest first); a start lets them go
   * (forget) once they are in the files: snapshots of up to 8 MiB
   */
  records: JournalRecord[];
  /** the newest record's kind (undefined: none yet) */
  newestKind: RecordKind | undefined;
  /** the file was made by the constructor (none was there) */
  readonly created: boolean = false;
  /**
   * the file has another size (made by another build): its records are
   * read, and it is made again at the first append, once the start that
   * read them has made what they hold durable (see append)
   */
  private remake = false;
  /** a record's header, reused by each append (all its fields written each time; the reserved bytes stay zero) */
  private readonly header = Buffer.alloc(HEADER);

  /**
   * Open `file`, creating it (zeros, on disk with its directory entry) when
   * it is missing, and read its valid records. A symbolic
   * link or anything but a regular file is refused with one line naming it
   * (never opened blocking: a FIFO would hang the start).
   */
  constructor(
    readonly file: string,
    readonly bytes = JOURNAL_BYTES,
    readonly keep = 51,
  ) {
    let data: Buffer | undefined;
    let fd: number | undefined;
    try {
      fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw new Error(`${file}: a symbolic link: the commit journal must be a regular file of the data directory`);
      if (code !== 'ENOENT') throw e;
    }
    if (fd !== undefined) {
      try {
        const st = fs.fstatSync(fd);
        if (!st.isFile()) throw new Error(`${file}: not a regular file: the commit journal must be a regular file of the data directory`);
        data = fs.readFileSync(fd);
        this.remake = data.length !== bytes;
      } finally {
        fs.closeSync(fd);
      }
    } else {
      createZeroed(file, bytes);
      data = Buffer.alloc(0);
      this.created = true;
    }
    this.records = scan(data);
    const newest = this.records[this.records.length - 1];
    this.newestKind = newest?.kind;
    if (newest) {
      this.seq = newest.seq;
      this.next = (newest as JournalRecord & { offset: number }).offset + roundUp(HEADER + (newest.kind === 'snapshot' ? newest.length : 0));
    }
  }

  /** The records read at open are not needed any more (what they hold is in the files). */
  forget(): void {
    this.records = [];
  }

  /**
   * The largest configuration a snapshot record holds: `keep` commits of
   * R blocks and two more blocks each, and R blocks lost at the wrap, fit
   * in the file (8 MiB, keep 51: 37 blocks, 151,488 bytes less the header).
   */
  get maxPayload(): number {
    const blocks = Math.floor((this.bytes / BLOCK - 2 * this.keep) / (this.keep + 1));
    return Math.max(0, blocks * BLOCK - HEADER);
  }

  /**
   * Append a record and fdatasync it: when this returns, it is on disk.
   * A snapshot carries `text`; a barrier names running.xml's length and CRC.
   */
  append(kind: RecordKind, rec: { text?: Buffer; length?: number; crc?: number; historySeq?: number; time?: number }): void {
    const text = kind === 'snapshot' ? rec.text! : undefined;
    if (text && text.length > this.maxPayload) throw new Error(`${this.file}: a record of ${text.length} bytes does not fit (at most ${this.maxPayload})`);
    const size = roundUp(HEADER + (text?.length ?? 0));
    if (this.remake) {
      // The first append of a start that found a file of another size (the load's checkpoint,
      // after the running.xml and history its records held are durable, or a commit's record):
      // the records read are not needed any more
      createZeroed(this.file, this.bytes);
      this.remake = false;
      this.next = 0;
    }
    if (this.next + size > this.bytes) this.next = 0;
    const h = this.header;
    h.writeUInt32LE(MAGIC, 0);
    h.writeUInt32LE((this.seq + 1) >>> 0, 8);
    h.writeUInt32LE(KIND_CODE[kind], 12);
    h.writeUInt32LE(text ? text.length : rec.length!, 16);
    h.writeUInt32LE(text ? crc32(text) : rec.crc!, 20);
    h.writeUInt32LE(rec.historySeq ?? 0, 24);
    h.writeDoubleLE(rec.time ?? Date.now(), 32);
    h.writeUInt32LE(crc32(h.subarray(8)), 4);
    const bufs = text ? [h, text] : [h];
    const total = HEADER + (text?.length ?? 0);
    // opened for each record, not held: a file system with a file open for writing cannot be
    // remounted read-only, and the open costs microseconds beside the flush
    const fd = fs.openSync(this.file, fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW);
    try {
      let done = 0;
      while (done < total) {
        // a short write (rare) goes on from where it stopped
        const rest = done === 0 ? bufs : [Buffer.concat(bufs).subarray(done)];
        done += fs.writevSync(fd, rest, this.next + done);
      }
      fs.fdatasyncSync(fd);
    } catch (e) {
      // The commit fails; its record may still reach the disk (a write that went through, an
      // fdatasync that failed): its header is zeroed, as far as the disk lets it be, so that a
      // start does not take a commit that was answered as failed. The next record takes its place.
      try {
        fs.writeSync(fd, Buffer.alloc(HEADER), 0, HEADER, this.next);
        fs.fdatasyncSync(fd);
      } catch {
        /* the disk refuses: the next record written here replaces it */
      }
      (e as NodeJS.ErrnoException).path ??= this.file;
      throw e;
    } finally {
      fs.closeSync(fd);
    }
    this.seq = (this.seq + 1) >>> 0;
    this.next += size;
    this.newestKind = kind;
  }

}

/**
 * A new journal file of `bytes` zeros, on disk with its directory entry
 * (written whole: blocks that were only allocated would make each
 * record's fdatasync convert them, metadata included).
 */
function createZeroed(file: string, bytes: number): void {
  writeFileAtomic(file, Buffer.alloc(bytes));
}

/** The valid records of a journal's content, oldest first (by sequence number, which wraps). */
function scan(data: Buffer): (JournalRecord & { offset: number })[] {
  const found: (JournalRecord & { offset: number })[] = [];
  for (let off = 0; off + HEADER <= data.length; off += BLOCK) {
    if (data.readUInt32LE(off) !== MAGIC) continue;
    const h = data.subarray(off, off + HEADER);
    if (crc32(h.subarray(8)) !== h.readUInt32LE(4)) continue;
    const kind = CODE_KIND[h.readUInt32LE(12)];
    if (!kind) continue;
    const length = h.readUInt32LE(16);
    const crc = h.readUInt32LE(20);
    let text: Buffer | undefined;
    if (kind === 'snapshot') {
      if (off + HEADER + length > data.length) continue;
      text = Buffer.from(data.subarray(off + HEADER, off + HEADER + length));
      if (crc32(text) !== crc) continue; // torn by a power cut
    }
    found.push({ kind, seq: h.readUInt32LE(8), length, crc, historySeq: h.readUInt32LE(24), time: h.readDoubleLE(32), text, offset: off });
  }
  if (found.length === 0) return found;
  // Sequence numbers grow by one per record and wrap at 2^32: the newest is the one whose
  // successor is missing, found by the largest gap in the circular order
  found.sort((a, b) => a.seq - b.seq);
  let cut = 0;
  let widest = -1;
  for (let i = 0; i < found.length; i++) {
    const a = found[i].seq;
    const b = found[(i + 1) % found.length].seq;
    const gap = (b - a + 2 ** 32) % 2 ** 32;
    if (gap > widest) {
      widest = gap;
      cut = (i + 1) % found.length;
    }
  }
  return [...found.slice(cut), ...found.slice(0, cut)];
}

/**
 * Which file a start reads: the newest snapshot unless a barrier newer
 * than it names running.xml's content (`file`: running.xml's bytes, or
 * undefined when it is missing). A checkpoint barrier newest means
 * running.xml is authoritative whatever it holds.
 */
export function recover(records: readonly JournalRecord[], file: Buffer | undefined): Recovered {
  const fileCrc = file === undefined ? undefined : crc32(file);
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i];
    if (r.kind === 'checkpoint') return { from: 'file' };
    if (r.kind === 'snapshot') {
      if (file !== undefined && r.length === file.length && r.crc === fileCrc) return { from: 'file' };
      return { from: 'journal', record: r as JournalRecord & { text: Buffer } };
    }
    // a barrier: running.xml was being replaced by this content; when it does not hold it, the
    // rename did not reach the disk and the record before stands
    if (file !== undefined && r.length === file.length && r.crc === fileCrc) return { from: 'file' };
  }
  return { from: 'file' };
}

export { crc32 };
