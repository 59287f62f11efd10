/**
 * XML instance documents in and out (RFC 7950 section 7 XML encoding, RFC
 * 6241 content, RFC 6243 with-defaults on output).
 */
import { AgentError, ErrorInfo, ErrorTag } from '../../errors';
import type { Module, SchemaContext, SchemaNode } from '../schema';
import { types } from './deps';
import { DataNode } from './node';
import { childSchema, defaultValues } from './schemautil';
import { childPath, findChild, findLeafListEntry, indexKey, insertChild, lookup, pathOf } from './tree';
import { hasPrefixedValues, valueToXml } from './typeinfo';
import { XmlElementLike, escapeAttr, escapeText, innerXml, parseDocument } from './xmldoc';

export type DocType = 'config' | 'data' | 'edit' | 'rpc' | 'rpc-reply' | 'notification' | 'filter';

export interface ParseOptions {
  /** what the document is (default 'data') */
  type?: DocType;
  /** source file name: messages then start with file:line */
  file?: string;
  /** the rpc/action whose input ('rpc') or output ('rpc-reply') this is; required for 'rpc-reply' */
  rpc?: SchemaNode;
  /**
   * unwrap NETCONF envelopes (<config>, <data>, <rpc>, <notification> ...)
   * around the content; default true, except for a 'config'/'data' file
   * (`file` given), which yanglint reads as bare content
   */
  unwrap?: boolean;
}

export const NC_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';
export const NOTIF_NS = 'urn:ietf:params:xml:ns:netconf:notification:1.0';
export const YANG_NS = 'urn:ietf:params:xml:ns:yang:1';
export const WD_NS = 'urn:ietf:params:xml:ns:netconf:default:1.0';

const OPERATION = `{${NC_NS}}operation`;
const KEY_ATTR = `{${YANG_NS}}key`;
const VALUE_ATTR = `{${YANG_NS}}value`;

const WRAPPERS = new Set(['config', 'data', 'filter', 'rpc', 'rpc-reply']);

function isWrapper(el: XmlElementLike): boolean {
  return (
    (el.ns === NC_NS && WRAPPERS.has(el.local)) ||
    (el.ns === NOTIF_NS && el.local === 'notification') ||
    (el.ns === YANG_NS && el.local === 'action')
  );
}

function unwrap(els: XmlElementLike[]): XmlElementLike[] {
  let cur = els;
  while (cur.length === 1 && isWrapper(cur[0])) {
    cur = cur[0].children.filter((c) => !(c.ns === NOTIF_NS && c.local === 'eventTime') && !(c.ns === NC_NS && c.local === 'ok'));
  }
  return cur;
}

/**
 * Parse an XML instance document into a data tree (root node of kind
 * 'root'). `xml` is the text, or an element already parsed (its children
 * are the content when it is a NETCONF wrapper such as <config>, <data>,
 * <filter>, <rpc>, <notification>, yang:action; otherwise it is itself the
 * one top-level element). Throws AgentError (see the class comment in
 * index.ts for the tags).
 */
export function parseXml(ctx: SchemaContext, xml: string | XmlElementLike, opts: ParseOptions = {}): DataNode {
  const type = opts.type ?? 'data';
  let els: XmlElementLike[];
  const unwrapping = opts.unwrap ?? !(opts.file && (type === 'config' || type === 'data'));
  const uw = unwrapping ? unwrap : (x: XmlElementLike[]): XmlElementLike[] => x;
  if (typeof xml === 'string') els = uw(parseDocument(xml, opts.file).children);
  else if (xml.local === '') els = uw(xml.children);
  else if (isWrapper(xml) && unwrapping) els = unwrap([xml]);
  else els = [xml];
  const p = new XmlReader(ctx, type, opts.file);
  const root = new DataNode(ctx.root);
  if (type === 'rpc-reply') {
    if (!opts.rpc) throw new AgentError('operation-failed', 'parsing an rpc-reply needs the rpc it answers');
    const r = new DataNode(opts.rpc);
    insertChild(root, r);
    for (const el of els) p.element(el, r);
    p.finishEntry(r, root, els[0]?.line ?? 1);
    return root;
  }
  for (const el of els) p.element(el, root);
  if (type === 'rpc') {
    if (!root.children.some((c) => c.schema.kind === 'rpc' || c.schema.kind === 'action' || hasAction(c))) {
      throw new AgentError('missing-element', 'no rpc or action in the document', { type: 'rpc' });
    }
  }
  return root;
}

