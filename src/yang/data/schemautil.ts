/** Schema lookups the data tree needs, cached per schema node. */
import type { Module, SchemaContext, SchemaNode } from '../schema';
import { types } from './deps';

/**
 * The map of data children of a schema node as it appears in a data tree:
 * for rpc/action, the children of input (or output for a reply); for the
 * others, `dataChildren`.
 */
export function dataChildrenOf(s: SchemaNode, output = false): Map<string, SchemaNode> {
  if (s.kind === 'rpc' || s.kind === 'action') {
    const io = s.children.find((c) => c.kind === (output ? 'output' : 'input'));
    if (io) return io.dataChildren;
  }
  return s.dataChildren;
}

/** Resolve a data child by module name and local name (top level: rpcs and notifications too). */
export function childSchema(
  ctx: SchemaContext,
  parent: SchemaNode,
  module: Module,
  local: string,
  output = false,
): SchemaNode | undefined {
  const key = `${module.name}:${local}`;
  const found = dataChildrenOf(parent, output).get(key);
  if (found) return found;
  if (parent.kind === 'root' || parent === ctx.root) {
    return module.rpcs.find((r) => r.name === local) ?? module.notifications.find((n) => n.name === local);
  }
  return undefined;
}

/** A prefix resolver in a module's scope (its own prefix and its imports). */
export function modulePrefixes(m: Module): (p: string) => Module | undefined {
  return (p) => (p === '' || p === m.prefix ? m : m.imports.get(p));
}

const defaultCache = new WeakMap<SchemaNode, readonly string[] | null>();

/**
 * Canonical default values of a leaf or leaf-list (the leaf's own default,
 * else its type's), [] when none or when the leaf is mandatory or a key.
 * The array is the cache's own (shared by every call): read it, do not change it.
 */
export function defaultValues(s: SchemaNode): readonly string[] {
  let d = defaultCache.get(s);
  if (d === undefined) {
    d = null;
    if ((s.kind === 'leaf' || s.kind === 'leaf-list') && s.type && !s.mandatory && !isKey(s)) {
      let lex: string[] = s.defaults;
      let scope = s.module;
      if (!lex.length && s.type.default !== undefined && (s.kind === 'leaf' || s.minElements === 0)) {
        lex = [s.type.default];
        scope = s.type.defaultModule ?? s.type.module;
      }
      if (lex.length) {
        const out: string[] = [];
        const pre = modulePrefixes(scope);
        for (const l of lex) {
          const r = types().parse(s.type, l, pre, false);
          if (r.ok) out.push(r.value);
        }
        d = out.length ? out : null;
      }
    }
    defaultCache.set(s, d);
  }
  return d ?? NONE;
}
const NONE: readonly string[] = [];

export function isKey(s: SchemaNode): boolean {
  const p = s.parent;
  return !!p && p.kind === 'list' && p.keys.includes(s);
}

/** true for containers, lists, rpc/action/notification (nodes whose instances have children). */
export function isInner(s: SchemaNode): boolean {
  return s.kind === 'container' || s.kind === 'list' || s.kind === 'rpc' || s.kind === 'action' || s.kind === 'notification' || s.kind === 'input' || s.kind === 'output';
}
