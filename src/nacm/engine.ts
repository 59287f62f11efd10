/**
 * RFC 8341 decisions. A Table holds the rules that apply to one set of
 * groups under one NACM configuration, and memoises per schema node and
 * access operation the outcome of the rules whose paths have no predicates
 * (module-name, rule type and access-operations are schema-level facts too),
 * so reading a big tree asks one Map per node. Rules with predicates are
 * evaluated once per tree per request (see NacmAccess) and only for the
 * schema nodes they may select.
 */
import type { DataNode } from '../yang/data/node';
import type { SchemaContext, SchemaNode } from '../yang/schema';
import { schemaDataChildren } from '../yang/xpath/schema-targets';
import type { NacmConfig, Op, Rule } from './config';

/** What the rules say for every instance of one schema node. */
export interface SchemaDecision {
  /** true: `permit` holds for every instance */
  static: boolean;
  permit: boolean;
  /** rules with predicates to try first, in order (when not static) */
  dyn: Rule[];
}

const DATA_KINDS = new Set(['container', 'list', 'leaf', 'leaf-list', 'anydata', 'anyxml']);

/** RFC 8341 3.2.5: operations tagged default-deny-all although ietf-netconf (2011) predates NACM */
const BASE_DENY_ALL = new Set(['kill-session', 'delete-config']);

export class Table {
  /** applicable rules in order: every rule-list whose group matches, in configuration order */
  readonly rules: Rule[];
  /** the first applicable rule permits everything: nothing is ever denied */
  readonly allPermitted: boolean;
  private decisions: Record<string, Map<SchemaNode, SchemaDecision>> = {};
  private subtreeRead = new Map<SchemaNode, boolean>();
  private execCache = new Map<string, { permit: boolean }>();
  private notifCache = new Map<string, boolean>();

  constructor(
    readonly ctx: SchemaContext,
    readonly cfg: NacmConfig,
    readonly groups: readonly string[],
  ) {
    const mine = new Set(groups);
    this.rules = [];
    for (const rl of cfg.ruleLists) {
      if (!rl.groups.some((g) => g === '*' || mine.has(g))) continue;
      this.rules.push(...rl.rules);
    }
    const first = this.rules[0];
    this.allPermitted =
      !cfg.enabled || (!!first && first.kind === 'any' && first.module === '*' && first.ops.size === 5 && first.permit);
    for (const op of ['create', 'read', 'update', 'delete']) this.decisions[op] = new Map();
  }

  /** The outcome of the rules (or the defaults) for the instances of `s`. */
  schema(s: SchemaNode, op: Op): SchemaDecision {
    const memo = this.decisions[op];
    let d = memo.get(s);
    if (d) return d;
    d = this.computeSchema(s, op);
    memo.set(s, d);
    return d;
  }

  private computeSchema(s: SchemaNode, op: Op): SchemaDecision {
    if (!this.cfg.enabled) return { static: true, permit: true, dyn: [] };
    const dyn: Rule[] = [];
    for (const r of this.rules) {
      if (!r.ops.has(op)) continue;
      if (r.module !== '*' && r.module !== s.module.name) continue;
      if (r.kind === 'rpc' || r.kind === 'notification') continue;
      if (r.kind === 'path') {
        if (!r.matchesAll && !coversSchema(r, s)) continue;
        if (!r.staticPath) {
          dyn.push(r);
          continue;
        }
      }
      return { static: dyn.length === 0, permit: r.permit, dyn };
    }
    return { static: dyn.length === 0, permit: this.dataDefault(s, op), dyn };
  }

  /** RFC 8341 3.4.5 steps 8 to 11: the extensions of the node or its data ancestors, then the defaults. */
  dataDefault(s: SchemaNode, op: Op): boolean {
    for (let p: SchemaNode | null = s; p && p.kind !== 'root'; p = p.parent) {
      if (p.kind === 'rpc' || p.kind === 'notification' || p.kind === 'action' || p.kind === 'input' || p.kind === 'output') break;
      if (!DATA_KINDS.has(p.kind)) continue;
      if (p.nacm === 'default-deny-all') return false;
      if (p.nacm === 'default-deny-write' && op !== 'read') return false;
    }
    return op === 'read' ? this.cfg.readDefault : this.cfg.writeDefault;
  }

  /** true when `s` and every schema descendant are readable in every instance */
  subtreeReadable(s: SchemaNode): boolean {
    let v = this.subtreeRead.get(s);
    if (v !== undefined) return v;
    const d = this.schema(s, 'read');
    v = d.static && d.permit && schemaDataChildren(s).every((c) => this.subtreeReadable(c));
    this.subtreeRead.set(s, v);
    return v;
  }

  /** RFC 8341 3.4.4: may the user run this operation? */
  exec(module: string, name: string): boolean {
    const key = `${module}|${name}`;
    let c = this.execCache.get(key);
    if (!c) {
      c = { permit: this.computeExec(module, name) };
      this.execCache.set(key, c);
    }
    return c.permit;
  }

  private computeExec(module: string, name: string): boolean {
    if (!this.cfg.enabled) return true;
    if (module === 'ietf-netconf' && name === 'close-session') return true;
    for (const r of this.rules) {
      if (!r.ops.has('exec')) continue;
      if (r.module !== '*' && r.module !== module) continue;
      if (r.kind === 'notification') continue;
      if (r.kind === 'path') {
        const rpc = this.ctx.modules.get(module)?.rpcs.find((x) => x.name === name);
        if (!rpc || !(r.matchesAll || r.targets?.has(rpc))) continue;
      }
      if (r.kind === 'rpc' && r.target !== '*' && r.target !== name) continue;
      return r.permit;
    }
    const rpc = this.ctx.modules.get(module)?.rpcs.find((x) => x.name === name);
    if (rpc?.nacm === 'default-deny-all') return false;
    if (module === 'ietf-netconf' && BASE_DENY_ALL.has(name)) return false;
    return this.cfg.execDefault;
  }

  /** RFC 8341 3.4.6: may the user receive this event type? */
  notification(module: string, name: string): boolean {
    const key = `${module}|${name}`;
    let v = this.notifCache.get(key);
    if (v === undefined) {
      v = this.computeNotification(module, name);
      this.notifCache.set(key, v);
    }
    return v;
  }

  private computeNotification(module: string, name: string): boolean {
    if (!this.cfg.enabled) return true;
    const schema = this.ctx.modules.get(module)?.notifications.find((x) => x.name === name);
    for (const r of this.rules) {
      if (!r.ops.has('read')) continue;
      if (r.module !== '*' && r.module !== module) continue;
      if (r.kind === 'rpc') continue;
      if (r.kind === 'path' && !(r.matchesAll || (schema && r.targets?.has(schema)))) continue;
      if (r.kind === 'notification' && r.target !== '*' && r.target !== name) continue;
      return r.permit;
    }
    if (schema?.nacm === 'default-deny-all') return false;
    return this.cfg.readDefault;
  }
}

/** Does a path rule's schema target set hold `s` or one of its ancestors? */
function coversSchema(r: Rule, s: SchemaNode): boolean {
  const t = r.targets;
  if (!t || t.size === 0) return false;
  for (let p: SchemaNode | null = s; p; p = p.parent) if (t.has(p)) return true;
  return false;
}

/** The root of the tree a node is in. */
export function rootOf(n: DataNode): DataNode {
  let r = n;
  while (r.parent) r = r.parent;
  return r;
}
