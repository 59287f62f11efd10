/**
 * Walk a path expression over the schema instead of a data tree: the schema
 * nodes an expression may select. Predicates are ignored; choice and case
 * (and rpc input/output) are transparent. Used for leafref targets
 * (RFC 7950 9.9.2: the path's context node is the leaf itself) and NACM paths.
 */
import type { SchemaContext, SchemaNode } from '../schema';
import type { Ast, Expr, NodeTest, Step } from './ast';

function isTransparent(n: SchemaNode): boolean {
  return n.kind === 'choice' || n.kind === 'case' || n.kind === 'input' || n.kind === 'output';
}

/** the closest ancestor that is a data node (or the root) */
export function schemaDataParent(n: SchemaNode, schema: SchemaContext): SchemaNode | null {
  if (n.kind === 'root') return null;
  let p = n.parent;
  while (p && isTransparent(p)) p = p.parent;
  return p ?? schema.root;
}

function pushDataChildren(n: SchemaNode, out: SchemaNode[]): void {
  for (const c of n.dataChildren.values()) {
    if (isTransparent(c)) pushDataChildren(c, out);
    else out.push(c);
  }
  if ((n.kind === 'rpc' || n.kind === 'action') && n.dataChildren.size === 0) {
    for (const c of n.children) if (c.kind === 'input' || c.kind === 'output') pushDataChildren(c, out);
  }
}

export function schemaDataChildren(n: SchemaNode): SchemaNode[] {
  const out: SchemaNode[] = [];
  pushDataChildren(n, out);
  return out;
}

function testMatches(t: NodeTest, n: SchemaNode): boolean {
  switch (t.k) {
    case 'node':
      return true;
    case 'none':
      return false;
    case 'any':
      return n.kind !== 'root' && (t.module === undefined || n.module.name === t.module);
    case 'name':
      return n.kind !== 'root' && n.name === t.name && (t.module === undefined || n.module.name === t.module);
  }
}

function descendants(n: SchemaNode, out: SchemaNode[], seen: Set<SchemaNode>): void {
  for (const c of schemaDataChildren(n)) {
    if (seen.has(c)) continue; // defensive against cyclic structures
    seen.add(c);
    out.push(c);
    descendants(c, out, seen);
  }
}

function axisNodes(step: Step, n: SchemaNode, schema: SchemaContext): SchemaNode[] {
  switch (step.axis) {
    case 'child':
      return schemaDataChildren(n);
    case 'self':
      return [n];
    case 'parent': {
      const p = schemaDataParent(n, schema);
      return p ? [p] : [];
    }
    case 'ancestor':
    case 'ancestor-or-self': {
      const out: SchemaNode[] = step.axis === 'ancestor-or-self' ? [n] : [];
      for (let p = schemaDataParent(n, schema); p; p = schemaDataParent(p, schema)) out.push(p);
      return out;
    }
    case 'descendant':
    case 'descendant-or-self': {
      const out: SchemaNode[] = step.axis === 'descendant-or-self' ? [n] : [];
      descendants(n, out, new Set());
      return out;
    }
    case 'following-sibling':
    case 'preceding-sibling': {
      const p = schemaDataParent(n, schema);
      return p ? schemaDataChildren(p).filter((c) => c !== n) : [];
    }
    default:
      // following/preceding: not a schema walk any user of this needs; attribute/namespace: none
      return [];
  }
}

function walk(e: Expr, from: SchemaNode, schema: SchemaContext): SchemaNode[] {
  switch (e.t) {
    case 'path': {
      let cur: SchemaNode[] = e.abs ? [schema.root] : e.start ? walk(e.start, from, schema) : [from];
      for (const step of e.steps) {
        const next: SchemaNode[] = [];
        const seen = new Set<SchemaNode>();
        for (const n of cur) {
          for (const c of axisNodes(step, n, schema)) {
            if (!seen.has(c) && testMatches(step.test, c)) {
              seen.add(c);
              next.push(c);
            }
          }
        }
        cur = next;
        if (cur.length === 0) break;
      }
      return cur;
    }
    case 'filter':
      return walk(e.e, from, schema);
    case 'union': {
      const out = walk(e.l, from, schema);
      for (const n of walk(e.r, from, schema)) if (!out.includes(n)) out.push(n);
      return out;
    }
    case 'call':
      if (e.name === 'current') return [from];
      if (e.name === 'deref') {
        const out: SchemaNode[] = [];
        for (const n of walk(e.args[0], from, schema)) {
          const ty = n.type;
          if (!ty || ty.base !== 'leafref') continue;
          const targets = ty.target ? [ty.target] : ty.path ? schemaTargetsOf(ty.path.ast as Ast, n, schema) : [];
          for (const t of targets) if (!out.includes(t)) out.push(t);
        }
        return out;
      }
      return [];
    default:
      return [];
  }
}

export function schemaTargetsOf(ast: Ast, from: SchemaNode, schema: SchemaContext): SchemaNode[] {
  return walk(ast.root, from, schema);
}
