/**
 * XPath 1.0 evaluation over DataNode trees (XPath 1.0 sections 2-4 and
 * RFC 7950 section 10).
 *
 * Data model: the root DataNode (schema kind 'root') is the XPath root node;
 * every other DataNode is an element; there are no attribute, namespace or
 * text nodes. A node's string-value is its `value` (leaf, leaf-list), else
 * the concatenation of its descendant leaves' values in document order.
 *
 * Node-sets are arrays in document order without duplicates. The evaluator
 * keeps track of whether a node-set is an "antichain" (no node is an
 * ancestor of another), so child and descendant steps from a sorted
 * antichain need no sort; only reverse axes, unions and the like sort.
 */
import { AgentError } from '../../errors';
import type { DataNode } from '../data/node';
import type { Identity, SchemaContext, SchemaNode, YangType } from '../schema';
import { xsdToRegExp } from '../types/xsd-regex';
import type { EvalContext, XPathValue } from './api';
import type { Ast, CmpOp, Expr, NodeTest, Step } from './ast';
import { parse } from './parser';
import { numberToBoolean, numberToString, stringToNumber, xpathRound } from './values';

type NodeSet = DataNode[];

/**
 * memo for one pass over an unchanged tree: the caller's (EvalContext.cache,
 * persistent across evaluate() calls), else a local one for a single call
 * that memoises only context-free paths (an absolute path inside a predicate
 * is evaluated once, not once per candidate node)
 */
class EvalCache {
  constructor(readonly persistent: boolean) {}
  root: DataNode | null = null;
  // made when first used: most evaluations need one of them or none
  private _paths?: Map<Expr, NodeSet>;
  private _sets?: Map<Expr, Set<string>>;
  private _groups?: Map<DataNode, Map<SchemaNode, NodeSet>>;
  private _keyed?: Map<DataNode, Map<Step, Map<string, NodeSet>>>;
  /** results of context-free absolute paths */
  get paths(): Map<Expr, NodeSet> {
    return (this._paths ??= new Map());
  }
  /** string-values of those results, for `=` */
  get sets(): Map<Expr, Set<string>> {
    return (this._sets ??= new Map());
  }
  /** children of big nodes grouped by schema node */
  get groups(): Map<DataNode, Map<SchemaNode, NodeSet>> {
    return (this._groups ??= new Map());
  }
  /** keyed predicates: parent -> step -> leaf value -> entries */
  get keyed(): Map<DataNode, Map<Step, Map<string, NodeSet>>> {
    return (this._keyed ??= new Map());
  }
}

const CACHE_KEY = Symbol('xpath-eval-cache');

function cacheOf(ctx: EvalContext): EvalCache | undefined {
  const m = ctx.cache;
  if (!m) return undefined;
  let c = m.get(CACHE_KEY) as EvalCache | undefined;
  if (!c || c.root !== ctx.root) {
    // a cache belongs to one tree: another root starts afresh
    c = new EvalCache(true);
    c.root = ctx.root;
    m.set(CACHE_KEY, c);
  }
  return c;
}

/** below this many children, scanning beats grouping */
const GROUP_MIN = 16;

function groupOf(n: DataNode, t: NodeTest & { k: 'name' }, cache: EvalCache): NodeSet | undefined {
  if (!cache.persistent || t.key === undefined || n.children.length < GROUP_MIN) return undefined;
  const cs = n.schema.dataChildren.get(t.key);
  if (cs === undefined) return undefined;
  let g = cache.groups.get(n);
  if (!g) {
    g = new Map();
    for (const c of n.children) {
      let list = g.get(c.schema);
      if (!list) {
        list = [];
        g.set(c.schema, list);
      }
      list.push(c);
    }
    cache.groups.set(n, g);
  }
  return g.get(cs) ?? EMPTY;
}

interface Env {
  ctx: EvalContext;
  cache: EvalCache;
  root: DataNode;
  current: DataNode;
  ast: Ast;
  text: string;
}

const EMPTY: NodeSet = [];

function fail(env: Env, message: string): never {
  throw new AgentError('invalid-value', `${message} in XPath expression "${env.text}"`);
}

// ---------------------------------------------------------------- values

function isLeafy(n: DataNode): boolean {
  const k = n.schema.kind;
  return k === 'leaf' || k === 'leaf-list' || n.value !== null;
}

export function stringValue(n: DataNode): string {
  if (isLeafy(n)) return n.value ?? '';
  if (n.children.length === 0) return '';
  let s = '';
  const stack: DataNode[] = [];
  for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (isLeafy(c)) s += c.value ?? '';
    else for (let i = c.children.length - 1; i >= 0; i--) stack.push(c.children[i]);
  }
  return s;
}

function toStr(v: XPathValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberToString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return v.length === 0 ? '' : stringValue(v[0]);
}

function toNum(v: XPathValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return stringToNumber(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v.length === 0 ? NaN : stringToNumber(stringValue(v[0]));
}

function toBool(v: XPathValue): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return numberToBoolean(v);
  if (typeof v === 'string') return v.length > 0;
  return v.length > 0;
}

