/**
 * The kernel dataplane: TUN pool members, clsact + u32 + mirred selection on
 * the subscriber interfaces, and the relay. It receives a typed desired state
 * (no XML, no NETCONF) and reconciles the kernel to it in two phases:
 * prepare() checks and allocates what can fail, apply() makes it live,
 * abort() releases only what prepare() took.
 */

import { EventEmitter } from 'events';
import { AgentError } from '../errors';
import { DropRule, Relay, SessionCounters } from '../relay';
import { checkFlow, ipv4ToNumber } from '../relay/jmirror';
import { getLinks, LinkEvent, LinkInfo, LinkMonitor, Rtnl, setLinkTxqlen, setLinkUp } from './rtnl';
import { routeOifs } from './route';
import {
  ACT_GROUPS, ACT_INDEX_BASE, changeFilters, actionGeneration, allGroupActions, deleteActions, dumpFilters, getActions, FilterChange, forgetInstalled, groupAction, owned, parsePrefix, Prefix, prefixString,
  reconcileInterface, removeOwned, setActions, unwatch, WantedFilter,
} from './tc';
import { checkIfName, ensureTun, openTun, removeTun } from './tun';

export type { DropRule, SessionCounters };

export interface MirrorSpec {
  /** stable key, e.g. the Acct-Session-Id */
  key: string;
  /** IPv4 addresses / prefixes and IPv6 prefixes of the subscriber */
  addresses: string[];
  /** pool member (TUN device name) carrying this mirror */
  tunnel: string;
  interceptId: number;
  sessionId: number;
  medIp: string;
  medPort: number;
  dropRules: DropRule[];
  /**
   * Mirror group: the mirror's filters bind to the group's shared mirred
   * action (tc.ts groupAction), which points at the group's member; every
   * mirror of a group has the same tunnel, and moveGroups() re-points a
   * whole group with one request. Undefined: the filters carry their own
   * action (a move rewrites them).
   */
  group?: number;
}

/** A mirror group re-pointed at another pool member (Dataplane.moveGroups). */
export interface GroupMove {
  group: number;
  tunnel: string;
}

export interface DesiredState {
  /** manage false: a member that failed (down/gone); its link events are still reported, but it is neither created nor changed */
  pool: { name: string; enabled?: boolean; manage?: boolean }[];
  subscriberInterfaces: string[];
  sourceIpv4?: string;
  /** forwarding class code point; undefined copies the packet's own DSCP */
  dscp?: number;
  multicast: boolean;
  mirrors: MirrorSpec[];
}

/**
 * Transmit queue of a pool member, in packets. mirred queues the copies on
 * the TUN device until the relay reads them; the kernel's default (500) is 5
 * ms at 100,000 packets/s, less than a pause of the agent's event loop, and
 * overflowed in bench/relay.ts (up to a fifth of the copies lost at 64 and
 * 1400 bytes). 10,000 is 100 ms at that rate.
 */
export const POOL_TXQLEN = 10000;

export interface PreparedChange {
  apply(): Promise<void>;
  abort(): Promise<void>;
}

/** 'down': a pool member went down; 'gone': it disappeared; 'up': it came back. */
/**
 * multicast-interception on one subscriber interface. The rule: multicast
 * leaving a subscriber interface (IPv4 224.0.0.0/4, IPv6 ff00::/8, egress) is
 * not addressed to the subscriber, so it is attributed by interface. When
 * exactly one mirrored subscriber is behind the interface (by the kernel's
 * route to its first address: the per-subscriber interface of a BNG), the
 * multicast it receives is copied into that session. When several are, which
 * of them joined a group is not known (no IGMP/MLD state), so nothing is
 * copied ('shared'); likewise when the session's pool member already carries
 * the multicast of another session, since a copy carries no interface
 * ('tunnel-shared'). Multicast a mirrored subscriber sends is copied by
 * address, as all its traffic.
 */
export interface MulticastSelection {
  interface: string;
  /** the session whose multicast is copied, when one is */
  key?: string;
  /** why nothing is copied */
  reason?: 'no-mirrored-subscriber' | 'shared' | 'tunnel-shared';
}

export interface MemberEvent {
  name: string;
  state: 'up' | 'down' | 'gone';
}

