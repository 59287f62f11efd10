/**
 * Filters on get, get-config and notifications: subtree filters (RFC 6241
 * section 6) and XPath filters (:xpath capability). Both produce a new
 * tree holding only what was selected (with ancestors and list keys).
 * A filter naming something that does not exist, or that the reader may
 * not see (the tree given here is already access-pruned), selects nothing.
 */
import { AgentError } from '../errors';
import type { SchemaContext } from '../yang/schema';
import { DataNode } from '../yang/data/node';
import { clone, insertChild } from '../yang/data/tree';
import { xpath } from '../yang/xpath';
import type { XmlElement } from '../xml/dom';

// ---------------------------------------------------------------- subtree

/** Apply a subtree filter (the children of <filter type="subtree">) to `root`. */
export function subtreeFilter(root: DataNode, filter: XmlElement[]): DataNode {
  const out = new DataNode(root.schema);
  if (filter.length === 0) return out; // an empty filter selects nothing (RFC 6241 6.4.2)
  selectChildren(root, filter, out);
  return out;
}

function matchesName(n: DataNode, f: XmlElement): boolean {
  if (n.schema.name !== f.local) return false;
  return f.ns === '' || n.schema.module.namespace === f.ns;
}

function isContentMatch(f: XmlElement): boolean {
  return f.children.length === 0 && f.text.trim() !== '';
}

/**
 * For one data parent and the filter elements at that level, copy the
 * selected children of `src` into `dst`. Returns false when a content-match
 * node at this level fails (the parent instance is then not selected).
 */
function selectChildren(src: DataNode, fs: XmlElement[], dst: DataNode): boolean {
  const contentMatches = fs.filter(isContentMatch);
  for (const cm of contentMatches) {
    const want = cm.text.trim();
    const ok = src.children.some((c) => matchesName(c, cm) && (c.value ?? '') === valueForMatch(c, cm, want));
    if (!ok) return false;
  }
  const others = fs.filter((f) => !isContentMatch(f));
  // list keys already copied with the entry are not copied twice
  const isCopiedKey = (c: DataNode): boolean => src.schema.kind === 'list' && src.schema.keys.includes(c.schema) && dst.children.some((d) => d.schema === c.schema);
  if (others.length === 0) {
    // only content matches: the whole instance is selected
    for (const c of src.children) if (!isCopiedKey(c)) insertChild(dst, clone(c));
    return true;
  }
  // content-match leaves are part of the output (RFC 6241 6.2.5)
  for (const c of src.children) {
    if (isCopiedKey(c)) continue;
    const cmMatch = contentMatches.some((cm) => matchesName(c, cm));
    if (cmMatch) {
      insertChild(dst, clone(c));
      continue;
    }
    const sel = others.filter((f) => matchesName(c, f));
    if (sel.length === 0) {
      // list keys are always returned with a selected entry
      if (src.schema.kind === 'list' && src.schema.keys.includes(c.schema)) insertChild(dst, clone(c));
      continue;
    }
    for (const f of sel) {
      if (f.children.length === 0) {
        // selection node: the whole subtree
        insertChild(dst, clone(c));
        break;
      }
      // containment node
      const copy = new DataNode(c.schema, c.value);
      if (c.schema.kind === 'list') for (const k of c.children) if (c.schema.keys.includes(k.schema)) insertChild(copy, clone(k));
      if (selectChildren(c, f.children, copy)) {
        const hasContent = copy.children.some((k) => !(c.schema.kind === 'list' && c.schema.keys.includes(k.schema)));
        if (hasContent || c.schema.kind === 'list' || f.children.every(isContentMatch)) {
          insertChild(dst, copy);
          break;
        }
      }
    }
  }
  return true;
}

/** identityref values are stored "module:name"; a filter may write "prefix:name" with its own xmlns. */
function valueForMatch(c: DataNode, f: XmlElement, want: string): string {
  const t = c.schema.type;
  if (!t || !want.includes(':')) return want;
  const base = t.base === 'identityref' || t.base === 'union' ? t.base : null;
  if (!base) return want;
  const [p, local] = want.split(':', 2);
  const uri = f.nsScope[p];
  if (!uri) return want;
  const m = [...c.schema.module.imports.values(), c.schema.module].find((x) => x.namespace === uri);
  return m ? `${m.name}:${local}` : want;
}

// ---------------------------------------------------------------- xpath

/** Apply an XPath filter; prefixes come from the namespace declarations in scope of <filter>. */
export function xpathFilter(ctx: SchemaContext, root: DataNode, select: string, nsScope: Record<string, string>): DataNode {
  let expr;
  try {
    expr = xpath.compile(select, (prefix) => {
      if (prefix === null) return undefined; // unprefixed names match any module
      const uri = nsScope[prefix];
      if (uri === undefined) throw new AgentError('invalid-value', `The select expression uses the undeclared prefix "${prefix}".`, { type: 'protocol', info: { 'bad-attribute': 'select', 'bad-element': 'filter' } });
      const m = ctx.byNamespace.get(uri);
      // an unknown namespace selects nothing: map it to a module name that cannot exist
      return m ? m.name : `\u0000${uri}`;
    });
  } catch (e) {
    if (e instanceof AgentError) throw e;
    throw new AgentError('invalid-value', `Invalid XPath filter: ${(e as Error).message}`, { type: 'protocol', info: { 'bad-attribute': 'select', 'bad-element': 'filter' } });
  }
  const result = xpath.evaluate(expr, { schema: ctx, node: root, root });
  const out = new DataNode(root.schema);
  if (!Array.isArray(result)) return out;
  const copies = new Map<DataNode, DataNode>();
  copies.set(root, out);
  const full = new Set<DataNode>();
  outer: for (const n of result) {
    if (n === root) return clone(root);
    for (let p: DataNode | null = n; p; p = p.parent) if (full.has(p)) continue outer;
    full.add(n);
    const chain: DataNode[] = [];
    for (let p: DataNode | null = n; p && !copies.has(p); p = p.parent) chain.push(p);
    if (chain.length === 0) continue; // document order: ancestors come first, so only the root
    const top = chain[chain.length - 1];
    let parentCopy = copies.get(top.parent!)!;
    for (let i = chain.length - 1; i >= 1; i--) {
      const a = chain[i];
      const c = new DataNode(a.schema, a.value);
      if (a.schema.kind === 'list') for (const k of a.children) if (a.schema.keys.includes(k.schema)) insertChild(c, clone(k));
      insertChild(parentCopy, c);
      copies.set(a, c);
      parentCopy = c;
    }
    // a key leaf was already copied with its entry
    if (n.parent && n.parent.schema.kind === 'list' && n.parent.schema.keys.includes(n.schema)) continue;
    const whole = clone(n);
    insertChild(parentCopy, whole);
    copies.set(n, whole);
  }
  return out;
}
