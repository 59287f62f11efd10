/**
 * The NACM configuration (RFC 8341 /nacm) read from a running tree, with
 * rule paths compiled by the XPath engine. Read once per running tree
 * (the tree object is replaced on every commit, so it is the version).
 *
 * Path prefixes: node-instance-identifier is a string type (yang:xpath1.0)
 * whose XML namespace declarations are not kept with the value. The YANG
 * engine stores it canonically with module names as prefixes
 * ("/flowtapd-services:services/flow-tap", resolved from the xmlns in
 * scope of <path> at parse time). Here a prefix is resolved as a module
 * name, else as the prefix of a loaded module (fts, ftcos, fta, if, sys,
 * nacm ...; implemented modules first) for values stored without that
 * step. An unknown prefix makes the rule match nothing; unprefixed names
 * (the later steps of the canonical form) match any module.
 */
import type { DataNode } from '../yang/data/node';
import type { Module, SchemaContext, SchemaNode, XPathExpr } from '../yang/schema';
import { xpath } from '../yang/xpath';
import type { Ast, Expr } from '../yang/xpath/ast';

export type Op = 'create' | 'read' | 'update' | 'delete' | 'exec';
export const ALL_OPS: readonly Op[] = ['create', 'read', 'update', 'delete', 'exec'];

export interface Rule {
  list: string;
  name: string;
  /** '*' or a module name */
  module: string;
  kind: 'any' | 'rpc' | 'notification' | 'path';
  /** rpc-name / notification-name ('*' allowed) */
  target?: string;
  path?: XPathExpr;
  /** path rule without predicates or functions: selects every instance of its schema targets */
  staticPath?: boolean;
  /** path "/" (or a path that selects the root): every data node */
  matchesAll?: boolean;
  /** schema nodes the path may select */
  targets?: Set<SchemaNode>;
  ops: ReadonlySet<Op>;
  permit: boolean;
}

export interface RuleList {
  name: string;
  /** group names; '*' matches every user */
  groups: string[];
  rules: Rule[];
}

export interface NacmConfig {
  enabled: boolean;
  readDefault: boolean;
  writeDefault: boolean;
  execDefault: boolean;
  /** enable-external-groups: use the groups the transport gives (none here) */
  externalGroups: boolean;
  groups: Map<string, Set<string>>;
  ruleLists: RuleList[];
  /** problems met while compiling (bad path): such rules match nothing */
  warnings: string[];
}

const NACM = 'ietf-netconf-acm';

function kids(n: DataNode | undefined, name: string): DataNode[] {
  if (!n) return [];
  return n.children.filter((c) => c.schema.name === name && c.schema.module.name === NACM);
}

function leaf(n: DataNode | undefined, name: string): string | undefined {
  const c = kids(n, name)[0];
  return c?.value ?? undefined;
}

/** Map a prefix of a stored path to a module name (see the file comment). */
export function prefixResolver(ctx: SchemaContext): (prefix: string | null) => string | undefined {
  const byPrefix = new Map<string, Module>();
  for (const m of ctx.modules.values()) {
    const cur = byPrefix.get(m.prefix);
    if (!cur || (!cur.implemented && m.implemented)) byPrefix.set(m.prefix, m);
  }
  return (prefix) => {
    if (prefix === null) return undefined;
    if (ctx.modules.has(prefix)) return prefix;
    const m = byPrefix.get(prefix);
    if (m) return m.name;
    return `\u0000unknown:${prefix}`;
  };
}

/** true for an absolute location path of child steps with name tests and no predicates */
function isStaticPath(e: Expr): boolean {
  if (e.t !== 'path' || !e.abs || e.start) return false;
  return e.steps.every((s) => s.axis === 'child' && s.test.k === 'name' && s.preds.length === 0);
}

export function readConfig(ctx: SchemaContext, running: DataNode): NacmConfig {
  const nacm = running.children.find((c) => c.schema.name === 'nacm' && c.schema.module.name === NACM);
  const cfg: NacmConfig = {
    enabled: (leaf(nacm, 'enable-nacm') ?? 'true') === 'true',
    readDefault: (leaf(nacm, 'read-default') ?? 'permit') === 'permit',
    writeDefault: (leaf(nacm, 'write-default') ?? 'deny') === 'permit',
    execDefault: (leaf(nacm, 'exec-default') ?? 'permit') === 'permit',
    externalGroups: (leaf(nacm, 'enable-external-groups') ?? 'true') === 'true',
    groups: new Map(),
    ruleLists: [],
    warnings: [],
  };
  for (const g of kids(kids(nacm, 'groups')[0], 'group')) {
    const name = leaf(g, 'name') ?? '';
    cfg.groups.set(name, new Set(kids(g, 'user-name').map((u) => u.value ?? '')));
  }
  const resolve = prefixResolver(ctx);
  for (const rl of kids(nacm, 'rule-list')) {
    const list: RuleList = { name: leaf(rl, 'name') ?? '', groups: kids(rl, 'group').map((g) => g.value ?? ''), rules: [] };
    for (const r of kids(rl, 'rule')) {
      const opsText = leaf(r, 'access-operations') ?? '*';
      const ops = new Set<Op>(opsText.trim() === '*' ? ALL_OPS : (opsText.split(/\s+/).filter((o) => (ALL_OPS as string[]).includes(o)) as Op[]));
      const rule: Rule = {
        list: list.name,
        name: leaf(r, 'name') ?? '',
        module: leaf(r, 'module-name') ?? '*',
        kind: 'any',
        ops,
        permit: leaf(r, 'action') === 'permit',
      };
      const rpc = leaf(r, 'rpc-name');
      const notif = leaf(r, 'notification-name');
      const p = leaf(r, 'path');
      if (rpc !== undefined) Object.assign(rule, { kind: 'rpc', target: rpc });
      else if (notif !== undefined) Object.assign(rule, { kind: 'notification', target: notif });
      else if (p !== undefined) {
        rule.kind = 'path';
        try {
          rule.path = xpath.compile(p, resolve);
          const ast = rule.path.ast as Ast;
          rule.staticPath = isStaticPath(ast.root);
          rule.matchesAll = rule.staticPath && (ast.root as { steps: unknown[] }).steps.length === 0;
          rule.targets = new Set(xpath.schemaTargets(rule.path, ctx.root, ctx));
        } catch (e) {
          cfg.warnings.push(`rule ${list.name}/${rule.name}: path "${p}": ${(e as Error).message}`);
          rule.path = undefined;
          rule.targets = new Set();
          rule.staticPath = true;
        }
      }
      list.rules.push(rule);
    }
    cfg.ruleLists.push(list);
  }
  return cfg;
}
