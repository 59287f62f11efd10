/**
 * Filters on get, get-config and notifications: subtree filters (RFC 6241
 * section 6) and XPath filters (:xpath capability). Both produce a new
 * tree holding only what was selected (with ancestors and list keys).
 * A filter naming something that does not exist, or that the reader may
 * not see (the tree given here is already access-pruned), selects nothing.
 */
import { AgentError } from '../errors';
import type { SchemaContext, SchemaNode, XPathExpr } from '../yang/schema';
import { types } from '../yang/types';
import { DataNode } from '../yang/data/node';
import { clone, insertChild } from '../yang/data/tree';
import { xpath } from '../yang/xpath';
import { reported } from '../yang/data';
import type { WithDefaults } from '../yang/data';
import type { XmlElement } from '../xml/dom';

// ---------------------------------------------------------------- subtree

/**
 * Apply a subtree filter (the children of <filter type="subtree">) to `root`.
 *
 * The result is a view for output (toXml): the nodes created for containment
 * are new, but every selected subtree (selection nodes, content-match
 * leaves, list keys) is the node of `root` itself, whose `parent` still
 * points into `root`. Nothing is copied, so a filter selecting a big list
 * costs no more than the list's serialisation. Callers that change the
 * result must clone it first.
 */
export function subtreeFilter(ctx: SchemaContext, root: DataNode, filter: XmlElement[], wd: WithDefaults = 'report-all'): DataNode {
  const out = new DataNode(root.schema);
  if (filter.length === 0) return out; // an empty filter selects nothing (RFC 6241 6.4.2)
  const run: Run = { ctx, wd };
  const top = level(filter);
  if (top.contentMatches.length > 0 && !contentMatches(run, root, top.contentMatches)) return out;
  selectChildren(run, root, [top], out);
  return out;
}

/**
 * One application of a filter. `wd`: the with-defaults mode of the reply
 * (RFC 6243): a default node the reply leaves out does not exist for the
 * filter either (it matches no content-match node, and a list entry or
 * container holding only such nodes below a selection node is not
 * selected).
 */
interface Run {
  ctx: SchemaContext;
  wd: WithDefaults;
}

/** One filter element, analysed once per request. */
interface FilterNode extends FilterLevel {
  el: XmlElement;
  local: string;
  ns: string;
  /** no child elements: a selection node (or a content-match node) */
  leaf: boolean;
  /** the trimmed text of a content-match node */
  want: string;
  /** [this node], for selectChildren when it is the only one that applies */
  alone: FilterNode[];
  /** a content-match node: the value it asks for, per schema node it is compared with (see valueForMatch) */
  values?: Map<SchemaNode, string>;
}

/** The filter elements at one level, split into content-match nodes and the others. */
interface FilterLevel {
  contentMatches: FilterNode[];
  others: FilterNode[];
}

function compile(el: XmlElement): FilterNode {
  const kids = level(el.children);
  const f: FilterNode = {
    el,
    local: el.local,
    ns: el.ns,
    leaf: el.children.length === 0,
    want: el.text.trim(),
    alone: [],
    ...kids,
  };
  f.alone.push(f);
  return f;
}

function level(els: XmlElement[]): FilterLevel {
  const contentMatches: FilterNode[] = [];
  const others: FilterNode[] = [];
  for (const e of els) {
    const f = compile(e);
    if (isContentMatch(f)) contentMatches.push(f);
    else others.push(f);
  }
  return { contentMatches, others };
}

function matchesName(n: DataNode, f: FilterNode): boolean {
  if (n.schema.name !== f.local) return false;
  return f.ns === '' || n.schema.module.namespace === f.ns;
}

function matchesSchema(s: SchemaNode, f: FilterNode): boolean {
  return s.name === f.local && (f.ns === '' || s.module.namespace === f.ns);
}

function isContentMatch(f: FilterNode): boolean {
  return f.leaf && f.want !== '';
}

/** `c` joins the view under `dst` as it is (shared, its parent unchanged). */
function share(dst: DataNode, c: DataNode): void {
  dst.children.push(c);
}