function cmpNum(op: CmpOp, a: number, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

function cmpStr(op: CmpOp, a: string, b: string): boolean {
  if (op === '=') return a === b;
  if (op === '!=') return a !== b;
  return cmpNum(op, stringToNumber(a), stringToNumber(b));
}

const SWAP: Record<CmpOp, CmpOp> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** XPath 1.0 section 3.4 */
export function compareValues(op: CmpOp, l: XPathValue, r: XPathValue): boolean {
  const ln = Array.isArray(l);
  const rn = Array.isArray(r);
  if (ln && rn) {
    const a = l as NodeSet;
    const b = r as NodeSet;
    if (a.length === 0 || b.length === 0) return false;
    if (op === '=' || op === '!=') {
      const bs = b.map(stringValue);
      if (op === '=') {
        const set = new Set(bs);
        for (const n of a) if (set.has(stringValue(n))) return true;
        return false;
      }
      for (const n of a) {
        const s = stringValue(n);
        for (const t of bs) if (s !== t) return true;
      }
      return false;
    }
    const bn = b.map((n) => stringToNumber(stringValue(n)));
    for (const n of a) {
      const x = stringToNumber(stringValue(n));
      for (const y of bn) if (cmpNum(op, x, y)) return true;
    }
    return false;
  }
  if (rn) return compareValues(SWAP[op], r, l);
  if (ln) {
    const a = l as NodeSet;
    if (typeof r === 'boolean') return cmpBoolOrEq(op, a.length > 0, r);
    if (typeof r === 'number') {
      for (const n of a) if (cmpNum(op, stringToNumber(stringValue(n)), r)) return true;
      return false;
    }
    const rs = r as string;
    if (op === '=' || op === '!=') {
      for (const n of a) if (cmpStr(op, stringValue(n), rs)) return true;
      return false;
    }
    const y = stringToNumber(rs);
    for (const n of a) if (cmpNum(op, stringToNumber(stringValue(n)), y)) return true;
    return false;
  }
  if (op === '=' || op === '!=') {
    if (typeof l === 'boolean' || typeof r === 'boolean') return cmpBoolOrEq(op, toBool(l), toBool(r));
    if (typeof l === 'number' || typeof r === 'number') return cmpNum(op, toNum(l), toNum(r));
    return cmpStr(op, l as string, r as string);
  }
  return cmpNum(op, toNum(l), toNum(r));
}

function cmpBoolOrEq(op: CmpOp, a: boolean, b: boolean): boolean {
  if (op === '=') return a === b;
  if (op === '!=') return a !== b;
  return cmpNum(op, a ? 1 : 0, b ? 1 : 0);
}

// ---------------------------------------------------------------- document order

function depth(n: DataNode): number {
  let d = 0;
  for (let p = n.parent; p; p = p.parent) d++;
  return d;
}

/** sort into document order and drop duplicates */
export function sortDocOrder(nodes: NodeSet): NodeSet {
  if (nodes.length < 2) return nodes;
  const uniq = Array.from(new Set(nodes));
  if (uniq.length < 2) return uniq;
  const indexes = new Map<DataNode, Map<DataNode, number>>();
  const sibIndex = (n: DataNode): number => {
    const p = n.parent;
    if (!p) return 0;
    let m = indexes.get(p);
    if (!m) {
      m = new Map();
      const ch = p.children;
      for (let i = 0; i < ch.length; i++) m.set(ch[i], i);
      indexes.set(p, m);
    }
    return m.get(n) ?? 0;
  };
  const depths = new Map<DataNode, number>();
  for (const n of uniq) depths.set(n, depth(n));
  uniq.sort((a, b) => {
    let da = depths.get(a)!;
    let db = depths.get(b)!;
    let x = a;
    let y = b;
    while (da > db) {
      x = x.parent!;
      da--;
    }
    while (db > da) {
      y = y.parent!;
      db--;
    }
    if (x === y) return depths.get(a)! - depths.get(b)!; // ancestor first
    while (x.parent !== y.parent && x.parent && y.parent) {
      x = x.parent;
      y = y.parent;
    }
    return sibIndex(x) - sibIndex(y);
  });
  return uniq;
}

// ---------------------------------------------------------------- axes

function matches(t: NodeTest, n: DataNode): boolean {
  switch (t.k) {
    case 'name':
      return n.schema.name === t.name && (t.module === undefined || n.schema.module.name === t.module) && n.schema.kind !== 'root';
    case 'any':
      return n.schema.kind !== 'root' && (t.module === undefined || n.schema.module.name === t.module);
    case 'node':
      return true;
    case 'none':
      return false;
  }
}

function isSingleInstance(kind: string): boolean {
  return kind === 'container' || kind === 'leaf' || kind === 'anydata' || kind === 'anyxml';
}

/** the fast path: children of n matching a name test, appended to out */
function childrenByName(n: DataNode, t: NodeTest & { k: 'name' }, out: NodeSet): void {
  if (t.key !== undefined) {
    const cs = n.schema.dataChildren.get(t.key);
    if (cs !== undefined && isSingleInstance(cs.kind)) {
      const hit = n.index?.get(t.key);
      if (hit !== undefined && hit.parent === n) {
        out.push(hit);
        return;
      }
      const ch = n.children;
      for (let i = 0; i < ch.length; i++) {
        if (ch[i].schema === cs) {
          out.push(ch[i]);
          return;
        }
      }
      return;
    }
  }
  const ch = n.children;
  for (let i = 0; i < ch.length; i++) {
    const c = ch[i];
    if (c.schema.name === t.name && (t.module === undefined || c.schema.module.name === t.module)) out.push(c);
  }
}

function pushDescendants(n: DataNode, t: NodeTest, out: NodeSet): void {
  const stack: DataNode[] = [];
  for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (matches(t, c)) out.push(c);
    for (let i = c.children.length - 1; i >= 0; i--) stack.push(c.children[i]);
  }
}

