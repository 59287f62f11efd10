/**
 * Mirror sessions: the subscriber table learned from accounting, CoA and
 * Disconnect handling, tunnel pool assignment, the dataplane's desired
 * state, the commit applier for the LI configuration, the operational state
 * and the clear-mirror-session RPC. Every change runs on the datastore's
 * queue, so NETCONF commits, RADIUS requests and link events never
 * interleave. A CoA-ACK is sent only after the dataplane installed the
 * mirror and the tables are on disk.
 */
import type { EventEmitter } from 'events';
import type { DataNode } from '../yang/data/node';
import type { Applier, ChangeSet, Datastore, Prepared } from '../datastore';
import type { DesiredState, GroupMove as DataplaneGroupMove, MemberEvent, MirrorSpec, SubscriberInterfaceEvent } from '../dataplane';
import { AgentError } from '../errors';
import { isLiPath } from '../audit';
import type { SessionCounters } from '../relay';
import {
  CoaError,
  ErrorCause,
  interceptIds,
  type AccountingRequest,
  type CoaAnswer,
  type DynamicAuthRequest,
  type PreparedRadiusConfig,
  type RadiusServerConfig,
} from '../radius';
import { errorCauseOf } from '../radius';
import { MirrorConfig, readMirrorConfig, sameConfig } from './config';
import { GroupLoad, groupLoad, leastLoaded, pickGroup, planGroupMoves, rebalanceGroups, Move } from './pool';
import { JournalOp, MirrorSession, StateStore, Subscriber } from './store';
import { implausibleAddress, withLength } from './addresses';
import { canonicalIp } from '../radius/codec';
import type { Logger } from '../log';

export interface DataplanePort {
  prepare(d: DesiredState): Promise<{ apply(): Promise<void>; abort(): Promise<void> }>;
  /**
   * The incremental path (Dataplane.setMirror): installs, changes or removes
   * one mirror against what was last applied. Without it, every change is a
   * prepare/apply of the whole desired state.
   */
  setMirror?(key: string, spec: MirrorSpec | undefined): Promise<void>;
  /**
   * Moves whole mirror groups to other members (Dataplane.moveGroups): one
   * request per group. Without it, a move is a prepare/apply of the whole
   * desired state.
   */
  moveGroups?(moves: DataplaneGroupMove[], pool?: DesiredState['pool']): Promise<void>;
  readonly linkEvents: EventEmitter;
  counters(key: string): SessionCounters | undefined;
  /** listed subscriber interfaces missing from the kernel (Dataplane.missingSubscriberInterfaces) */
  missingSubscriberInterfaces?(): string[];
  /** the relay's counters (Dataplane.relayStats); undefined without a relay */
  relayStats?(): { sent: number; sendFailures: number; unmatched: number; oversize: number } | undefined;
  start(): void;
  close(): Promise<void>;
}

export interface RadiusPort {
  prepare(cfg: RadiusServerConfig): Promise<PreparedRadiusConfig>;
  close(): Promise<void>;
}

export type MirrorEvent = 'started' | 'stopped' | 'moved' | 'failed';

export interface MirrorServiceDeps {
  ds: Datastore;
  dataplane: DataplanePort;
  radius: RadiusPort;
  store: StateStore;
  log: Logger;
  /** publish mirror-session-event (RFC 7951 JSON notification) */
  publish(event: Record<string, unknown>): void;
  /**
   * The LI event log (li-audit.log): mirror starts, stops, moves and
   * failures, pool members and LI problems, with their details. The
   * general log (`log`) gets nothing that concerns an intercept.
   */
  liLog?(event: string, fields: Record<string, unknown>): void;
  /** how long to wait before applying again a configuration the kernel refused (default 5 s) */
  retryDelayMs?: number;
  /** how long to wait before saving again what a member event could not save (default 5 s) */
  resaveDelayMs?: number;
}

/** error-path of the errors that concern the LI configuration (NACM hides them from whoever cannot read it) */
export const LI_ERROR_PATH = { path: '/fts:services/fts:radius-flow-tap', pathNs: { fts: 'urn:flowtapd:yang:services' } };

/** An error of the mirroring applier, about LI state: its error-path is the LI subtree. */
function liError(e: unknown): AgentError {
  const msg = e instanceof Error ? e.message : String(e);
  const tag = e instanceof AgentError ? e.tag : 'operation-failed';
  const appTag = e instanceof AgentError ? e.appTag : undefined;
  return new AgentError(tag, msg, { appTag, ...LI_ERROR_PATH });
}

/** Does a commit change the LI subtrees? */
function touchesLi(cs: ChangeSet): boolean {
  return cs.changes.some((c) => isLiPath(c.path));
}

export class MirrorService implements Applier {
  readonly name = 'mirror';
  private cfg: MirrorConfig;
  private subscribers = new Map<string, Subscriber>();
  private mirrors = new Map<string, MirrorSession>();
  /** pool members whose kernel link went down or disappeared */
  private failed = new Set<string>();
  /** the kernel's refusal of the configuration last committed, until a retry applies it (status/dataplane-error) */
  private dataplaneError?: string;
  private retryTimer?: NodeJS.Timeout;

  /** mirrors per pool member; undefined when it must be counted again (after a rebalance) */
  private load?: Map<string, number>;
  /** mirrors per group; undefined when it must be counted again (after a rebalance) */
  private groupCount?: Map<number, GroupLoad>;

  constructor(private deps: MirrorServiceDeps) {
    this.cfg = readMirrorConfig(deps.ds.get('running'));
    deps.store.attach({
      subscribers: () => [...this.subscribers.values()],
      mirrors: () => [...this.mirrors.values()],
      size: (t) => (t === 'subscribers' ? this.subscribers.size : this.mirrors.size),
    });
  }

  /** Restore the saved tables and install running + mirrors (the kernel adopts what is there). */
  async start(): Promise<void> {
    const saved = this.deps.store.load();
    // tables written before addresses were checked: what cannot be one subscriber's is refused, and not mirrored
    for (const s of saved.subscribers) this.setSubscriber(refuseImplausible(s));
    const reused: [MirrorSession, string][] = [];
    const followed: string[] = [];
    for (const m of saved.mirrors) {
      // Tables torn apart (one write holds both since 2026-12-06, but a fold's two snapshots are written
      // one after the other, and older directories had a journal per table): the subscriber table may
      // hold another subscriber's session
      const r = savedMirror(m, this.subscribers.get(m.acctSessionId));
      if ('stop' in r) {
        reused.push([m, r.stop]);
        continue;
      }
      const kept = m.addresses.filter((a) => !implausibleAddress(a));
      if (kept.length !== m.addresses.length) this.li('mirror-address-refused', { acctSessionId: m.acctSessionId, attribute: 'saved address', reason: 'not one subscriber\'s' });
      // (its subscriber's addresses are plausible ones only: refuseImplausible above)
      if (r.mirror.addresses.join() !== kept.join()) followed.push(m.acctSessionId);
      this.mirrors.set(m.acctSessionId, r.mirror);
    }
    if (followed.length || reused.length) {
      // one write for both; a stopped mirror is not installed below (its filters leave the kernel), and
      // gone from the table (not saved: the next start drops it again; the store writes again meanwhile)
      const ops: JournalOp<MirrorSession>[] = [...followed.map((k) => ({ set: this.mirrors.get(k)! })), ...reused.map(([m]) => ({ del: m.acctSessionId }))];
      await this.deps.store.record({ mirrors: ops }).catch((e: Error) => {
        this.deps.log.error('mirror-state-save-failed', { error: e.message });
        this.deps.store.recover();
      });
      for (const k of followed) this.li('mirror-address-followed', { acctSessionId: k, addresses: this.mirrors.get(k)!.addresses, reason: 'saved subscriber address' });
      for (const [m, by] of reused) this.event('stopped', m.acctSessionId, m.tunnel, this.subscribers.has(m.acctSessionId) ? `Acct-Session-Id reused by ${by}` : 'its subscriber\'s session ended (saved before a crash)');
    }
    this.deps.dataplane.start();
    this.deps.dataplane.linkEvents.on('member', (e: MemberEvent) =>
      this.deps.ds.queue.run(() => this.onMember(e)).catch((err: Error) => {
        // the moves are in effect (the kernel mirrors into the members that work): keep them, save them later
        this.li('member-event-failed', { member: e.name, state: e.state, error: err.message });
        this.deps.log.error('mirror-state-save-failed', { error: err.message });
        this.resaveLater();
      }),
    );
    this.deps.dataplane.linkEvents.on('subscriber', (e: SubscriberInterfaceEvent) => {
      this.li('subscriber-interface-appeared', { interface: e.name });
      this.deps.ds.queue.run(() => this.install()).catch((err: Error) => this.dataplaneFailed(err));
    });
    await this.deps.ds.queue.run(async () => {
      const running = this.deps.ds.get('running');
      // the LI side never stops the agent: what the kernel refuses is reported and tried again
      const p = await this.prepareConfig(readMirrorConfig(running), true);
      await p.apply();
    });
  }

