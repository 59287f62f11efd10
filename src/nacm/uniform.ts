/**
 * Is read access the same for a data node and every node below it, for
 * every user, under one NACM configuration? Then a coarse
 * netconf-config-change edit naming that node (RFC 6470 allows one edit
 * for a common ancestor of many changes) is readable by exactly the
 * receivers that could read the changes it stands for: no rule for reads
 * selects anything strictly below it, no module-name rule covers part of
 * its subtree only, and no node below carries nacm:default-deny-all.
 */
import type { SchemaNode } from '../yang/schema';
import type { NacmConfig } from './config';

const DATA_KINDS = new Set(['container', 'list', 'leaf', 'leaf-list', 'anydata', 'anyxml']);

interface SubtreeFacts {
  /** modules of the node and of every schema node below it */
  modules: Set<string>;
  /** a node strictly below carries default-deny-all */
  denyAllBelow: boolean;
}
const facts = new WeakMap<SchemaNode, SubtreeFacts>();

function factsOf(s: SchemaNode): SubtreeFacts {
  let f = facts.get(s);
  if (!f) {
    const modules = new Set<string>([s.module.name]);
    let denyAllBelow = false;
    const walk = (n: SchemaNode): void => {
      for (const c of n.children) {
        if (c.kind === 'action' || c.kind === 'notification') continue;
        if (DATA_KINDS.has(c.kind)) {
          modules.add(c.module.name);
          if (c.nacm === 'default-deny-all') denyAllBelow = true;
        }
        walk(c);
      }
    };
    walk(s);
    f = { modules, denyAllBelow };
    facts.set(s, f);
  }
  return f;
}

function strictlyBelow(t: SchemaNode, s: SchemaNode): boolean {
  for (let p = t.parent; p; p = p.parent) if (p === s) return true;
  return false;
}

/** true when every user's read verdict for an instance of `s` holds for all its descendants */
export function readUniformBelow(cfg: NacmConfig, s: SchemaNode): boolean {
  if (!cfg.enabled) return true;
  const f = factsOf(s);
  if (f.denyAllBelow) return false;
  for (const list of cfg.ruleLists) {
    for (const r of list.rules) {
      if (r.kind === 'rpc' || r.kind === 'notification' || !r.ops.has('read')) continue;
      // a module-name rule that covers some of the subtree's nodes but not all of them
      if (r.module !== '*' && f.modules.has(r.module) && f.modules.size > 1) return false;
      if (r.module !== '*' && !f.modules.has(r.module)) continue;
      if (r.kind !== 'path' || r.matchesAll || !r.path) continue;
      for (const t of r.targets ?? []) if (strictlyBelow(t, s)) return false;
    }
  }
  return true;
}
