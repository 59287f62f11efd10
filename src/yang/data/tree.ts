/**
 * Tree utilities: child lookup with a lazily built index, insertion and
 * removal that keep the index and the default flags right, clone, paths
 * (prefixed instance-identifier for error-path, RFC 7951 form for commits)
 * and instance-identifier resolution.
 */
import type { SchemaContext, SchemaNode } from '../schema';
import { DataNode } from './node';
import { valueToXml } from './typeinfo';

/** Children count from which lookups build `DataNode.index`. */
const INDEX_FROM = 8;
const SEP = '\u0001';

const nameKeys = new WeakMap<SchemaNode, string>();

/** `${module}:${name}` of a schema node (cached). */
export function nameKey(s: SchemaNode): string {
  let k = nameKeys.get(s);
  if (k === undefined) {
    k = `${s.module.name}:${s.name}`;
    nameKeys.set(s, k);
  }
  return k;
}

/** The index key of a data node (see DataNode.index). */
export function indexKey(n: DataNode): string {
  const s = n.schema;
  if (s.kind === 'list' && s.keys.length) return listKey(s, keyValues(n));
  if (s.kind === 'leaf-list') return `${nameKey(s)}=${n.value ?? ''}`;
  if (s.kind === 'list') return `${nameKey(s)}#${identityOf(n)}`; // keyless list: never equal
  return nameKey(s);
}

let keylessSeq = 0;
const keylessIds = new WeakMap<DataNode, number>();
function identityOf(n: DataNode): number {
  let id = keylessIds.get(n);
  if (id === undefined) keylessIds.set(n, (id = ++keylessSeq));
  return id;
}

export function listKey(list: SchemaNode, values: (string | null)[]): string {
  return `${nameKey(list)}[${values.join(SEP)}]`;
}

/** Key values of a list entry in key order (null for a missing key). */
export function keyValues(entry: DataNode): (string | null)[] {
  const keys = entry.schema.keys;
  const out: (string | null)[] = new Array(keys.length).fill(null);
  let found = 0;
  // keys come first in well-formed trees
  for (let i = 0; i < entry.children.length && found < keys.length; i++) {
    const c = entry.children[i];
    const j = keys.indexOf(c.schema);
    if (j >= 0 && out[j] === null) {
      out[j] = c.value;
      found++;
    }
  }
  return out;
}

/**
 * indexKey(a) === indexKey(b), without building the key strings: the same
 * schema node and, for leaf-list entries, the same value; for list entries,
 * the same key values (a missing key counts as ''); a keyless list entry
 * equals only itself.
 */
export function sameIndexKey(a: DataNode, b: DataNode): boolean {
  const s = a.schema;
  if (s !== b.schema) return false;
  if (s.kind === 'leaf-list') return (a.value ?? '') === (b.value ?? '');
  if (s.kind === 'list') {
    const keys = s.keys;
    if (!keys.length) return a === b;
    for (let i = 0; i < keys.length; i++) if (keyValueOf(a, keys[i]) !== keyValueOf(b, keys[i])) return false;
  }
  return true;
}

/** The value of a list entry's key leaf ('' when missing; keys come first in well-formed trees). */
function keyValueOf(entry: DataNode, key: SchemaNode): string {
  const ch = entry.children;
  for (let i = 0; i < ch.length; i++) if (ch[i].schema === key) return ch[i].value ?? '';
  return '';
}

function buildIndex(parent: DataNode): Map<string, DataNode> {
  const m = new Map<string, DataNode>();
  for (const c of parent.children) {
    const k = indexKey(c);
    if (!m.has(k)) m.set(k, c);
  }
  parent.index = m;
  return m;
}

/** Look a child up by index key. */
export function lookup(parent: DataNode, key: string): DataNode | undefined {
  const ch = parent.children;
  if (parent.index) return parent.index.get(key);
  if (ch.length >= INDEX_FROM) return buildIndex(parent).get(key);
  for (let i = 0; i < ch.length; i++) if (indexKey(ch[i]) === key) return ch[i];
  return undefined;
}

/** The single instance of a container/leaf/anydata child, if present. */
export function findChild(parent: DataNode, schema: SchemaNode): DataNode | undefined {
  const ch = parent.children;
  if (ch.length < INDEX_FROM && !parent.index) {
    for (let i = 0; i < ch.length; i++) if (ch[i].schema === schema) return ch[i];
    return undefined;
  }
  return lookup(parent, nameKey(schema));
}

/** Find a child by module name and local name (first instance). */
export function findChildByName(parent: DataNode, module: string, name: string): DataNode | undefined {
  for (const c of parent.children) if (c.schema.name === name && c.schema.module.name === module) return c;
  return undefined;
}