/** Whether every content-match node of a level has its value among the children of `src`. */
function contentMatches(run: Run, src: DataNode, cms: FilterNode[]): boolean {
  for (const cm of cms) {
    let ok = false;
    for (const c of src.children) {
      if (matchesName(c, cm) && (c.value ?? '') === valueForMatch(run.ctx, c, cm) && reported(c, run.wd)) {
        ok = true;
        break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

/** Whether `c` is a key of list entry `src` that `dst` (its copy) already holds. */
function isCopiedKey(src: DataNode, c: DataNode, dst: DataNode): boolean {
  if (src.schema.kind !== 'list' || !src.schema.keys.includes(c.schema)) return false;
  for (const d of dst.children) if (d.schema === c.schema) return true;
  return false;
}

/**
 * For one data parent and the filter levels that apply to it, put the
 * selected children of `src` into `dst`. Several levels apply when several
 * filter elements select the same node (fragments for the same container
 * or list entry, at any depth): the output is the union of what each
 * selects (RFC 6241 6.3, 6.4.7). Each level's content-match nodes have
 * been checked against `src` already.
 */
function selectChildren(run: Run, src: DataNode, fls: FilterLevel[], dst: DataNode): void {
  if (fls.some((fl) => fl.others.length === 0)) {
    // a level of content matches only: the whole instance is selected
    for (const c of src.children) if (!isCopiedKey(src, c, dst)) share(dst, c);
    return;
  }
  const keys = src.schema.kind === 'list' ? src.schema.keys : null;
  for (const c of src.children) {
    if (keys !== null && isCopiedKey(src, c, dst)) continue;
    let whole = false;
    // the containment nodes that apply to c: `first`, and `more` once there are several
    let first: FilterNode | undefined;
    let more: FilterNode[] | undefined;
    levels: for (const fl of fls) {
      // content-match leaves are part of the output (RFC 6241 6.2.5)
      for (const cm of fl.contentMatches) {
        if (matchesName(c, cm)) {
          whole = true;
          break levels;
        }
      }
      for (const f of fl.others) {
        if (!matchesName(c, f)) continue;
        if (f.leaf) {
          // selection node: the whole subtree
          whole = true;
          break levels;
        }
        // containment node; an instance its content matches reject is not selected by it
        if (f.contentMatches.length > 0 && !contentMatches(run, c, f.contentMatches)) continue;
        if (first === undefined) first = f;
        else (more ??= [first]).push(f);
      }
    }
    if (whole) {
      share(dst, c);
      continue;
    }
    if (first !== undefined) {
      const fs = more ?? first.alone;
      const copy = new DataNode(c.schema, c.value);
      const ckeys = c.schema.kind === 'list' ? c.schema.keys : null;
      if (ckeys) for (const k of c.children) if (ckeys.includes(k.schema)) share(copy, k);
      selectChildren(run, c, fs, copy);
      if (selectsSomething(run, copy, ckeys, fs)) insertChild(dst, copy);
      continue;
    }
    // list keys are always returned with a selected entry
    if (keys !== null && keys.includes(c.schema)) share(dst, c);
  }
}

/**
 * Whether the copy of a containment node's instance goes into the output
 * (RFC 6241 6.2.5: containment nodes are "included if any nested filter
 * criteria are also met"): when its content-match nodes matched (they are
 * part of the output), when something below it was selected, or when the
 * filter selects one of its keys (RFC 6241 6.4.4). The keys put into every
 * list entry's copy do not count: an entry in which the selection nodes
 * select nothing is left out, not returned with its keys only. Nor do
 * default nodes the reply does not report.
 */
function selectsSomething(run: Run, copy: DataNode, ckeys: SchemaNode[] | null, fs: FilterNode[]): boolean {
  if (ckeys === null) return copy.children.some((k) => reported(k, run.wd));
  if (copy.children.some((k) => !ckeys.includes(k.schema) && reported(k, run.wd))) return true;
  for (const f of fs) {
    if (f.contentMatches.length > 0) return true;
    for (const o of f.others) if (o.leaf && ckeys.some((k) => matchesSchema(k, o))) return true;
  }
  return false;
}

/**
 * The value a content-match node asks for, in the canonical form the data
 * tree holds. identityref values are stored "module:name"; a filter writes
 * "prefix:name" with a prefix its own XML declares, bound to the namespace
 * of any module of the context (not only one the leaf's module imports).
 * The value is parsed as the leaf's type with the filter element's
 * namespace declarations (as an edit's would be); one that does not parse
 * (an undeclared prefix such as the module name itself, an unknown
 * identity) is compared as written.
 */
function valueForMatch(ctx: SchemaContext, c: DataNode, f: FilterNode): string {
  const want = f.want;
  const t = c.schema.type;
  if (!t) return want;
  if (t.base !== 'identityref' && !(t.base === 'union' && want.includes(':'))) return want;
  const values = (f.values ??= new Map());
  let v = values.get(c.schema);
  if (v === undefined) {
    const scope = f.el.nsScope;
    const r = types.parse(t, want, (p) => {
      const uri = scope[p];
      return uri === undefined ? undefined : ctx.byNamespace.get(uri);
    });
    v = r.ok ? r.value : want;
    values.set(c.schema, v);
  }
  return v;
}

// ---------------------------------------------------------------- xpath

function badSelect(message: string): AgentError {
  return new AgentError('invalid-value', message, { type: 'protocol', info: { 'bad-attribute': 'select', 'bad-element': 'filter' } });
}

/** An error of the XPath engine (a syntax error, an unknown function ...) as one of the select attribute. */
function asBadSelect(e: unknown): AgentError {
  if (e instanceof AgentError && e.info?.['bad-attribute'] === 'select') return e;
  return badSelect(`Invalid XPath filter: ${(e as Error).message}`);
}

/** The select expression compiled; prefixes come from the namespace declarations in scope of <filter>. */
function compileSelect(ctx: SchemaContext, select: string, nsScope: Record<string, string>): XPathExpr {
  try {
    return xpath.compile(select, (prefix) => {
      if (prefix === null) return undefined; // unprefixed names match any module
      const uri = nsScope[prefix];
      if (uri === undefined) throw badSelect(`The select expression uses the undeclared prefix "${prefix}".`);
      const m = ctx.byNamespace.get(uri);
      // an unknown namespace selects nothing: map it to a module name that cannot exist
      return m ? m.name : `\u0000${uri}`;
    });
  } catch (e) {
    throw asBadSelect(e);
  }
}

/** The nodes `expr` selects; an expression whose value is not a node-set is an invalid select (RFC 6241 8.9). */
function selectNodes(ctx: SchemaContext, expr: XPathExpr, root: DataNode): DataNode[] {
  let result;
  try {
    result = xpath.evaluate(expr, { schema: ctx, node: root, root });
  } catch (e) {
    throw asBadSelect(e);
  }
  if (!Array.isArray(result)) {
    throw badSelect(`The select expression "${expr.text}" is a ${typeof result}, not a node-set: an XPath filter selects nodes (RFC 6241 8.9).`);
  }
  return result;
}

/**
 * Check an XPath filter before it is used later (a subscription's, applied
 * to each event): its syntax and prefixes, and that it evaluates to a
 * node-set. The type of an XPath 1.0 value follows from the expression
 * alone (every function has one result type), so evaluating it on an empty
 * tree tells.
 */
export function checkXpathFilter(ctx: SchemaContext, select: string, nsScope: Record<string, string>): void {
  const root = new DataNode(ctx.root);
  selectNodes(ctx, compileSelect(ctx, select, nsScope), root);
}

/**
 * Apply an XPath filter; prefixes come from the namespace declarations in
 * scope of <filter>. `wd`: the reply's with-defaults mode (RFC 6243). As
 * for a subtree filter, a default node the reply leaves out does not exist
 * for the filter either: in 'explicit' and 'trim' the expression is
 * evaluated on the tree as the reply reports it (see asReported), so a
 * predicate on a leaf that holds its default only there matches nothing,
 * and selecting such a leaf selects nothing (no list entry with its keys
 * only); in 'report-all' and 'report-all-tagged' default nodes exist as
 * any other.
 */
export function xpathFilter(ctx: SchemaContext, root: DataNode, select: string, nsScope: Record<string, string>, wd: WithDefaults = 'report-all'): DataNode {
  const expr = compileSelect(ctx, select, nsScope);
  // the selected nodes are reported ones; what the reply leaves out below them, the writer leaves out
  const result = asReported(root, wd, () => selectNodes(ctx, expr, root));
  const out = new DataNode(root.schema);
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

/**
 * Run `f` on `root` as a reply in mode `wd` reports it: in 'explicit' and
 * 'trim' every node the XML writers leave out (reported() is false) is
 * taken out of its parent's children for the time of the call, other modes
 * see the tree as it is. No copy: the tree may be a datastore's own, which
 * other replies hold, so the call is synchronous (nothing else runs
 * meanwhile) and every children array and index is put back as it was,
 * also when `f` throws. The nodes taken out keep their `parent`; nothing
 * reachable from `root` leads to them meanwhile.
 */
function asReported<T>(root: DataNode, wd: WithDefaults, f: () => T): T {
  if (wd !== 'explicit' && wd !== 'trim') return f();
  const saved: Hidden[] = [];
  hideUnreported(root, wd, saved);
  try {
    return f();
  } finally {
    for (let i = saved.length - 1; i >= 0; i--) {
      const h = saved[i];
      h.node.children = h.children;
      // an index built meanwhile knows the shortened children only
      if (h.index !== undefined || h.node.index !== undefined) h.node.index = h.index;
    }
  }
}

/** a node whose children asReported shortened, and what it had */
interface Hidden {
  node: DataNode;
  children: DataNode[];
  index: Map<string, DataNode> | undefined;
}

function hideUnreported(n: DataNode, wd: WithDefaults, saved: Hidden[]): void {
  const ch = n.children;
  let kept: DataNode[] | null = null;
  for (let i = 0; i < ch.length; i++) {
    const c = ch[i];
    if (!reported(c, wd)) {
      kept ??= ch.slice(0, i);
      continue;
    }
    if (c.children.length) hideUnreported(c, wd, saved);
    if (kept) kept.push(c);
  }
  if (kept) {
    saved.push({ node: n, children: ch, index: n.index });
    n.children = kept;
    if (n.index !== undefined) n.index = undefined;
  }
}
