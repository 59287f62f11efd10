/**
 * The access context of one request under NACM: decisions from the
 * group's Table, rules with predicates evaluated once per tree, the read
 * view (pruneRead) and the way back from an edited view to a full tree
 * (restoreHidden), error-path checks and the counters.
 */
import { AgentError } from '../errors';
import { DataNode } from '../yang/data/node';
import type { SchemaContext, SchemaNode } from '../yang/schema';
import { clone, insertChild, indexKey, lookup } from '../yang/data/tree';
import { xpath } from '../yang/xpath';
import type { Access, WriteOp } from './access';
import type { Op, Rule } from './config';
import { rootOf, Table } from './engine';

export interface Counters {
  operations: number;
  writes: number;
  notifications: number;
}

const NN = 'ietf-netconf-notifications';
const PASS_KINDS = new Set(['notification', 'rpc', 'action', 'input', 'output']);

export class NacmAccess implements Access {
  /** per rule: the nodes its path selects, per tree root (evaluated once per tree in this request) */
  private selections = new Map<Rule, WeakMap<DataNode, Set<DataNode>>>();
  private writeDenied = false;
  private table: Table;
  private version: unknown;

  /**
   * `current` gives the version (the running tree) and the Table for it:
   * an access context held for long (a notification subscription) follows
   * commits that change the rules or the user's groups.
   */
  constructor(
    private readonly ctx: SchemaContext,
    private readonly current: () => { version: unknown; table: () => Table },
    readonly user: string,
    readonly transportGroups: readonly string[],
    private readonly counters: Counters,
  ) {
    const c = current();
    this.version = c.version;
    this.table = c.table();
  }

  /** follow a new NACM configuration (cheap when nothing changed) */
  private sync(): void {
    const c = this.current();
    if (c.version === this.version) return;
    this.version = c.version;
    this.table = c.table();
    this.selections.clear();
  }

  /** the groups in effect (transport groups and /nacm/groups) */
  get groups(): readonly string[] {
    this.sync();
    return this.table.groups;
  }

  get restricted(): boolean {
    this.sync();
    return !this.table.allPermitted;
  }

  // ---------------------------------------------------------------- decisions

  private selected(r: Rule, n: DataNode): boolean {
    if (!r.path) return false;
    const root = rootOf(n);
    let per = this.selections.get(r);
    if (!per) this.selections.set(r, (per = new WeakMap()));
    let set = per.get(root);
    if (!set) {
      set = new Set();
      try {
        const v = xpath.evaluate(r.path, { schema: this.ctx, node: root, root, variables: { USER: this.user } });
        if (Array.isArray(v)) for (const x of v) set.add(x);
      } catch {
        /* a rule whose path cannot be evaluated selects nothing */
      }
      per.set(root, set);
    }
    for (let p: DataNode | null = n; p; p = p.parent) if (set.has(p)) return true;
    return false;
  }

  /** The decision for one node (its ancestors not considered). */
  decide(n: DataNode, op: Op): boolean {
    const d = this.table.schema(n.schema, op);
    if (d.static) return d.permit;
    for (const r of d.dyn) if (this.selected(r, n)) return r.permit;
    return d.permit; // the first static rule after the dynamic ones, or the default
  }

  canRead(n: DataNode): boolean {
    this.sync();
    if (!this.restricted) return true;
    for (let p: DataNode | null = n; p && p.schema.kind !== 'root'; p = p.parent) {
      if (PASS_KINDS.has(p.schema.kind)) break;
      if (!this.decide(p, 'read')) return false;
    }
    return true;
  }

  /** Every instance of `schema` is readable, whatever the data (no rule on the way depends on it). */
  canReadSchema(schema: SchemaNode): boolean {
    return this.readsSchema(schema, (d) => !d.static || !d.permit);
  }

  /** Some instance of `schema` may be readable: false only when it is denied whatever the data. */
  mayReadSchema(schema: SchemaNode): boolean {
    return this.readsSchema(schema, (d) => d.static && !d.permit);
  }

  /** Walks `schema` and its ancestors up to the first pass-through kind: false at the first read decision `refused` says no to. */
  private readsSchema(schema: SchemaNode, refused: (d: { static: boolean; permit: boolean }) => boolean): boolean {
    this.sync();
    if (!this.restricted) return true;
    for (let p: SchemaNode | null = schema; p && p.kind !== 'root'; p = p.parent) {
      if (PASS_KINDS.has(p.kind)) break;
      if (p.kind === 'choice' || p.kind === 'case') continue;
      if (refused(this.table.schema(p, 'read'))) return false;
    }
    return true;
  }