  /** relay-statistics state */
  relayStatistics(): Record<string, string> | undefined {
    const st = this.deps.dataplane.relayStats?.();
    // counter64: a JSON string in RFC 7951
    return st && { 'copies-sent': String(st.sent), 'send-failures': String(st.sendFailures), unmatched: String(st.unmatched), oversize: String(st.oversize) };
  }

  private resaveTimer?: NodeJS.Timeout;

  /**
   * What a member event changed is in effect but could not be saved (a full
   * file system): save the mirror table again, every few seconds until it
   * works. Not while a request's unsaved change waits to be undone, which
   * must read the files as they were.
   */
  private resaveLater(): void {
    if (this.resaveTimer) return;
    this.resaveTimer = setTimeout(() => {
      this.resaveTimer = undefined;
      this.deps.ds.queue
        .run(async () => {
          await this.deps.store.settled();
          if (this.reverting || this.unsaved === 'all' || this.unsaved.size) throw new Error('a revert is pending');
          this.deps.store.recover();
          await this.save({ mirrors: true });
          this.deps.log.info('mirror-state-saved', { after: 'member event' });
        })
        .catch(() => this.resaveLater());
    }, this.deps.resaveDelayMs ?? 5000);
    this.resaveTimer.unref();
  }

  /** A line for li-audit.log (never the general log). */
  private li(event: string, fields: Record<string, unknown>): void {
    this.deps.liLog?.(event, fields);
  }