function hasAction(n: DataNode): boolean {
  if (n.schema.kind === 'action') return true;
  return n.children.some(hasAction);
}

class XmlReader {
  constructor(
    private ctx: SchemaContext,
    private type: DocType,
    private file: string | undefined,
  ) {}

  private get filter(): boolean {
    return this.type === 'filter';
  }

  private fail(
    tag: ErrorTag,
    msg: string,
    at: { xml: string; ns: Record<string, string> },
    line: number,
    info?: ErrorInfo,
    appTag?: string,
  ): never {
    const text = this.file ? `${this.file}:${line}: ${msg}` : msg;
    throw new AgentError(tag, text, { path: at.xml, pathNs: at.ns, info, appTag });
  }

  private prefixes(el: XmlElementLike): (p: string) => Module | undefined {
    return (p: string) => {
      const uri = el.nsScope[p];
      return uri === undefined ? undefined : this.ctx.byNamespace.get(uri);
    };
  }

  private resolve(el: XmlElementLike, parent: DataNode): SchemaNode | null {
    const ps = parent.schema;
    const reply = this.type === 'rpc-reply' && (ps.kind === 'rpc' || ps.kind === 'action');
    if (!el.ns) {
      if (this.filter) {
        // RFC 6241 6.2.1: no namespace matches any namespace
        for (const s of parent.schema.dataChildren.values()) if (s.name === el.local) return s;
        return null;
      }
      this.fail('unknown-namespace', `element "${el.local}" has no namespace`, pathOf(parent), el.line, {
        'bad-element': el.local,
        'bad-namespace': '',
      });
    }
    const mod = this.ctx.byNamespace.get(el.ns);
    if (!mod) {
      if (this.filter) return null;
      this.fail('unknown-namespace', `unknown namespace "${el.ns}" of element "${el.local}"`, pathOf(parent), el.line, {
        'bad-element': el.local,
        'bad-namespace': el.ns,
      });
    }
    const s = childSchema(this.ctx, ps, mod, el.local, reply);
    const where = ps.kind === 'root' ? 'at the top level' : `in "${ps.name}"`;
    if (!s) {
      if (this.filter) return null;
      this.fail('unknown-element', `unknown element "${el.local}" ${where}`, pathOf(parent), el.line, { 'bad-element': el.local });
    }
    const k = s.kind;
    const bad =
      ((k === 'rpc' || k === 'action') && this.type !== 'rpc') ||
      (k === 'notification' && this.type !== 'notification') ||
      (k === 'choice' || k === 'case' || k === 'input' || k === 'output' || k === 'root');
    if (bad) this.fail('unknown-element', `unexpected element "${el.local}" ${where}`, pathOf(parent), el.line, { 'bad-element': el.local });
    if (!s.config && (this.type === 'config' || this.type === 'edit') && !insideOperation(parent)) {
      this.fail('invalid-value', `state data node "${el.local}" found in configuration`, childPath(parent, s), el.line, {
        'bad-element': el.local,
      });
    }
    return s;
  }

  element(el: XmlElementLike, parent: DataNode): void {
    const s = this.resolve(el, parent);
    if (!s) return;
    if (el.attrs.size && this.type !== 'edit' && this.type !== 'filter') this.attributes(el, parent, s);
    switch (s.kind) {
      case 'container':
      case 'list':
      case 'rpc':
      case 'action':
      case 'notification':
        return this.inner(el, parent, s);
      case 'leaf':
      case 'leaf-list':
        return this.leaf(el, parent, s);
      case 'anydata':
      case 'anyxml': {
        if (!this.filter && findChild(parent, s)) this.dup(el, parent, s);
        const n = new DataNode(s);
        n.raw = innerXml(el);
        n.line = el.line;
        this.meta(el, n, s);
        insertChild(parent, n);
        return;
      }
      default:
        this.fail('unknown-element', `unexpected element "${el.local}"`, pathOf(parent), el.line, { 'bad-element': el.local });
    }
  }

