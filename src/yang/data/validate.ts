/**
 * Validation of a data tree (RFC 7950 sections 8 and 15), in libyang's
 * order: add defaults, resolve `when` (removing default nodes under a false
 * when; explicit ones are errors, or removed in autoDeleteWhen mode), then
 * check mandatory nodes, choices, min/max-elements, unique, leafref and
 * instance-identifier require-instance, `must`, and state data in a
 * configuration. Every problem is reported, not just the first.
 */
import { AgentError, ErrorInfo, ErrorTag } from '../../errors';
import type { Constraint, SchemaContext, SchemaNode, XPathExpr } from '../schema';
import type { XPathValue } from '../xpath/api';
import { toBoolean, xpath } from './deps';
import { DataNode } from './node';
import { defaultValues, isInner } from './schemautil';
import { childPath, findChild, insertChild, instances, nameKey, pathOf, removeChild, resolvePath } from './tree';

export interface ValidateOptions {
  /** 'config': a configuration datastore (state nodes are errors); 'data': everything */
  type: 'config' | 'data';
  /**
   * delete explicit nodes whose `when` is false instead of reporting them
   * (NETCONF edits: RFC 7950 8.3.2 auto-deletion)
   */
  autoDeleteWhen?: boolean;
  /** only consider top-level nodes of modules that have data in the tree (yanglint --present) */
  present?: boolean;
  /** add default nodes first (default true) */
  defaults?: boolean;
  /**
   * record every change validation makes to the tree (default nodes added,
   * nodes removed), so that undoValidation() can put the tree back
   */
  journal?: ValidationJournal;
}

/** What a validation changed in a tree, in order (see ValidateOptions.journal). */
export type ValidationJournal = ({ added: DataNode } | { removed: DataNode; parent: DataNode; at: number })[];

/** Put a tree back as it was before the validation that filled `journal`. */
export function undoValidation(journal: ValidationJournal): void {
  for (let i = journal.length - 1; i >= 0; i--) {
    const j = journal[i];
    if ('added' in j) removeChild(j.added);
    else insertChild(j.parent, j.removed, j.at);
  }
  journal.length = 0;
}

/** One entry of a schema plan: a data child, or a choice with its cases. */
type Item = { s: SchemaNode; choice?: undefined } | { s: SchemaNode; choice: CaseItem[] };
interface CaseItem {
  c: SchemaNode;
  items: Item[];
  /** every data node schema that may appear under the parent through this case */
  members: Set<SchemaNode>;
}
interface Plan {
  items: Item[];
  /** anything to check on children: mandatory, choice, min/max, unique */
  checks: boolean;
  /** anything to add as a default */
  defaults: boolean;
}

const plans = { config: new WeakMap<SchemaNode, Plan>(), data: new WeakMap<SchemaNode, Plan>() };

function schemaKids(s: SchemaNode): SchemaNode[] {
  if (s.kind === 'rpc' || s.kind === 'action') {
    const io = s.children.find((c) => c.kind === 'input');
    return io ? io.children : [];
  }
  if (s.kind === 'root' && !s.children.length) return [...s.dataChildren.values()];
  return s.children;
}

const DATA_KINDS = new Set(['container', 'list', 'leaf', 'leaf-list', 'anydata', 'anyxml']);

function buildItems(kids: SchemaNode[], config: boolean): Item[] {
  const items: Item[] = [];
  for (const k of kids) {
    if (config && !k.config) continue;
    if (k.kind === 'choice') {
      const cases: CaseItem[] = [];
      for (const c of k.children) {
        // shorthand cases may be compiled as the data node itself
        const caseKids = c.kind === 'case' ? c.children : [c];
        const items2 = buildItems(caseKids, config);
        const members = new Set<SchemaNode>();
        collectMembers(items2, members);
        cases.push({ c, items: items2, members });
      }
      items.push({ s: k, choice: cases });
    } else if (DATA_KINDS.has(k.kind)) items.push({ s: k });
  }
  return items;
}

