/**
 * The composition root: schema, datastores, NETCONF server, notifications
 * and operational state. Areas (RADIUS, mirror sessions, dataplane) plug in
 * as commit appliers, state providers and module RPCs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadContext } from '../yang/context';
import { AgentError } from '../errors';
import type { SchemaContext, SchemaNode } from '../yang/schema';
import type { DataNode } from '../yang/data/node';
import { newTree, parseJson, parseXml } from '../yang/data';
import { Datastore } from '../datastore';
import type { ChangeSet } from '../datastore';
import { NetconfSshServer, NetconfSession } from '../netconf/transport';
import { Dispatcher } from '../netconf/dispatch';
import type { AgentCore, ModuleRpc, StateProvider } from '../netconf/core';
import { NotificationHub } from '../netconf/notify';
import { unrestricted, Access } from '../nacm/access';
import { createNacmPolicy } from '../nacm';
import { AuditLog, isLiPath } from '../audit';
import { nodeFromPath } from '../nacm/policy';
import type { Logger } from '../log';
import { IMPLEMENTED_MODULES, MODULE_FEATURES, searchPath } from './modules';
import { bootstrapUserConfig, factoryConfig, parseBootstrap, type Bootstrap } from './factory';
import { applyEdit } from '../netconf/edit';
import { authenticate, countUsers } from './users';
import { monitoringState } from './monitoring';
import { lockDataDir, type DataDirLock } from './data-lock';
import { RadiusServer } from '../radius';
import { Dataplane } from '../dataplane';
import { MirrorService, StateStore } from '../mirror';
import type { DataplanePort } from '../mirror/service';
import { addState } from './monitoring';
import { configChangeEvent, confirmedCommitEvent, sessionEndEvent, sessionStartEvent } from './events';

export interface AgentOptions {
  dataDir: string;
  listen: { host: string; port: number };
  log: Logger;
  /** FLOWTAPD_BOOTSTRAP_USER value */
  bootstrap?: string;
  helloTimeoutMs?: number;
  idleTimeoutMs?: number;
  /** tests: bind the RADIUS listeners on these ports instead of the configured ones (0: any free port) */
  radiusPorts?: { coaPort: number; acctPort: number };
  /** tests: a dataplane double instead of the kernel's */
  dataplane?: DataplanePort;
}

const CAP = 'urn:ietf:params:netconf:capability:';

export class Agent implements AgentCore {
  ctx!: SchemaContext;
  ds!: Datastore;
  server!: NetconfSshServer;
  notifications!: NotificationHub;
  moduleRpcs = new Map<string, ModuleRpc>();
  stateProviders: StateProvider[] = [];
  stats = { inRpcs: 0, inBadRpcs: 0, outRpcErrors: 0, outNotifications: 0 };
  private dispatcher!: Dispatcher;
  private caps: string[] = [];
  private accessPolicy: (user: string, groups: string[]) => Access = (u, g) => unrestricted(u, g);

  constructor(readonly opts: AgentOptions) {}

  /**
   * FLOWTAPD_BOOTSTRAP_USER on a data directory that is not new: the user
   * is added (committed like an edit, audited) when the configuration has
   * no local user at all, the state a first start without the variable
   * leaves, where nobody could log in to add one. With users configured it
   * changes nothing, and says so.
   */
  private async bootstrapUser(bootstrap: Bootstrap | undefined, factory: boolean): Promise<void> {
    const { dataDir, log } = this.opts;
    const users = countUsers(this.ds.get('running'));
    if (bootstrap && !factory && users === 0) {
      const tree = this.ds.copyOf('running');
      const edit = parseXml(this.ctx, bootstrapUserConfig(bootstrap), { type: 'edit', unwrap: true });
      const res = applyEdit(tree, edit, { defaultOperation: 'merge', continueOnError: false });
      if (res.errors.length) throw new Error(`FLOWTAPD_BOOTSTRAP_USER: ${res.errors[0].message}`);
      await this.ds.queue.run(() => this.ds.commitDirect(tree, { kind: 'startup', user: bootstrap.user }));
      log.info('bootstrap-user-added', { dataDir, user: bootstrap.user, group: 'admin' });
    } else if (bootstrap && !factory) {
      log.warn('bootstrap-user-ignored', {
        message: `FLOWTAPD_BOOTSTRAP_USER is set, but ${dataDir} already has ${users} local user(s): it adds a user only when none is configured.`,
      });
    } else if (users === 0) {
      log.warn('no-users', {
        message: 'No local users are configured: restart with FLOWTAPD_BOOTSTRAP_USER=name:password to create an admin user.',
      });
    }
  }

