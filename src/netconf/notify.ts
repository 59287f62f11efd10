/**
 * Event notifications (RFC 5277, :notification and :interleave): the
 * NETCONF stream with a bounded replay log, per-session subscriptions with
 * subtree or XPath filters, start/stop times, and per-receiver access
 * checks (a receiver never learns of an event it may not read).
 */
import { AgentError } from '../errors';
import type { SchemaContext } from '../yang/schema';
import type { DataNode } from '../yang/data/node';
import { toXml } from '../yang/data';
import type { Access } from '../nacm/access';
import type { NetconfSession } from './transport';
import type { XmlElement } from '../xml/dom';
import { subtreeFilter, xpathFilter } from './filter';

export const NOTIF_NS = 'urn:ietf:params:xml:ns:netconf:notification:1.0';
export const NC_NOTIFICATIONS_NS = 'urn:ietf:params:xml:ns:netmod:notification';

export interface EventRecord {
  time: Date;
  module: string;
  name: string;
  /** root whose single child is the notification node (built when first needed, see publishLazy) */
  readonly tree: DataNode;
}

/** An event whose tree is built on its first delivery or replay, once. */
class LazyEvent implements EventRecord {
  private built?: DataNode;
  constructor(
    readonly time: Date,
    readonly module: string,
    readonly name: string,
    private build: (() => DataNode) | undefined,
  ) {}

  get tree(): DataNode {
    if (!this.built) {
      this.built = this.build!();
      this.build = undefined;
    }
    return this.built;
  }
}

/**
 * The replay log (RFC 5277 section 3.2): the last `limit` events, oldest
 * first, in a ring of slots. An event no one has received yet is kept as
 * its RFC 7951 JSON text, as UTF-8 in one byte ring (outside the
 * JavaScript heap), with its time in milliseconds: no object per event.
 * As event records (a Date, two names, a closure and its context besides
 * the text) the events of the last 1,000 commits were most of what every
 * scavenge of the agent's heap copied and then promoted (measured: pause
 * 1.2-1.6 ms; 0.8-1.2 with the texts as strings; 0.6-0.9 with no log). A
 * text becomes an event record, once, when a replay needs it. When the
 * byte ring is full, the oldest events go to make room, as when the slots
 * are; a text too large for it is kept as a record.
 */
class ReplayLog {
  private readonly times: Float64Array;
  /** byte offset and length of a slot's text in `bytes`, when the slot holds no record */
  private readonly offsets: Int32Array;
  private readonly lengths: Int32Array;
  /** a slot's event record (null: its event is the text in `bytes`) */
  private readonly records: (EventRecord | null)[];
  private readonly bytes: Buffer;
  /** where the next text is written in `bytes` */
  private writeAt = 0;
  /** slot of the oldest event */
  private head = 0;
  length = 0;

  constructor(
    readonly limit: number,
    readonly fromJson: (text: string) => DataNode,
    byteCapacity = limit * 512,
  ) {
    this.times = new Float64Array(limit);
    this.offsets = new Int32Array(limit);
    this.lengths = new Int32Array(limit);
    this.records = new Array<EventRecord | null>(limit).fill(null);
    this.bytes = Buffer.alloc(byteCapacity);
  }

  /** Append an event record, or the JSON text of one. */
  push(time: number, item: EventRecord | string): void {
    if (this.limit === 0) return;
    let at = -1;
    let n = -1;
    if (typeof item === 'string') {
      n = Buffer.byteLength(item, 'utf8');
      if (n * 4 > this.bytes.length) item = eventOfJson(new Date(time), item, this.fromJson);
      else {
        at = this.writeAt + n <= this.bytes.length ? this.writeAt : 0;
        this.makeRoom(at, at + n);
      }
    }
    if (this.length === this.limit) this.dropOldest();
    const slot = (this.head + this.length++) % this.limit;
    this.times[slot] = time;
    if (typeof item === 'string') {
      this.bytes.write(item, at, n, 'utf8');
      this.offsets[slot] = at;
      this.lengths[slot] = n;
      this.records[slot] = null;
      this.writeAt = at + n;
    } else this.records[slot] = item;
  }

  /** time (ms) of the i-th oldest event */
  timeAt(i: number): number {
    return this.times[(this.head + i) % this.limit];
  }