function collectMembers(items: Item[], into: Set<SchemaNode>): void {
  for (const it of items) {
    if (it.choice) for (const c of it.choice) collectMembers(c.items, into);
    else into.add(it.s);
  }
}

function planOf(s: SchemaNode, config: boolean): Plan {
  const cache = config ? plans.config : plans.data;
  let p = cache.get(s);
  if (!p) {
    const items = buildItems(schemaKids(s), config);
    let checks = false;
    let defaults = false;
    const scan = (its: Item[]): void => {
      for (const it of its) {
        if (it.choice) {
          if (it.s.mandatory || it.s.defaultCase) checks = true;
          checks = true; // multiple-case detection
          defaults = true;
          for (const c of it.choice) scan(c.items);
          continue;
        }
        const x = it.s;
        if (x.mandatory || x.minElements > 0 || x.maxElements !== Infinity || (x.unique && x.unique.length)) checks = true;
        if (x.kind === 'container' && !x.presence) defaults = true;
        if ((x.kind === 'leaf' || x.kind === 'leaf-list') && defaultValues(x).length) defaults = true;
      }
    };
    scan(items);
    p = { items, checks, defaults };
    cache.set(s, p);
  }
  return p;
}

/** a when's context node for a data node (RFC 7950 7.21.5): its name, no value, no children, the same parent */
function dummyOf(node: DataNode): DataNode {
  const d = new DataNode(node.schema, node.value === null ? null : '');
  d.parent = node.parent;
  return d;
}

/** `when` constraints that govern a data node: its own and those of the choices/cases above it. */
interface WhenRef {
  c: Constraint;
  /** the schema node that carries it */
  owner: SchemaNode;
}
const whenCache = new WeakMap<SchemaNode, WhenRef[]>();
function whensOf(s: SchemaNode): WhenRef[] {
  let w = whenCache.get(s);
  if (!w) {
    w = [];
    for (const c of s.when ?? []) w.push({ c, owner: s });
    for (let p = s.parent; p && (p.kind === 'choice' || p.kind === 'case'); p = p.parent) {
      for (const c of p.when ?? []) w.push({ c, owner: p });
    }
    whenCache.set(s, w);
  }
  return w;
}

/**
 * What a schema node and everything below it never need from validation,
 * as bits: a data tree's subtree whose schema has them set is not walked.
 * In a configuration of many list entries with plain leaves (the common
 * case: forwarding classes, users, interfaces) the walks then visit the
 * entries, not every leaf of every entry.
 */
const NOTHING_TO_CHECK_CONFIG = 1;
const NOTHING_TO_CHECK_DATA = 2;
const NO_DEFAULTS = 4;
const NO_WHENS = 8;
const ALL_INERT = NOTHING_TO_CHECK_CONFIG | NOTHING_TO_CHECK_DATA | NO_DEFAULTS | NO_WHENS;
const inertCache = new WeakMap<SchemaNode, number>();

/** The bits above for `s` itself and its whole schema subtree (choices and cases included). */
function inertOf(s: SchemaNode): number {
  let b = inertCache.get(s);
  if (b !== undefined) return b;
  const k = s.kind;
  if (k === 'rpc' || k === 'action' || k === 'notification' || k === 'input' || k === 'output' || k === 'anydata' || k === 'anyxml') b = 0;
  else {
    // choices and cases hold no data nodes of their own: what they need (a case, a default,
    // a mandatory choice) is in their parent's plan, and their children are ANDed in here
    b = ALL_INERT;
    for (const c of s.children) b &= inertOf(c);
    if (whensOf(s).length) b &= ~NO_WHENS; // its own and those of the choices and cases above it
    const t = s.type;
    const refChecked = !!t && t.requireInstance && ((t.base === 'leafref' && !!t.path) || t.base === 'instance-identifier');
    if (s.must.length || refChecked) b &= ~(NOTHING_TO_CHECK_CONFIG | NOTHING_TO_CHECK_DATA);
    if (!s.config) b &= ~NOTHING_TO_CHECK_CONFIG; // state data in a configuration is an error
    if (isInner(s) || k === 'root') {
      const pc = planOf(s, true);
      const pd = planOf(s, false);
      if (pc.checks) b &= ~NOTHING_TO_CHECK_CONFIG;
      if (pd.checks) b &= ~NOTHING_TO_CHECK_DATA;
      if (pc.defaults || pd.defaults) b &= ~NO_DEFAULTS;
    }
  }
  inertCache.set(s, b);
  return b;
}