  /**
   * The kernel refused to apply the LI configuration (after the commit
   * point, or for a commit that did not change it): reported where LI users
   * look (status/dataplane-error, li-audit.log), never to the committer,
   * and tried again until it works.
   */
  private dataplaneFailed(err: Error): void {
    this.dataplaneError = err.message;
    this.li('dataplane-failed', { error: err.message, then: 'retry' });
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.deps.ds.queue
        .run(async () => {
          if (this.dataplaneError === undefined) return;
          await this.install();
          this.dataplaneError = undefined;
          this.li('dataplane-applied', { after: 'retry' });
        })
        .catch((e: Error) => this.dataplaneFailed(e));
    }, this.deps.retryDelayMs ?? 5000);
    this.retryTimer.unref();
  }

  /** status (LI-visible state): forwarding class DSCP in use, missing subscriber interfaces, the kernel's refusal */
  status(): Record<string, unknown> {
    const st: Record<string, unknown> = {};
    if (this.cfg.dscp !== undefined) st['forwarding-class-dscp'] = this.cfg.dscp;
    const missing = this.deps.dataplane.missingSubscriberInterfaces?.() ?? [];
    if (missing.length) st['missing-subscriber-interfaces'] = missing;
    if (this.dataplaneError !== undefined) st['dataplane-error'] = this.dataplaneError;
    return st;
  }

  async stop(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.resaveTimer) clearTimeout(this.resaveTimer);
    this.resaveTimer = undefined;
    await this.deps.radius.close();
    await this.deps.dataplane.close();
    await this.deps.store.close();
  }

  // ---------------------------------------------------------------- commit applier

  async prepare(cs: ChangeSet): Promise<Prepared | null> {
    const next = readMirrorConfig(cs.after);
    // a commit that does not touch what mirroring depends on costs nothing here
    if (sameConfig(next, this.cfg)) {
      return { apply: () => void (this.cfg = next), abort: () => undefined };
    }
    // A commit that does not change the LI subtrees (a public one: its author may not be able to
    // read them) never fails, nor answers differently, because of LI state: what the kernel
    // refuses is reported to the LI side and tried again. A commit of the LI subtrees fails with
    // the cause, under the LI error-path (NACM hides it from whoever cannot read it).
    return this.prepareConfig(next, !touchesLi(cs));
  }

  private async prepareConfig(next: MirrorConfig, tolerate: boolean): Promise<Prepared> {
    // members new to the pool start healthy
    const failed = new Set([...this.failed].filter((f) => next.pool.some((m) => m.name === f)));
    const sessions = [...this.mirrors.values()].map((m) => ({ ...m }));
    const before = sessions.map((s) => s.group);
    const { moves } = rebalanceGroups(this.usable(next, failed), sessions, MAX_GROUPS);
    let dp: { apply(): Promise<void>; abort(): Promise<void> } | undefined;
    let refused: Error | undefined;
    try {
      dp = await this.deps.dataplane.prepare(this.desired(next, sessions, failed));
    } catch (e) {
      if (!tolerate) throw liError(e);
      refused = e as Error;
    }
    let rad: PreparedRadiusConfig;
    try {
      rad = await this.deps.radius.prepare(radiusConfig(next));
    } catch (e) {
      await dp?.abort();
      throw e;
    }
    return {
      apply: async () => {
        let applyError = refused;
        if (dp) {
          try {
            await dp.apply();
          } catch (e) {
            applyError = e as Error;
          }
        }
        // the kernel's refusal after the commit point: the configuration is running (and tried again)
        if (applyError) this.dataplaneFailed(applyError);
        else this.dataplaneError = undefined;
        rad.commit();
        this.cfg = next;
        this.failed = failed;
        for (const s of sessions) this.mirrors.set(s.acctSessionId, s);
        this.load = undefined;
        this.groupCount = undefined;
        if (moves.length || sessions.some((s, i) => s.group !== before[i])) await this.save({ mirrors: true });
        await this.announce(moves, 'member left the pool');
        // an LI commit's author may read the LI subtrees: told, under their error-path
        if (applyError && !tolerate) throw liError(applyError);
      },
      abort: async () => {
        rad.abort();
        await dp?.abort();
      },
    };
  }

  private usable(cfg: MirrorConfig, failed: Set<string>): string[] {
    return cfg.pool.filter((m) => m.enabled && !m.unusable && !failed.has(m.name)).map((m) => m.name);
  }

  private desired(cfg: MirrorConfig, sessions: Iterable<MirrorSession>, failed: Set<string>): DesiredState {
    const mirrors: MirrorSpec[] = [];
    if (cfg.sourceIpv4 !== undefined) {
      for (const m of sessions) {
        if (m.tunnel === null) continue;
        mirrors.push(this.spec(m, cfg));
      }
    }
    return {
      // a member the configuration makes unusable (not configured, not a tunnel) is not the dataplane's
      pool: cfg.pool.filter((m) => !m.unusable).map((m) => ({ name: m.name, enabled: m.enabled, manage: !failed.has(m.name) })),
      subscriberInterfaces: cfg.subscriberInterfaces,
      sourceIpv4: cfg.sourceIpv4,
      dscp: cfg.dscp,
      multicast: cfg.multicast,
      mirrors,
    };
  }

  /** Make the dataplane match the current tables in full (a link event, several mirrors at once). */
  private async install(sessions: Iterable<MirrorSession> = this.mirrors.values()): Promise<void> {
    const p = await this.deps.dataplane.prepare(this.desired(this.cfg, sessions, this.failed));
    await p.apply();
  }

  /**
   * Make the dataplane match the tables for one mirror (a CoA, a Stop, a
   * Disconnect, clear-mirror-session): the incremental path, whose cost does
   * not depend on how many other mirrors there are.
   */
  private async installOne(key: string): Promise<void> {
    const dp = this.deps.dataplane;
    if (!dp.setMirror) return this.install();
    const m = this.mirrors.get(key);
    await dp.setMirror(key, m && m.tunnel !== null && this.cfg.sourceIpv4 !== undefined ? this.spec(m) : undefined);
  }

  /** The dataplane's spec of a mirror on a member (m.tunnel not null). */
  private spec(m: MirrorSession, cfg = this.cfg): MirrorSpec {
    return {
      key: m.acctSessionId,
      addresses: m.addresses,
      tunnel: m.tunnel!,
      interceptId: m.interceptId,
      sessionId: m.sessionId,
      medIp: m.medIp,
      medPort: m.medPort,
      dropRules: cfg.dropRules,
      group: m.group,
    };
  }

  /** mirrors per pool member, counted once and then kept by putMirror/dropMirror */
  private tunnelLoad(): Map<string, number> {
    if (!this.load) {
      this.load = new Map();
      for (const m of this.mirrors.values()) if (m.tunnel !== null) this.load.set(m.tunnel, (this.load.get(m.tunnel) ?? 0) + 1);
    }
    return this.load;
  }

  /** mirrors per group, counted once and then kept by putMirror/dropMirror */
  private groups(): Map<number, GroupLoad> {
    return (this.groupCount ??= groupLoad(this.mirrors.values()));
  }

  private putMirror(m: MirrorSession): void {
    const old = this.mirrors.get(m.acctSessionId);
    if (this.load) {
      if (old?.tunnel) this.load.set(old.tunnel, this.load.get(old.tunnel)! - 1);
      if (m.tunnel) this.load.set(m.tunnel, (this.load.get(m.tunnel) ?? 0) + 1);
    }
    if (this.groupCount) {
      if (old) this.ungroup(old);
      if (m.group !== undefined) {
        const g = this.groupCount.get(m.group);
        if (g) g.count++;
        else this.groupCount.set(m.group, { tunnel: m.tunnel, count: 1 });
      }
    }
    this.mirrors.set(m.acctSessionId, m);
  }

  private ungroup(m: MirrorSession): void {
    const g = m.group === undefined ? undefined : this.groupCount?.get(m.group);
    if (g && --g.count <= 0) this.groupCount!.delete(m.group!);
  }

  private dropMirror(key: string): MirrorSession | undefined {
    const old = this.mirrors.get(key);
    if (!old) return undefined;
    if (this.load && old.tunnel) this.load.set(old.tunnel, this.load.get(old.tunnel)! - 1);
    if (this.groupCount) this.ungroup(old);
    this.mirrors.delete(key);
    return old;
  }

  /** The usable member with the fewest mirrors (ties: pool order), or null. */
  private pickMember(usable: string[]): string | null {
    return leastLoaded(usable, this.tunnelLoad());
  }

  /** Journals row changes (one line each) for the queue item that is running (see runAndSave). */
  private record(ops: { subscribers?: JournalOp<Subscriber>[]; mirrors?: JournalOp<MirrorSession>[] }): Promise<void> {
    const touched = this.touched;
    if (touched && touched !== 'all') {
      for (const op of [...(ops.subscribers ?? []), ...(ops.mirrors ?? [])]) touched.add('set' in op ? op.set.acctSessionId : op.del);
    }
    return this.awaitWithSave(this.deps.store.record(ops));
  }

  /** The rows the running runAndSave item journalled ('all' once it asked for a snapshot). */
  private touched?: Set<string> | 'all';

  /** Adds a write to what the running queue item awaits (toSave); returns it. */
  private awaitWithSave(p: Promise<void>): Promise<void> {
    p.catch(() => undefined); // awaited by runAndSave or the caller
    this.toSave = this.toSave ? Promise.all([this.toSave, p]).then(() => undefined) : p;
    this.toSave.catch(() => undefined);
    return p;
  }

  /** The save asked for by the queue item that is running (see runAndSave). */
  private toSave?: Promise<void>;

  /** Asks for the named tables to be saved (group commit); resolves once they are on disk. */
  private save(which: { subscribers?: boolean; mirrors?: boolean } = { subscribers: true, mirrors: true }): Promise<void> {
    if (this.touched) this.touched = 'all';
    return this.awaitWithSave(this.deps.store.save(() => [...this.subscribers.values()], () => [...this.mirrors.values()], which));
  }

  /**
   * Runs `fn` on the datastore queue and resolves once the changes it made
   * are on disk. The write is awaited outside the queue, so the requests
   * behind it proceed and share the next write (group commit) instead of
   * paying one fsync each.
   */
  private async runAndSave<T>(fn: () => Promise<T>): Promise<T> {
    const r = await this.deps.ds.queue.run(async () => {
      this.toSave = undefined;
      this.touched = new Set();
      try {
        const value = await fn();
        return { value, saved: this.toSave, touched: this.touched };
      } finally {
        this.toSave = undefined;
        this.touched = undefined;
      }
    });
    if (r.saved) {
      try {
        await r.saved;
      } catch (e) {
        // not acknowledged, so not in effect either: the rows go back to what the files hold
        await this.revertUnsaved(r.touched, (e as Error).message).catch((err: Error) => this.deps.log.error('state-revert-failed', { error: err.message }));
        throw e;
      }
    }
    return r.value;
  }

  /** Rows whose change could not be saved, waiting for revertUnsaved's queue item. */
  private unsaved: Set<string> | 'all' = new Set();
  private reverting?: Promise<void>;

  /**
   * A change that could not be saved (a full file system) is answered as
   * failed, so it must not stay in effect: once every write asked for has
   * ended, the rows it touched (with those of every other request whose
   * write failed meanwhile) are set back to what the files hold, in the
   * tables and in the kernel, and the store writes again.
   */
  private revertUnsaved(keys: Set<string> | 'all' | undefined, why: string): Promise<void> {
    if (keys === 'all' || this.unsaved === 'all') this.unsaved = 'all';
    else for (const k of keys ?? []) this.unsaved.add(k);
    this.reverting ??= this.deps.ds.queue.run(async () => {
      this.reverting = undefined; // a write that fails from now on asks for another pass
      await this.deps.store.settled();
      const which = this.unsaved;
      this.unsaved = new Set();
      await this.restoreSaved(this.deps.store.recover(), which, why);
    });
    return this.reverting;
  }

  private async restoreSaved(saved: { subscribers: Subscriber[]; mirrors: MirrorSession[] }, which: Set<string> | 'all', why: string): Promise<void> {
    const subs = new Map(saved.subscribers.map((s) => [s.acctSessionId, s]));
    const mirs = new Map(saved.mirrors.map((m) => [m.acctSessionId, m]));
    const keys = which === 'all' ? new Set([...this.subscribers.keys(), ...this.mirrors.keys(), ...subs.keys(), ...mirs.keys()]) : which;
    // subscriber rows in the general log, mirror rows in li-audit.log only
    let undone = 0;
    let undoneMirrors = 0;
    for (const k of keys) {
      const s = subs.get(k);
      if (JSON.stringify(s) !== JSON.stringify(this.subscribers.get(k))) {
        if (s) this.setSubscriber(s);
        else this.deleteSubscriber(k);
        undone++;
      }
      const was = this.mirrors.get(k);
      // the files' mirror as start() would take it (savedMirror): ended with its subscriber's session, or
      // following its subscriber's saved address
      const saved = mirs.get(k);
      const r = saved && savedMirror(saved, s);
      const m = r && 'mirror' in r ? r.mirror : undefined;
      if (JSON.stringify(m) === JSON.stringify(was)) continue;
      undoneMirrors++;
      if (m) this.putMirror(m);
      else this.dropMirror(k);
      try {
        await this.installOne(k);
      } catch (e) {
        this.dataplaneFailed(e as Error);
      }
      const reason = `not saved (${why}): undone`;
      if (!m) this.event('stopped', k, was?.tunnel ?? null, reason);
      else if (!was) this.event('started', k, m.tunnel, reason);
      else if (was.tunnel !== m.tunnel) this.event('moved', k, m.tunnel, reason);
    }
    if (undone) this.deps.log.warn('state-reverted', { rows: undone, error: why });
    if (undoneMirrors) this.li('state-reverted', { mirrors: undoneMirrors, error: why });
  }

  /**
   * The moved rows as journal lines (a snapshot of 65,536 rows is one long
   * synchronous JSON.stringify), in slices with a turn of the event loop
   * between, so that the relay keeps reading the copies that the move sent
   * to their new member; resolves once they are on disk.
   */
  private async journalMoves(moves: Move[]): Promise<void> {
    const writes: Promise<void>[] = [];
    for (let i = 0; i < moves.length; i += JOURNAL_SLICE) {
      if (i) await new Promise((r) => setImmediate(r));
      const ops: JournalOp<MirrorSession>[] = [];
      for (const mv of moves.slice(i, i + JOURNAL_SLICE)) {
        const m = this.mirrors.get(mv.key);
        if (m) ops.push({ set: m });
      }
      const p = this.deps.store.record({ mirrors: ops });
      p.catch(() => undefined);
      writes.push(p);
    }
    await Promise.all(writes);
  }

  /**
   * One mirror-session-event per moved session. Tens of thousands of them
   * (a member of a full box failed) are published in slices with a turn of
   * the event loop between, so the relay, on the same loop, keeps reading the
   * copies meanwhile.
   */
  private async announce(moves: Move[], reason: string): Promise<void> {
    for (let i = 0; i < moves.length; i++) {
      if (i && i % ANNOUNCE_SLICE === 0) await new Promise((r) => setImmediate(r));
      const mv = moves[i];
      this.event(mv.to === null ? 'failed' : 'moved', mv.key, mv.to, mv.to === null ? `no usable tunnel (${reason})` : `from ${mv.from ?? 'none'}: ${reason}`);
    }
  }

  private event(event: MirrorEvent, key: string, tunnel: string | null, reason: string): void {
    const body: Record<string, unknown> = { event, 'acct-session-id': key, reason };
    if (tunnel) body['tunnel-interface'] = tunnel;
    this.deps.publish({ 'flowtapd-services:mirror-session-event': body });
    // li-audit.log only: the general log never says when intercepts start, stop or move
    this.li('mirror-event', { 'session-event': event, 'acct-session-id': key, tunnel, reason });
  }

  // ---------------------------------------------------------------- link events

  private async onMember(e: MemberEvent): Promise<void> {
    const member = this.cfg.pool.find((m) => m.name === e.name);
    if (!member || member.unusable) return;
    if (e.state === 'up') {
      if (!this.failed.delete(e.name)) return;
    } else {
      if (!member.enabled || this.failed.has(e.name)) return;
      this.failed.add(e.name);
    }
    const reason = e.state === 'up' ? `${e.name} came back` : `${e.name} ${e.state === 'gone' ? 'disappeared' : 'went down'}`;
    const usable = this.usable(this.cfg, this.failed);
    const dp = this.deps.dataplane;
    if (dp.moveGroups && e.state !== 'up' && this.cfg.sourceIpv4 !== undefined) {
      // The fast path: every session is in a group on a member; the groups of the member that failed are
      // re-pointed in the kernel, worked out from the group loads alone, before any walk of the sessions.
      const groups = this.groups();
      let onMembers = 0;
      for (const g of groups.values()) if (g.tunnel !== null) onMembers += g.count;
      if (onMembers === this.mirrors.size) {
        const load = new Map<string, number>(usable.map((u) => [u, 0]));
        for (const g of groups.values()) if (load.has(g.tunnel!)) load.set(g.tunnel!, load.get(g.tunnel!)! + g.count);
        const plan = planGroupMoves(usable, new Map([...groups].map(([id, g]) => [id, { ...g }])), load);
        if (plan.every((g) => g.to !== null)) {
          let failed: unknown;
          try {
            await dp.moveGroups(plan.map((g) => ({ group: g.group, tunnel: g.to! })), this.desired(this.cfg, [], this.failed).pool);
          } catch (err) {
            failed = err;
          }
          const dest = new Map(plan.map((g) => [g.group, g]));
          const moves: Move[] = [];
          if (dest.size) {
            // in slices, with turns of the event loop between for the relay
            let n = 0;
            for (const m of this.mirrors.values()) {
              if (++n % 8192 === 0) await new Promise((r) => setImmediate(r));
              const gm = m.group === undefined ? undefined : dest.get(m.group);
              if (!gm || m.tunnel !== gm.from) continue;
              moves.push({ key: m.acctSessionId, from: m.tunnel, to: gm.to });
              m.tunnel = gm.to;
            }
            for (const gm of plan) groups.get(gm.group)!.tunnel = gm.to;
          }
          this.load = undefined;
          this.li('pool-member', { member: e.name, state: e.state, moved: moves.length, groups: plan.length });
          if (failed) {
            this.li('dataplane-failed', { error: (failed as Error).message, then: 'full reconcile' });
            await this.install().catch((err: Error) => this.dataplaneFailed(err));
          }
          await this.journalMoves(moves);
          await this.announce(moves, reason);
          return;
        }
      }
    }
    const sessions = [...this.mirrors.values()];
    const { moves, groupMoves } = rebalanceGroups(usable, sessions, MAX_GROUPS);
    this.load = undefined;
    this.groupCount = undefined;
    this.li('pool-member', { member: e.name, state: e.state, moved: moves.length, groups: groupMoves.length });
    try {
      // sessions regrouped, or without a tunnel before or after: their filters change, the full reconcile
      await this.install();
    } catch (err) {
      this.dataplaneFailed(err as Error);
    }
    await this.save({ mirrors: true });
    await this.announce(moves, reason);
  }

  // ---------------------------------------------------------------- RADIUS

  onAccounting(req: AccountingRequest): Promise<void> {
    return this.runAndSave(async () => {
      if (req.status === 'accounting-on' || req.status === 'accounting-off') {
        // the NAS restarted: every session it reported is gone (RFC 2866 5.1). Behind a proxy one client
        // carries several NASes: one that names itself ends its own sessions only (onNas)
        const gone = [...this.subscribers.values()].filter((s) => onNas(s, req)).map((s) => s.acctSessionId);
        if (gone.length) await this.endSubscribers(gone, 'NAS accounting restart', 'retry');
        return;
      }
      const id = req.acctSessionId;
      if (!id) return;
      const known = this.subscribers.get(id);
      if (req.status === 'stop') {
        // a Stop from another NAS or for another user ends that one's session, which is not the one stored
        // (its Start was never seen, or came before the stored one's): the stored session and its mirror go on
        const mirror = this.mirrors.get(id);
        const other = known && reusedBy(known, req);
        // the general log tells of the public subscriber table only: a mirror whose subscriber is another
        // one (tables torn by a crash) that another NAS or user reuses is ignored without a word there
        const otherOfMirror = !other && mirror && reusedBy(mirror, req);
        if (other) this.deps.log.warn('acct-session-id-reused', { client: req.client, by: other, status: 'stop', then: 'ignored' });
        else if (otherOfMirror) this.li('acct-session-id-reused', { acctSessionId: id, by: otherOfMirror, status: 'stop', then: 'ignored' });
        else if (known || mirror) await this.endSubscribers([id], 'accounting stop', 'retry');
        return;
      }
      // Another NAS, or the same NAS for another user after a lost Stop, reusing the Acct-Session-Id:
      // another subscriber's session, which takes the place of the one stored.
      const reused = known && reusedBy(known, req);
      // A running mirror never follows another subscriber: it is stopped, and its filters are gone from the
      // kernel, before the record is taken (compared with what the mirror itself remembers as well, in case
      // the subscriber table is not the one it was started with: a crash between the two tables' writes).
      const running = this.mirrors.get(id);
      const stopFor = running && (reused || reusedBy(running, req));
      if (stopFor) await this.stopMirror(id, `Acct-Session-Id reused by ${stopFor}`);
      // the subscriber table is public: the same warning whether or not the session was mirrored, naming no subscriber
      if (reused) this.deps.log.warn('acct-session-id-reused', { client: req.client, by: reused });
      const prev = reused ? undefined : known;
      const sub: Subscriber = {
        acctSessionId: id,
        userName: req.userName ?? prev?.userName,
        framedIp: prev?.framedIp,
        framedIpv6Prefix: prev?.framedIpv6Prefix,
        nasPortId: req.nasPortId ?? prev?.nasPortId,
        callingStationId: req.callingStationId ?? prev?.callingStationId,
        calledStationId: req.calledStationId ?? prev?.calledStationId,
        // the NAS as the record names it, with what was named before of the same NAS (reusedBy: not another one)
        nasIp: req.nasIp ?? prev?.nasIp,
        nasIpv6: req.nasIpv6 ?? prev?.nasIpv6,
        nasIdentifier: req.nasIdentifier ?? prev?.nasIdentifier,
        refusedFramedIp: prev?.refusedFramedIp,
        refusedFramedIpv6Prefix: prev?.refusedFramedIpv6Prefix,
        client: req.client,
        // a reused Acct-Session-Id is a new session
        startTime: prev?.startTime ?? new Date().toISOString(),
      };
      // an address that is not one subscriber's is not learned: the one reported before is gone too (the NAS says it changed)
      if (req.framedIp !== undefined) [sub.framedIp, sub.refusedFramedIp] = this.learnAddress(req, id, 'Framed-IP-Address', req.framedIp);
      if (req.framedIpv6Prefix !== undefined) [sub.framedIpv6Prefix, sub.refusedFramedIpv6Prefix] = this.learnAddress(req, id, 'Framed-IPv6-Prefix', req.framedIpv6Prefix);
      for (const k of Object.keys(sub) as (keyof Subscriber)[]) if (sub[k] === undefined) delete sub[k];
      this.setSubscriber(sub);
      const m = this.mirrors.get(id);
      if (!m) {
        void this.record({ subscribers: [{ set: sub }] });
        return;
      }
      // the same subscriber: its mirror follows a new address, and remembers what it learned of its NAS and User-Name
      const addrs = addressesOf(sub);
      const moved = addrs.join() !== m.addresses.join();
      const learned = followIdentity(m, sub);
      if (moved) {
        m.addresses = addrs;
        try {
          await this.installOne(id);
        } catch (e) {
          // taken and answered as for a subscriber that is not mirrored (the subscriber table, the
          // accounting counters and the general log must not tell a mirror is there): the tables hold the
          // new address, the kernel is brought to them by the retry (LI users see dataplane-error)
          this.dataplaneFailed(e as Error);
        }
      }
      void this.record(moved || learned ? { subscribers: [{ set: sub }], mirrors: [{ set: m }] } : { subscribers: [{ set: sub }] });
    });
  }

  /**
   * Stops a running mirror for a reason of accounting: its filters leave the
   * kernel first. If they cannot, the mirror is gone from the tables all the
   * same and the kernel is brought to them by the retry (dataplaneFailed:
   * status/dataplane-error, li-audit.log): the record is answered and taken
   * as for a session that is not mirrored, since what accounting does is
   * public (the subscriber table, the accounting counters, the general log).
   */
  private async stopMirror(id: string, reason: string): Promise<void> {
    const m = this.dropMirror(id);
    if (!m) return;
    try {
      await this.installOne(id);
    } catch (e) {
      this.dataplaneFailed(e as Error);
    }
    void this.record({ mirrors: [{ del: id }] });
    this.event('stopped', id, m.tunnel, reason);
  }

  /** Accounting addresses refused as not one subscriber's (addresses.ts), since start. */
  private refusedAddresses = 0;

  /** subscribers-statistics state: accounting addresses refused */
  refusedAddressCount(): number {
    return this.refusedAddresses;
  }

  /**
   * An accounting record's address: [learned, refused]. One that cannot be
   * one subscriber's is refused: counted, in the general log without the
   * subscriber; in li-audit.log with it when the subscriber is mirrored (the
   * mirror keeps only its other addresses).
   */
  private learnAddress(req: AccountingRequest, id: string, attribute: string, addr: string): [string | undefined, string | undefined] {
    const reason = implausibleAddress(addr);
    if (!reason) return [addr, undefined];
    this.refusedAddresses++;
    this.deps.log.warn('subscriber-address-refused', { client: req.client, attribute, reason });
    if (this.mirrors.has(id)) this.li('mirror-address-refused', { acctSessionId: id, attribute, reason });
    return [undefined, addr];
  }

  /**
   * Forgets the subscribers and ends their mirrors. On a dataplane failure,
   * for a Disconnect (onFailure throw: the NAK goes to the RADIUS server, the
   * LI requester) nothing is forgotten, and it throws; for accounting
   * (retry) they are forgotten all the same and the retry brings the kernel
   * to the tables: a Stop or Accounting-On/Off is taken and answered as when
   * no mirror is there (the subscriber table and the accounting counters are
   * public).
   */
  private async endSubscribers(ids: string[], reason: string, onFailure: 'throw' | 'retry' = 'throw'): Promise<void> {
    const ended: MirrorSession[] = [];
    const forgotten: Subscriber[] = [];
    for (const id of ids) {
      const s = this.subscribers.get(id);
      if (s) forgotten.push(s);
      this.deleteSubscriber(id);
      const m = this.dropMirror(id);
      if (m) ended.push(m);
    }
    try {
      if (ended.length === 1) await this.installOne(ended[0].acctSessionId);
      else if (ended.length) await this.install();
    } catch (e) {
      if (onFailure === 'retry') this.dataplaneFailed(e as Error);
      else {
        for (const s of forgotten) this.setSubscriber(s);
        for (const m of ended) this.putMirror(m);
        throw new CoaError(ErrorCause.ResourcesUnavailable, (e as Error).message);
      }
    }
    void this.record({ subscribers: forgotten.map((s) => ({ del: s.acctSessionId })), mirrors: ended.map((m) => ({ del: m.acctSessionId })) });
    for (const m of ended) this.event('stopped', m.acctSessionId, null, reason);
  }

  async onCoa(req: DynamicAuthRequest): Promise<CoaAnswer> {
    try {
      return await this.runAndSave(async () => {
        try {
          await this.coa(req);
          return { ok: true } as const;
        } catch (e) {
          // an unexpected failure (a defect): li-audit.log only, with its stack; in the general log it
          // would tell that a CoA or Disconnect came, and its message may name the subscriber
          if (!(e instanceof CoaError)) this.li('coa-failed', { error: (e as Error).message, stack: (e as Error).stack });
          return { ok: false, cause: errorCauseOf(e) } as const;
        }
      });
    } catch (e) {
      // the change could not be saved: not acknowledged. li-audit.log only: in the general log it would
      // tell that a CoA or Disconnect came (accounting that cannot be saved is in the public counters)
      this.li('state-save-failed', { error: (e as Error).message });
      return { ok: false, cause: ErrorCause.ResourcesUnavailable } as const;
    }
  }

  /** Subscribers by User-Name, Framed-IP-Address and Framed-IPv6-Prefix (acct-session-ids). */
  private byUser = new Map<string, Set<string>>();
  private byIp = new Map<string, Set<string>>();
  private byIpv6 = new Map<string, Set<string>>();
  /** Subscribers per NAS identity (nasKeys): the NASes accounting reported */
  private byNas = new Map<string, number>();

  private setSubscriber(s: Subscriber): void {
    const prev = this.subscribers.get(s.acctSessionId);
    if (prev) this.unindexSubscriber(prev);
    this.subscribers.set(s.acctSessionId, s);
    const add = (m: Map<string, Set<string>>, k: string | undefined): void => {
      if (k === undefined) return;
      const ids = m.get(k);
      if (ids) ids.add(s.acctSessionId);
      else m.set(k, new Set([s.acctSessionId]));
    };
    add(this.byUser, s.userName);
    add(this.byIp, s.framedIp);
    add(this.byIpv6, s.framedIpv6Prefix);
    for (const k of nasKeys(s)) this.byNas.set(k, (this.byNas.get(k) ?? 0) + 1);
  }

  private deleteSubscriber(id: string): void {
    const s = this.subscribers.get(id);
    if (!s) return;
    this.unindexSubscriber(s);
    this.subscribers.delete(id);
  }

  private unindexSubscriber(s: Subscriber): void {
    const drop = (m: Map<string, Set<string>>, k: string | undefined): void => {
      if (k === undefined) return;
      const ids = m.get(k);
      ids?.delete(s.acctSessionId);
      if (ids && !ids.size) m.delete(k);
    };
    drop(this.byUser, s.userName);
    drop(this.byIp, s.framedIp);
    drop(this.byIpv6, s.framedIpv6Prefix);
    for (const k of nasKeys(s)) {
      const n = this.byNas.get(k)! - 1;
      if (n > 0) this.byNas.set(k, n);
      else this.byNas.delete(k);
    }
  }

  /**
   * The one session a request names (RFC 5176 section 3): every session
   * identification attribute it carries (Acct-Session-Id, User-Name,
   * Framed-IP-Address, Framed-IPv6-Prefix, NAS-Port-Id, Calling-Station-Id,
   * Called-Station-Id) must match that session, a value the session was
   * not learned with included; no session: 503. Then every NAS
   * identification attribute it carries (NAS-IP-Address, NAS-IPv6-Address,
   * NAS-Identifier) must name the NAS of that session (namesNasOf); none of
   * the sessions: 403. Several sessions left: 508, nothing done (one change
   * for several sessions is not supported; acting on one of them would
   * intercept part of a target's traffic).
   */
  private findSubscriber(req: DynamicAuthRequest): Subscriber {
    let ids: Iterable<string>;
    if (req.acctSessionId !== undefined) ids = this.subscribers.has(req.acctSessionId) ? [req.acctSessionId] : [];
    else {
      const sets: Set<string>[] = [];
      if (req.userName !== undefined) sets.push(this.byUser.get(req.userName) ?? new Set());
      if (req.framedIp !== undefined) sets.push(this.byIp.get(req.framedIp) ?? new Set());
      if (req.framedIpv6Prefix !== undefined) sets.push(this.byIpv6.get(req.framedIpv6Prefix) ?? new Set());
      ids = sets.length ? sets.reduce((a, b) => (b.size < a.size ? b : a)) : [];
    }
    const found: Subscriber[] = [];
    for (const id of ids) {
      const s = this.subscribers.get(id)!;
      if (IDENTIFICATION.every((k) => req[k] === undefined || req[k] === s[k])) found.push(s);
    }
    if (!found.length) throw new CoaError(ErrorCause.SessionContextNotFound, 'no session matches every identification attribute');
    const nas = nasIdentityKeys(req);
    // this box's own NAS identities, taken once per request (not per candidate session)
    const own = nas.length ? [...this.cfg.radius.nasAddresses.map(ipKey), ...this.cfg.radius.nasIdentifiers.map(idKey)] : [];
    const named = nas.length ? found.filter((s) => this.namesNasOf(nas, own, s)) : found;
    if (!named.length) throw new CoaError(ErrorCause.NasIdentificationMismatch, 'the NAS identification attributes do not name the NAS of the session');
    if (named.length > 1) throw new CoaError(ErrorCause.MultipleSessionSelectionUnsupported, `the request matches ${named.length} sessions`);
    return named[0];
  }

  /**
   * Do the NAS identities a request carries (nasIdentityKeys) all name the
   * session's NAS? Each must be one of the session's (nasKeys: what its
   * accounting reported, or the address that accounting came from), or
   * one of this box's own (`own`: /access/nas-address, nas-identifier: a CoA
   * server may name the box it sends to, which holds every session) that
   * is no NAS's known from accounting. A value that names a NAS known from
   * accounting names that NAS, even when it is also configured as this
   * box's (the model once suggested listing the BNG there).
   */
  private namesNasOf(keys: string[], own: string[], s: Subscriber): boolean {
    const its = nasKeys(s);
    return keys.every((k) => its.includes(k) || (own.includes(k) && !this.byNas.has(k)));
  }

  private async coa(req: DynamicAuthRequest): Promise<void> {
    if (req.unsupported.length) throw new CoaError(ErrorCause.UnsupportedAttribute, 'attributes that cannot be honoured');
    if (req.acctSessionId === undefined && req.userName === undefined && req.framedIp === undefined && req.framedIpv6Prefix === undefined) {
      throw new CoaError(ErrorCause.MissingAttribute, 'no Acct-Session-Id, User-Name, Framed-IP-Address or Framed-IPv6-Prefix');
    }
    const sub = this.findSubscriber(req);
    if (req.kind === 'disconnect') {
      await this.endSubscribers([sub.acctSessionId], 'RADIUS disconnect');
      return;
    }
    if (req.liAction === undefined) throw new CoaError(ErrorCause.UnsupportedAttribute, 'CoA without mirroring attributes');
    if (req.liAction === 'none') return;
    const handle = req.medDevHandle!;
    const current = this.mirrors.get(sub.acctSessionId);
    if (req.liAction === 'stop') {
      if (!current) throw new CoaError(ErrorCause.SessionContextNotFound, 'no mirror for this subscriber');
      if (current.handle !== handle.toString('hex') || current.medIp !== req.medIp || current.medPort !== req.medPort) {
        throw new CoaError(ErrorCause.InvalidRequest, 'stop does not match the running mirror');
      }
      this.dropMirror(sub.acctSessionId);
      try {
        await this.installOne(sub.acctSessionId);
      } catch (e) {
        this.putMirror(current);
        throw new CoaError(ErrorCause.ResourcesUnavailable, (e as Error).message);
      }
      void this.record({ mirrors: [{ del: sub.acctSessionId }] });
      this.event('stopped', sub.acctSessionId, current.tunnel, 'RADIUS stop');
      return;
    }
    // start
    if (!this.cfg.flowTap || this.cfg.sourceIpv4 === undefined) throw new CoaError(ErrorCause.ResourcesUnavailable, 'flow-tap is not configured');
    if (sub.refusedFramedIp !== undefined || sub.refusedFramedIpv6Prefix !== undefined) {
      // the subscriber has an address that is not one subscriber's: mirroring it would take in other people's
      // traffic, mirroring the rest would miss part of the target's
      throw new CoaError(ErrorCause.AdministrativelyProhibited, 'the subscriber has an address that cannot be mirrored');
    }
    const ids = interceptIds(handle, sub.acctSessionId);
    const addresses = addressesOf(sub);
    if (!addresses.length) throw new CoaError(ErrorCause.MissingAttribute, 'the subscriber has no known address');
    if (!current && this.mirrors.size >= this.cfg.maximumSessions) throw new CoaError(ErrorCause.ResourcesUnavailable, 'maximum-sessions reached');
    const usable = this.usable(this.cfg, this.failed);
    const tunnel = current?.tunnel && usable.includes(current.tunnel) ? current.tunnel : this.pickMember(usable);
    if (tunnel === null) throw new CoaError(ErrorCause.ResourcesUnavailable, 'no usable tunnel');
    const group = current?.tunnel === tunnel && current.group !== undefined ? current.group : pickGroup(tunnel, this.groups(), MAX_GROUPS);
    if (group === null) throw new CoaError(ErrorCause.ResourcesUnavailable, 'no free mirror group');
    const m: MirrorSession = {
      acctSessionId: sub.acctSessionId,
      userName: sub.userName,
      addresses,
      handle: handle.toString('hex'),
      interceptId: ids.interceptId,
      sessionId: ids.sessionId,
      medIp: req.medIp!,
      medPort: req.medPort!,
      tunnel,
      group,
      startTime: current?.startTime ?? new Date().toISOString(),
    };
    followIdentity(m, sub);
    this.putMirror(m);
    try {
      await this.installOne(m.acctSessionId);
    } catch (e) {
      if (current) this.putMirror(current);
      else this.dropMirror(m.acctSessionId);
      throw new CoaError(ErrorCause.ResourcesUnavailable, (e as Error).message);
    }
    void this.record({ mirrors: [{ set: m }] });
    if (!current) this.event('started', m.acctSessionId, tunnel, 'RADIUS start');
  }

  /** clear-mirror-session: the operator ends one mirror. */
  clear(acctSessionId: string): Promise<boolean> {
    return this.runAndSave(async () => {
      const m = this.dropMirror(acctSessionId);
      if (!m) return false;
      try {
        await this.installOne(acctSessionId);
      } catch (e) {
        this.putMirror(m);
        throw e;
      }
      void this.record({ mirrors: [{ del: acctSessionId }] });
      this.event('stopped', acctSessionId, m.tunnel, 'cleared by operator');
      return true;
    });
  }

  // ---------------------------------------------------------------- state

  sessionsState(): Record<string, unknown>[] {
    return [...this.mirrors.values()].map((m) => {
      const c = this.deps.dataplane.counters(m.acctSessionId);
      const e: Record<string, unknown> = {
        'acct-session-id': m.acctSessionId,
        'subscriber-address': m.addresses.map((a) => a.split('/')[0]),
        'subscriber-prefix': m.addresses.map(withLength),
        'intercept-id': m.interceptId,
        'session-id': m.sessionId,
        'mediation-address': m.medIp,
        'mediation-port': m.medPort,
        state: m.tunnel === null ? 'no-tunnel' : 'active',
        'start-time': m.startTime,
        packets: String(c?.packets ?? 0),
        bytes: String(c?.bytes ?? 0),
        'policy-drops': String(c?.policyDrops ?? 0),
      };
      if (m.userName !== undefined) e['user-name'] = m.userName;
      if (m.tunnel !== null) e['tunnel-interface'] = m.tunnel;
      return e;
    });
  }

  subscribersState(): Record<string, unknown>[] {
    return [...this.subscribers.values()].map((s) => {
      const e: Record<string, unknown> = { 'acct-session-id': s.acctSessionId, 'start-time': s.startTime };
      if (s.userName !== undefined) e['user-name'] = s.userName;
      if (s.framedIp !== undefined) e['framed-ip-address'] = s.framedIp;
      if (s.framedIpv6Prefix !== undefined) e['framed-ipv6-prefix'] = s.framedIpv6Prefix;
      if (s.nasPortId !== undefined) e['nas-port-id'] = s.nasPortId;
      if (s.nasIp !== undefined) e['nas-ip-address'] = s.nasIp;
      if (s.nasIpv6 !== undefined) e['nas-ipv6-address'] = s.nasIpv6;
      if (s.nasIdentifier !== undefined) e['nas-identifier'] = s.nasIdentifier;
      e['radius-client'] = s.client;
      const refused = [s.refusedFramedIp, s.refusedFramedIpv6Prefix].filter((x): x is string => x !== undefined);
      if (refused.length) e['refused-address'] = refused;
      return e;
    });
  }

  /** pool members with their session counts (for show tunnels) */
  tunnels(): { name: string; enabled: boolean; failed: boolean; reason?: 'not-configured' | 'not-a-tunnel' | 'link-down'; sessions: number }[] {
    return this.cfg.pool.map((m) => ({
      name: m.name,
      enabled: m.enabled,
      failed: !!m.unusable || this.failed.has(m.name),
      reason: m.unusable ?? (this.failed.has(m.name) ? 'link-down' : undefined),
      sessions: [...this.mirrors.values()].filter((s) => s.tunnel === m.name).length,
    }));
  }
}