/** A listed subscriber interface that was missing from the kernel appeared ('subscriber' on linkEvents). */
export interface SubscriberInterfaceEvent {
  name: string;
}

export class Dataplane {
  private readonly nl = new Rtnl();
  private monitor?: LinkMonitor;
  private relay?: Relay;
  private current: DesiredState = { pool: [], subscriberInterfaces: [], multicast: false, mirrors: [] };
  private busy: Promise<unknown> = Promise.resolve();
  /** pool member events, for the pool logic */
  readonly linkEvents = new EventEmitter();
  private readonly lastState = new Map<string, 'up' | 'down' | 'gone'>();
  /** output interface of each mirrored address (multicast-interception), until a link changes */
  private readonly oifCache = new Map<string, number | undefined>();
  private multicastSel: MulticastSelection[] = [];
  /** the mirrors applied, by key (current.mirrors is not kept up to date by setMirror) */
  private mirrors = new Map<string, MirrorSpec>();
  /** keys of the mirrors that name each prefix (prefixString), in order: the last one's tunnel is installed */
  private owners = new Map<string, string[]>();
  /** links as last read; undefined once a link event or a reconcile may have changed them */
  private linkCache?: Map<string, LinkInfo>;
  /** the mirror groups of `mirrors`: member and keys */
  private groups = new Map<number, { tunnel: string; keys: Set<string> }>();
  /** image of the reserved shared actions in the kernel: group -> member ifindex (0: its device is gone) */
  private actions = new Map<number, number>();
  /** actionGeneration() when the image was read; undefined: not read yet (the first full reconcile asks the kernel) */
  private actionsRead?: number;
  /** multicast-interception: the mirrored sessions behind each subscriber interface, as last looked up */
  private mcastBehind = new Map<string, string[]>();
  /**
   * Listed subscriber interfaces the kernel does not have: nothing is
   * selected on them (a missing interface is not a refusal: the mirrors
   * wait for it); 'subscriber' is emitted when one appears.
   */
  private missing = new Set<string>();

  /** the listed subscriber interfaces missing from the kernel at the last change */
  missingSubscriberInterfaces(): string[] {
    return this.current.subscriberInterfaces.filter((n) => this.missing.has(n));
  }

  /** Starts following link events. Call once. */
  start(): void {
    if (this.monitor) return;
    this.monitor = new LinkMonitor();
    this.monitor.on('link', (e: LinkEvent) => this.onLink(e));
    this.monitor.on('error', () => undefined);
  }

  private onLink(e: LinkEvent): void {
    this.oifCache.clear();
    this.linkCache = undefined;
    // a subscriber interface or member that changed: read the kernel again at the next reconcile
    if (this.current.subscriberInterfaces.includes(e.link.name) || e.kind === 'del') forgetInstalled(this.nl, e.link.index);
    if (this.current.subscriberInterfaces.includes(e.link.name)) {
      if (e.kind === 'del') this.missing.add(e.link.name);
      else if (this.missing.delete(e.link.name)) this.linkEvents.emit('subscriber', { name: e.link.name } as SubscriberInterfaceEvent);
    }
    if (!this.current.pool.some((m) => m.name === e.link.name)) return;
    const state: MemberEvent['state'] = e.kind === 'del' ? 'gone' : e.link.up ? 'up' : 'down';
    if (this.lastState.get(e.link.name) === state) return;
    this.lastState.set(e.link.name, state);
    this.linkEvents.emit('member', { name: e.link.name, state } as MemberEvent);
  }

  async close(): Promise<void> {
    this.monitor?.close();
    this.relay?.close();
    this.relay = undefined;
    unwatch(this.nl);
    this.nl.close();
  }

  counters(key: string): SessionCounters | undefined {
    return this.relay?.counters(key);
  }

  /** multicast-interception per subscriber interface, as last applied */
  multicast(): MulticastSelection[] {
    return this.multicastSel.map((m) => ({ ...m }));
  }

  relayStats(): Relay['stats'] | undefined {
    return this.relay?.stats;
  }

  /** Current links, for the pool logic (is a member usable?). */
  async links(): Promise<LinkInfo[]> {
    return getLinks(this.nl);
  }