/** a subtree in reverse document order (for the preceding axis) */
function pushSubtreeReverse(n: DataNode, t: NodeTest, out: NodeSet): void {
  for (let i = n.children.length - 1; i >= 0; i--) pushSubtreeReverse(n.children[i], t, out);
  if (matches(t, n)) out.push(n);
}

/** nodes of an axis from n that pass the node test, in axis order */
function axisNodes(step: Step, n: DataNode, out: NodeSet): void {
  const t = step.test;
  switch (step.axis) {
    case 'child':
      if (t.k === 'name') childrenByName(n, t, out);
      else for (const c of n.children) if (matches(t, c)) out.push(c);
      return;
    case 'self':
      if (matches(t, n)) out.push(n);
      return;
    case 'parent':
      if (n.parent && matches(t, n.parent)) out.push(n.parent);
      return;
    case 'descendant-or-self':
      if (matches(t, n)) out.push(n);
      pushDescendants(n, t, out);
      return;
    case 'descendant':
      pushDescendants(n, t, out);
      return;
    case 'ancestor-or-self':
      if (matches(t, n)) out.push(n);
      for (let p = n.parent; p; p = p.parent) if (matches(t, p)) out.push(p);
      return;
    case 'ancestor':
      for (let p = n.parent; p; p = p.parent) if (matches(t, p)) out.push(p);
      return;
    case 'following-sibling': {
      const p = n.parent;
      if (!p) return;
      const ch = p.children;
      for (let i = ch.indexOf(n) + 1; i > 0 && i < ch.length; i++) if (matches(t, ch[i])) out.push(ch[i]);
      return;
    }
    case 'preceding-sibling': {
      const p = n.parent;
      if (!p) return;
      const ch = p.children;
      for (let i = ch.indexOf(n) - 1; i >= 0; i--) if (matches(t, ch[i])) out.push(ch[i]);
      return;
    }
    case 'following':
      for (let a: DataNode = n; a.parent; a = a.parent) {
        const ch = a.parent.children;
        for (let i = ch.indexOf(a) + 1; i > 0 && i < ch.length; i++) {
          if (matches(t, ch[i])) out.push(ch[i]);
          pushDescendants(ch[i], t, out);
        }
      }
      return;
    case 'preceding':
      for (let a: DataNode = n; a.parent; a = a.parent) {
        const ch = a.parent.children;
        for (let i = ch.indexOf(a) - 1; i >= 0; i--) pushSubtreeReverse(ch[i], t, out);
      }
      return;
    case 'attribute':
    case 'namespace':
      return;
  }
}

function isReverse(step: Step): boolean {
  const a = step.axis;
  return a === 'ancestor' || a === 'ancestor-or-self' || a === 'preceding' || a === 'preceding-sibling';
}

// ---------------------------------------------------------------- evaluation

function applyPredicates(nodes: NodeSet, preds: Expr[], env: Env): NodeSet {
  for (const p of preds) {
    if (nodes.length === 0) return nodes;
    if (p.t === 'num') {
      const i = p.v;
      nodes = Number.isInteger(i) && i >= 1 && i <= nodes.length ? [nodes[i - 1]] : EMPTY;
      continue;
    }
    const size = nodes.length;
    const kept: NodeSet = [];
    for (let i = 0; i < size; i++) {
      const v = ev(p, nodes[i], i + 1, size, env);
      if (typeof v === 'number' ? v === i + 1 : toBool(v)) kept.push(nodes[i]);
    }
    nodes = kept;
  }
  return nodes;
}

/** set by applyStep: whether its result is an antichain */
let resultAntichain = false;