/** Moved rows journalled between two turns of the event loop (journalMoves). */
const JOURNAL_SLICE = 1024;

/** Events published between two turns of the event loop (announce). */
const ANNOUNCE_SLICE = 256;

/** Mirror groups available (the dataplane's reserved shared actions). */
const MAX_GROUPS = 4096;

/** The session identification attributes (RFC 5176 section 3) a request may carry and a subscriber may hold. */
const IDENTIFICATION = ['acctSessionId', 'userName', 'framedIp', 'framedIpv6Prefix', 'nasPortId', 'callingStationId', 'calledStationId'] as const;

type NasIdentification = Pick<Subscriber, 'nasIp' | 'nasIpv6' | 'nasIdentifier'>;

/** Does an accounting record name its NAS (any of NAS-IP-Address, NAS-IPv6-Address, NAS-Identifier)? */
function reportsNas(r: NasIdentification): boolean {
  return r.nasIp !== undefined || r.nasIpv6 !== undefined || r.nasIdentifier !== undefined;
}

/** A NAS identity as a key: an address (IPv4-mapped IPv6 as IPv4) ... */
const ipKey = (a: string): string => `ip:${canonicalIp(a) ?? a}`;
/** ... or a NAS-Identifier. */
const idKey = (n: string): string => `id:${n}`;