  /** Load everything and listen. Errors are one line naming what and where. */
  async start(): Promise<{ port: number }> {
    prepareDataDir(this.opts.dataDir);
    this.dirLock = lockDataDir(this.opts.dataDir);
    if (!this.dirLock) this.opts.log.warn('data-dir-not-locked', { message: 'the native addon is not built: nothing keeps a second agent off this data directory' });
    try {
      return await this.startLocked();
    } catch (e) {
      // a start that failed leaves the directory to the next attempt (the caller may not stop())
      this.dirLock?.release();
      throw e;
    }
  }

  private dirLock?: DataDirLock;

  private async startLocked(): Promise<{ port: number }> {
    const { dataDir, log } = this.opts;
    this.ctx = loadContext(IMPLEMENTED_MODULES, { searchPath: searchPath(), features: MODULE_FEATURES });
    this.ds = new Datastore(this.ctx, dataDir);
    const bootstrap = parseBootstrap(this.opts.bootstrap);
    const fresh = !fs.existsSync(this.ds.runningFile) && !fs.existsSync(this.ds.startupFile);
    const { factory, confirmedCommitReverted, journalRecovered, recoveryDeferred } = loadNaming(dataDir, () => this.ds.load(factoryConfig(fresh ? bootstrap : undefined)));
    if (factory) log.info('factory-defaults-written', { dataDir, bootstrapUser: bootstrap?.user });
    if (journalRecovered) {
      log.warn('running-recovered', {
        message: 'The agent did not stop cleanly: running.xml was behind the commit journal, and the last commit was taken from running.journal.',
        rollbackSeq: journalRecovered.seq,
        committed: journalRecovered.time.toISOString(),
      });
    }
    if (recoveryDeferred) {
      log.warn('running-recovery-deferred', {
        message: 'running.xml and the rollback history could not be written from the commit journal; the journal keeps them, and the next start (or stop) with room writes them.',
        error: recoveryDeferred,
      });
    }
    if (confirmedCommitReverted) {
      log.warn('confirmed-commit-reverted', { message: 'A confirmed commit was not confirmed before the agent stopped: the configuration before it is running again (RFC 6241 8.4.1).' });
    }
    this.notifications = new NotificationHub(this.ctx, { fromJson: (text) => this.buildEvent(text) ?? newTree(this.ctx) });
    this.dispatcher = new Dispatcher(this);
    this.caps = this.buildCapabilities();
    this.setAccessPolicy(createNacmPolicy(this));
    const audit = (this.audit = new AuditLog(dataDir));
    audit.onError = (file, err) => log.error('audit-write-failed', { file, error: err.message });
    this.ds.register(audit);
    await this.bootstrapUser(bootstrap, factory);
    this.stateProviders.push(monitoringState(this));
    this.registerRollback();
    await this.startMirroring();
    // netconf-config-change: published when the commit took effect and running is the new
    // tree. With a subscriber its tree is built ahead, in the first turn of the event loop
    // after the appliers prepared (the main thread is then waiting for the disk), when there
    // is one; with none it goes into the replay log unbuilt (its JSON form, which holds no
    // configuration tree), and is built only if a replay asks for it: a commit then spends
    // no time on it (bench/netconf.ts: the agent's CPU per edit-config+commit pair fell
    // from 3.1-3.2 ms to 2.6-2.7 ms).
    let built: { cs: ChangeSet; tree?: DataNode | null; timer: NodeJS.Immediate } | undefined;
    const changeJson = (cs: ChangeSet): Record<string, unknown> => configChangeEvent(cs, this.sessionById(cs.origin.sessionId), this.ctx);
    this.ds.register({
      name: 'config-change-notification',
      prepare: (cs) => {
        if (!this.notifications.hasSubscribers()) return null;
        const b: NonNullable<typeof built> = { cs, timer: setImmediate(() => void (b.tree = this.buildEvent(JSON.stringify(changeJson(cs))))) };
        built = b;
        const drop = (): void => {
          clearImmediate(b.timer);
          if (built === b) built = undefined;
        };
        return { apply: () => undefined, abort: drop };
      },
    });
    this.ds.events = {
      onCommitted: (cs) => {
        const b = built && built.cs === cs ? built : undefined;
        built = undefined;
        if (b) clearImmediate(b.timer);
        // a commit that changed only what some users may not read at all: its event goes to the hidden ring
        const hidden = cs.changes.length > 0 && cs.changes.every((c) => this.hiddenChange(c));
        if (b && b.tree !== undefined) {
          if (b.tree) this.notifications.publish(b.tree, undefined, hidden);
        } else this.publish(changeJson(cs), hidden); // built when a receiver (one subscribed meanwhile) or a replay needs it
      },
      onConfirmedCommit: (event, info) => {
        if (event === 'timeout') log.warn('confirmed-commit-rollback', { reason: 'confirm-timeout' });
        this.publish(confirmedCommitEvent(event, info, this.sessionById(info.sessionId)));
      },
      onBackgroundError: (what, err) => log.error('datastore-failed', { what, error: err.message }),
    };
    this.server = new NetconfSshServer({
      hostKeyDir: path.join(dataDir, 'ssh'),
      listen: this.opts.listen,
      capabilities: () => this.caps,
      authenticate: async (req) => authenticate(this.ds.get('running'), req),
      onLoginFailed: (a) => log.warn('login-failed', { user: a.username, method: a.method, source: a.sourceHost }),
      // refused connections (session limit, too many failed logins, no hello in time) and SSH errors
      log: (level, message) => log[level]('netconf-transport', { message }),
      onMessage: (s, xml) => this.dispatcher.handle(s, xml),
      onSessionStart: (s) => {
        log.info('session-start', { session: s.id, user: s.username, source: s.sourceHost });
        this.publish(sessionStartEvent(s));
      },
      onSessionEnd: (s, reason, killedBy) => {
        log.info('session-end', { session: s.id, user: s.username, reason });
        if (this.ds.sessionGone(s.id, s.username)) {
          log.warn('confirmed-commit-rollback', { reason: 'session closed', session: s.id, user: s.username });
        }
        this.notifications.sessionGone(s.id);
        this.publish(sessionEndEvent(s, reason, killedBy));
      },
      helloTimeoutMs: this.opts.helloTimeoutMs,
      idleTimeoutMs: this.opts.idleTimeoutMs,
    });
    const bound = await this.server.start();
    log.info('netconf-listening', { host: this.opts.listen.host, port: bound.port });
    return bound;
  }