  /** Checks the state's own consistency; throws AgentError naming the problem. */
  static check(d: DesiredState): void {
    const names = new Set<string>();
    for (const m of d.pool) {
      checkIfName(m.name);
      if (names.has(m.name)) throw new AgentError('invalid-value', `tunnel ${m.name} is listed twice`);
      names.add(m.name);
    }
    for (const i of d.subscriberInterfaces) checkIfName(i);
    if (d.dscp !== undefined && (!Number.isInteger(d.dscp) || d.dscp < 0 || d.dscp > 63)) throw new AgentError('invalid-value', `dscp ${d.dscp} is out of range`);
    if (d.sourceIpv4 !== undefined) ipv4ToNumber(d.sourceIpv4);
    if (d.mirrors.length && d.sourceIpv4 === undefined) throw new AgentError('missing-element', 'source-ipv4-address is required for mirroring', { info: { 'bad-element': 'source-ipv4-address' } });
    const keys = new Set<string>();
    const groupTunnel = new Map<number, string>();
    for (const m of d.mirrors) {
      if (keys.has(m.key)) throw new AgentError('invalid-value', `mirror ${m.key} is listed twice`);
      keys.add(m.key);
      Dataplane.checkMirror(m, names);
      if (m.group === undefined) continue;
      const t = groupTunnel.get(m.group);
      if (t === undefined) groupTunnel.set(m.group, m.tunnel);
      else if (t !== m.tunnel) throw new AgentError('invalid-value', `mirror ${m.key}: group ${m.group} is on ${t}, not ${m.tunnel}`);
    }
  }

  private static checkMirror(m: MirrorSpec, poolNames: { has(n: string): boolean }): void {
    if (!poolNames.has(m.tunnel)) throw new AgentError('invalid-value', `mirror ${m.key}: tunnel ${m.tunnel} is not a pool member`);
    if (m.group !== undefined && (!Number.isInteger(m.group) || m.group < 0 || m.group >= ACT_GROUPS)) throw new AgentError('invalid-value', `mirror ${m.key}: group ${m.group} is out of range (0-${ACT_GROUPS - 1})`);
    for (const a of m.addresses) {
      const p = parsePrefix(a);
      if (p.family === 4 ? p.addr[0] >= 224 && p.addr[0] < 240 : p.addr[0] === 0xff)
        throw new AgentError('invalid-value', `mirror ${m.key}: ${a} is a multicast address, not a subscriber's`);
    }
    checkFlow({ src: 0, dst: ipv4ToNumber(m.medIp), srcPort: 0, dstPort: m.medPort, interceptId: m.interceptId, sessionId: m.sessionId });
  }

