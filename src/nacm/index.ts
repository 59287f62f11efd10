/**
 * NACM (RFC 8341): builds the access context of each request from the
 * groups and rules in running.
 *
 * - The configuration is read once per running tree (a commit replaces
 *   the tree, so the tree is the version); per configuration, one Table per
 *   set of groups memoises the rule outcome per schema node and operation.
 * - Rule paths are compiled with the XPath engine; their prefixes are
 *   resolved from the loaded modules' prefixes, then module names (the
 *   XML namespace declarations of <path> are not kept by the string type):
 *   see config.ts.
 * - Groups come from /nacm/groups only (no transport groups here); there is
 *   no recovery session.
 * - The counters denied-operations, denied-data-writes and
 *   denied-notifications are added to /nacm by a state provider.
 */
import type { AgentCore } from '../netconf/core';
import type { DataNode } from '../yang/data/node';
import { DataNode as Node } from '../yang/data/node';
import { clone, findChild, findChildByName, insertChild, sameSubtree } from '../yang/data/tree';
import type { SchemaContext } from '../yang/schema';
import type { Access } from './access';
import { NacmConfig, readConfig } from './config';
import { Table } from './engine';
import { Counters, NacmAccess } from './policy';

export type { Access, WriteOp } from './access';
export { unrestricted } from './access';
export { hiddenDenied, nodeFromPath, NacmAccess } from './policy';
export type { Counters } from './policy';
export { readConfig } from './config';
export { Table } from './engine';

const NACM_MODULE = 'ietf-netconf-acm';

export type NacmPolicy = ((user: string, groups: string[]) => Access) & { counters: Counters };

interface Version {
  cfg: NacmConfig;
  tables: Map<string, Table>;
}

/**
 * A policy over a schema and a source of the running tree (no agent needed:
 * unit tests and benchmarks use this directly).
 */
export function nacmPolicy(ctx: SchemaContext, running: () => DataNode, counters: Counters = { operations: 0, writes: 0, notifications: 0 }): NacmPolicy {
  const versions = new WeakMap<DataNode, Version>();
  // the /nacm subtree (a detached copy) the last version was read from: a commit that leaves it
  // as it was keeps the rules and their memoised tables instead of reading and compiling them again
  let last: { nacm: DataNode | undefined; v: Version } | undefined;
  const versionOf = (tree: DataNode): Version => {
    let v = versions.get(tree);
    if (!v) {
      const nacm = findChildByName(tree, NACM_MODULE, 'nacm');
      if (last && sameSubtree(last.nacm, nacm)) v = last.v;
      else {
        v = { cfg: readConfig(ctx, tree), tables: new Map() };
        last = { nacm: nacm && clone(nacm), v };
      }
      versions.set(tree, v);
    }
    return v;
  };
  const tableFor = (v: Version, user: string, given: readonly string[]): Table => {
    // the user's groups: those of the transport (when enable-external-groups) and /nacm/groups
    const all = new Set(v.cfg.externalGroups ? given : []);
    for (const [g, users] of v.cfg.groups) if (users.has(user)) all.add(g);
    const key = [...all].sort().join('\u0001');
    let t = v.tables.get(key);
    if (!t) {
      t = new Table(ctx, v.cfg, [...all]);
      v.tables.set(key, t);
    }
    return t;
  };
  const resolve = (tree: DataNode, user: string, given: readonly string[]): Table => tableFor(versionOf(tree), user, given);
  // current() is asked several times per request: same tree, same answer; one
  // such function per user and transport groups, not one (or more) per request
  const currents = new Map<string, () => Snapshot>();
  const fn = (user: string, groups: string[]): Access => {
    const key = groups.length ? `${user}\u0000${groups.join('\u0001')}` : user;
    let current = currents.get(key);
    if (!current) {
      if (currents.size >= 1024) currents.clear();
      const src: Source = { running, resolve, user, given: [...groups], last: null };
      current = currentOf.bind(src);
      currents.set(key, current);
    }
    return new NacmAccess(ctx, current, user, groups, counters);
  };
  return Object.assign(fn, { counters });
}

/** What an access context reads its rules from: the running tree of the moment, and its table. */
interface Source {
  running: () => DataNode;
  resolve: (tree: DataNode, user: string, given: readonly string[]) => Table;
  user: string;
  given: readonly string[];
  last: Snapshot | null;
}

class Snapshot {
  constructor(
    readonly version: DataNode,
    private readonly src: Source,
  ) {}

  table(): Table {
    const s = this.src;
    return s.resolve(this.version, s.user, s.given);
  }
}

function currentOf(this: Source): Snapshot {
  const tree = this.running();
  const last = this.last;
  if (last !== null && last.version === tree) return last;
  return (this.last = new Snapshot(tree, this));
}

/** The policy the agent asks for each request's access context; also registers the counters' state. */
/**
 * `groups` passed to the returned function are the transport's groups
 * (RFC 8341 enable-external-groups); the groups of /nacm/groups are looked
 * up here, per configuration, so a long-lived context follows commits.
 */
export function createNacmPolicy(core: AgentCore): (user: string, groups: string[]) => Access {
  const policy = nacmPolicy(core.ctx, () => core.ds.get('running'));
  const counters = policy.counters;
  const hub = core.notifications;
  if (hub) {
    const prev = hub.onDenied;
    hub.onDenied = () => {
      counters.notifications++;
      prev?.();
    };
  }
  core.stateProviders.push((root) => addCounters(core.ctx, root, counters));
  return policy;
}

function addCounters(ctx: SchemaContext, root: DataNode, counters: Counters): void {
  const schema = ctx.modules.get('ietf-netconf-acm')?.data.find((s) => s.name === 'nacm');
  if (!schema) return;
  let nacm = findChild(root, schema);
  if (!nacm) nacm = insertChild(root, new Node(schema));
  const put = (name: string, v: number): void => {
    const s = schema.dataChildren.get(`ietf-netconf-acm:${name}`);
    if (!s) return;
    const old = findChild(nacm!, s);
    if (old) old.value = String(v);
    else insertChild(nacm!, new Node(s, String(v)));
  };
  put('denied-operations', counters.operations);
  put('denied-data-writes', counters.writes);
  put('denied-notifications', counters.notifications);
}