/** The NAS identification of a record, request or session, as keys. */
function nasIdentityKeys(r: NasIdentification): string[] {
  const keys: string[] = [];
  if (r.nasIp !== undefined) keys.push(ipKey(r.nasIp));
  if (r.nasIpv6 !== undefined) keys.push(ipKey(r.nasIpv6));
  if (r.nasIdentifier !== undefined) keys.push(idKey(r.nasIdentifier));
  return keys;
}

/** The NAS identities of a session: its NAS identification, and the address its accounting came from. */
function nasKeys(s: NasIdentification & { client: string }): string[] {
  return [...new Set([ipKey(s.client), ...nasIdentityKeys(s)])];
}

/**
 * Whose session a stored session or a running mirror is: its User-Name and
 * NAS (client undefined: a mirror saved before mirrors remembered it).
 */
type Identity = NasIdentification & { userName?: string; client?: string };

/** What an accounting record, or a subscriber compared with a mirror, says of its session. */
type Reported = NasIdentification & { userName?: string; client: string };

/**
 * Is a record another subscriber's than the session `was` (its
 * Acct-Session-Id reused)? What differs ('another NAS', 'another user',
 * 'another NAS and user'), or undefined. Only what both sides have is
 * compared: User-Name when both have one; the NAS (anotherNas).
 */