  /** the i-th oldest event */
  at(i: number): EventRecord {
    const slot = (this.head + i) % this.limit;
    const kept = this.records[slot];
    if (kept) return kept;
    const text = this.bytes.toString('utf8', this.offsets[slot], this.offsets[slot] + this.lengths[slot]);
    const ev = eventOfJson(new Date(this.times[slot]), text, this.fromJson);
    this.records[slot] = ev; // its bytes are free now
    return ev;
  }

  private dropOldest(): void {
    this.records[this.head] = null;
    this.head = (this.head + 1) % this.limit;
    this.length--;
  }

  /**
   * Drop the oldest events until no text kept in the byte ring overlaps
   * [from, to), where the next text goes: at `writeAt`, or at 0 when it
   * does not fit before the end. The texts were written in order, so the
   * oldest one still kept is the first in the way: at `writeAt` the texts
   * ahead of it are the oldest; at 0, those from `writeAt` to the end are
   * older than all the others and go first (the end is left unused), then
   * those from 0 on.
   */
  private makeRoom(from: number, to: number): void {
    const wrapped = from !== this.writeAt;
    for (let i = 0; i < this.length; ) {
      const slot = (this.head + i) % this.limit;
      if (this.records[slot]) {
        i++; // a record: no bytes
        continue;
      }
      const start = this.offsets[slot];
      const n = this.lengths[slot];
      const stale = wrapped && start >= this.writeAt;
      if (!stale && (start >= to || start + n <= from)) return;
      for (let k = 0; k <= i; k++) this.dropOldest();
      i = 0;
    }
  }
}

/** The event record of an RFC 7951 JSON text {"module:name": {...}}, its tree built when first needed. */
function eventOfJson(time: Date, text: string, fromJson: (text: string) => DataNode): EventRecord {
  const key = text.slice(2, text.indexOf('"', 2));
  const colon = key.indexOf(':');
  return new LazyEvent(time, key.slice(0, colon), key.slice(colon + 1), () => fromJson(text));
}

export interface Subscription {
  session: NetconfSession;
  access: Access;
  filter?: { kind: 'subtree'; els: XmlElement[] } | { kind: 'xpath'; select: string; ns: Record<string, string> };
  start?: Date;
  stop?: Date;
  replaying: boolean;
  timer?: NodeJS.Timeout;
}

export class NotificationHub {
  /** events every receiver may read (or read in part) */
  private log: ReplayLog;
  /**
   * Events that receivers outside some NACM groups may not read at all
   * (nacm:default-deny-all notifications, config changes of such subtrees
   * only): a ring of their own, of the same size, so that they never push a
   * visible event out of the replay log. A user who may not read them
   * replays exactly what they would have replayed had none happened.
   */
  private hiddenLog: ReplayLog;
  private subs = new Map<number, Subscription>();
  readonly replayLimit: number;
  readonly created = new Date();
  /** counts denied deliveries (NACM denied-notifications) */
  onDenied?: () => void;

  /**
   * `fromJson`: the notification tree (a root holding the one notification
   * node) of an event published as RFC 7951 JSON text (see publishJson).
   * `replayBytes`: room for the texts of the events not built yet (default
   * 512 bytes per event of `replayLimit`).
   */
  constructor(
    private ctx: SchemaContext,
    opts: { replayLimit?: number; replayBytes?: number; fromJson: (text: string) => DataNode },
  ) {
    this.replayLimit = opts.replayLimit ?? 1000;
    this.log = new ReplayLog(this.replayLimit, opts.fromJson, opts.replayBytes);
    this.hiddenLog = new ReplayLog(this.replayLimit, opts.fromJson, opts.replayBytes);
  }

  /** earliest event still in the replay log (of the visible events: the same for every receiver) */
  replayLogCreated(): Date {
    return this.log.length ? new Date(this.log.timeAt(0)) : this.created;
  }

  subscribed(sessionId: number): boolean {
    return this.subs.has(sessionId);
  }

  subscribe(sub: Subscription): void {
    if (this.subs.has(sub.session.id)) {
      throw new AgentError('in-use', 'This session already has a subscription.', { type: 'protocol' });
    }
    const now = new Date();
    if (sub.start && sub.start > now) {
      throw new AgentError('bad-element', 'startTime is in the future.', { type: 'protocol', info: { 'bad-element': 'startTime' } });
    }
    if (sub.stop && !sub.start) {
      throw new AgentError('missing-element', 'stopTime needs startTime.', { type: 'protocol', info: { 'bad-element': 'startTime' } });
    }
    if (sub.stop && sub.start && sub.stop < sub.start) {
      throw new AgentError('bad-element', 'stopTime is before startTime.', { type: 'protocol', info: { 'bad-element': 'stopTime' } });
    }
    this.subs.set(sub.session.id, sub);
  }