function isOp(n: DataNode): boolean {
  const k = n.schema.kind;
  return k === 'rpc' || k === 'action' || k === 'notification';
}

class Validator {
  errors: AgentError[] = [];
  private config: boolean;
  private leafrefCache = new Map<XPathExpr, Set<string>>();
  /** XPath evaluation cache for a pass over a tree that no longer changes (see xpath EvalContext.cache) */
  xpathCache?: Map<unknown, unknown>;

  constructor(
    private ctx: SchemaContext,
    private root: DataNode,
    private opts: ValidateOptions,
  ) {
    this.config = opts.type === 'config';
  }

  private err(tag: ErrorTag, msg: string, at: { xml: string; ns: Record<string, string> }, appTag?: string, info?: ErrorInfo): void {
    this.errors.push(new AgentError(tag, msg, { path: at.xml, pathNs: at.ns, appTag, info }));
  }

  private eval(expr: XPathExpr, node: DataNode, current?: DataNode): XPathValue | AgentError {
    try {
      return xpath().evaluate(expr, { schema: this.ctx, node, current: current ?? node, root: this.root, cache: this.xpathCache });
    } catch (e) {
      if (e instanceof AgentError) return e;
      return new AgentError('operation-failed', `XPath "${expr.text}": ${(e as Error).message}`);
    }
  }

  private topAllowed(root: DataNode): ((s: SchemaNode) => boolean) | null {
    if (!this.opts.present || root.schema.kind !== 'root') return null;
    const mods = new Set(root.children.map((c) => c.schema.module.name));
    return (s) => mods.has(s.module.name);
  }

  // ---------------------------------------------------------------- defaults

  /** `inOp`: an ancestor is an rpc, action or notification (known on the way down, not searched upwards per node) */
  defaults(node: DataNode, inOp = false): void {
    const s = node.schema;
    if (!isInner(s) && s.kind !== 'root') return;
    const op = inOp || isOp(node);
    const plan = planOf(s, this.config && !op);
    if (plan.defaults) {
      const allowed = node.schema.kind === 'root' ? this.topAllowed(node) : null;
      this.addItems(node, plan.items, census(node), allowed);
    }
    const ch = node.children;
    for (let i = 0; i < ch.length; i++) {
      const c = ch[i];
      if (!op && inertOf(c.schema) & NO_DEFAULTS) continue;
      if (c.children.length || (c.schema.kind === 'container' || c.schema.kind === 'list')) this.defaults(c, op);
    }
  }