function reusedBy(was: Identity, rec: Reported): string | undefined {
  const nas = anotherNas(was, rec);
  const user = was.userName !== undefined && rec.userName !== undefined && was.userName !== rec.userName;
  return nas && user ? 'another NAS and user' : nas ? 'another NAS' : user ? 'another user' : undefined;
}

/**
 * Does a record come from another NAS than the session `was`? The record
 * names its NAS by NAS-IP-Address, NAS-IPv6-Address and NAS-Identifier,
 * or, carrying none, by the client address it came from; each must be one
 * of the session's NAS identities (nasKeys: the NAS identification it was
 * learned with, and its client address), as a CoA's must (namesNasOf).
 * Not compared: a record from the session's own client that names no NAS,
 * or that names one when the session was learned without any (nothing
 * tells the NASes behind that client apart).
 */
function anotherNas(was: Identity, rec: Reported): boolean {
  // a mirror saved before mirrors remembered their NAS: the NAS is the subscriber table's to compare
  if (was.client === undefined) return false;
  const sameClient = ipKey(was.client) === ipKey(rec.client);
  let named = nasIdentityKeys(rec);
  if (!named.length) {
    if (sameClient) return false;
    named = [ipKey(rec.client)];
  } else if (sameClient && !reportsNas(was)) return false;
  const its = nasKeys({ ...was, client: was.client });
  return named.some((k) => !its.includes(k));
}