  /**
   * The incremental path: installs, changes or (spec undefined) removes one
   * mirror against what was last applied, at a cost that does not depend on
   * how many other mirrors there are: the relay gains or loses one session,
   * and each subscriber interface gets the difference for this mirror's
   * prefixes, worked out from the image of the last reconcile (tc
   * changeFilters). The pool, interfaces, source address and the other
   * mirrors stay as they are; configuration changes, start-up adoption and
   * link events go through prepare/apply (the full reconcile). With
   * multicast-interception on, the selection depends on every mirror, so the
   * change is applied in full. On failure nothing of the change remains: the
   * affected interfaces are reconciled back in full (from a dump) and the
   * error is thrown.
   */
  setMirror(key: string, spec: MirrorSpec | undefined): Promise<void> {
    const run = this.busy.then(() => this.doSetMirror(key, spec));
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async doSetMirror(key: string, spec: MirrorSpec | undefined): Promise<void> {
    const cur = this.current;
    if (spec) {
      if (spec.key !== key) throw new AgentError('invalid-value', `mirror ${spec.key} given as ${key}`);
      if (cur.sourceIpv4 === undefined) throw new AgentError('missing-element', 'source-ipv4-address is required for mirroring', { info: { 'bad-element': 'source-ipv4-address' } });
      Dataplane.checkMirror(spec, new Set(cur.pool.map((m) => m.name)));
    }
    const old = this.mirrors.get(key);
    if (!old && !spec) return;
    if (spec?.group !== undefined) {
      const g = this.groups.get(spec.group);
      if (g && g.tunnel !== spec.tunnel && !(g.keys.size === 1 && g.keys.has(key)))
        throw new AgentError('invalid-value', `mirror ${key}: group ${spec.group} is on ${g.tunnel}, not ${spec.tunnel}`);
    }
    if (cur.multicast) {
      const mirrors = new Map(this.mirrors);
      if (spec) mirrors.set(key, spec);
      else mirrors.delete(key);
      await this.doApply({ ...cur, mirrors: [...mirrors.values()] });
      return;
    }
    const links = await this.linkMap();
    // the prefixes this change touches, and the mirror that will own each
    const touched = new Map<string, Prefix>();
    for (const a of [...(old?.addresses ?? []), ...(spec?.addresses ?? [])]) {
      const p = parsePrefix(a);
      touched.set(prefixString(p), p);
    }
    const undo = this.own(key, old, spec);
    const changes: FilterChange[] = [];
    for (const [text, p] of touched) {
      const o = this.owners.get(text);
      const owner = o && this.mirrors.get(o[o.length - 1]);
      const tunIfindex = owner ? links.get(owner.tunnel)?.index : undefined;
      const action = owner?.group !== undefined && tunIfindex !== undefined ? groupAction(owner.group) : undefined;
      changes.push({ dir: 'ingress', prefix: p, tunIfindex, action }, { dir: 'egress', prefix: p, tunIfindex, action });
    }
    const done: { index: number; name: string }[] = [];
    // a group's first mirror (or one re-using a free group elsewhere): its shared action first
    const tunNow = spec ? links.get(spec.tunnel)?.index : undefined;
    const actionBefore = spec?.group !== undefined ? this.actions.get(spec.group) : undefined;
    const newAction = spec?.group !== undefined && tunNow !== undefined && actionBefore !== tunNow;
    try {
      if (newAction) {
        this.actions.delete(spec.group!);
        await setActions(this.nl, [{ index: groupAction(spec.group!), tunIfindex: tunNow }]);
        this.actions.set(spec.group!, tunNow);
      }
      // relay first on a start, so that copies have a session as soon as filters go in
      if (spec && this.relay) this.relay.upsert(spec);
      for (const name of cur.subscriberInterfaces) {
        const l = links.get(name);
        if (!l) {
          this.missing.add(name); // its filters go in when it appears (a full reconcile)
          continue;
        }
        done.push({ index: l.index, name });
        if (!(await changeFilters(this.nl, l.index, name, changes))) await reconcileInterface(this.nl, l.index, name, this.wanted(links));
      }
      if (!spec) this.relay?.remove(key);
    } catch (e) {
      undo();
      if (this.relay) {
        if (old) this.relay.upsert(old);
        else this.relay.remove(key);
      }
      // put back what the change touched, reading the kernel (and the links: a stale index is one way to fail)
      this.linkCache = undefined;
      const now = await this.linkMap().catch(() => links);
      if (newAction && old?.group === spec!.group && actionBefore !== undefined) {
        await setActions(this.nl, [{ index: groupAction(spec!.group!), tunIfindex: actionBefore }]).then(() => this.actions.set(spec!.group!, actionBefore)).catch(() => undefined);
      }
      for (const d of done) {
        forgetInstalled(this.nl, d.index);
        await reconcileInterface(this.nl, d.index, d.name, this.wanted(now)).catch(() => undefined);
      }
      throw e;
    }
  }

  /**
   * Moves whole mirror groups to other pool members (a member failed or left
   * the pool): each group's shared action is re-pointed (one request per
   * group, pipelined), so every filter bound to it mirrors into the new member
   * at once; no filter is rewritten. The mirrors of the groups take the new
   * tunnel; `pool`, when given, replaces the pool of the state last applied
   * (a failed member: manage false), and the relay reads the members to
   * manage. With multicast-interception on, the selection is worked out again
   * from the sessions behind each interface as last looked up, and only
   * interfaces whose selection changed get their multicast entries changed.
   * A group the kernel has no action for (its filters were not installed)
   * makes it a full reconcile. On a refusal nothing is recorded and the error
   * is thrown: the caller reconciles in full.
   */
  moveGroups(moves: GroupMove[], pool?: DesiredState['pool']): Promise<void> {
    const run = this.busy.then(() => this.doMoveGroups(moves, pool));
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async doMoveGroups(moves: GroupMove[], pool?: DesiredState['pool']): Promise<void> {
    const cur = this.current;
    const nextPool = pool ?? cur.pool;
    const names = new Set(nextPool.map((m) => m.name));
    for (const mv of moves) if (!names.has(mv.tunnel)) throw new AgentError('invalid-value', `group ${mv.group}: tunnel ${mv.tunnel} is not a pool member`);
    this.linkCache = undefined; // a link event is why groups move
    const links = await this.linkMap();
    const set: { index: number; tunIfindex: number; what: string }[] = [];
    let full = false;
    for (const mv of moves) {
      const g = this.groups.get(mv.group);
      if (!g) continue;
      const l = links.get(mv.tunnel);
      if (!l) throw new AgentError('operation-failed', `tunnel ${mv.tunnel} does not exist in the kernel`, { appTag: 'kernel-refused' });
      if (!this.actions.has(mv.group)) full = true;
      set.push({ index: groupAction(mv.group), tunIfindex: l.index, what: `move mirror group ${mv.group} to ${mv.tunnel}` });
    }
    if (full) {
      const mirrors = new Map(this.mirrors);
      for (const mv of moves) for (const k of this.groups.get(mv.group)?.keys ?? []) mirrors.set(k, { ...mirrors.get(k)!, tunnel: mv.tunnel });
      await this.doApply({ ...cur, pool: nextPool, mirrors: [...mirrors.values()] });
      return;
    }
    for (const a of set) this.actions.delete(a.index - ACT_INDEX_BASE); // unknown until acknowledged
    await setActions(this.nl, set);
    for (const a of set) this.actions.set(a.index - ACT_INDEX_BASE, a.tunIfindex);
    // a turn of the event loop: the relay reads what the moved groups already copy into their new members
    await new Promise((r) => setImmediate(r));
    // the specs are the dataplane's own (given to it, handed out only as copies): changed in place, tens of thousands at no cost
    for (const mv of moves) {
      const g = this.groups.get(mv.group);
      if (!g) continue;
      g.tunnel = mv.tunnel;
      for (const k of g.keys) this.mirrors.get(k)!.tunnel = mv.tunnel;
    }
    this.current = { ...cur, pool: nextPool };
    if (this.relay && nextPool.length && cur.sourceIpv4) this.relay.setTunnels(nextPool.filter((m) => m.manage !== false).map((m) => m.name), openTun, { deferClose: true });
    for (const m of nextPool) {
      const l = links.get(m.name);
      this.lastState.set(m.name, !l ? 'gone' : l.up ? 'up' : 'down');
    }
    if (cur.multicast) await this.remulticast(links);
  }

  /** multicast-interception after members changed: the selection again, entries changed where it changed. */
  private async remulticast(links: Map<string, LinkInfo>): Promise<void> {
    const cur = this.current;
    const sel = Dataplane.pickMulticast(cur.subscriberInterfaces, this.mcastBehind, (k) => this.mirrors.get(k)?.tunnel);
    const before = new Map(this.multicastSel.map((m) => [m.interface, m.key]));
    const mc = parsePrefix('224.0.0.0/4');
    const mc6 = parsePrefix('ff00::/8');
    for (const m of sel) {
      const was = before.get(m.interface);
      if (was === m.key) continue; // same session: its entries follow its group
      const l = links.get(m.interface);
      if (!l) continue;
      const entries = this.multicastEntries(m.key !== undefined ? this.mirrors.get(m.key) : undefined, links);
      const changes: FilterChange[] = entries.length ? entries : [{ dir: 'egress', prefix: mc }, { dir: 'egress', prefix: mc6 }];
      if (!(await changeFilters(this.nl, l.index, m.interface, changes))) {
        await reconcileInterface(this.nl, l.index, m.interface, [...this.wanted(links), ...entries]);
      }
    }
    this.multicastSel = sel;
    this.relay?.setMulticast(sel.filter((m) => m.key !== undefined).map((m) => ({ tunnel: this.mirrors.get(m.key!)!.tunnel, key: m.key! })));
  }

  /** Records `spec` (or nothing) as mirror `key`, with prefix ownership; returns how to undo it. */
  private own(key: string, old: MirrorSpec | undefined, spec: MirrorSpec | undefined): () => void {
    const texts = (m: MirrorSpec | undefined): string[] => (m ? m.addresses.map((a) => prefixString(parsePrefix(a))) : []);
    const drop = (m: MirrorSpec | undefined): void => {
      for (const t of texts(m)) {
        const l = this.owners.get(t)?.filter((k) => k !== key);
        if (l?.length) this.owners.set(t, l);
        else this.owners.delete(t);
      }
    };
    const add = (m: MirrorSpec | undefined): void => Dataplane.addOwner(this.owners, key, texts(m));
    const record = (from: MirrorSpec | undefined, to: MirrorSpec | undefined): void => {
      drop(from);
      add(to);
      this.leaveGroup(from);
      this.joinGroup(to);
      if (to) this.mirrors.set(key, to);
      else this.mirrors.delete(key);
    };
    record(old, spec);
    return () => record(spec, old);
  }

  /** Makes `key` an owner of each prefix (prefixString), last unless it already was one. */
  private static addOwner(owners: Map<string, string[]>, key: string, texts: string[]): void {
    for (const t of texts) {
      const l = owners.get(t);
      if (!l) owners.set(t, [key]);
      else if (!l.includes(key)) l.push(key);
    }
  }

  private joinGroup(m: MirrorSpec | undefined, groups = this.groups): void {
    if (m?.group === undefined) return;
    const g = groups.get(m.group);
    if (g) {
      g.keys.add(m.key);
      g.tunnel = m.tunnel;
    } else groups.set(m.group, { tunnel: m.tunnel, keys: new Set([m.key]) });
  }

  private leaveGroup(m: MirrorSpec | undefined): void {
    if (m?.group === undefined) return;
    const g = this.groups.get(m.group);
    if (!g) return;
    g.keys.delete(m.key);
    if (!g.keys.size) this.groups.delete(m.group);
  }

  private async linkMap(): Promise<Map<string, LinkInfo>> {
    if (!this.linkCache) this.linkCache = new Map((await getLinks(this.nl)).map((l) => [l.name, l]));
    return this.linkCache;
  }

  /** Every mirror's filters (the full reconcile's wanted set), by prefix owner. */
  private wanted(links: Map<string, LinkInfo>, mirrors = this.mirrors, owners = this.owners): WantedFilter[] {
    const wanted: WantedFilter[] = [];
    for (const [text, keys] of owners) {
      const m = mirrors.get(keys[keys.length - 1]);
      const tun = m && links.get(m.tunnel);
      if (!tun) continue;
      const prefix = parsePrefix(text);
      const action = m.group !== undefined ? groupAction(m.group) : undefined;
      wanted.push({ dir: 'ingress', prefix, tunIfindex: tun.index, action }, { dir: 'egress', prefix, tunIfindex: tun.index, action });
    }
    return wanted;
  }

  /**
   * Phase one: checks the state, checks that the subscriber interfaces exist,
   * creates the TUN devices that are missing. Nothing selects traffic yet.
   */
  prepare(desired: DesiredState): Promise<PreparedChange> {
    const run = this.busy.then(() => this.doPrepare(desired));
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async doPrepare(desired: DesiredState): Promise<PreparedChange> {
    Dataplane.check(desired);
    const links = new Map((await getLinks(this.nl)).map((l) => [l.name, l]));
    // a subscriber interface missing from the kernel is no refusal: nothing is selected on it until it appears
    const created: string[] = [];
    try {
      for (const m of desired.pool) {
        if (links.has(m.name) || m.manage === false) continue;
        await ensureTun(this.nl, m.name);
        created.push(m.name);
      }
    } catch (e) {
      for (const n of created) await removeTun(this.nl, n).catch(() => undefined);
      throw e;
    }
    let done = false;
    return {
      apply: async () => {
        if (done) return;
        done = true;
        const run = this.busy.then(() => this.doApply(desired));
        this.busy = run.catch(() => undefined);
        await run;
      },
      abort: async () => {
        if (done) return;
        done = true;
        for (const n of created) await removeTun(this.nl, n).catch(() => undefined);
      },
    };
  }

  private async doApply(desired: DesiredState): Promise<void> {
    let links = new Map((await getLinks(this.nl)).map((l) => [l.name, l]));
    // Pool members: present and administratively as configured.
    for (const m of desired.pool) {
      if (m.manage === false) continue;
      let l = links.get(m.name);
      if (!l) {
        await ensureTun(this.nl, m.name);
        links = new Map((await getLinks(this.nl)).map((x) => [x.name, x]));
        l = links.get(m.name)!;
      }
      const want = m.enabled !== false;
      if (l.up !== want) await setLinkUp(this.nl, l.index, want, m.name);
      if (l.txqlen !== undefined && l.txqlen < POOL_TXQLEN) await setLinkTxqlen(this.nl, l.index, POOL_TXQLEN, m.name);
    }
    const mcast = desired.multicast ? await this.selectMulticast(desired, links) : [];
    // Relay first, so copies have a reader as soon as filters go in.
    if (desired.pool.length && desired.sourceIpv4) {
      this.relay ??= new Relay();
      const byKey = new Map(desired.mirrors.map((m) => [m.key, m]));
      this.relay.configure({
        sourceIpv4: desired.sourceIpv4, dscp: desired.dscp, sessions: desired.mirrors,
        multicast: mcast.filter((m) => m.key).map((m) => ({ tunnel: byKey.get(m.key!)!.tunnel, key: m.key! })),
      });
      this.relay.setTunnels(desired.pool.filter((m) => m.manage !== false).map((m) => m.name), openTun);
    } else if (this.relay) {
      this.relay.configure({ sourceIpv4: '0.0.0.0', sessions: [] });
      this.relay.setTunnels([], openTun);
    }
    // Selection on each subscriber interface: the mirrors and who owns each prefix (the last mirror naming it).
    const mirrors = new Map<string, MirrorSpec>();
    const owners = new Map<string, string[]>();
    for (const m of desired.mirrors) {
      mirrors.set(m.key, m);
      Dataplane.addOwner(owners, m.key, m.addresses.map((a) => prefixString(parsePrefix(a))));
    }
    const wanted = this.wanted(links, mirrors, owners);
    // Mirror groups: their shared actions, pointing at their members, before any filter binds to them.
    const groups = new Map<number, { tunnel: string; keys: Set<string> }>();
    for (const m of desired.mirrors) this.joinGroup(m, groups);
    const wantActions = new Map<number, number>();
    for (const [g, { tunnel }] of groups) {
      const l = links.get(tunnel);
      if (l) wantActions.set(g, l.index);
    }
    if (this.actionsRead === undefined || this.actionsRead !== actionGeneration(this.nl)) {
      // what a previous run (or someone else) left at the reserved indexes
      const gen = actionGeneration(this.nl);
      const have = await getActions(this.nl, allGroupActions());
      this.actions = new Map([...have.values()].map((a) => [a.index - ACT_INDEX_BASE, a.plain ? a.tunIfindex : -1]));
      this.actionsRead = gen;
    }
    const setActs: { index: number; tunIfindex: number }[] = [];
    for (const [g, tunIfindex] of wantActions) if (this.actions.get(g) !== tunIfindex) setActs.push({ index: groupAction(g), tunIfindex });
    for (const a of setActs) this.actions.delete(a.index - ACT_INDEX_BASE); // unknown until acknowledged
    await setActions(this.nl, setActs);
    for (const a of setActs) this.actions.set(a.index - ACT_INDEX_BASE, a.tunIfindex);
    const missing = new Set<string>();
    for (const name of desired.subscriberInterfaces) {
      const l = links.get(name);
      if (!l) {
        missing.add(name);
        continue;
      }
      const sel = mcast.find((m) => m.interface === name && m.key);
      const extra = this.multicastEntries(sel && mirrors.get(sel.key!), links);
      await reconcileInterface(this.nl, l.index, name, extra.length ? [...wanted, ...extra] : wanted);
    }
    // Interfaces no longer listed: remove only what the agent owns there.
    for (const name of this.current.subscriberInterfaces) {
      if (desired.subscriberInterfaces.includes(name)) continue;
      const l = links.get(name);
      if (l && (await dumpFilters(this.nl, l.index)).some(owned)) await removeOwned(this.nl, l.index, name);
    }
    // Groups no longer used (nothing binds them now; one still held is left for the next time).
    const unused = [...this.actions.keys()].filter((g) => !wantActions.has(g)).map(groupAction);
    for (const i of await deleteActions(this.nl, unused)) this.actions.delete(i - ACT_INDEX_BASE);
    // Pool members removed from the configuration.
    for (const m of this.current.pool) if (!desired.pool.some((x) => x.name === m.name)) await removeTun(this.nl, m.name);
    this.current = desired;
    this.missing = missing;
    this.mirrors = mirrors;
    this.owners = owners;
    this.groups = groups;
    this.linkCache = undefined; // members may have been created or removed since `links` was read
    this.multicastSel = mcast;
    for (const m of desired.pool) {
      const l = links.get(m.name);
      this.lastState.set(m.name, !l ? 'gone' : l.up ? 'up' : 'down');
    }
  }

  /** The egress multicast entries of a subscriber interface whose multicast goes to `m` (none without m). */
  private multicastEntries(m: MirrorSpec | undefined, links: Map<string, LinkInfo>): WantedFilter[] {
    const tun = m && links.get(m.tunnel);
    if (!tun) return [];
    const action = m.group !== undefined ? groupAction(m.group) : undefined;
    return [
      { dir: 'egress', prefix: parsePrefix('224.0.0.0/4'), tunIfindex: tun.index, action },
      { dir: 'egress', prefix: parsePrefix('ff00::/8'), tunIfindex: tun.index, action },
    ];
  }

  /** Which mirrored session's multicast each subscriber interface copies (see MulticastSelection). */
  private async selectMulticast(desired: DesiredState, links: Map<string, LinkInfo>): Promise<MulticastSelection[]> {
    const unknown = desired.mirrors.filter((m) => m.addresses.length && !this.oifCache.has(m.addresses[0]));
    const oifs = await routeOifs(this.nl, unknown.map((m) => parsePrefix(m.addresses[0])));
    unknown.forEach((m, i) => this.oifCache.set(m.addresses[0], oifs[i]));
    const byIndex = new Map<number, string>();
    for (const l of links.values()) byIndex.set(l.index, l.name);
    const behind = new Map<string, MirrorSpec[]>();
    for (const m of desired.mirrors) {
      const oif = m.addresses.length ? this.oifCache.get(m.addresses[0]) : undefined;
      const name = oif === undefined ? undefined : byIndex.get(oif);
      if (name === undefined) continue;
      const l = behind.get(name);
      if (l) l.push(m);
      else behind.set(name, [m]);
    }
    this.mcastBehind = new Map(desired.subscriberInterfaces.map((name) => [name, (behind.get(name) ?? []).map((m) => m.key)]));
    const byKey = new Map(desired.mirrors.map((m) => [m.key, m]));
    return Dataplane.pickMulticast(desired.subscriberInterfaces, this.mcastBehind, (k) => byKey.get(k)?.tunnel);
  }

  /** The selection rule of MulticastSelection, from the sessions behind each interface and their members. */
  private static pickMulticast(interfaces: string[], behind: Map<string, string[]>, tunnelOf: (key: string) => string | undefined): MulticastSelection[] {
    const out: MulticastSelection[] = [];
    const tunnelOwner = new Map<string, string>();
    for (const name of interfaces) {
      const l = behind.get(name) ?? [];
      const tunnel = l.length === 1 ? tunnelOf(l[0]) : undefined;
      if (l.length === 0) out.push({ interface: name, reason: 'no-mirrored-subscriber' });
      else if (l.length > 1) out.push({ interface: name, reason: 'shared' });
      else if (tunnel === undefined) out.push({ interface: name, reason: 'no-mirrored-subscriber' });
      else if (tunnelOwner.has(tunnel) && tunnelOwner.get(tunnel) !== l[0]) out.push({ interface: name, reason: 'tunnel-shared' });
      else {
        tunnelOwner.set(tunnel, l[0]);
        out.push({ interface: name, key: l[0] });
      }
    }
    return out;
  }

  /** The state last applied. */
  get applied(): DesiredState {
    return { ...this.current, mirrors: [...this.mirrors.values()].map((m) => ({ ...m })) };
  }
}