  canWrite(n: DataNode, op: WriteOp): boolean {
    this.sync();
    if (!this.restricted) return true;
    // a non-presence container has no meaning of its own (RFC 7950 7.5.1): creating or
    // removing it is decided by its descendants (edit-config checks each of them)
    if (n.schema.kind === 'container' && !n.schema.presence && op !== 'update') return true;
    const ok = this.decide(n, op);
    if (!ok && !this.writeDenied) {
      this.writeDenied = true;
      this.counters.writes++;
    }
    return ok;
  }

  canExec(module: string, rpc: string): boolean {
    this.sync();
    if (!this.restricted) return true;
    const ok = this.table.exec(module, rpc);
    if (!ok) this.counters.operations++;
    return ok;
  }

  canNotify(module: string, name: string, content?: DataNode): boolean {
    this.sync();
    if (!this.restricted) return true;
    if (!this.table.notification(module, name)) return false;
    if (content && module === NN && name === 'netconf-config-change') {
      const edits = content.children.filter((c) => c.schema.name === 'edit');
      if (edits.length > 0 && !edits.some((e) => this.editReadable(e))) return false;
    }
    return true;
  }

  private editReadable(edit: DataNode): boolean {
    const t = edit.children.find((c) => c.schema.name === 'target');
    return t?.value ? this.canReadPath(t.value) : true;
  }

  /**
   * May the user read the node an instance-identifier names? `ns` given:
   * XML form (prefixes -> namespaces, as error-path); otherwise RFC 7951
   * form (module names). A path that does not parse counts as unreadable.
   */
  canReadPath(path: string, ns?: Record<string, string>): boolean {
    this.sync();
    if (!this.restricted) return true;
    const n = nodeFromPath(this.ctx, path, ns);
    return n ? this.canRead(n) : false;
  }

  /** does the path name a node of the schema (whether or not it exists)? */
  schemaKnows(path: string, ns?: Record<string, string>): boolean {
    return nodeFromPath(this.ctx, path, ns) !== null;
  }

  // ---------------------------------------------------------------- the read view

  /** Is `n` (whose parent is visible) part of the view? */
  private visible(n: DataNode): boolean {
    if (PASS_KINDS.has(n.schema.kind)) return true;
    if (!this.decide(n, 'read')) return false;
    if (this.isDroppableContainer(n)) return this.hasVisibleChild(n);
    return true;
  }

  /**
   * A non-presence container that could hold something hidden is left out
   * of the view when nothing visible is in it, so that its presence never
   * tells whether hidden data exists.
   */
  private isDroppableContainer(n: DataNode): boolean {
    return n.schema.kind === 'container' && !n.schema.presence && !this.table.subtreeReadable(n.schema);
  }

  private hasVisibleChild(n: DataNode): boolean {
    for (const c of n.children) if (this.visible(c)) return true;
    return false;
  }

  /** true when a copy is needed (something under `n` is not in the view) */
  private hidesSomething(n: DataNode): boolean {
    for (const c of n.children) {
      if (!PASS_KINDS.has(c.schema.kind) && this.table.subtreeReadable(c.schema)) continue;
      if (!this.visible(c)) return true;
      if (this.hidesSomething(c)) return true;
    }
    return false;
  }

  /** `share`: readable subtrees are the original nodes (readView), else copies (pruneRead) */
  private copyVisible(n: DataNode, share = false): DataNode | null {
    if (!PASS_KINDS.has(n.schema.kind)) {
      if (this.table.subtreeReadable(n.schema)) return share ? n : clone(n);
      if (!this.decide(n, 'read')) return null;
    }
    const c = new DataNode(n.schema, n.value);
    c.dflt = n.dflt;
    if (n.raw !== undefined) c.raw = n.raw;
    if (n.rawJson !== undefined) c.rawJson = n.rawJson;
    if (n.meta) c.meta = new Map(n.meta);
    for (const k of n.children) {
      const kc = this.copyVisible(k, share);
      if (kc) {
        if (kc !== k) kc.parent = c;
        c.children.push(kc);
      }
    }
    if (c.children.length === 0 && this.isDroppableContainer(n)) return null;
    return c;
  }

  pruneRead(root: DataNode): DataNode {
    return this.view(root, false);
  }

  /**
   * As pruneRead, but the readable subtrees of the result ARE the nodes of
   * `root` (their `parent` still points into `root`): only for output that
   * walks downwards (toXml, subtree filters), never for XPath. Saves the
   * copy of big readable subtrees.
   */
  readView(root: DataNode): DataNode {
    return this.view(root, true);
  }