  async stop(): Promise<void> {
    try {
      // A request being handled (a commit of a large configuration takes a second or more)
      // finishes and is answered before the sessions close, as long as that takes at most
      // STOP_DRAIN_MS: a client is not left without knowing whether its commit happened.
      if (this.ds && this.ds.queue.pending > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([this.ds.queue.run(() => undefined), new Promise<void>((r) => (timer = setTimeout(r, STOP_DRAIN_MS)))]);
        clearTimeout(timer);
        await new Promise((r) => setImmediate(r)); // the reply's own continuation writes it
      }
      if (this.server) await this.server.stop();
      if (this.mirror) await this.mirror.stop();
      this.audit?.flushLi();
      try {
        this.ds?.close();
      } catch (e) {
        // the commit journal keeps the last commits: the next start takes them from there
        this.opts.log.error('checkpoint-failed', { error: (e as Error).message });
      }
    } finally {
      this.dirLock?.release();
    }
  }

  mirror?: MirrorService;
  radius?: RadiusServer;
  audit?: AuditLog;

  /** RADIUS listeners, mirror sessions and the kernel dataplane, as one commit applier. */
  private async startMirroring(): Promise<void> {
    const log = this.opts.log;
    const override = this.opts.radiusPorts;
    let mirror: MirrorService | undefined;
    const radius = new RadiusServer({
      onCoa: (req) => mirror!.onCoa(req),
      onAccounting: (req) => mirror!.onAccounting(req),
      logger: { info: (m) => log.info('radius', { message: m }), warn: (m) => log.warn('radius', { message: m }) },
    });
    const radiusPort = override
      ? { prepare: (cfg: Parameters<RadiusServer['prepare']>[0]) => radius.prepare({ ...cfg, ...override }), close: () => radius.close() }
      : radius;
    mirror = new MirrorService({
      ds: this.ds,
      dataplane: this.opts.dataplane ?? new Dataplane(),
      radius: radiusPort,
      store: new StateStore(this.opts.dataDir),
      log,
      publish: (e) => this.publish(e),
      liLog: (event, fields) => this.audit?.liEvent(event, fields),
    });
    this.radius = radius;
    this.mirror = mirror;
    await mirror.start();
    this.ds.register(mirror);
    const m = mirror;
    const rft = this.ctx.modules.get('flowtapd-services')?.data.find((n) => n.name === 'services')?.children.find((n) => n.name === 'radius-flow-tap');
    this.stateProviders.push((root, access) => {
      // radius-flow-tap is `when "../flow-tap"`: without flow-tap it does not exist (RFC 7950
      // 7.21.5), its state neither; a client that validates a <get> reply (yanglint, libyang)
      // refuses one that holds it
      const services = root.children.find((c) => c.schema.name === 'services' && c.schema.module.name === 'flowtapd-services');
      const flowTap = services?.children.some((c) => c.schema.name === 'flow-tap') ?? false;
      // not even computed for a user who may never read it (then pruned): the time a <get> takes
      // would grow with the number of intercepts
      const liState = flowTap && (!rft || access.mayReadSchema(rft));
      const relay = liState ? m.relayStatistics() : undefined;
      return addState(this.ctx, root, {
        ...(liState
          ? {
              'flowtapd-services:services': {
                'radius-flow-tap': {
                  sessions: { session: m.sessionsState() },
                  ...(relay ? { 'relay-statistics': relay } : {}),
                  status: m.status(),
                  'tunnel-state': {
                    tunnel: m.tunnels().map((t) => ({
                      name: t.name,
                      enabled: t.enabled,
                      'oper-status': !t.enabled ? 'disabled' : t.failed ? 'down' : 'up',
                      sessions: t.sessions,
                      ...(t.failed && t.reason ? { reason: t.reason } : {}),
                    })),
                  },
                },
              },
            }
          : {}),
        'flowtapd-access:subscribers': { 'refused-addresses': String(m.refusedAddressCount()), subscriber: m.subscribersState() },
        'flowtapd-access:radius-statistics': radiusStatistics(radius.counters()),
      });
    });
    const mod = this.ctx.modules.get('flowtapd-services');
    const rpc = mod?.rpcs.find((r) => r.name === 'clear-mirror-session');
    if (mod && rpc) {
      this.moduleRpcs.set(`${mod.namespace}|clear-mirror-session`, {
        schema: rpc,
        handler: async (input) => {
          const id = input.children.find((c) => c.schema.name === 'acct-session-id')?.value ?? '';
          if (!(await m.clear(id))) {
            throw new AgentError('data-missing', `No mirror session ${id}.`, { appTag: 'instance-required' });
          }
          return null;
        },
      });
    }
  }