/** parents searched once without an index (see findEntry) */
const scannedOnce = new WeakSet<DataNode>();

/** A list entry by its key values (canonical, in key order). */
export function findEntry(parent: DataNode, list: SchemaNode, keys: string[]): DataNode | undefined {
  // The first look-up in a big parent without an index compares key leaves in place (one
  // pass, no key strings built): a single edit of a fresh copy needs no more. A second
  // look-up builds the index, so many look-ups stay linear in all.
  if (!parent.index && keys.length === 1 && list.keys.length === 1 && parent.children.length >= INDEX_FROM && !scannedOnce.has(parent)) {
    scannedOnce.add(parent);
    const k = list.keys[0];
    const want = keys[0];
    const ch = parent.children;
    for (let i = 0; i < ch.length; i++) {
      const c = ch[i];
      if (c.schema !== list) continue;
      // the entry's key: its first child of the key leaf's schema (keyValues)
      const kc = c.children;
      let v: string | null = null;
      for (let j = 0; j < kc.length; j++) {
        if (kc[j].schema === k) {
          v = kc[j].value;
          break;
        }
      }
      if ((v ?? '') === want) return c;
    }
    return undefined;
  }
  return lookup(parent, listKey(list, keys));
}

/** A leaf-list entry by value. */
export function findLeafListEntry(parent: DataNode, leafList: SchemaNode, value: string): DataNode | undefined {
  return lookup(parent, `${nameKey(leafList)}=${value}`);
}

/** Every instance of `schema` among parent's children, in order. */
export function instances(parent: DataNode, schema: SchemaNode): DataNode[] {
  const out: DataNode[] = [];
  for (const c of parent.children) if (c.schema === schema) out.push(c);
  return out;
}

/** Clear the default flag of a node's ancestors (an explicit descendant makes them explicit). */
export function markExplicit(n: DataNode | null): void {
  for (let p = n; p && p.dflt; p = p.parent) p.dflt = false;
}

/**
 * Insert `child` under `parent`, at `at` (index into children) or at the
 * end. Keeps the index; an explicit child makes default ancestors explicit.
 * List entries must already carry their keys. `key`: indexKey(child), when the
 * caller has it already.
 */
export function insertChild(parent: DataNode, child: DataNode, at?: number, key?: string): DataNode {
  child.parent = parent;
  if (at === undefined || at >= parent.children.length) parent.children.push(child);
  else parent.children.splice(Math.max(0, at), 0, child);
  if (parent.index) {
    const k = key ?? indexKey(child);
    if (!parent.index.has(k)) parent.index.set(k, child);
    else if (at !== undefined) buildIndex(parent); // keep "first instance" semantics
  }
  if (!child.dflt && parent.dflt) markExplicit(parent);
  return child;
}

/** Remove `child` from its parent (no-op when detached). */
export function removeChild(child: DataNode): void {
  const p = child.parent;
  if (!p) return;
  const i = p.children.indexOf(child);
  if (i >= 0) p.children.splice(i, 1);
  if (p.index) {
    const k = indexKey(child);
    if (p.index.get(k) === child) {
      p.index.delete(k);
      // another instance with the same key (invalid trees) takes its place
      for (const c of p.children) if (c.schema === child.schema && indexKey(c) === k) {
        p.index.set(k, c);
        break;
      }
    }
  }
  child.parent = null;
}

/** Move `child` to position `at` among its siblings (ordered-by user). */
export function moveChild(child: DataNode, at: number): void {
  const p = child.parent;
  if (!p) return;
  const i = p.children.indexOf(child);
  if (i < 0) return;
  p.children.splice(i, 1);
  p.children.splice(Math.min(at, p.children.length), 0, child);
}

/** The existing single-instance child, or a new one (containers; leaves get `value`). */
export function ensureChild(parent: DataNode, schema: SchemaNode, value: string | null = null): DataNode {
  const found = findChild(parent, schema);
  if (found) return found;
  return insertChild(parent, new DataNode(schema, value));
}

/** An empty tree (root node) for a schema context. */
export function newTree(ctx: SchemaContext): DataNode {
  return new DataNode(ctx.root);
}

