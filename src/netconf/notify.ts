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
  private log: EventRecord[] = [];
  private subs = new Map<number, Subscription>();
  readonly replayLimit: number;
  readonly created = new Date();
  /** counts denied deliveries (NACM denied-notifications) */
  onDenied?: () => void;

  constructor(
    private ctx: SchemaContext,
    replayLimit = 1000,
  ) {
    this.replayLimit = replayLimit;
  }

  /** earliest event still in the replay log */
  replayLogCreated(): Date {
    return this.log.length ? this.log[0].time : this.created;
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
    for (const ev of this.log) {
      if (ev.time < sub.start) continue;
      if (sub.stop && ev.time > sub.stop) break;
      this.deliver(sub, ev);
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

  /** Publish an event: `tree` is a root holding one notification node. */
  publish(tree: DataNode, time = new Date()): void {
    const node = tree.children[0];
    if (!node) return;
    this.record({ time, module: node.schema.module.name, name: node.schema.name, tree });
  }

  /**
   * Publish an event of module:name whose tree `build` makes (a root holding
   * the one notification node) only when a receiver or a replay needs it: an
   * event nobody subscribed to costs its place in the replay log only.
   */
  publishLazy(module: string, name: string, build: () => DataNode, time = new Date()): void {
    this.record(new LazyEvent(time, module, name, build));
  }

  private record(ev: EventRecord): void {
    const time = ev.time;
    this.log.push(ev);
    if (this.log.length > this.replayLimit) this.log.splice(0, this.log.length - this.replayLimit);
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
          ? subtreeFilter(tree, sub.filter.els)
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