  private addItems(node: DataNode, items: Item[], present: Census, allowed: ((s: SchemaNode) => boolean) | null): void {
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (allowed && !allowed(it.s)) continue;
      if (it.choice) {
        const c = activeCase(node, it.choice, present) ?? defaultCase(it.choice, it.s);
        if (c) this.addItems(node, c.items, present, null);
        continue;
      }
      const x = it.s;
      if (countOf(node, present, x)) continue;
      if (x.kind === 'container' && !x.presence) {
        const n = new DataNode(x);
        n.dflt = true;
        insertChild(node, n);
        this.opts.journal?.push({ added: n });
      } else if (x.kind === 'leaf' || x.kind === 'leaf-list') {
        const dv = defaultValues(x);
        const upTo = x.kind === 'leaf' ? Math.min(1, dv.length) : dv.length;
        for (let j = 0; j < upTo; j++) {
          const n = new DataNode(x, dv[j]);
          n.dflt = true;
          insertChild(node, n);
          this.opts.journal?.push({ added: n });
        }
      }
    }
  }

  private remove(n: DataNode): void {
    const j = this.opts.journal;
    if (j && n.parent) j.push({ removed: n, parent: n.parent, at: n.parent.children.indexOf(n) });
    removeChild(n);
  }

  // ---------------------------------------------------------------- when

  private whenTrue(node: DataNode, refs: WhenRef[]): { ok: true } | { ok: false; c: Constraint } | { ok: 'error'; e: AgentError } {
    let dummy: DataNode | undefined;
    for (const { c, owner } of refs) {
      let ctxNode: DataNode | null;
      if (owner.kind === 'choice' || owner.kind === 'case' || c.context === 'ancestor') {
        ctxNode = node.parent;
        if (c.contextNode) {
          for (let p = node.parent; p; p = p.parent) {
            if (p.schema === c.contextNode) {
              ctxNode = p;
              break;
            }
          }
        }
      } else if (!node.value && !node.children.length) ctxNode = node;
      // RFC 7950 7.21.5: a node's own when is evaluated on a dummy node of its
      // name with no value and no children, never on what the node holds
      else ctxNode = dummy ??= dummyOf(node);
      if (!ctxNode) continue;
      const r = this.eval(c.xpath, ctxNode);
      if (r instanceof AgentError) return { ok: 'error', e: r };
      if (!toBoolean(r)) return { ok: false, c };
    }
    return { ok: true };
  }

  whens(): void {
    let list: DataNode[] = [];
    const collect = (n: DataNode): void => {
      const ch = n.children;
      for (let i = 0; i < ch.length; i++) {
        const c = ch[i];
        if (inertOf(c.schema) & NO_WHENS) continue;
        if (whensOf(c.schema).length) list.push(c);
        if (c.children.length) collect(c);
      }
    };
    collect(this.root);
    if (!list.length) return;
    const attached = (n: DataNode): boolean => {
      let p: DataNode | null = n;
      while (p && p !== this.root) p = p.parent;
      return p === this.root;
    };
    for (let round = 0; round < 50; round++) {
      let removed = false;
      const failing: { n: DataNode; c: Constraint }[] = [];
      const errs: AgentError[] = [];
      for (const n of list) {
        if (!attached(n)) continue;
        const r = this.whenTrue(n, whensOf(n.schema));
        if (r.ok === true) continue;
        if (r.ok === 'error') {
          errs.push(r.e);
          continue;
        }
        if (n.dflt || this.opts.autoDeleteWhen) {
          this.remove(n);
          removed = true;
        } else failing.push({ n, c: r.c });
      }
      list = list.filter(attached);
      if (!removed) {
        for (const { n, c } of failing) {
          this.err('unknown-element', `When condition "${c.xpath.text}" not satisfied.`, pathOf(n), 'when-violation', {
            'bad-element': n.schema.name,
          });
        }
        this.errors.push(...errs);
        return;
      }
    }
  }

  /** false when a missing node would be excluded by its when (evaluated on a dummy). */
  private absentWhenFalse(parent: DataNode, s: SchemaNode): boolean {
    const refs = whensOf(s);
    if (!refs.length) return false;
    const dummy = new DataNode(s, s.kind === 'leaf' || s.kind === 'leaf-list' ? '' : null);
    dummy.parent = parent;
    const r = this.whenTrue(dummy, refs);
    return r.ok === false;
  }

  // ---------------------------------------------------------------- checks

  check(node: DataNode, inOp: boolean): void {
    const s = node.schema;
    if (s.kind !== 'root') {
      if (this.config && !inOp && !s.config && !isOp(node)) {
        this.err('invalid-value', `State data node "${s.name}" found in a configuration.`, pathOf(node), undefined, {
          'bad-element': s.name,
        });
        return;
      }
      // musts of implicit non-presence containers are not evaluated; those of default leaves are (libyang)
      if (s.must && s.must.length && !(node.dflt && s.kind === 'container')) this.must(node);
      if (node.value !== null && s.type) this.refs(node);
    }
    if (isInner(s) || s.kind === 'root') {
      const op = inOp || isOp(node);
      const plan = planOf(s, this.config && !op);
      if (plan.checks) this.checkChildren(node, plan);
      const ch = node.children;
      const inert = op ? 0 : this.config ? NOTHING_TO_CHECK_CONFIG : NOTHING_TO_CHECK_DATA;
      for (let i = 0; i < ch.length; i++) {
        const c = ch[i];
        if (!(inertOf(c.schema) & inert)) this.check(c, op);
      }
    }
  }

  private must(node: DataNode): void {
    for (const m of node.schema.must) {
      const r = this.eval(m.xpath, node);
      if (r instanceof AgentError) {
        this.errors.push(r);
        continue;
      }
      if (!toBoolean(r)) {
        this.err('operation-failed', m.errorMessage ?? `Must condition "${m.xpath.text}" not satisfied.`, pathOf(node), m.errorAppTag ?? 'must-violation');
      }
    }
  }

  private refs(node: DataNode): void {
    const t = node.schema.type!;
    if (t.base === 'leafref' && t.requireInstance && t.path) {
      if (!this.leafrefOk(node, t.path)) {
        this.err(
          'data-missing',
          `Invalid leafref value "${node.value}" - no target instance "${t.path.text}" with the same value.`,
          pathOf(node),
          'instance-required',
        );
      }
    } else if (t.base === 'instance-identifier' && t.requireInstance) {
      if (!resolvePath(this.root, node.value!)) {
        this.err('data-missing', `Required instance "${node.value}" does not exist.`, pathOf(node), 'instance-required');
      }
    }
  }

  private leafrefOk(node: DataNode, path: XPathExpr): boolean {
    const cacheable = path.text.trimStart().startsWith('/') && !path.text.includes('[');
    if (cacheable) {
      let set = this.leafrefCache.get(path);
      if (!set) {
        set = new Set();
        const r = this.eval(path, node);
        if (Array.isArray(r)) for (const n of r) if (n.value !== null) set.add(n.value);
        this.leafrefCache.set(path, set);
      }
      return set.has(node.value!);
    }
    const r = this.eval(path, node);
    if (!Array.isArray(r)) return false;
    for (const n of r) if (n.value === node.value) return true;
    return false;
  }

  /**
   * The checks of a node's children (mandatory, choices, min/max-elements,
   * unique). Children are counted per schema node; the instances themselves
   * are looked up only where a check needs them (a unique over a list of
   * 100,000 entries walks the children, it does not copy them).
   */
  private checkChildren(node: DataNode, plan: Plan): void {
    const allowed = node.schema.kind === 'root' ? this.topAllowed(node) : null;
    this.checkItems(node, plan.items, census(node), true, allowed);
  }

  private checkItems(
    node: DataNode,
    items: Item[],
    counts: Census,
    active: boolean,
    allowed: ((s: SchemaNode) => boolean) | null,
  ): void {
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (allowed && !allowed(it.s)) continue;
      const x = it.s;
      if (it.choice) {
        const first = activeCase(node, it.choice, counts);
        if (first && moreThanOneCase(node, it.choice, first, counts)) this.casesInConflict(node, it.choice, counts, x);
        if (!first && x.mandatory && active && !this.absentWhenFalse(node, x)) {
          this.err('data-missing', `Missing mandatory choice "${x.name}".`, pathOf(node), 'missing-choice', { 'missing-choice': x.name });
        }
        for (let j = 0; j < it.choice.length; j++) this.checkItems(node, it.choice[j].items, counts, active && first === it.choice[j], null);
        continue;
      }
      const count = countOf(node, counts, x);
      if (!active && !count) continue;
      if (count === 0) {
        if ((x.mandatory && x.kind !== 'container') || x.minElements > 0) {
          if (this.absentWhenFalse(node, x)) continue;
          if (x.kind === 'list' || x.kind === 'leaf-list') {
            this.err('operation-failed', `Too few "${x.name}" instances.`, childPath(node, x), 'too-few-elements');
          } else {
            this.err('data-missing', `Mandatory node "${x.name}" instance does not exist.`, childPath(node, x));
          }
        }
        continue;
      }
      if (x.kind === 'list' || x.kind === 'leaf-list') {
        if (count < x.minElements) {
          this.err('operation-failed', `Too few "${x.name}" instances.`, childPath(node, x), 'too-few-elements');
        }
        if (count > x.maxElements) {
          this.err('operation-failed', `Too many "${x.name}" instances.`, pathOf(instances(node, x)[x.maxElements]), 'too-many-elements');
        }
        if (x.kind === 'list' && x.unique && x.unique.length && count > 1) this.unique(x, node);
      }
    }
  }

  /** Data in two cases of one choice: defaults of the other cases go, explicit data in two is an error. */
  private casesInConflict(node: DataNode, cases: CaseItem[], counts: Census, x: SchemaNode): void {
    const with_ = cases.filter((c) => caseHasData(node, c, counts));
    // default nodes of the other cases go silently (libyang does the same)
    const explicit = with_.filter((c) => node.children.some((d) => !d.dflt && c.members.has(d.schema)));
    for (const c of with_) {
      if (explicit.length && !explicit.includes(c)) for (const d of node.children.filter((d) => c.members.has(d.schema))) this.remove(d);
    }
    if (explicit.length > 1) {
      const second = explicit[1];
      const first = [...second.members].map((m) => node.children.find((d) => d.schema === m)).find((d) => d);
      this.err(
        'bad-element',
        `Data for both cases "${explicit[0].c.name}" and "${second.c.name}" exist.`,
        first ? pathOf(first) : pathOf(node),
        undefined,
        { 'bad-element': first ? first.schema.name : x.name },
      );
    }
  }

  /** The unique statements of `list` over its entries under `parent`. */
  private unique(list: SchemaNode, parent: DataNode): void {
    const entries = parent.children;
    for (const u of list.unique) {
      const seen = new Map<string, DataNode>();
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i];
        if (e.schema !== list) continue;
        // the key of the entry's unique leaves; an entry without one of them takes no part
        let key: string | undefined = '';
        for (let j = 0; j < u.leaves.length; j++) {
          const v = uniqueLeaf(e, u.leaves[j])?.value;
          if (v === undefined || v === null) {
            key = undefined;
            break;
          }
          key = j ? `${key}\u0001${v}` : v;
        }
        if (key === undefined) continue;
        const prev = seen.get(key);
        if (!prev) {
          seen.set(key, e);
          continue;
        }
        const leaves = u.leaves.map((path) => uniqueLeaf(e, path)!);
        const at = pathOf(e);
        const paths = leaves.map((l) => pathOf(l));
        for (const p of paths) Object.assign(at.ns, p.ns);
        this.err(
          'operation-failed',
          `Unique data leaf(s) "${u.text}" not satisfied in "${pathOf(prev).json}" and "${at.json}".`,
          at,
          'data-not-unique',
          { 'non-unique': paths.map((p) => p.xml).join(' ') },
        );
      }
    }
  }
}