  // ---- AgentCore ----
  sessions(): NetconfSession[] {
    return this.server.sessions();
  }
  killSession(id: number, by: number): boolean {
    return this.server.killSession(id, by);
  }
  capabilities(): string[] {
    return this.caps;
  }
  transportStats(): { netconfStartTime: Date; inBadHellos: number; inSessions: number; droppedSessions: number } {
    return this.server.stats();
  }
  accessFor(session: NetconfSession): Access {
    // no transport groups: NACM looks up /nacm/groups itself, per configuration
    return this.accessPolicy(session.username, []);
  }
  /** NACM (or another policy) replaces the permit-all default. */
  setAccessPolicy(p: (user: string, groups: string[]) => Access): void {
    this.accessPolicy = p;
  }

  /** Publish a notification given as RFC 7951 JSON ({"module:name": {...}}). */
  publish(event: Record<string, unknown> | null, hidden?: boolean): void {
    if (!event) return;
    // one top-level member "module:notification-name" (RFC 7951); its tree is built
    // when a subscriber or a replay first needs it
    const key = Object.keys(event)[0] ?? '';
    const colon = key.indexOf(':');
    if (colon <= 0) {
      this.opts.log.error('notification-build-failed', { error: `not a notification: ${JSON.stringify(key)}` });
      return;
    }
    // the replay log keeps the event's JSON text (UTF-8 in its byte ring, no object per
    // event) until a receiver or a replay needs its tree: a config-change event per commit,
    // 1,000 of them kept, were otherwise what every scavenge copied and promoted
    this.notifications.publishJson(JSON.stringify(event), undefined, hidden ?? this.hiddenNotification(key.slice(0, colon), key.slice(colon + 1)));
  }

