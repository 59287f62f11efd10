/** RFC 7951 JSON encoding of data trees, in and out. */
import { AgentError, ErrorInfo, ErrorTag } from '../../errors';
import type { Module, SchemaContext, SchemaNode } from '../schema';
import { types } from './deps';
import { DataNode } from './node';
import { childSchema, defaultValues } from './schemautil';
import { childPath, findChild, findLeafListEntry, indexKey, insertChild, lookup, pathOf } from './tree';
import { jsonKind } from './typeinfo';
import type { DocType } from './xml';

export interface ParseJsonOptions {
  type?: DocType;
  file?: string;
  /** the rpc/action of an 'rpc-reply' (its output) */
  rpc?: SchemaNode;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * Parse an RFC 7951 JSON document into a data tree. Member names carry the
 * module name at the top and wherever the module changes; int8..uint32 are
 * numbers, int64/uint64/decimal64 strings, empty is [null]. Metadata
 * members ("@...") are ignored. Errors as parseXml's (the namespace
 * problems as unknown-namespace with bad-namespace = the module name).
 */
export function parseJson(ctx: SchemaContext, text: string, opts: ParseJsonOptions = {}): DataNode {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (e) {
    throw new AgentError('malformed-message', `${opts.file ? opts.file + ': ' : ''}invalid JSON: ${(e as Error).message}`, { type: 'rpc' });
  }
  const r = new JsonReader(ctx, opts.type ?? 'data', opts.file);
  const root = new DataNode(ctx.root);
  if (!isObject(doc)) r.fail('malformed-message', 'a JSON data document is an object', { xml: '/', ns: {} });
  let obj = doc as { [k: string]: Json };
  // unwrap RESTCONF-style envelopes
  for (const w of ['ietf-restconf:data', 'ietf-restconf:notification', 'ietf-netconf:config']) {
    if (Object.keys(obj).length === 1 && isObject(obj[w])) obj = obj[w] as { [k: string]: Json };
  }
  if (opts.type === 'rpc-reply') {
    if (!opts.rpc) throw new AgentError('operation-failed', 'parsing an rpc-reply needs the rpc it answers');
    const n = new DataNode(opts.rpc);
    insertChild(root, n);
    const k = Object.keys(obj);
    const inner = k.length === 1 && k[0].endsWith(':output') && isObject(obj[k[0]]) ? (obj[k[0]] as { [k: string]: Json }) : obj;
    r.members(inner, n, opts.rpc.module, true);
    return root;
  }
  r.members(obj, root, null, false);
  return root;
}