/**
 * How many children of a node are instances of each schema node: counted
 * once for a large node, by a scan of the children for a small one (no
 * allocation: validation visits every inner node of the configuration at
 * every commit).
 */
type Census = Map<SchemaNode, number> | null;
const SCAN_UP_TO = 16;

function census(node: DataNode): Census {
  const ch = node.children;
  if (ch.length <= SCAN_UP_TO) return null;
  const counts = new Map<SchemaNode, number>();
  for (let i = 0; i < ch.length; i++) {
    const s = ch[i].schema;
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return counts;
}

function countOf(node: DataNode, counts: Census, s: SchemaNode): number {
  if (counts) return counts.get(s) ?? 0;
  const ch = node.children;
  let n = 0;
  for (let i = 0; i < ch.length; i++) if (ch[i].schema === s) n++;
  return n;
}

function caseHasData(node: DataNode, c: CaseItem, counts: Census): boolean {
  if (counts) {
    for (const m of c.members) if (counts.has(m)) return true;
    return false;
  }
  const ch = node.children;
  for (let i = 0; i < ch.length; i++) if (c.members.has(ch[i].schema)) return true;
  return false;
}

function moreThanOneCase(node: DataNode, cases: CaseItem[], first: CaseItem, counts: Census): boolean {
  for (let i = 0; i < cases.length; i++) if (cases[i] !== first && caseHasData(node, cases[i], counts)) return true;
  return false;
}

/** The first case (in schema order) with data under the node. */
function activeCase(node: DataNode, cases: CaseItem[], counts: Census): CaseItem | undefined {
  for (let i = 0; i < cases.length; i++) if (caseHasData(node, cases[i], counts)) return cases[i];
  return undefined;
}

function defaultCase(cases: CaseItem[], choice: SchemaNode): CaseItem | undefined {
  for (let i = 0; i < cases.length; i++) if (cases[i].c === choice.defaultCase) return cases[i];
  return undefined;
}

/** The leaf at `path` (schema nodes, descendant steps) below a list entry. */
function uniqueLeaf(entry: DataNode, path: SchemaNode[]): DataNode | undefined {
  let cur: DataNode | undefined = entry;
  for (let i = 0; i < path.length && cur; i++) cur = findChild(cur, path[i]);
  return cur;
}

/**
 * Add default nodes (dflt=true) to a tree: leaf and leaf-list defaults in
 * every existing container/list entry and in non-presence containers
 * (created as default nodes), in the default case of a choice or the case
 * that has data. Default nodes whose `when` is false are kept, unless
 * `whens` is set: then they are removed as validate() removes them (it
 * calls this first), and nothing else is checked (an explicit node whose
 * `when` is false stays).
 */
export function addDefaults(ctx: SchemaContext, root: DataNode, opts: Pick<ValidateOptions, 'type' | 'present'> & { whens?: boolean } = { type: 'data' }): void {
  const v = new Validator(ctx, root, { type: opts.type, present: opts.present });
  v.defaults(root);
  if (opts.whens) v.whens();
}

/**
 * Validate a tree in place (it gains its default nodes; with
 * autoDeleteWhen it loses nodes whose when is false). Returns every
 * problem as an AgentError (empty when valid):
 * - missing mandatory leaf/anydata: data-missing, path of the missing node
 * - mandatory choice without data: data-missing / missing-choice, path of the parent
 * - min-elements: operation-failed / too-few-elements; max-elements:
 *   operation-failed / too-many-elements (path of the first extra instance)
 * - unique: operation-failed / data-not-unique, info non-unique (the leaf
 *   paths, space-separated), path of the later entry
 * - leafref / instance-identifier require-instance: data-missing / instance-required
 * - must: operation-failed / the must's error-app-tag or must-violation,
 *   message its error-message or `Must condition "..." not satisfied.`
 * - when false on an explicit node: unknown-element / when-violation
 * - data in two cases of one choice: bad-element
 * - state data in a 'config' tree: invalid-value
 */
export function validate(ctx: SchemaContext, root: DataNode, opts: ValidateOptions = { type: 'data' }): AgentError[] {
  const v = new Validator(ctx, root, opts);
  if (opts.defaults !== false) v.defaults(root);
  v.whens();
  // the tree does not change any more: absolute paths and keyed look-ups are computed once
  v.xpathCache = new Map();
  v.check(root, false);
  return v.errors;
}

export { nameKey };