  /**
   * Instance documents carry no attributes but YANG metadata of loaded
   * modules (RFC 7952) and with-defaults' wd:default (libyang refuses the rest).
   */
  private attributes(el: XmlElementLike, parent: DataNode, s: SchemaNode): void {
    for (const k of el.attrs.keys()) {
      const close = k.indexOf('}');
      const ns = k.slice(1, close);
      const local = k.slice(close + 1);
      if (ns === WD_NS || (ns && ns !== NC_NS && this.ctx.byNamespace.has(ns))) continue;
      if (ns === 'http://www.w3.org/XML/1998/namespace' || ns === 'http://www.w3.org/2001/XMLSchema-instance') continue;
      this.fail(
        'unknown-attribute',
        ns ? `unknown attribute "${local}" in namespace "${ns}" on "${s.name}"` : `unknown attribute "${local}" (no namespace) on "${s.name}"`,
        childPath(parent, s),
        el.line,
        { 'bad-attribute': local, 'bad-element': s.name },
      );
    }
  }

  private dup(el: XmlElementLike, parent: DataNode, s: SchemaNode): never {
    this.fail('invalid-value', `duplicate instance of "${s.name}"`, childPath(parent, s), el.line, { 'bad-element': s.name });
  }

  private inner(el: XmlElementLike, parent: DataNode, s: SchemaNode): void {
    const n = new DataNode(s);
    n.line = el.line;
    n.parent = parent; // for paths in errors below; insertion happens at the end
    if (!this.filter && el.text.trim() !== '') {
      this.fail('bad-element', `unexpected text in "${s.name}"`, childPath(parent, s), el.line, { 'bad-element': s.name });
    }
    this.meta(el, n, s);
    for (const c of el.children) this.element(c, n);
    n.parent = null;
    if (s.kind === 'list') {
      this.finishEntry(n, parent, el.line);
      return;
    }
    if (!this.filter && (s.kind === 'container' || s.kind === 'notification') && findChild(parent, s)) this.dup(el, parent, s);
    insertChild(parent, n);
  }

  /** List entries: keys present (except in filters), keys first, no duplicate entry. */
  finishEntry(n: DataNode, parent: DataNode, line: number): void {
    const s = n.schema;
    if (s.kind !== 'list') {
      if (!n.parent) insertChild(parent, n);
      return;
    }
    if (s.keys.length && !this.filter) {
      const keyNodes: DataNode[] = [];
      for (const k of s.keys) {
        const kn = findChild(n, k);
        if (!kn) {
          this.fail('missing-element', `list "${s.name}" entry without its key "${k.name}"`, childPath(parent, s), line, {
            'bad-element': k.name,
          });
        }
        keyNodes.push(kn);
      }
      // keys first, in key order
      let inOrder = true;
      for (let i = 0; i < keyNodes.length; i++) if (n.children[i] !== keyNodes[i]) inOrder = false;
      if (!inOrder) {
        const rest = n.children.filter((c) => !keyNodes.includes(c));
        n.children = keyNodes.concat(rest);
        n.index = undefined;
      }
      if (lookup(parent, indexKey(n))) {
        n.parent = parent;
        const at = pathOf(n);
        n.parent = null;
        this.fail('invalid-value', `duplicate instance of list "${s.name}" entry`, at, line, { 'bad-element': s.name });
      }
    }
    insertChild(parent, n);
  }