  /** Run after the create-subscription reply went out: replay, then live. */
  startReplay(sessionId: number): void {
    const sub = this.subs.get(sessionId);
    if (!sub || !sub.start) return;
    sub.replaying = true;
    const start = sub.start.getTime();
    const stop = sub.stop?.getTime();
    // both rings merged in time order (the visible one first on a tie: the order they were published in is
    // not kept across rings); deliver() leaves out what this receiver may not read
    const a = this.log;
    const b = this.hiddenLog;
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const fromA = j >= b.length || (i < a.length && a.timeAt(i) <= b.timeAt(j));
      const log = fromA ? a : b;
      const k = fromA ? i++ : j++;
      const t = log.timeAt(k);
      if (t < start) continue;
      // the earlier of the two rings' next events is past the stop time: so is every later one
      if (stop !== undefined && t > stop) break;
      this.deliver(sub, log.at(k));
    }
    sub.replaying = false;
    this.sendMarker(sub, 'replayComplete');
    if (sub.stop) {
      const wait = sub.stop.getTime() - Date.now();
      const finish = (): void => {
        this.sendMarker(sub, 'notificationComplete');
        this.subs.delete(sessionId);
      };
      if (wait <= 0) finish();
      else (sub.timer = setTimeout(finish, wait)).unref?.();
    }
  }

  sessionGone(sessionId: number): void {
    const sub = this.subs.get(sessionId);
    if (sub?.timer) clearTimeout(sub.timer);
    this.subs.delete(sessionId);
  }

  /** Whether a session is subscribed now (an event then is delivered, and so built, at once). */
  hasSubscribers(): boolean {
    return this.subs.size > 0;
  }

  /**
   * Publish an event: `tree` is a root holding one notification node.
   * `hidden`: some receivers may not read it at all (kept in a ring of its
   * own, see hiddenLog).
   */
  publish(tree: DataNode, time = new Date(), hidden = false): void {
    const node = tree.children[0];
    if (!node) return;
    this.record({ time, module: node.schema.module.name, name: node.schema.name, tree }, hidden);
  }

  /**
   * Publish an event given as its RFC 7951 JSON text ({"module:name":
   * {...}}): its tree is built (by `fromJson`) only when a receiver or a
   * replay needs it, so an event nobody subscribed to costs its text in the
   * replay log only.
   */
  publishJson(text: string, time = Date.now(), hidden = false): void {
    if (this.subs.size === 0) (hidden ? this.hiddenLog : this.log).push(time, text);
    else this.record(eventOfJson(new Date(time), text, this.log.fromJson), hidden);
  }

  private record(ev: EventRecord, hidden: boolean): void {
    const time = ev.time;
    (hidden ? this.hiddenLog : this.log).push(time.getTime(), ev);
    for (const sub of this.subs.values()) {
      if (sub.stop && time > sub.stop) continue;
      this.deliver(sub, ev);
    }
  }

  private deliver(sub: Subscription, ev: EventRecord): void {
    if (sub.session.closed) return;
    const node = ev.tree.children[0];
    if (!node) return; // an event that could not be built (logged where it was built)
    if (!sub.access.canNotify(ev.module, ev.name, node)) {
      this.onDenied?.();
      return;
    }
    let tree = sub.access.pruneRead(ev.tree);
    if (sub.filter) {
      tree =
        sub.filter.kind === 'subtree'
          ? subtreeFilter(this.ctx, tree, sub.filter.els)
          : xpathFilter(this.ctx, tree, sub.filter.select, sub.filter.ns);
      if (tree.children.length === 0) return;
    }
    const body = toXml(tree);
    sub.session.send(`<notification xmlns="${NOTIF_NS}"><eventTime>${ev.time.toISOString()}</eventTime>${body}</notification>`);
    sub.session.stats.outNotifications++;
  }

  private sendMarker(sub: Subscription, name: 'replayComplete' | 'notificationComplete'): void {
    if (sub.session.closed) return;
    sub.session.send(
      `<notification xmlns="${NOTIF_NS}"><eventTime>${new Date().toISOString()}</eventTime><${name} xmlns="${NC_NOTIFICATIONS_NS}"/></notification>`,
    );
  }
}