function applyStep(step: Step, input: NodeSet, antichain: boolean, env: Env): NodeSet {
  const axis = step.axis;
  // fast path: child::name without predicates
  if (axis === 'child' && step.preds.length === 0 && step.test.k === 'name') {
    const t = step.test;
    if (input.length === 1 && env.cache.persistent) {
      const g = groupOf(input[0], t, env.cache);
      if (g) {
        resultAntichain = true;
        return g;
      }
    }
    const out: NodeSet = [];
    for (let i = 0; i < input.length; i++) childrenByName(input[i], t, out);
    if (input.length > 1 && !antichain) {
      resultAntichain = false;
      return sortDocOrder(out);
    }
    resultAntichain = true;
    return out;
  }
  if (step.keyed && env.cache.persistent && input.length === 1 && step.test.k === 'name') {
    const hit = keyedStep(step, step.keyed, input[0], env.cache, env);
    if (hit) {
      resultAntichain = true;
      return hit;
    }
  }
  const reverse = isReverse(step);
  let out: NodeSet;
  if (input.length === 1) {
    let nodes: NodeSet = [];
    axisNodes(step, input[0], nodes);
    if (step.preds.length > 0) nodes = applyPredicates(nodes, step.preds, env);
    if (reverse && nodes.length > 1) nodes = nodes === EMPTY ? nodes : nodes.slice().reverse();
    out = nodes;
  } else {
    out = [];
    const scratch: NodeSet = [];
    for (const n of input) {
      scratch.length = 0;
      axisNodes(step, n, scratch);
      let nodes = scratch;
      if (step.preds.length > 0) nodes = applyPredicates(scratch, step.preds, env);
      if (reverse) for (let i = nodes.length - 1; i >= 0; i--) out.push(nodes[i]);
      else for (let i = 0; i < nodes.length; i++) out.push(nodes[i]);
    }
    const ordered = antichain && (axis === 'child' || axis === 'self' || axis === 'descendant' || axis === 'descendant-or-self');
    if (!ordered) out = sortDocOrder(out);
  }
  resultAntichain = out.length <= 1 || (antichain && (axis === 'child' || axis === 'self'));
  return out;
}

/** `child::list[leaf = X]...` as a look-up in an index of the list entries by leaf value */
function keyedStep(step: Step, k: NonNullable<Step['keyed']>, n: DataNode, cache: EvalCache, env: Env): NodeSet | undefined {
  if (k.other.t === 'str' && k.other.qname) return undefined; // compared as the leaf's type: see literalFor
  const group = groupOf(n, step.test as NodeTest & { k: 'name' }, cache);
  if (!group) return undefined;
  const ov = ev(k.other, n, 1, 1, env);
  if (typeof ov !== 'string' && !Array.isArray(ov)) return undefined; // number/boolean comparisons differ
  let perStep = cache.keyed.get(n);
  if (!perStep) {
    perStep = new Map();
    cache.keyed.set(n, perStep);
  }
  let index = perStep.get(step);
  if (!index) {
    index = new Map();
    const lt = k.leaf;
    for (const entry of group) {
      for (const c of entry.children) {
        if (c.schema.name === lt.name && c.schema.module.name === lt.module) {
          const v = stringValue(c);
          let list = index.get(v);
          if (!list) {
            list = [];
            index.set(v, list);
          }
          if (list[list.length - 1] !== entry) list.push(entry);
        }
      }
    }
    perStep.set(step, index);
  }
  let cand: NodeSet;
  if (typeof ov === 'string') cand = index.get(ov) ?? EMPTY;
  else if (ov.length === 1) cand = index.get(stringValue(ov[0])) ?? EMPTY;
  else {
    const all: NodeSet = [];
    for (const x of ov) {
      const l = index.get(stringValue(x));
      if (l) for (const e of l) all.push(e);
    }
    cand = sortDocOrder(all);
  }
  if (k.rest.length > 0 && cand.length > 0) cand = applyPredicates(cand, k.rest, env);
  return cand;
}

function evalPath(e: Expr & { t: 'path' }, node: DataNode, pos: number, size: number, env: Env): NodeSet {
  const cache = env.cache;
  if (e.ctxFree) {
    const hit = cache.paths.get(e);
    if (hit) return hit;
    const v = evalSteps(e, [env.root], true, env);
    cache.paths.set(e, v);
    return v;
  }
  let cur: NodeSet;
  let antichain: boolean;
  if (e.abs) {
    cur = [env.root];
    antichain = true;
  } else if (e.start !== null) {
    const v = ev(e.start, node, pos, size, env);
    if (!Array.isArray(v)) fail(env, 'a location step applied to a value that is not a node-set');
    cur = v;
    antichain = v.length <= 1;
  } else {
    cur = [node];
    antichain = true;
  }
  return evalSteps(e, cur, antichain, env);
}

function evalSteps(e: Expr & { t: 'path' }, cur: NodeSet, antichain: boolean, env: Env): NodeSet {
  for (const step of e.steps) {
    if (cur.length === 0) return EMPTY;
    cur = applyStep(step, cur, antichain, env);
    antichain = resultAntichain;
  }
  return cur;
}

/**
 * comparison of a "simple" path with a literal, walking the tree without
 * building node-sets: true when some selected node compares true
 */
function simpleExists(n: DataNode, steps: Step[], i: number, op: CmpOp, lit: Expr & { t: 'str' | 'num' }): boolean {
  for (; i < steps.length; i++) {
    const s = steps[i];
    if (s.axis === 'parent') {
      if (!n.parent) return false;
      n = n.parent;
    } else if (s.axis === 'child') {
      const t = s.test as NodeTest & { k: 'name' };
      const ch = n.children;
      const last = i === steps.length - 1;
      for (let j = 0; j < ch.length; j++) {
        const c = ch[j];
        if (c.schema.name === t.name && (t.module === undefined || c.schema.module.name === t.module)) {
          if (last ? compareLeaf(c, op, lit) : simpleExists(c, steps, i + 1, op, lit)) return true;
        }
      }
      return false;
    }
    // self::node(): stay
  }
  return compareLeaf(n, op, lit);
}