  /** A notification marked nacm:default-deny-all (mirror-session-event): some receivers never read it. */
  private hiddenNotification(module: string, name: string): boolean {
    return this.ctx.modules.get(module)?.notifications.find((n) => n.name === name)?.nacm === 'default-deny-all';
  }

  /** A changed node under nacm:default-deny-all: the LI subtrees, secrets. */
  private hiddenChange(c: ChangeSet['changes'][number]): boolean {
    if (isLiPath(c.path)) return true;
    // the diff's changes carry their node; its path is parsed only for a change that has none
    for (let n: SchemaNode | null = c.node?.schema ?? nodeFromPath(this.ctx, c.path)?.schema ?? null; n; n = n.parent) if (n.nacm === 'default-deny-all') return true;
    return false;
  }

  /** The notification tree of an RFC 7951 JSON event's text (null, logged, when it does not fit the model). */
  private buildEvent(json: string): DataNode | null {
    try {
      return parseJson(this.ctx, json, { type: 'notification' });
    } catch (e) {
      this.opts.log.error('notification-build-failed', { error: (e as Error).message });
      return null;
    }
  }

  private sessionById(id: number | undefined): NetconfSession | undefined {
    return id === undefined ? undefined : this.server.sessions().find((s) => s.id === id);
  }

  private registerRollback(): void {
    const mod = this.ctx.modules.get('flowtapd-system');
    const rpc = mod?.rpcs.find((r) => r.name === 'rollback');
    if (!mod || !rpc) return;
    this.moduleRpcs.set(`${mod.namespace}|rollback`, {
      schema: rpc,
      handler: async (input, call) => {
        const idx = Number(input.children.find((c) => c.schema.name === 'index')?.value ?? 'NaN');
        await this.ds.queue.run(() => {
          this.ds.checkWritable('candidate', call.session.id);
          this.ds.rollbackToCandidate(idx);
        });
        return null;
      },
    });
  }