function isObject(v: Json | undefined): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class JsonReader {
  constructor(
    private ctx: SchemaContext,
    private type: DocType,
    private file: string | undefined,
  ) {}

  fail(tag: ErrorTag, msg: string, at: { xml: string; ns: Record<string, string> }, info?: ErrorInfo, appTag?: string): never {
    throw new AgentError(tag, this.file ? `${this.file}: ${msg}` : msg, { path: at.xml, pathNs: at.ns, info, appTag });
  }

  private prefixes = (p: string): Module | undefined => this.ctx.modules.get(p);

  members(obj: { [k: string]: Json }, parent: DataNode, parentMod: Module | null, reply: boolean): void {
    for (const name of Object.keys(obj)) {
      if (name.startsWith('@')) continue;
      const v = obj[name];
      const colon = name.indexOf(':');
      let mod = parentMod;
      let local = name;
      if (colon >= 0) {
        const mname = name.slice(0, colon);
        local = name.slice(colon + 1);
        mod = this.ctx.modules.get(mname) ?? null;
        if (!mod) this.fail('unknown-namespace', `unknown module "${mname}" in member "${name}"`, pathOf(parent), { 'bad-element': local, 'bad-namespace': mname });
      } else if (!mod) {
        this.fail('unknown-namespace', `top-level member "${name}" without a module name`, pathOf(parent), { 'bad-element': name, 'bad-namespace': '' });
      }
      // input/output wrappers of rpc
      const s = childSchema(this.ctx, parent.schema, mod!, local, reply);
      if (!s) {
        if ((parent.schema.kind === 'rpc' || parent.schema.kind === 'action') && (local === 'input' || local === 'output') && isObject(v)) {
          this.members(v as { [k: string]: Json }, parent, mod, local === 'output');
          continue;
        }
        if (this.type === 'filter') continue;
        this.fail('unknown-element', `unknown member "${name}"`, pathOf(parent), { 'bad-element': local });
      }
      if (!s.config && (this.type === 'config' || this.type === 'edit')) {
        let inOp = false;
        for (let p: DataNode | null = parent; p; p = p.parent) if (['rpc', 'action', 'notification'].includes(p.schema.kind)) inOp = true;
        if (!inOp) this.fail('invalid-value', `state data node "${local}" found in configuration`, childPath(parent, s), { 'bad-element': local });
      }
      this.node(s, v, parent, reply);
    }
  }

  private node(s: SchemaNode, v: Json, parent: DataNode, reply: boolean): void {
    const at = (): { xml: string; ns: Record<string, string> } => childPath(parent, s);
    switch (s.kind) {
      case 'container':
      case 'rpc':
      case 'action':
      case 'notification': {
        if (!isObject(v)) this.fail('invalid-value', `"${s.name}" must be a JSON object`, at(), { 'bad-element': s.name });
        if (findChild(parent, s) && this.type !== 'filter') this.fail('invalid-value', `duplicate instance of "${s.name}"`, at(), { 'bad-element': s.name });
        const n = new DataNode(s);
        n.parent = parent;
        this.members(v as { [k: string]: Json }, n, s.module, reply);
        n.parent = null;
        insertChild(parent, n);
        return;
      }
      case 'list': {
        if (!Array.isArray(v)) this.fail('invalid-value', `list "${s.name}" must be a JSON array`, at(), { 'bad-element': s.name });
        for (const e of v) {
          if (!isObject(e)) this.fail('invalid-value', `list "${s.name}" entries must be JSON objects`, at(), { 'bad-element': s.name });
          const n = new DataNode(s);
          n.parent = parent;
          this.members(e as { [k: string]: Json }, n, s.module, reply);
          n.parent = null;
          if (s.keys.length && this.type !== 'filter') {
            const keyNodes: DataNode[] = [];
            for (const k of s.keys) {
              const kn = findChild(n, k);
              if (!kn) this.fail('missing-element', `list "${s.name}" entry without its key "${k.name}"`, at(), { 'bad-element': k.name });
              keyNodes.push(kn);
            }
            n.children = keyNodes.concat(n.children.filter((c) => !keyNodes.includes(c)));
            n.index = undefined;
            if (lookup(parent, indexKey(n))) this.fail('invalid-value', `duplicate instance of list "${s.name}" entry`, at(), { 'bad-element': s.name });
          }
          insertChild(parent, n);
        }
        return;
      }
      case 'leaf': {
        if (findChild(parent, s) && this.type !== 'filter') this.fail('invalid-value', `duplicate instance of "${s.name}"`, at(), { 'bad-element': s.name });
        insertChild(parent, new DataNode(s, this.value(s, v, parent)));
        return;
      }
      case 'leaf-list': {
        if (!Array.isArray(v)) this.fail('invalid-value', `leaf-list "${s.name}" must be a JSON array`, at(), { 'bad-element': s.name });
        for (const e of v) {
          const val = this.value(s, e, parent);
          if (val !== null && s.config && this.type !== 'filter' && findLeafListEntry(parent, s, val)) {
            this.fail('invalid-value', `duplicate leaf-list "${s.name}" value "${val}"`, at(), { 'bad-element': s.name });
          }
          insertChild(parent, new DataNode(s, val));
        }
        return;
      }
      case 'anydata':
      case 'anyxml': {
        const n = new DataNode(s);
        n.rawJson = JSON.stringify(v);
        insertChild(parent, n);
        return;
      }
      default:
        this.fail('unknown-element', `unexpected member "${s.name}"`, pathOf(parent), { 'bad-element': s.name });
    }
  }

  private value(s: SchemaNode, v: Json, parent: DataNode): string | null {
    const at = (): { xml: string; ns: Record<string, string> } => childPath(parent, s);
    const bad = (msg: string): never => this.fail('invalid-value', msg, at(), { 'bad-element': s.name });
    if (this.type === 'filter' && (v === null || (Array.isArray(v) && v.length === 1 && v[0] === null))) return null;
    const kind = jsonKind(s.type);
    let lexical: string;
    if (kind === 'empty') {
      if (!(Array.isArray(v) && v.length === 1 && v[0] === null)) bad(`value of "${s.name}" (type empty) must be [null]`);
      lexical = '';
    } else if (kind === 'number') {
      if (typeof v !== 'number') bad(`value of "${s.name}" must be a JSON number`);
      lexical = String(v);
    } else if (kind === 'boolean') {
      if (typeof v !== 'boolean') bad(`value of "${s.name}" must be true or false`);
      lexical = String(v);
    } else if (kind === 'union') {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') lexical = String(v);
      else if (Array.isArray(v) && v.length === 1 && v[0] === null) lexical = '';
      else return bad(`invalid value of "${s.name}"`);
    } else {
      if (typeof v !== 'string') bad(`value of "${s.name}" must be a JSON string`);
      lexical = v as string;
    }
    if (!s.type) return lexical;
    const r = types().parse(s.type, lexical, this.prefixes, true);
    if (!r.ok) {
      if (this.type === 'filter') return lexical;
      return this.fail(r.tag ?? 'invalid-value', r.message, at(), { 'bad-element': s.name }, r.appTag);
    }
    return r.value;
  }
}