/** Deep copy of a subtree (parent of the copy is null; the source lines of a parse are not copied). */
export function clone(node: DataNode): DataNode {
  const c = new DataNode(node.schema, node.value);
  c.dflt = node.dflt;
  if (node.raw !== undefined) c.raw = node.raw;
  if (node.rawJson !== undefined) c.rawJson = node.rawJson;
  if (node.meta) c.meta = new Map(node.meta);
  const n = node.children.length;
  if (n) {
    const arr = new Array<DataNode>(n);
    for (let i = 0; i < n; i++) {
      const k = clone(node.children[i]);
      k.parent = c;
      arr[i] = k;
    }
    c.children = arr;
  }
  return c;
}

/**
 * True when two subtrees (either may be absent) hold the same data: same
 * schema nodes, values, default flags and anydata content, children in the
 * same order. Parents and XML attributes are not compared.
 */
export function sameSubtree(a: DataNode | undefined, b: DataNode | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if (a.schema !== b.schema || a.value !== b.value || a.dflt !== b.dflt || a.raw !== b.raw || a.rawJson !== b.rawJson) return false;
  const ac = a.children;
  const bc = b.children;
  if (ac.length !== bc.length) return false;
  for (let i = 0; i < ac.length; i++) if (!sameSubtree(ac[i], bc[i])) return false;
  return true;
}

/** An XPath string literal. */
export function quote(v: string): string {
  if (!v.includes("'")) return `'${v}'`;
  if (!v.includes('"')) return `"${v}"`;
  return `concat('${v.split("'").join(`', "'", '`)}')`;
}

export interface NodePath {
  /** prefixed instance-identifier, e.g. /fts:services/fts:policy[fts:name='p1'] */
  xml: string;
  /** prefix -> namespace for `xml` */
  ns: Record<string, string>;
  /** RFC 7951 form, e.g. /flowtapd-services:services/policy[name='p1'] */
  json: string;
}

function isData(n: DataNode): boolean {
  return n.schema.kind !== 'root';
}

/** Both forms of a data node's path ('/' for the root). */
export function pathOf(node: DataNode): NodePath {
  const chain: DataNode[] = [];
  for (let n: DataNode | null = node; n && isData(n); n = n.parent) chain.push(n);
  chain.reverse();
  const ns: Record<string, string> = {};
  let xml = '';
  let json = '';
  let prevMod = '';
  for (const n of chain) {
    const s = n.schema;
    const m = s.module;
    ns[m.prefix] = m.namespace;
    xml += `/${m.prefix}:${s.name}`;
    json += m.name === prevMod ? `/${s.name}` : `/${m.name}:${s.name}`;
    prevMod = m.name;
    xml += xmlPredicates(n, ns);
    json += jsonPredicates(n);
  }
  return { xml: xml || '/', ns, json: json || '/' };
}

/**
 * pathOf(node).json alone (no prefixed form, no key values turned into
 * XML). `parents`: JSON paths of parent nodes already computed, reused and
 * filled in (for many siblings, as a diff lists them).
 */
export function jsonPathOf(node: DataNode, parents?: Map<DataNode, string>): string {
  if (!isData(node)) return '/';
  const p = node.parent;
  let base = '';
  let parentMod = '';
  if (p && isData(p)) {
    let pp = parents?.get(p);
    if (pp === undefined) {
      pp = jsonPathOf(p, parents);
      parents?.set(p, pp);
    }
    base = pp;
    parentMod = p.schema.module.name;
  }
  const s = node.schema;
  const step = s.module.name === parentMod ? `${base}/${s.name}` : `${base}/${s.module.name}:${s.name}`;
  return step + jsonPredicates(node);
}

/** The RFC 7951 predicates of a node's path step: keys, leaf-list value, or a keyless entry's position. */
function jsonPredicates(n: DataNode): string {
  const s = n.schema;
  let json = '';
  if (s.kind === 'list' && s.keys.length) {
    const vals = keyValues(n);
    for (let i = 0; i < s.keys.length; i++) {
      const k = s.keys[i];
      json += `[${k.module.name === s.module.name ? '' : k.module.name + ':'}${k.name}=${quote(vals[i] ?? '')}]`;
    }
  } else if (s.kind === 'leaf-list') json += `[.=${quote(n.value ?? '')}]`;
  else if (s.kind === 'list') json += `[${position(n)}]`;
  return json;
}

/** A keyless list entry's position among its parent's entries of the same list (1-based). */
function position(n: DataNode): number {
  return n.parent ? instances(n.parent, n.schema).indexOf(n) + 1 : 1;
}