function compareLeaf(n: DataNode, op: CmpOp, lit: Expr & { t: 'str' | 'num' }): boolean {
  const sv = stringValue(n);
  if (lit.t === 'num') return cmpNum(op, stringToNumber(sv), lit.v);
  const lv = lit.qname ? literalFor(n, lit) : lit.v;
  if (op === '=') return sv === lv;
  if (op === '!=') return sv !== lv;
  return cmpNum(op, stringToNumber(sv), lit.num);
}

const identityTyped = new WeakMap<SchemaNode, boolean>();

function hasIdentityref(t: YangType | undefined, depth = 0): boolean {
  if (!t || depth > 32) return false;
  if (t.base === 'identityref') return true;
  if (t.base === 'leafref') return hasIdentityref(t.target?.type, depth + 1);
  if (t.base === 'union') return (t.union ?? []).some((m) => hasIdentityref(m, depth + 1));
  return false;
}

/**
 * The literal as compared with node n. libyang stores a literal compared
 * with a leaf as a value of the leaf's type, in the expression's module
 * context: for an identityref leaf, "sys:radius" is the identity
 * "ietf-system:radius" (the canonical form the node holds).
 */
function literalFor(n: DataNode, lit: Expr & { t: 'str' }): string {
  const q = lit.qname;
  if (!q || (n.schema.kind !== 'leaf' && n.schema.kind !== 'leaf-list')) return lit.v;
  let yes = identityTyped.get(n.schema);
  if (yes === undefined) {
    yes = hasIdentityref(n.schema.type);
    identityTyped.set(n.schema, yes);
  }
  return yes ? `${q.module}:${q.name}` : lit.v;
}

/** a node-set compared with a prefixed string literal, node by node */
function compareWithQName(op: CmpOp, nodes: NodeSet, lit: Expr & { t: 'str' }): boolean {
  if (op !== '=' && op !== '!=') return compareValues(op, nodes, lit.v);
  for (const n of nodes) if (cmpStr(op, stringValue(n), literalFor(n, lit))) return true;
  return false;
}

function evalCmp(e: Expr & { t: 'cmp' }, node: DataNode, pos: number, size: number, env: Env): boolean {
  const l = e.l;
  const r = e.r;
  if (l.t === 'path' && l.simple && (r.t === 'str' || r.t === 'num')) {
    const start = l.start === null ? node : env.current;
    return simpleExists(start, l.steps, 0, e.op, r);
  }
  if (r.t === 'path' && r.simple && (l.t === 'str' || l.t === 'num')) {
    const start = r.start === null ? node : env.current;
    return simpleExists(start, r.steps, 0, SWAP[e.op], l);
  }
  if (r.t === 'str' && r.qname) {
    const lv = ev(l, node, pos, size, env);
    return Array.isArray(lv) ? compareWithQName(e.op, lv, r) : compareValues(e.op, lv, r.v);
  }
  if (l.t === 'str' && l.qname) {
    const rv = ev(r, node, pos, size, env);
    return Array.isArray(rv) ? compareWithQName(SWAP[e.op], rv, l) : compareValues(e.op, l.v, rv);
  }
  const cache = env.cache;
  if (cache.persistent && e.op === '=') {
    const [fixed, other] = l.t === 'path' && l.ctxFree ? [l, r] : r.t === 'path' && r.ctxFree ? [r, l] : [null, null];
    if (fixed && other) {
      const ov = ev(other, node, pos, size, env);
      if (typeof ov === 'string' || Array.isArray(ov)) {
        let set = cache.sets.get(fixed);
        if (!set) {
          set = new Set(evalPath(fixed as Expr & { t: 'path' }, node, pos, size, env).map(stringValue));
          cache.sets.set(fixed, set);
        }
        if (typeof ov === 'string') return set.has(ov);
        for (const x of ov) if (set.has(stringValue(x))) return true;
        return false;
      }
      const fv = evalPath(fixed as Expr & { t: 'path' }, node, pos, size, env);
      return fixed === l ? compareValues('=', fv, ov) : compareValues('=', ov, fv);
    }
  }
  return compareValues(e.op, ev(l, node, pos, size, env), ev(r, node, pos, size, env));
}