  private leaf(el: XmlElementLike, parent: DataNode, s: SchemaNode): void {
    if (el.children.length) {
      this.fail('bad-element', `element "${s.name}" is a ${s.kind} and cannot have child elements`, childPath(parent, s), el.line, {
        'bad-element': s.name,
      });
    }
    const text = el.text;
    let value: string | null;
    const op = el.attrs.get(OPERATION);
    if (this.filter) {
      if (text.trim() === '') value = null;
      else {
        const r = s.type ? types().parse(s.type, text.trim(), this.prefixes(el), false) : null;
        value = r && r.ok ? r.value : text.trim();
      }
    } else if (this.type === 'edit' && text === '' && (op === 'delete' || op === 'remove')) {
      value = null;
    } else {
      value = this.parseValue(s, text, el, parent);
    }
    if (!this.filter) {
      if (s.kind === 'leaf') {
        if (findChild(parent, s)) this.dup(el, parent, s);
      } else if (value !== null && (s.config || this.type === 'config' || this.type === 'edit')) {
        if (findLeafListEntry(parent, s, value)) {
          this.fail('invalid-value', `duplicate leaf-list "${s.name}" value "${value}"`, childPath(parent, s), el.line, {
            'bad-element': s.name,
          });
        }
      }
    }
    const n = new DataNode(s, value);
    n.line = el.line;
    this.meta(el, n, s);
    insertChild(parent, n);
  }

  private parseValue(s: SchemaNode, text: string, el: XmlElementLike, parent: DataNode): string {
    if (!s.type) return text;
    const r = types().parse(s.type, text, this.prefixes(el), false);
    if (r.ok) return r.value;
    return this.fail(r.tag ?? 'invalid-value', r.message, childPath(parent, s), el.line, { 'bad-element': s.name }, r.appTag);
  }

  /** Keep the attributes of edit-config and filter content (see DataNode.meta). */
  private meta(el: XmlElementLike, n: DataNode, s: SchemaNode): void {
    if (el.attrs.size === 0 || (this.type !== 'edit' && this.type !== 'filter')) return;
    const m = new Map(el.attrs);
    const key = m.get(KEY_ATTR);
    if (key !== undefined) {
      // [p:name='v'] -> [module:name='v'] (prefixes of the element's scope)
      m.set(
        KEY_ATTR,
        key.replace(/\[\s*([A-Za-z_][\w.-]*):/g, (all, p: string) => {
          const mod = this.prefixes(el)(p);
          return mod ? `[${mod.name}:` : all;
        }),
      );
    }
    const val = m.get(VALUE_ATTR);
    if (val !== undefined && s.kind === 'leaf-list' && s.type) {
      const r = types().parse(s.type, val, this.prefixes(el), false);
      if (!r.ok) {
        const at = n.parent ? childPath(n.parent, s) : { xml: '/', ns: {} };
        this.fail('bad-attribute', `bad "value" attribute: ${r.message}`, at, el.line, { 'bad-attribute': 'value', 'bad-element': s.name });
      }
      m.set(VALUE_ATTR, r.value);
    }
    n.meta = m;
  }
}

/** config false nodes are fine inside rpc input/output and notifications. */
function insideOperation(n: DataNode | null): boolean {
  for (let p = n; p; p = p.parent) {
    const k = p.schema.kind;
    if (k === 'rpc' || k === 'action' || k === 'notification') return true;
  }
  return false;
}

export type WithDefaults = 'report-all' | 'trim' | 'explicit' | 'report-all-tagged';

export interface ToXmlOptions {
  withDefaults?: WithDefaults;
  /** pretty-print with two-space indentation */
  indent?: boolean;
}

interface TagStrings {
  name: string;
  ns: string;
  xmlns: string;
}
const tagCache = new WeakMap<SchemaNode, TagStrings>();
function tagOf(s: SchemaNode): TagStrings {
  let t = tagCache.get(s);
  if (!t) {
    t = { name: s.name, ns: s.module.namespace, xmlns: ` xmlns="${escapeAttr(s.module.namespace)}"` };
    tagCache.set(s, t);
  }
  return t;
}

/**
 * Serialise a tree (the root's children as sibling top-level elements) or a
 * subtree (the node itself) as XML. Namespaces are declared as the default
 * namespace where they change; prefixes that identityref and
 * instance-identifier values use are declared on the leaf.
 */
export function toXml(node: DataNode, opts: ToXmlOptions = {}): string {
  const w = new XmlWriter(opts.withDefaults ?? 'report-all', !!opts.indent);
  if (node.schema.kind === 'root') for (const c of node.children) w.node(c, '', 0);
  else w.node(node, node.parent && node.parent.schema.kind !== 'root' ? node.parent.schema.module.namespace : '', 0);
  return w.finish();
}

class XmlWriter {
  /** finished chunks; `buf` collects the current one (string concatenation is cheapest in V8) */
  out: string[] = [];
  private buf = '';
  constructor(
    private wd: WithDefaults,
    private indent: boolean,
  ) {}