/** The XML (prefixed) predicates of a node's path step; the prefixes they use go into `ns`. */
function xmlPredicates(n: DataNode, ns: Record<string, string>): string {
  const s = n.schema;
  let xml = '';
  if (s.kind === 'list' && s.keys.length) {
    const vals = keyValues(n);
    s.keys.forEach((k, i) => {
      const x = valueToXml(k.type, vals[i] ?? '');
      for (const mod of x.modules) ns[mod.prefix] = mod.namespace;
      xml += `[${k.module.prefix}:${k.name}=${quote(x.text)}]`;
    });
  } else if (s.kind === 'leaf-list') {
    const x = valueToXml(s.type, n.value ?? '');
    for (const mod of x.modules) ns[mod.prefix] = mod.namespace;
    xml += `[.=${quote(x.text)}]`;
  } else if (s.kind === 'list') {
    xml += `[${position(n)}]`; // keyless list
  }
  return xml;
}

/** Prefixed path of a (possibly absent) schema child of `parent`, for errors about missing nodes. */
export function childPath(parent: DataNode, schema: SchemaNode): { xml: string; ns: Record<string, string>; json: string } {
  const p = pathOf(parent);
  const m = schema.module;
  p.ns[m.prefix] = m.namespace;
  const base = p.xml === '/' ? '' : p.xml;
  const jbase = p.json === '/' ? '' : p.json;
  const parentMod = parent.schema.kind === 'root' ? '' : parent.schema.module.name;
  return {
    xml: `${base}/${m.prefix}:${schema.name}`,
    ns: p.ns,
    json: `${jbase}/${m.name === parentMod ? '' : m.name + ':'}${schema.name}`,
  };
}

/**
 * Resolve an instance-identifier in RFC 7951 form (module names) against a
 * tree. Supports key predicates, [.='v'] and positional [n]. Returns null
 * when no such instance exists (or the path is malformed).
 */
export function resolvePath(root: DataNode, path: string): DataNode | null {
  let i = 0;
  let cur: DataNode = root;
  let mod = '';
  const n = path.length;
  const name = (): string => {
    const m = /^[A-Za-z_][A-Za-z0-9_.-]*(:[A-Za-z_][A-Za-z0-9_.-]*)?/.exec(path.slice(i));
    if (!m) throw new Error('bad path');
    i += m[0].length;
    return m[0];
  };
  const ws = (): void => {
    while (i < n && /\s/.test(path[i])) i++;
  };
  try {
    while (i < n) {
      if (path[i] !== '/') return null;
      i++;
      const qn = name();
      const c = qn.indexOf(':');
      if (c >= 0) mod = qn.slice(0, c);
      const local = c >= 0 ? qn.slice(c + 1) : qn;
      const schema = childSchema(cur, mod, local);
      if (!schema) return null;
      const preds: [string, string][] = [];
      let pos = 0;
      while (path[i] === '[') {
        i++;
        ws();
        if (/[0-9]/.test(path[i])) {
          const m = /^[0-9]+/.exec(path.slice(i))!;
          pos = Number(m[0]);
          i += m[0].length;
        } else {
          let key: string;
          if (path[i] === '.') {
            key = '.';
            i++;
          } else {
            const k = name();
            key = k.includes(':') ? k.slice(k.indexOf(':') + 1) : k;
          }
          ws();
          if (path[i] !== '=') return null;
          i++;
          ws();
          const q = path[i];
          if (q !== "'" && q !== '"') return null;
          const end = path.indexOf(q, i + 1);
          if (end < 0) return null;
          preds.push([key, path.slice(i + 1, end)]);
          i = end + 1;
        }
        ws();
        if (path[i] !== ']') return null;
        i++;
      }
      let next: DataNode | undefined;
      if (schema.kind === 'list' && preds.length) {
        const vals = schema.keys.map((k) => preds.find((p) => p[0] === k.name)?.[1] ?? null);
        if (vals.some((v) => v === null)) return null;
        next = findEntry(cur, schema, vals as string[]);
      } else if (schema.kind === 'leaf-list' && preds.length) {
        next = findLeafListEntry(cur, schema, preds[0][1]);
      } else if (pos) {
        next = instances(cur, schema)[pos - 1];
      } else {
        next = findChild(cur, schema) ?? instances(cur, schema)[0];
      }
      if (!next) return null;
      cur = next;
    }
  } catch {
    return null;
  }
  return cur === root ? null : cur;
}

function childSchema(parent: DataNode, mod: string, local: string): SchemaNode | undefined {
  return parent.schema.dataChildren.get(`${mod}:${local}`);
}

/** Depth-first walk (pre-order); return false from `fn` to skip a subtree. */
export function walk(node: DataNode, fn: (n: DataNode) => boolean | void): void {
  if (fn(node) === false) return;
  const ch = node.children;
  for (let i = 0; i < ch.length; i++) walk(ch[i], fn);
}