function ev(e: Expr, node: DataNode, pos: number, size: number, env: Env): XPathValue {
  switch (e.t) {
    case 'path':
      return evalPath(e, node, pos, size, env);
    case 'str':
      return e.v;
    case 'num':
      return e.v;
    case 'cmp':
      return evalCmp(e, node, pos, size, env);
    case 'and':
      return toBool(ev(e.l, node, pos, size, env)) && toBool(ev(e.r, node, pos, size, env));
    case 'or':
      return toBool(ev(e.l, node, pos, size, env)) || toBool(ev(e.r, node, pos, size, env));
    case 'call':
      return call(e, node, pos, size, env);
    case 'arith': {
      const a = toNum(ev(e.l, node, pos, size, env));
      const b = toNum(ev(e.r, node, pos, size, env));
      switch (e.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case 'div':
          return a / b;
        case 'mod':
          return a % b; // truncating remainder, as XPath specifies
      }
      break;
    }
    case 'neg':
      return -toNum(ev(e.e, node, pos, size, env));
    case 'union': {
      const a = ev(e.l, node, pos, size, env);
      const b = ev(e.r, node, pos, size, env);
      if (!Array.isArray(a) || !Array.isArray(b)) fail(env, 'the operands of "|" must be node-sets');
      if (a.length === 0) return b;
      if (b.length === 0) return a;
      return sortDocOrder(a.concat(b));
    }
    case 'filter': {
      const v = ev(e.e, node, pos, size, env);
      if (!Array.isArray(v)) fail(env, 'a predicate applied to a value that is not a node-set');
      return applyPredicates(v, e.preds, env);
    }
    case 'var': {
      const vars = env.ctx.variables;
      if (!vars || !Object.prototype.hasOwnProperty.call(vars, e.name)) fail(env, `unknown variable "$${e.name}"`);
      return vars[e.name];
    }
  }
  fail(env, 'unsupported expression');
}

// ---------------------------------------------------------------- functions

function nodeArg(e: Expr & { t: 'call' }, i: number, node: DataNode, pos: number, size: number, env: Env): NodeSet {
  const v = ev(e.args[i], node, pos, size, env);
  if (!Array.isArray(v)) fail(env, `argument ${i + 1} of ${e.name}() must be a node-set`);
  return v;
}

function strArg(e: Expr & { t: 'call' }, i: number, node: DataNode, pos: number, size: number, env: Env): string {
  return toStr(ev(e.args[i], node, pos, size, env));
}

function numArg(e: Expr & { t: 'call' }, i: number, node: DataNode, pos: number, size: number, env: Env): number {
  return toNum(ev(e.args[i], node, pos, size, env));
}

/** the optional node-set argument of local-name() etc.: its first node, or the context node */
function firstOrContext(e: Expr & { t: 'call' }, node: DataNode, pos: number, size: number, env: Env): DataNode | null {
  if (e.args.length === 0) return node;
  const ns = nodeArg(e, 0, node, pos, size, env);
  return ns.length > 0 ? ns[0] : null;
}

function codePoints(s: string): string[] | string {
  // only split into code points when there are surrogate pairs
  return /[\uD800-\uDBFF]/.test(s) ? Array.from(s) : s;
}

function substring(s: string, start: number, len: number | undefined): string {
  const cs = codePoints(s);
  const st = xpathRound(start);
  const end = len === undefined ? Infinity : st + xpathRound(len);
  // characters at 1-based positions p with st <= p < end
  const from = Math.max(st, 1);
  const to = Math.min(end, cs.length + 1);
  if (!(from < to)) return '';
  return typeof cs === 'string' ? cs.slice(from - 1, to - 1) : cs.slice(from - 1, to - 1).join('');
}

function translate(s: string, from: string, to: string): string {
  const f = Array.from(from);
  const t = Array.from(to);
  const map = new Map<string, string | null>();
  for (let i = 0; i < f.length; i++) if (!map.has(f[i])) map.set(f[i], i < t.length ? t[i] : null);
  let out = '';
  for (const c of s) {
    const m = map.get(c);
    if (m === undefined) out += c;
    else if (m !== null) out += m;
  }
  return out;
}

function normalizeSpace(s: string): string {
  return s.replace(/[\x20\t\r\n]+/g, ' ').replace(/^ | $/g, '');
}

/** the types to look into for a typed function: the type itself, or a union's members (recursively) */
function typesOf(t: YangType | undefined, out: YangType[] = []): YangType[] {
  if (!t) return out;
  if (t.base === 'union' && t.union) for (const m of t.union) typesOf(m, out);
  else out.push(t);
  return out;
}

function lookupIdentity(schema: SchemaContext, module: string, name: string): Identity | undefined {
  return schema.modules.get(module)?.identities.get(name);
}

function isDerivedFrom(id: Identity, base: Identity, seen = new Set<Identity>()): boolean {
  for (const b of id.bases) {
    if (b === base) return true;
    if (seen.has(b)) continue;
    seen.add(b);
    if (isDerivedFrom(b, base, seen)) return true;
  }
  return false;
}

/** the identity named by derived-from()'s second argument, in the expression's prefix scope */
function identityArg(e: Expr & { t: 'call' }, node: DataNode, pos: number, size: number, env: Env): Identity | undefined {
  const a = e.args[1];
  const schema = env.ctx.schema;
  if (a.t === 'str' && a.qname) return lookupIdentity(schema, a.qname.module, a.qname.name);
  const s = a.t === 'str' ? a.v : strArg(e, 1, node, pos, size, env);
  const colon = s.indexOf(':');
  if (colon < 0) {
    const m = env.ast.defaultModule;
    return m === undefined ? undefined : lookupIdentity(schema, m, s);
  }
  const prefix = s.slice(0, colon);
  let module: string | undefined;
  try {
    module = env.ast.resolve(prefix);
  } catch {
    module = undefined;
  }
  if (module === undefined && schema.modules.has(prefix)) module = prefix;
  return module === undefined ? undefined : lookupIdentity(schema, module, s.slice(colon + 1));
}