/**
 * Is a session one of those an Accounting-On or -Off ends? Those its client
 * reported; when the request names its NAS (NAS-IP-Address,
 * NAS-IPv6-Address, NAS-Identifier: behind a proxy, one client carries
 * several NASes), only the sessions of that NAS, that is those with a NAS
 * identity it names, and those learned without any NAS identification
 * (which NAS they are of cannot be told: ended, as a stale mirror would
 * copy whoever gets its addresses next).
 */
function onNas(s: Subscriber, req: AccountingRequest): boolean {
  if (ipKey(s.client) !== ipKey(req.client)) return false;
  const named = nasIdentityKeys(req);
  if (!named.length || !reportsNas(s)) return true;
  const its = nasKeys(s);
  return named.some((k) => its.includes(k));
}

/** Makes a mirror remember the User-Name and NAS of its subscriber; true when that changed what it held. */
function followIdentity(m: MirrorSession, s: Subscriber): boolean {
  let changed = false;
  for (const k of ['userName', 'nasIp', 'nasIpv6', 'nasIdentifier', 'client'] as const) {
    if (m[k] === s[k]) continue;
    changed = true;
    if (s[k] === undefined) delete m[k];
    else m[k] = s[k];
  }
  return changed;
}

/** A saved subscriber with the addresses that cannot be one subscriber's moved to the refused ones. */
function refuseImplausible(s: Subscriber): Subscriber {
  const out = { ...s };
  if (s.framedIp !== undefined && implausibleAddress(s.framedIp)) {
    out.refusedFramedIp = s.framedIp;
    delete out.framedIp;
  }
  if (s.framedIpv6Prefix !== undefined && implausibleAddress(s.framedIpv6Prefix)) {
    out.refusedFramedIpv6Prefix = s.framedIpv6Prefix;
    delete out.framedIpv6Prefix;
  }
  return out;
}