  private buildCapabilities(): string[] {
    const caps = [
      'urn:ietf:params:netconf:base:1.0',
      'urn:ietf:params:netconf:base:1.1',
      `${CAP}candidate:1.0`,
      `${CAP}confirmed-commit:1.1`,
      // RFC 4741's version too: yuma123's yangcli gives its commit command the confirmed and
      // confirm-timeout parameters only when the server announces this one (1.1 adds persist,
      // persist-id and cancel-commit to the same confirmed commit)
      `${CAP}confirmed-commit:1.0`,
      `${CAP}rollback-on-error:1.0`,
      `${CAP}validate:1.1`,
      `${CAP}xpath:1.0`,
      `${CAP}writable-running:1.0`,
      `${CAP}startup:1.0`,
      `${CAP}with-defaults:1.0?basic-mode=explicit&also-supported=report-all,report-all-tagged,trim`,
      `${CAP}notification:1.0`,
      `${CAP}interleave:1.0`,
    ];
    const lib = this.ctx.modules.get('ietf-yang-library');
    caps.push(`${CAP}yang-library:1.0?revision=${lib?.revision ?? '2016-06-21'}&module-set-id=${this.ctx.moduleSetId}`);
    for (const m of this.ctx.modules.values()) {
      let cap = `${m.namespace}?module=${m.name}`;
      if (m.revision) cap += `&revision=${m.revision}`;
      const feats = [...m.features.values()].filter((f) => f.enabled).map((f) => f.name);
      if (feats.length) cap += `&features=${feats.join(',')}`;
      if (m.deviatedBy.length) cap += `&deviations=${m.deviatedBy.map((d) => d.name).join(',')}`;
      caps.push(cap);
    }
    return caps;
  }
}

/** RADIUS counters as /fta:radius-statistics (RFC 7951 JSON; counter64 values as strings). */
function radiusStatistics(c: ReturnType<RadiusServer['counters']>): Record<string, unknown> {
  const kebab = (k: string): string => k.replace(/[A-Z]/g, (x) => `-${x.toLowerCase()}`);
  const str = (o: object): Record<string, string> => Object.fromEntries(Object.entries(o).map(([k, v]) => [kebab(k), String(v)]));
  return {
    client: Object.entries(c.clients).map(([address, { dropped, ...rest }]) => ({ address, ...str(rest), dropped: str(dropped) })),
    'unknown-clients': { dropped: String(c.unknownClient.dropped), source: Object.entries(c.unknownClient.byAddress).map(([address, n]) => ({ address, dropped: String(n) })) },
  };
}

/** how long a stop waits for the requests being handled to be answered */
const STOP_DRAIN_MS = 10_000;

/**
 * A system error while the data directory is read or written at a start
 * (a full file system, a file that cannot be written) as one line naming
 * the file: Node's message for a write names no path ("ENOSPC: no space
 * left on device, write").
 */
function loadNaming<T>(dir: string, load: () => T): T {
  try {
    return load();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (!err.code) throw e; // the datastore's own errors name their file
    const where = err.path && !err.message.includes(err.path) ? err.path : undefined;
    throw new Error(`data directory ${dir}: ${where ? `${where}: ` : ''}${err.message}`);
  }
}

/** Create the data directory (0700) or check that it is usable; one-line errors. */
function prepareDataDir(dir: string): void {
  // a file where the directory (or one above it) should be is named as such: access() on a
  // regular file says EACCES to root (no x bit), and mkdir under one says ENOTDIR
  const notDir = firstNonDirectory(path.resolve(dir));
  if (notDir === path.resolve(dir)) throw new Error(`data directory ${dir}: not a directory`);
  if (notDir) throw new Error(`data directory ${dir}: ${notDir} is not a directory`);
  try {
    mkdirs(path.resolve(dir));
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
  } catch (e) {
    throw new Error(`data directory ${dir}: cannot create or use it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** The first of `dir` and the directories above it (top down) that exists and is not a directory. */
function firstNonDirectory(dir: string): string | undefined {
  const parent = path.dirname(dir);
  if (parent !== dir) {
    const above = firstNonDirectory(parent);
    if (above) return above;
  }
  try {
    return fs.statSync(dir).isDirectory() ? undefined : dir;
  } catch {
    return undefined; // missing (created below) or not reachable (reported below)
  }
}

/**
 * mkdir -p one component at a time (Node's recursive mkdirSync can spin
 * forever on special file systems such as /proc).
 */
function mkdirs(dir: string): void {
  if (fs.existsSync(dir)) return;
  const parent = path.dirname(dir);
  if (parent !== dir) mkdirs(parent);
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}