/** the identity an identityref value (canonical "module:name") names */
function valueIdentity(n: DataNode, schema: SchemaContext): Identity | undefined {
  const v = n.value;
  if (v === null) return undefined;
  const colon = v.indexOf(':');
  if (colon < 0) return lookupIdentity(schema, n.schema.module.name, v);
  return lookupIdentity(schema, v.slice(0, colon), v.slice(colon + 1));
}

const instanceIdCache = new WeakMap<SchemaContext, Map<string, Ast | null>>();

/** an instance-identifier value in canonical (RFC 7951) form as an XPath, module names inherited */
function instanceIdAst(text: string, schema: SchemaContext): Ast | null {
  let cache = instanceIdCache.get(schema);
  if (!cache) {
    cache = new Map();
    instanceIdCache.set(schema, cache);
  }
  let ast = cache.get(text);
  if (ast !== undefined) return ast;
  try {
    ast = parse(text, (p) => (p === null ? undefined : schema.modules.has(p) ? p : undefined));
    inheritModules(ast.root, undefined);
  } catch {
    ast = null;
  }
  if (cache.size > 10000) cache.clear();
  cache.set(text, ast);
  return ast;
}

/** JSON-style names: an unprefixed node is in its parent's module */
function inheritModules(e: Expr, module: string | undefined): void {
  if (e.t === 'path') {
    let m = e.abs ? undefined : module;
    for (const s of e.steps) {
      if (s.test.k === 'name') {
        if (s.test.module === undefined && m !== undefined) {
          s.test = { k: 'name', module: m, name: s.test.name, key: `${m}:${s.test.name}` };
        }
        m = s.test.module;
      }
      for (const p of s.preds) inheritModules(p, m);
    }
  } else if (e.t === 'cmp' || e.t === 'and' || e.t === 'or') {
    inheritModules(e.l, module);
    inheritModules(e.r, module);
  }
}

function deref(n: DataNode, env: Env): NodeSet {
  for (const t of typesOf(n.schema.type)) {
    if (t.base === 'leafref') {
      let targets: NodeSet;
      if (t.path) {
        const ast = t.path.ast as Ast;
        const sub: Env = { ctx: env.ctx, cache: env.cache, root: env.root, current: n, ast, text: t.path.text };
        const v = ev(ast.root, n, 1, 1, sub);
        targets = Array.isArray(v) ? v : EMPTY;
      } else if (t.target) {
        targets = [];
        const target = t.target;
        const stack = [env.root];
        while (stack.length > 0) {
          const x = stack.pop()!;
          if (x.schema === target) targets.push(x);
          else for (let i = x.children.length - 1; i >= 0; i--) stack.push(x.children[i]);
        }
      } else continue;
      const out = targets.filter((x) => x.value === n.value);
      if (out.length > 0) return out;
    } else if (t.base === 'instance-identifier' && n.value !== null) {
      const ast = instanceIdAst(n.value, env.ctx.schema);
      if (!ast) continue;
      const sub: Env = { ctx: env.ctx, cache: env.cache, root: env.root, current: n, ast, text: n.value };
      const v = ev(ast.root, env.root, 1, 1, sub);
      if (Array.isArray(v) && v.length > 0) return v;
    }
  }
  return EMPTY;
}