export interface ToJsonOptions {
  withDefaults?: 'report-all' | 'trim' | 'explicit';
  /** JSON.stringify indentation */
  indent?: number;
}

/** Serialise a tree (or a subtree, as a one-member object) per RFC 7951. */
export function toJson(node: DataNode, opts: ToJsonOptions = {}): string {
  return JSON.stringify(toJsonValue(node, opts), null, opts.indent);
}

/** The JSON object of a tree, before stringification. */
export function toJsonValue(node: DataNode, opts: ToJsonOptions = {}): Record<string, unknown> {
  const wd = opts.withDefaults ?? 'report-all';
  const obj: Record<string, unknown> = {};
  if (node.schema.kind === 'root') {
    for (const c of node.children) member(c, obj, null, wd);
  } else {
    member(node, obj, null, wd);
  }
  return obj;
}

function scalar(s: SchemaNode, v: string | null): unknown {
  if (v === null) return null;
  let kind = jsonKind(s.type);
  if (kind === 'union' && s.type) {
    const r = types().parse(s.type, v, () => undefined, true);
    kind = r.ok && r.member ? jsonKind(r.member) : 'string';
  }
  switch (kind) {
    case 'number':
      return Number(v);
    case 'boolean':
      return v === 'true';
    case 'empty':
      return [null];
    default:
      return v;
  }
}

function member(n: DataNode, obj: Record<string, unknown>, parentMod: string | null, wd: string): boolean {
  if (n.dflt && wd !== 'report-all') return false;
  const s = n.schema;
  if (wd === 'trim' && s.kind === 'leaf' && n.value !== null) {
    if (defaultValues(s).includes(n.value)) return false;
  }
  const name = s.module.name === parentMod ? s.name : `${s.module.name}:${s.name}`;
  switch (s.kind) {
    case 'leaf':
      obj[name] = scalar(s, n.value);
      return true;
    case 'leaf-list': {
      const arr = (obj[name] as unknown[]) ?? (obj[name] = []);
      arr.push(scalar(s, n.value));
      return true;
    }
    case 'anydata':
    case 'anyxml':
      obj[name] = n.rawJson !== undefined ? JSON.parse(n.rawJson) : {};
      return true;
    case 'list': {
      const o: Record<string, unknown> = {};
      for (const c of n.children) member(c, o, s.module.name, wd);
      const arr = (obj[name] as unknown[]) ?? (obj[name] = []);
      arr.push(o);
      return true;
    }
    default: {
      const o: Record<string, unknown> = {};
      let any = false;
      for (const c of n.children) any = member(c, o, s.module.name, wd) || any;
      if (!any && n.dflt) return false;
      obj[name] = o;
      return true;
    }
  }
}