/**
 * What a mirror of the subscriber covers. The table holds only addresses
 * that can be one subscriber's: accounting refuses the others
 * (learnAddress), and start() those of tables saved before the check.
 */
/**
 * A saved mirror as the saved subscriber table lets it stand: the two may
 * be torn apart (a crash between a fold's two snapshots, the per-table
 * journals of before 2026-12-06, a write that failed). With no subscriber
 * row, its session ended (the subscriber delete was written, the mirror's
 * not; its filters had left the kernel already): the end is completed, not
 * undone. A row of another NAS or user: another subscriber's session under
 * its Acct-Session-Id, which it never follows. Otherwise it follows its
 * subscriber's saved addresses, never one the NAS said is gone (maybe
 * another subscriber's by now), as the retransmitted record would.
 */
function savedMirror(m: MirrorSession, s: Subscriber | undefined): { stop: string } | { mirror: MirrorSession } {
  const by = s ? reusedBy(m, s) : 'its subscriber\'s end';
  if (by) return { stop: by };
  const now = addressesOf(s!);
  return { mirror: now.join() === m.addresses.join() ? m : { ...m, addresses: now } };
}

function addressesOf(s: Subscriber): string[] {
  const out: string[] = [];
  if (s.framedIp) out.push(s.framedIp);
  if (s.framedIpv6Prefix) out.push(s.framedIpv6Prefix);
  return out;
}

function radiusConfig(cfg: MirrorConfig): RadiusServerConfig {
  return {
    coaPort: cfg.radius.coaPort,
    acctPort: cfg.radius.acctPort,
    clients: cfg.radius.clients,
    eventTimestampWindow: cfg.radius.eventTimestampWindow,
  };
}

export type { DataNode };