  private view(root: DataNode, share: boolean): DataNode {
    this.sync();
    if (!this.restricted) return root;
    let out: DataNode = root;
    if (this.hidesSomething(root)) {
      out = new DataNode(root.schema, root.value);
      for (const k of root.children) {
        const kc = this.copyVisible(k, share);
        if (kc) {
          if (kc !== k) kc.parent = out;
          out.children.push(kc);
        }
      }
    }
    // netconf-config-change: only the edits whose target the receiver may read
    const ev = out.children[0];
    if (ev && ev.schema.kind === 'notification' && ev.schema.module.name === NN && ev.schema.name === 'netconf-config-change') {
      const drop = ev.children.filter((e) => e.schema.name === 'edit' && !this.editReadable(e));
      if (drop.length) {
        if (out === root) out = clone(root);
        const evc = out.children[0];
        evc.children = evc.children.filter((e) => !(e.schema.name === 'edit' && !this.editReadable(e)));
        evc.index = undefined;
      }
    }
    return out;
  }

  /**
   * `edited` is a changed copy of the view of `original`: put back into it
   * everything of `original` the user could not see (hidden nodes stay as
   * they were; a visible node the user deleted keeps its hidden
   * descendants under a shell). Returns `edited`.
   */
  restoreHidden(original: DataNode, edited: DataNode): DataNode {
    this.sync();
    if (!this.restricted) return edited;
    this.restore(original, edited);
    return edited;
  }

  private restore(o: DataNode, e: DataNode): void {
    for (const c of o.children) {
      if (!PASS_KINDS.has(c.schema.kind) && this.table.subtreeReadable(c.schema)) continue;
      const k = lookup(e, indexKey(c));
      if (!this.visible(c)) {
        if (k) this.restore(c, k);
        else insertChild(e, clone(c));
        continue;
      }
      if (k) this.restore(c, k);
      else if (this.hidesSomething(c)) {
        const shell = new DataNode(c.schema, c.value);
        if (c.schema.kind === 'list') for (const key of c.children) if (c.schema.keys.includes(key.schema)) insertChild(shell, clone(key));
        insertChild(e, shell);
        this.restore(c, shell);
      }
    }
  }
}

/** The error for anything the user may not see: the same whether or not the node exists. */
export function hiddenDenied(): AgentError {
  return new AgentError('access-denied', 'Access to the data node is denied.');
}

/**
 * Build a detached chain of data nodes (root, ..., target) from an
 * instance-identifier, list entries with their key leaves, so rules can be
 * evaluated on nodes that need not exist. null when it does not parse.
 */
export function nodeFromPath(ctx: SchemaContext, path: string, ns?: Record<string, string>): DataNode | null {
  const root = new DataNode(ctx.root);
  let cur = root;
  let mod = '';
  let i = 0;
  const n = path.length;
  const NAME = /[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?/y;
  const name = (): { mod: string | undefined; local: string } | null => {
    NAME.lastIndex = i;
    const m = NAME.exec(path);
    if (!m) return null;
    i += m[0].length;
    const c = m[0].indexOf(':');
    if (c < 0) return { mod: undefined, local: m[0] };
    const prefix = m[0].slice(0, c);
    let module: string | undefined;
    if (ns) {
      const uri = ns[prefix];
      module = uri !== undefined ? ctx.byNamespace.get(uri)?.name : undefined;
      if (!module) module = [...ctx.modules.values()].find((x) => x.prefix === prefix)?.name;
    } else module = ctx.modules.has(prefix) ? prefix : undefined;
    if (!module) return null;
    return { mod: module, local: m[0].slice(c + 1) };
  };
  const ws = (): void => {
    while (i < n && /\s/.test(path[i])) i++;
  };
  if (path === '/' || path === '') return null;
  while (i < n) {
    if (path[i] !== '/') return null;
    i++;
    const q = name();
    if (!q) return null;
    if (q.mod) mod = q.mod;
    const schema = cur.schema.dataChildren.get(`${mod}:${q.local}`);
    if (!schema) return null;
    const node = new DataNode(schema);
    node.parent = cur;
    cur.children.push(node);
    while (path[i] === '[') {
      i++;
      ws();
      if (/[0-9]/.test(path[i] ?? '')) {
        while (/[0-9]/.test(path[i] ?? '')) i++;
      } else {
        let keySchema: SchemaNode | undefined;
        const self = path[i] === '.';
        if (self) i++;
        else {
          const k = name();
          if (!k) return null;
          keySchema = schema.keys.find((x) => x.name === k.local);
        }
        ws();
        if (path[i] !== '=') return null;
        i++;
        ws();
        const qc = path[i];
        if (qc !== "'" && qc !== '"') return null;
        const end = path.indexOf(qc, i + 1);
        if (end < 0) return null;
        const v = path.slice(i + 1, end);
        i = end + 1;
        if (self) node.value = v;
        else if (keySchema) {
          const kn = new DataNode(keySchema, v);
          kn.parent = node;
          node.children.push(kn);
        }
      }
      ws();
      if (path[i] !== ']') return null;
      i++;
    }
    cur = node;
  }
  return cur === root ? null : cur;
}