  finish(): string {
    if (this.buf) this.out.push(this.buf);
    this.buf = '';
    return this.out.length === 1 ? this.out[0] : this.out.join('');
  }

  private isDefaultValue(n: DataNode): boolean {
    const d = defaultValues(n.schema);
    return d.length > 0 && n.value !== null && d.includes(n.value);
  }

  private padOf(depth: number): string {
    if (!this.indent) return '';
    return depth ? '\n' + '  '.repeat(depth) : this.out.length || this.buf ? '\n' : '';
  }

  node(n: DataNode, parentNs: string, depth: number): void {
    const s = n.schema;
    const wd = this.wd;
    if (n.dflt && (wd === 'explicit' || wd === 'trim')) return;
    const t = tagOf(s);
    const pad = this.indent ? this.padOf(depth) : '';
    const nsAttr = t.ns === parentNs ? '' : t.xmlns;
    const k = s.kind;
    if (k === 'leaf' || k === 'leaf-list') {
      if (wd === 'trim' && k === 'leaf' && this.isDefaultValue(n)) return;
      let attrs = nsAttr;
      if (wd === 'report-all-tagged' && (n.dflt || this.isDefaultValue(n))) {
        attrs += ` xmlns:wd="${WD_NS}" wd:default="true"`;
      }
      const v = n.value;
      if (v === null || v === '') {
        this.buf += `${pad}<${t.name}${attrs}/>`;
      } else if (!s.type || !hasPrefixedValues(s.type)) {
        this.buf += `${pad}<${t.name}${attrs}>${escapeText(v)}</${t.name}>`;
      } else {
        const x = valueToXml(s.type, v);
        const seen = new Set<string>();
        for (const m of x.modules) {
          if (seen.has(m.prefix)) continue;
          seen.add(m.prefix);
          attrs += ` xmlns:${m.prefix}="${escapeAttr(m.namespace)}"`;
        }
        this.buf += `${pad}<${t.name}${attrs}>${escapeText(x.text)}</${t.name}>`;
      }
      if (this.buf.length > 65536) this.flush();
      return;
    }
    if (k === 'anydata' || k === 'anyxml') {
      if (n.raw === undefined || n.raw === '') this.buf += `${pad}<${t.name}${nsAttr}/>`;
      else this.buf += `${pad}<${t.name}${nsAttr}>${n.raw}</${t.name}>`;
      return;
    }
    if (n.dflt && !this.anyChildEmits(n)) return;
    const ch = n.children;
    if (!this.anyChildEmits(n)) {
      this.buf += `${pad}<${t.name}${nsAttr}/>`;
      return;
    }
    this.buf += `${pad}<${t.name}${nsAttr}>`;
    for (let i = 0; i < ch.length; i++) this.node(ch[i], t.ns, depth + 1);
    this.buf += this.indent ? `\n${'  '.repeat(depth)}</${t.name}>` : `</${t.name}>`;
    if (this.buf.length > 65536) this.flush();
  }

  /** whether node() writes anything for `n` */
  private emits(n: DataNode): boolean {
    const wd = this.wd;
    if (n.dflt && (wd === 'explicit' || wd === 'trim')) return false;
    const k = n.schema.kind;
    if (k === 'leaf') return !(wd === 'trim' && this.isDefaultValue(n));
    if (k === 'leaf-list' || k === 'anydata' || k === 'anyxml') return true;
    return !n.dflt || this.anyChildEmits(n);
  }

  private anyChildEmits(n: DataNode): boolean {
    const ch = n.children;
    for (let i = 0; i < ch.length; i++) if (this.emits(ch[i])) return true;
    return false;
  }

  private flush(): void {
    if (this.buf) {
      // character access flattens the rope now, while its pieces are still young garbage
      this.buf.charCodeAt(0);
      this.out.push(this.buf);
      this.buf = '';
    }
  }
}