function call(e: Expr & { t: 'call' }, node: DataNode, pos: number, size: number, env: Env): XPathValue {
  switch (e.name) {
    case 'last':
      return size;
    case 'position':
      return pos;
    case 'count':
      return nodeArg(e, 0, node, pos, size, env).length;
    case 'id':
      ev(e.args[0], node, pos, size, env);
      return EMPTY;
    case 'local-name': {
      const n = firstOrContext(e, node, pos, size, env);
      return n && n.schema.kind !== 'root' ? n.schema.name : '';
    }
    case 'namespace-uri': {
      const n = firstOrContext(e, node, pos, size, env);
      return n && n.schema.kind !== 'root' ? n.schema.module.namespace : '';
    }
    case 'name': {
      const n = firstOrContext(e, node, pos, size, env);
      return n && n.schema.kind !== 'root' ? `${n.schema.module.prefix}:${n.schema.name}` : '';
    }
    case 'string':
      return e.args.length === 0 ? stringValue(node) : strArg(e, 0, node, pos, size, env);
    case 'concat': {
      let s = '';
      for (let i = 0; i < e.args.length; i++) s += strArg(e, i, node, pos, size, env);
      return s;
    }
    case 'starts-with':
      return strArg(e, 0, node, pos, size, env).startsWith(strArg(e, 1, node, pos, size, env));
    case 'contains':
      return strArg(e, 0, node, pos, size, env).includes(strArg(e, 1, node, pos, size, env));
    case 'substring-before': {
      const s = strArg(e, 0, node, pos, size, env);
      const i = s.indexOf(strArg(e, 1, node, pos, size, env));
      return i < 0 ? '' : s.slice(0, i);
    }
    case 'substring-after': {
      const s = strArg(e, 0, node, pos, size, env);
      const t = strArg(e, 1, node, pos, size, env);
      const i = s.indexOf(t);
      return i < 0 ? '' : s.slice(i + t.length);
    }
    case 'substring':
      return substring(
        strArg(e, 0, node, pos, size, env),
        numArg(e, 1, node, pos, size, env),
        e.args.length > 2 ? numArg(e, 2, node, pos, size, env) : undefined,
      );
    case 'string-length': {
      const s = e.args.length === 0 ? stringValue(node) : strArg(e, 0, node, pos, size, env);
      const cs = codePoints(s);
      return cs.length;
    }
    case 'normalize-space':
      return normalizeSpace(e.args.length === 0 ? stringValue(node) : strArg(e, 0, node, pos, size, env));
    case 'translate':
      return translate(strArg(e, 0, node, pos, size, env), strArg(e, 1, node, pos, size, env), strArg(e, 2, node, pos, size, env));
    case 'boolean':
      return toBool(ev(e.args[0], node, pos, size, env));
    case 'not':
      return !toBool(ev(e.args[0], node, pos, size, env));
    case 'true':
      return true;
    case 'false':
      return false;
    case 'lang':
      // no xml:lang in YANG data trees
      strArg(e, 0, node, pos, size, env);
      return false;
    case 'number':
      return e.args.length === 0 ? stringToNumber(stringValue(node)) : numArg(e, 0, node, pos, size, env);
    case 'sum': {
      let s = 0;
      for (const n of nodeArg(e, 0, node, pos, size, env)) s += stringToNumber(stringValue(n));
      return s;
    }
    case 'floor':
      return Math.floor(numArg(e, 0, node, pos, size, env));
    case 'ceiling':
      return Math.ceil(numArg(e, 0, node, pos, size, env));
    case 'round':
      return xpathRound(numArg(e, 0, node, pos, size, env));
    // ---- YANG 1.1
    case 'current':
      return [env.current];
    case 'deref': {
      const ns = nodeArg(e, 0, node, pos, size, env);
      return ns.length === 0 ? EMPTY : deref(ns[0], env);
    }
    case 'derived-from':
    case 'derived-from-or-self': {
      const ns = nodeArg(e, 0, node, pos, size, env);
      const base = identityArg(e, node, pos, size, env);
      if (!base) return false;
      const orSelf = e.name === 'derived-from-or-self';
      for (const n of ns) {
        const id = valueIdentity(n, env.ctx.schema);
        if (!id) continue;
        if ((orSelf && id === base) || isDerivedFrom(id, base)) return true;
      }
      return false;
    }
    case 're-match': {
      const s = strArg(e, 0, node, pos, size, env);
      const p = e.args[1];
      let re: RegExp;
      if (p.t === 'str' && p.regex) re = p.regex;
      else {
        const src = strArg(e, 1, node, pos, size, env);
        try {
          re = xsdToRegExp(src);
        } catch (err) {
          fail(env, `invalid pattern "${src}" in re-match(): ${(err as Error).message}`);
        }
      }
      return re.test(s);
    }
    case 'enum-value': {
      const ns = nodeArg(e, 0, node, pos, size, env);
      if (ns.length === 0) return NaN;
      const n = ns[0];
      for (const t of typesOf(n.schema.type)) {
        const item = t.enums?.find((x) => x.name === n.value);
        if (item) return item.value;
      }
      return NaN;
    }
    case 'bit-is-set': {
      const ns = nodeArg(e, 0, node, pos, size, env);
      const bit = strArg(e, 1, node, pos, size, env);
      if (ns.length === 0) return false;
      const n = ns[0];
      if (n.value === null) return false;
      const isBits = typesOf(n.schema.type).some((t) => t.base === 'bits' && (t.bits ?? []).some((b) => b.name === bit));
      return isBits && n.value.split(' ').includes(bit);
    }
  }
  fail(env, `unknown function "${e.name}()"`);
}

export function evaluateAst(ast: Ast, text: string, ctx: EvalContext): XPathValue {
  const cache = cacheOf(ctx) ?? new EvalCache(false);
  const env: Env = { ctx, cache, root: ctx.root, current: ctx.current ?? ctx.node, ast, text };
  let v: XPathValue;
  try {
    v = ev(ast.root, ctx.node, 1, 1, env);
  } catch (err) {
    if (err instanceof RangeError) {
      throw new AgentError('operation-failed', `XPath expression "${text}" is too deeply nested to evaluate`);
    }
    throw err;
  }
  // never hand out an array the evaluator may share (EMPTY, cached node-sets, child groups)
  if (Array.isArray(v) && (v === EMPTY || cache.persistent)) return v.slice();
  return v;
}
