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
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { XmlElementLike, afterDeclaration, escapeAttr, escapeText, innerXml, parseDocument } from './xmldoc';
import { scanXml } from './xmlscan';

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
  /**
   * keep the elements' attributes as DataNode.meta in any document type,
   * as 'edit' and 'filter' always do (what they mean is the caller's: the
   * NETCONF layer reads with-defaults' wd:default in copy-config's inline
   * configuration); which attributes are accepted does not change
   */
  keepMeta?: boolean;
  /**
   * collect data errors here instead of throwing the first: an element with
   * an error in its value, attributes or place (a leaf's or leaf-list
   * entry's bad value, a duplicate, an unknown or misplaced element, text
   * where none belongs) is left out of the tree with its subtree, a list
   * entry whose key is left out goes with it, and the rest is read on;
   * each error comes with its element's line, in document order. Errors of
   * the XML itself (not well-formed, DOCTYPE, unbound prefix) are still
   * thrown at once.
   */
  collectErrors?: DataErrorAt[];
}

/** A data error collected by parseXml (ParseOptions.collectErrors), and where its element was. */
export interface DataErrorAt {
  error: AgentError;
  /** the line of the element left out */
  line: number;
  /**
   * the node read last before the element (in document order: its parent
   * when it came first in it), for placing the error among the nodes of the
   * tree; it may itself have been left out later (its parent then was not)
   */
  after: DataNode;
}

/** record a data error of an element that was to go under `parent` (anything else than a data error is a bug: thrown on) */
function keep(errors: DataErrorAt[], e: unknown, line: number, parent: DataNode): void {
  if (!(e instanceof AgentError)) throw e;
  errors.push({ error: e, line, after: lastRead(parent) });
}

/** the node read last so far under `parent` (the deepest last one; `parent` when it has none yet) */
function lastRead(parent: DataNode): DataNode {
  let n = parent;
  for (let ch = n.children; ch.length; ch = n.children) n = ch[ch.length - 1];
  return n;
}

/** inner node `n`, to go under `parent`, is left out: the errors recorded inside it are placed where it was */
function leftOut(errors: DataErrorAt[], n: DataNode, parent: DataNode): void {
  const after = lastRead(parent);
  for (let i = errors.length - 1; i >= 0; i--) {
    let p: DataNode | null = errors[i].after;
    while (p && p !== n) p = p.parent;
    if (!p) return;
    errors[i].after = after;
  }
}

/** whether `el` is a key leaf of list `s` */
function isKeyElement(s: SchemaNode | null, el: XmlElementLike): boolean {
  return !!s && s.kind === 'list' && s.keys.some((k) => k.name === el.local && k.module.namespace === el.ns);
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
  if (typeof xml === 'string') {
    if (type !== 'rpc-reply') {
      const root = streamXml(ctx, xml, type, opts.file, unwrapping, !!opts.keepMeta, opts.collectErrors);
      if (root) {
        checkRpc(root, type);
        return root;
      }
    }
    els = uw(parseDocument(xml, opts.file).children);
  } else if (xml.local === '') els = uw(xml.children);
  else if (isWrapper(xml) && unwrapping) els = unwrap([xml]);
  else els = [xml];
  const p = new XmlReader(ctx, type, opts.file, !!opts.keepMeta);
  const root = new DataNode(ctx.root);
  const errors = opts.collectErrors;
  if (type === 'rpc-reply') {
    if (!opts.rpc) throw new AgentError('operation-failed', 'parsing an rpc-reply needs the rpc it answers');
    const r = new DataNode(opts.rpc);
    insertChild(root, r);
    for (const el of els) {
      if (errors) p.elementKeeping(el, r, errors);
      else p.element(el, r);
    }
    p.finishEntry(r, root, els[0]?.line ?? 1);
    return root;
  }
  for (const el of els) {
    if (errors) p.elementKeeping(el, root, errors);
    else p.element(el, root);
  }
  checkRpc(root, type);
  return root;
}

function checkRpc(root: DataNode, type: DocType): void {
  if (type === 'rpc') {
    if (!root.children.some((c) => c.schema.kind === 'rpc' || c.schema.kind === 'action' || hasAction(c))) {
      throw new AgentError('missing-element', 'no rpc or action in the document', { type: 'rpc' });
    }
  }
}

/** An element being read: what open() made of it, until close(). */
interface Frame {
  kind: 'top' | 'inner' | 'leaf' | 'any' | 'skip' | 'raw';
  el: XmlElementLike;
  /** the streaming reader's own element object for this depth (reused) */
  own: XmlElementLike;
  s: SchemaNode | null;
  /** inner: the new node */
  node: DataNode | null;
  /** the data node the element's node goes under */
  parent: DataNode | null;
  /** inner, streaming: text that is not white space was seen */
  text: boolean;
}

const NO_ATTRS: Map<string, string> = new Map();
const NO_CHILDREN: XmlElementLike[] = [];
const NON_SPACE = /\S/;

function newElement(): XmlElementLike {
  return { ns: '', local: '', prefix: '', attrs: NO_ATTRS, children: NO_CHILDREN, text: '', nsScope: {}, line: 1 };
}

function newFrame(): Frame {
  const own = newElement();
  return { kind: 'top', el: own, own, s: null, node: null, parent: null, text: false };
}

/**
 * Builds data nodes from element events (start with its namespace facts,
 * text, end) through XmlReader.open()/close(): shared by the saxes reader
 * and the fast scanner (./xmlscan.ts). A data error is kept, not thrown,
 * and the rest of the elements are skipped: the driver goes on checking the
 * XML, whose errors win. With `errors` (ParseOptions.collectErrors) each
 * data error is recorded there instead, the element it is about is
 * skipped (with a list entry whose key it is) and the rest is read on. `wrapped` is set when the first top-level element
 * is a NETCONF wrapper to unwrap (the caller then reads an element tree).
 */
export class Builder {
  readonly root: DataNode;
  private readonly reader: XmlReader;
  private readonly filter: boolean;
  private readonly frames: Frame[] = [newFrame()];
  depth = 0;
  dataFailure: { e: unknown } | null = null;
  wrapped = false;

  constructor(
    ctx: SchemaContext,
    type: DocType,
    file: string | undefined,
    private readonly unwrapping: boolean,
    keepMeta = false,
    private readonly errors?: DataErrorAt[],
  ) {
    this.reader = new XmlReader(ctx, type, file, keepMeta);
    this.filter = type === 'filter';
    this.root = new DataNode(ctx.root);
    this.frames[0].node = this.root;
  }

  /** the namespace scope in effect for the next start tag */
  scope(): Record<string, string> {
    return this.frames[this.depth].el.nsScope;
  }

  start(ns: string, local: string, prefix: string, attrs: Map<string, string>, scope: Record<string, string>, line: number): void {
    const pf = this.frames[this.depth];
    this.depth++;
    let f = this.frames[this.depth];
    if (!f) this.frames.push((f = newFrame()));
    const pk = pf.kind;
    if (pk === 'any' || pk === 'raw') {
      // content of anydata/anyxml: an element tree, serialised when the anydata ends
      const el: XmlElementLike = { ns, local, prefix, attrs, children: [], text: '', nsScope: scope, line };
      if (pf.el.children === NO_CHILDREN) pf.el.children = [];
      pf.el.children.push(el);
      f.kind = 'raw';
      f.el = el;
      return;
    }
    const el = f.own;
    el.ns = ns;
    el.local = local;
    el.prefix = prefix;
    el.attrs = attrs;
    el.text = '';
    el.nsScope = scope;
    el.line = line;
    f.el = el;
    f.text = false;
    f.node = null;
    if (this.dataFailure || this.wrapped || pk === 'skip') {
      f.kind = 'skip';
      return;
    }
    if (pk === 'top' && this.unwrapping && isWrapper(el)) {
      this.wrapped = true;
      f.kind = 'skip';
      return;
    }
    try {
      if (pk === 'leaf') this.reader.leafChildren(pf.el, pf.parent!, pf.s!);
      if (pk === 'inner' && pf.text && !this.filter) this.reader.badText(pf.el, pf.parent!, pf.s!);
      if (!this.reader.open(el, pf.node!, f)) {
        f.kind = 'skip';
        return;
      }
      // anydata content is kept: an element of its own, not the reused one
      if (f.kind === 'any') f.el = { ...el, children: NO_CHILDREN };
    } catch (e) {
      f.kind = 'skip';
      if (this.errors) this.collect(e, pk === 'leaf' || (pk === 'inner' && pf.text && !this.filter), line);
      else this.dataFailure = { e };
    }
  }

  /**
   * collectErrors: record a data error met at a start tag; `ofParent`: it is
   * the enclosing element's (a leaf with child elements, text in a
   * container), which is then skipped as well.
   */
  private collect(e: unknown, ofParent: boolean, line: number): void {
    const d = this.depth;
    const pf = this.frames[d - 1];
    if (!ofParent) return keep(this.errors!, e, line, pf.node!);
    if (pf.kind === 'inner') leftOut(this.errors!, pf.node!, pf.parent!);
    keep(this.errors!, e, pf.el.line, pf.parent!);
    this.skipped(pf, this.frames[d - 2]);
  }

  /** collectErrors: frame `f` is left out (it had an error); its parent `pf` goes too when `f` is a key of it */
  private skipped(f: Frame, pf: Frame): void {
    if (f.kind === 'leaf' && pf.kind === 'inner' && isKeyElement(pf.s, f.el)) {
      pf.kind = 'skip';
      leftOut(this.errors!, pf.node!, pf.parent!);
    }
    f.kind = 'skip';
  }

  text(t: string): void {
    const f = this.frames[this.depth];
    const k = f.kind;
    if (k === 'inner') {
      if (!f.text && NON_SPACE.test(t)) f.text = true;
    } else if (k !== 'skip' && k !== 'top') {
      f.el.text += t;
    }
  }

  end(): void {
    const f = this.frames[this.depth--];
    const k = f.kind;
    if (k === 'skip' || k === 'raw' || this.dataFailure) return;
    try {
      if (k === 'inner' && f.text && !this.filter) this.reader.badText(f.el, f.parent!, f.s!);
      this.reader.close(f);
    } catch (e) {
      if (!this.errors) {
        this.dataFailure = { e };
        return;
      }
      if (k === 'inner') leftOut(this.errors, f.node!, f.parent!);
      keep(this.errors, e, f.el.line, f.parent!);
      this.skipped(f, this.frames[this.depth]);
    }
  }

  /** the tree, or the kept data error */
  result(): DataNode {
    if (this.dataFailure) throw this.dataFailure.e;
    return this.root;
  }
}

/**
 * Read an XML text straight into data nodes (no element tree in between),
 * with the checks and messages of parseDocument() + XmlReader.element(): an
 * XML error anywhere wins over a data error. The fast scanner reads the
 * documents it fully understands; anything else (and every error in the
 * XML) goes through saxes, whose messages parseDocument() gives.
 * null: the document is a NETCONF wrapper to unwrap; the caller reads it as
 * an element tree.
 */
function streamXml(
  ctx: SchemaContext,
  text: string,
  type: DocType,
  file: string | undefined,
  unwrapping: boolean,
  keepMeta: boolean,
  errors: DataErrorAt[] | undefined,
  maxDepth = 512,
): DataNode | null {
  const { body, lineShift } = afterDeclaration(text);
  // collected errors go to a list of the reader's own until it is known which reader's result counts
  const mine: DataErrorAt[] | undefined = errors ? [] : undefined;
  const fast = new Builder(ctx, type, file, unwrapping, keepMeta, mine);
  if (scanXml(body, lineShift, maxDepth, fast)) {
    if (fast.wrapped) return null;
    const root = fast.result();
    if (mine) errors!.push(...mine);
    return root;
  }
  const again: DataErrorAt[] | undefined = errors ? [] : undefined;
  const root = saxesXml(body, lineShift, maxDepth, new Builder(ctx, type, file, unwrapping, keepMeta, again), file);
  if (root && again) errors!.push(...again);
  return root;
}

function saxesXml(body: string, lineShift: number, maxDepth: number, b: Builder, file: string | undefined): DataNode | null {
  const where = (line: number): string => (file ? `${file}:${line}: ` : `line ${line}: `);
  const parser = new SaxesParser({ xmlns: true, fragment: true, position: true });
  let xmlFailure: AgentError | null = null;
  const fail = (msg: string): void => {
    if (!xmlFailure) xmlFailure = new AgentError('malformed-message', where(parser.line + lineShift) + msg, { type: 'rpc' });
  };
  parser.on('doctype', () => fail('DOCTYPE is not allowed'));
  parser.on('error', (e) => fail(`malformed XML: ${e.message.replace(/^\d+:\d+: /, '')}`));
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (xmlFailure) return;
    if (b.depth + 1 > maxDepth) return fail(`XML nesting deeper than ${maxDepth}`);
    let scope = b.scope();
    const declared = tag.ns;
    if (declared) {
      const keys = Object.keys(declared);
      if (keys.length) {
        scope = { ...scope };
        for (const p of keys) scope[p] = declared[p];
      }
    }
    let attrs = NO_ATTRS;
    const attributes = tag.attributes;
    for (const n of Object.keys(attributes)) {
      const a = attributes[n];
      if (a.prefix === 'xmlns' || (a.prefix === '' && a.local === 'xmlns')) continue;
      if (attrs === NO_ATTRS) attrs = new Map();
      attrs.set(`{${a.uri ?? ''}}${a.local}`, a.value);
    }
    if (tag.prefix && tag.uri === undefined) return fail(`unbound namespace prefix "${tag.prefix}" on <${tag.name}>`);
    b.start(tag.uri ?? '', tag.local ?? tag.name, tag.prefix ?? '', attrs, scope, parser.line + lineShift);
  });
  const onText = (t: string, cdata: boolean): void => {
    if (xmlFailure) return;
    if (b.depth === 0) {
      if (!cdata && t.trim() !== '') fail('text outside of any element');
      return;
    }
    b.text(t);
  };
  parser.on('text', (t) => onText(t, false));
  parser.on('cdata', (t) => onText(t, true));
  parser.on('closetag', () => {
    if (xmlFailure || b.depth === 0) return;
    b.end();
  });
  try {
    parser.write(body).close();
  } catch (e) {
    fail(`malformed XML: ${(e as Error).message}`);
  }
  if (xmlFailure) throw xmlFailure;
  if (b.wrapped) return null;
  return b.result();
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
    /** ParseOptions.keepMeta */
    private keepMeta = false,
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

  private scope: Record<string, string> = {};
  private readonly scopePrefixes = (p: string): Module | undefined => {
    const uri = this.scope[p];
    return uri === undefined ? undefined : this.ctx.byNamespace.get(uri);
  };

  /** the prefixes in scope of an element, for a call that uses them at once (one resolver, reused) */
  private prefixes(el: XmlElementLike): (p: string) => Module | undefined {
    this.scope = el.nsScope;
    return this.scopePrefixes;
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
    const s = (reply ? undefined : childByName(ps, mod, el.local)) ?? childSchema(this.ctx, ps, mod, el.local, reply);
    const where = ps.kind === 'root' ? 'at the top level' : `in "${ps.name}"`;
    if (!s) {
      if (this.filter) return null;
      const feature = ps.featureless?.get(`${mod.name}:${el.local}`);
      // a module loaded only for its imports has no data nodes (`flowtapd lint` given the
      // modules that import it, but not the module itself)
      const why = feature
        ? `: it needs feature ${feature} of ${mod.name}, which is not enabled`
        : !mod.implemented
          ? `: module ${mod.name} is only imported here, not implemented, so it has no data nodes`
          : '';
      this.fail('unknown-element', `unknown element "${el.local}" ${where}${why}`, pathOf(parent), el.line, { 'bad-element': el.local });
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

  /** One element of a parsed element tree, with its subtree. */
  element(el: XmlElementLike, parent: DataNode): void {
    const f = newFrame();
    if (!this.open(el, parent, f)) return;
    if (f.kind === 'inner') for (const c of el.children) this.element(c, f.node!);
    this.close(f);
  }

  /**
   * element() recording data errors in `errors` (ParseOptions.collectErrors):
   * an element with an error is left out with its subtree, and so is a list
   * entry whose key is left out. false: `el` was left out.
   */
  elementKeeping(el: XmlElementLike, parent: DataNode, errors: DataErrorAt[]): boolean {
    const f = newFrame();
    try {
      if (!this.open(el, parent, f)) return true;
    } catch (e) {
      keep(errors, e, el.line, parent);
      return false;
    }
    if (f.kind === 'inner') {
      for (const c of el.children) {
        if (!this.elementKeeping(c, f.node!, errors) && isKeyElement(f.s, c)) {
          leftOut(errors, f.node!, parent);
          return false;
        }
      }
    }
    try {
      this.close(f);
    } catch (e) {
      if (f.kind === 'inner') leftOut(errors, f.node!, parent);
      keep(errors, e, el.line, parent);
      return false;
    }
    return true;
  }

  /**
   * The start of an element: resolve its schema node and set up `f` (kind
   * inner, leaf or any; for inner, the new node, detached but with its
   * parent set for error paths). false: an element a filter drops.
   * An element's text is checked here when already known (element trees),
   * else by the streaming reader as it comes.
   */
  open(el: XmlElementLike, parent: DataNode, f: Frame): boolean {
    const s = this.resolve(el, parent);
    if (!s) return false;
    if (el.attrs.size && this.type !== 'edit' && this.type !== 'filter') this.attributes(el, parent, s);
    f.el = el;
    f.s = s;
    f.parent = parent;
    f.node = null;
    switch (s.kind) {
      case 'container':
      case 'list':
      case 'rpc':
      case 'action':
      case 'notification': {
        f.kind = 'inner';
        const n = new DataNode(s);
        n.line = el.line;
        n.parent = parent; // for paths in errors below; insertion happens at the end
        if (!this.filter && el.text !== '' && el.text.trim() !== '') this.badText(el, parent, s);
        this.meta(el, n, s);
        f.node = n;
        return true;
      }
      case 'leaf':
      case 'leaf-list':
        f.kind = 'leaf';
        return true;
      case 'anydata':
      case 'anyxml':
        f.kind = 'any';
        return true;
      default:
        this.fail('unknown-element', `unexpected element "${el.local}"`, pathOf(parent), el.line, { 'bad-element': el.local });
    }
  }

  /** The end of an element opened by open(). */
  close(f: Frame): void {
    const el = f.el;
    const s = f.s!;
    const parent = f.parent!;
    if (f.kind === 'inner') {
      const n = f.node!;
      n.parent = null;
      if (s.kind === 'list') {
        this.finishEntry(n, parent, el.line);
        return;
      }
      if (!this.filter && (s.kind === 'container' || s.kind === 'notification') && findChild(parent, s)) this.dup(el, parent, s);
      insertChild(parent, n);
    } else if (f.kind === 'leaf') {
      this.leaf(el, parent, s);
    } else if (f.kind === 'any') {
      if (!this.filter && findChild(parent, s)) this.dup(el, parent, s);
      const n = new DataNode(s);
      n.raw = innerXml(el);
      n.line = el.line;
      this.meta(el, n, s);
      insertChild(parent, n);
    }
  }

  /** text in a container, list entry, rpc or notification */
  badText(el: XmlElementLike, parent: DataNode, s: SchemaNode): never {
    this.fail('bad-element', `unexpected text in "${s.name}"`, childPath(parent, s), el.line, { 'bad-element': s.name });
  }

  /** a child element in a leaf or leaf-list */
  leafChildren(el: XmlElementLike, parent: DataNode, s: SchemaNode): never {
    this.fail('bad-element', `element "${s.name}" is a ${s.kind} and cannot have child elements`, childPath(parent, s), el.line, {
      'bad-element': s.name,
    });
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
      const key = indexKey(n);
      if (lookup(parent, key)) {
        n.parent = parent;
        const at = pathOf(n);
        n.parent = null;
        this.fail('invalid-value', `duplicate instance of list "${s.name}" entry`, at, line, { 'bad-element': s.name });
      }
      insertChild(parent, n, undefined, key);
      return;
    }
    insertChild(parent, n);
  }

  private leaf(el: XmlElementLike, parent: DataNode, s: SchemaNode): void {
    if (el.children.length) this.leafChildren(el, parent, s);
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

  /** Keep the attributes of edit-config and filter content, or of any document with keepMeta (see DataNode.meta). */
  private meta(el: XmlElementLike, n: DataNode, s: SchemaNode): void {
    if (el.attrs.size === 0 || (this.type !== 'edit' && this.type !== 'filter' && !this.keepMeta)) return;
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

const byLocalName = new WeakMap<Map<string, SchemaNode>, Map<string, SchemaNode | SchemaNode[]>>();

/** dataChildren by local name then module, without building "module:name" keys (for the element readers) */
function childByName(parent: SchemaNode, mod: Module, local: string): SchemaNode | undefined {
  if (parent.kind === 'rpc' || parent.kind === 'action') return undefined;
  const dc = parent.dataChildren;
  let idx = byLocalName.get(dc);
  if (!idx) {
    idx = new Map();
    for (const c of dc.values()) {
      const had = idx.get(c.name);
      if (had === undefined) idx.set(c.name, c);
      else if (Array.isArray(had)) had.push(c);
      else idx.set(c.name, [had, c]);
    }
    byLocalName.set(dc, idx);
  }
  const hit = idx.get(local);
  if (hit === undefined) return undefined;
  if (!Array.isArray(hit)) return hit.module.name === mod.name ? hit : undefined;
  for (const c of hit) if (c.module.name === mod.name) return c;
  return undefined;
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

/** a node's tags, as strings (the string writer) or UTF-8 bytes (the byte writer) */
interface Tags<T> {
  /** `<name>`, `<name xmlns="ns">`, `</name>`, `<name/>`, `<name xmlns="ns"/>` */
  open: T;
  openNs: T;
  close: T;
  empty: T;
  emptyNs: T;
  /** prefixed: the element written for a value, without and with the xmlns attribute (at most PREFIXED_CACHE each) */
  byValue: Map<string, T>;
  byValueNs: Map<string, T>;
}

interface TagStrings extends Tags<string> {
  name: string;
  ns: string;
  xmlns: string;
  /** a leaf or leaf-list whose values are written as they are (no namespace prefixes in them) */
  plain: boolean;
  /** a leaf or leaf-list whose values use namespace prefixes (identityref, instance-identifier ...) */
  prefixed: boolean;
  /** a node with child nodes (container, list entry, notification, rpc output ...) */
  inner: boolean;
  /** the byte writer's forms, made at its first use */
  bytes: Tags<Uint8Array> | null;
}

function tagBytesOf(t: TagStrings): Tags<Uint8Array> {
  const b = (s: string): Uint8Array => Buffer.from(s, 'utf8');
  return (t.bytes ??= { open: b(t.open), openNs: b(t.openNs), close: b(t.close), empty: b(t.empty), emptyNs: b(t.emptyNs), byValue: new Map(), byValueNs: new Map() });
}
const PREFIXED_CACHE = 256;
function tagOf(s: SchemaNode): TagStrings {
  let t = s.xmlTags as TagStrings | undefined;
  if (!t) {
    const xmlns = ` xmlns="${escapeAttr(s.module.namespace)}"`;
    const k = s.kind;
    const leafy = k === 'leaf' || k === 'leaf-list';
    t = {
      name: s.name,
      ns: s.module.namespace,
      xmlns,
      open: `<${s.name}>`,
      openNs: `<${s.name}${xmlns}>`,
      close: `</${s.name}>`,
      empty: `<${s.name}/>`,
      emptyNs: `<${s.name}${xmlns}/>`,
      plain: leafy && (!s.type || !hasPrefixedValues(s.type)),
      prefixed: leafy && !!s.type && hasPrefixedValues(s.type),
      byValue: new Map(),
      byValueNs: new Map(),
      inner: !leafy && k !== 'anydata' && k !== 'anyxml',
      bytes: null,
    };
    s.xmlTags = t;
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
  const wd = opts.withDefaults ?? 'report-all';
  const w = new XmlWriter(wd, !!opts.indent);
  // the common case (not indented, no per-leaf default checks) has its own lean walk
  const fast = !opts.indent && (wd === 'explicit' || wd === 'report-all');
  if (node.schema.kind === 'root') {
    for (const c of node.children) {
      if (fast) w.plain(c, '');
      else w.node(c, '', 0);
    }
  } else {
    const parentNs = parentNsOf(node);
    if (fast) w.plain(node, parentNs);
    else w.node(node, parentNs, 0);
  }
  return w.finish();
}

/** The namespace a subtree written on its own is declared against: its parent's (none at the top). */
function parentNsOf(node: DataNode): string {
  return node.parent && node.parent.schema.kind !== 'root' ? node.parent.schema.module.namespace : '';
}

/** A leaf whose value uses namespace prefixes, each prefix declared on it. */
function prefixedLeaf(t: TagStrings, s: SchemaNode, v: string, attrs: string): string {
  const x = valueToXml(s.type, v);
  const seen = new Set<string>();
  for (const m of x.modules) {
    if (seen.has(m.prefix)) continue;
    seen.add(m.prefix);
    attrs += ` xmlns:${m.prefix}="${escapeAttr(m.namespace)}"`;
  }
  return `<${t.name}${attrs}>${escapeText(x.text)}</${t.name}>`;
}

/**
 * The attributes of a leaf's or leaf-list entry's element in mode `wd`
 * (`nsAttr`, and RFC 6243's default tag in 'report-all-tagged'), or null
 * when 'trim' leaves it out (its value is the default).
 */
function leafAttrs(n: DataNode, wd: WithDefaults, nsAttr: string): string | null {
  if (wd === 'trim' && n.schema.kind === 'leaf' && isDefaultValue(n)) return null;
  if (wd === 'report-all-tagged' && (n.dflt || isDefaultValue(n))) return `${nsAttr} xmlns:wd="${WD_NS}" wd:default="true"`;
  return nsAttr;
}

function isDefaultValue(n: DataNode): boolean {
  const d = defaultValues(n.schema);
  return d.length > 0 && n.value !== null && d.includes(n.value);
}

/**
 * Whether the writers write anything for `n` in with-defaults mode `wd`
 * (RFC 6243): a node they leave out is, for a reader in that mode, data
 * that does not exist.
 */
export function reported(n: DataNode, wd: WithDefaults): boolean {
  return emits(n, wd);
}

/** whether the writers write anything for `n` in mode `wd` */
function emits(n: DataNode, wd: WithDefaults): boolean {
  if (n.dflt && (wd === 'explicit' || wd === 'trim')) return false;
  const k = n.schema.kind;
  if (k === 'leaf') return !(wd === 'trim' && isDefaultValue(n));
  if (k === 'leaf-list' || k === 'anydata' || k === 'anyxml') return true;
  return !n.dflt || anyChildEmits(n, wd);
}

function anyChildEmits(n: DataNode, wd: WithDefaults): boolean {
  const ch = n.children;
  for (let i = 0; i < ch.length; i++) if (emits(ch[i], wd)) return true;
  return false;
}

/** The element of a leaf whose value uses namespace prefixes, from the tag's cache. */
function prefixedElement(t: TagStrings, s: SchemaNode, v: string, same: boolean): string {
  const cache = same ? t.byValue : t.byValueNs;
  let el = cache.get(v);
  if (el === undefined) {
    el = prefixedLeaf(t, s, v, same ? '' : t.xmlns);
    if (cache.size < PREFIXED_CACHE) cache.set(v, el);
  }
  return el;
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

  private padOf(depth: number): string {
    if (!this.indent) return '';
    return depth ? '\n' + '  '.repeat(depth) : this.out.length || this.buf ? '\n' : '';
  }

  /**
   * node() for output without indentation in the modes 'explicit' and
   * 'report-all' (no default-value checks): the same text, with the tag
   * strings made once per schema node.
   */
  plain(n: DataNode, parentNs: string): void {
    if (n.dflt && this.wd === 'explicit') return;
    const t = tagOf(n.schema);
    const same = t.ns === parentNs;
    if (t.plain) {
      const v = n.value;
      if (v === null || v === '') this.buf += same ? t.empty : t.emptyNs;
      else this.buf += (same ? t.open : t.openNs) + escapeText(v) + t.close;
      if (this.buf.length > 65536) this.flush();
      return;
    }
    if (t.prefixed) {
      // the same few identities over and over: each element made once
      const v = n.value;
      if (v === null || v === '') this.buf += same ? t.empty : t.emptyNs;
      else this.buf += prefixedElement(t, n.schema, v, same);
      if (this.buf.length > 65536) this.flush();
      return;
    }
    if (!t.inner) {
      // anydata, anyxml
      this.node(n, parentNs, 0);
      return;
    }
    if (!anyChildEmits(n, this.wd)) {
      if (!n.dflt) this.buf += same ? t.empty : t.emptyNs;
      return;
    }
    this.buf += same ? t.open : t.openNs;
    const ch = n.children;
    const ns = t.ns;
    for (let i = 0; i < ch.length; i++) this.plain(ch[i], ns);
    this.buf += t.close;
    if (this.buf.length > 65536) this.flush();
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
      const attrs = leafAttrs(n, wd, nsAttr);
      if (attrs === null) return;
      const v = n.value;
      if (v === null || v === '') {
        this.buf += `${pad}<${t.name}${attrs}/>`;
      } else if (!s.type || !hasPrefixedValues(s.type)) {
        this.buf += `${pad}<${t.name}${attrs}>${escapeText(v)}</${t.name}>`;
      } else {
        this.buf += pad + prefixedLeaf(t, s, v, attrs);
      }
      if (this.buf.length > 65536) this.flush();
      return;
    }
    if (k === 'anydata' || k === 'anyxml') {
      if (n.raw === undefined || n.raw === '') this.buf += `${pad}<${t.name}${nsAttr}/>`;
      else this.buf += `${pad}<${t.name}${nsAttr}>${n.raw}</${t.name}>`;
      return;
    }
    if (n.dflt && !anyChildEmits(n, this.wd)) return;
    const ch = n.children;
    if (!anyChildEmits(n, this.wd)) {
      this.buf += `${pad}<${t.name}${nsAttr}/>`;
      return;
    }
    this.buf += `${pad}<${t.name}${nsAttr}>`;
    for (let i = 0; i < ch.length; i++) this.node(ch[i], t.ns, depth + 1);
    this.buf += this.indent ? `\n${'  '.repeat(depth)}</${t.name}>` : `</${t.name}>`;
    if (this.buf.length > 65536) this.flush();
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

/** Options of toXmlBytes: the text around the document (markup, written as it is). */
export interface ToXmlBytesOptions {
  withDefaults?: 'explicit' | 'report-all';
  head?: string;
  tail?: string;
}

/** the buffer every toXmlBytes call writes into (grown as needed); its result is a view of it */
let scratch = Buffer.allocUnsafeSlow(64 * 1024);
/** what escapeText changes */
const TEXT_ESCAPED = /[&<>\r]/;

/**
 * toXml's lean walk ('explicit' or 'report-all', not indented) writing
 * UTF-8 into a buffer: the same bytes as Buffer.from(head + toXml(node) +
 * tail). For a configuration file: building the string makes a rope node
 * per piece (some 200 KB of short-lived objects for a 60 KB file), which
 * is then flattened and encoded again to be written; here nothing is
 * allocated but the walk's own few objects. The result is a view of one
 * buffer that every call writes into: valid until the next call, so write
 * it out (or copy it) at once.
 */
export function toXmlBytes(node: DataNode, opts: ToXmlBytesOptions = {}): Buffer {
  const w = new ByteWriter(opts.withDefaults ?? 'report-all', null);
  writeDocument(w, node, opts);
  return w.buf.subarray(0, w.len);
}

/**
 * Where XmlPieces writes: `take(min)` gives a buffer of at least `min`
 * bytes to write into, `sink` receives each piece written, a view of such
 * a buffer from its start, in order. A buffer handed to the sink is not
 * written again.
 */
export interface ByteSink {
  take(min: number): Buffer;
  sink(piece: Buffer): void;
}

/** Options of XmlPieces: toXmlBytes's, in any with-defaults mode. */
export interface XmlPiecesOptions {
  withDefaults?: WithDefaults;
  head?: string;
  tail?: string;
}

function writeDocument(w: ByteWriter, node: DataNode, opts: ToXmlBytesOptions): void {
  if (opts.head) w.markup(opts.head);
  if (node.schema.kind === 'root') {
    for (const c of node.children) w.plain(c, '');
  } else {
    w.plain(node, parentNsOf(node));
  }
  if (opts.tail) w.markup(opts.tail);
}

const NO_BYTES = Buffer.alloc(0);

/**
 * toXml for a reply of any size, written a part at a time: the bytes go
 * to `out` in pieces, one per buffer taken from it (the transport's own,
 * reused from one reply to the next), never as one string nor one buffer,
 * and write(n) returns after about n bytes so that the caller can let the
 * event loop run (the channel send, other sessions and RADIUS be served)
 * before it writes on. The same bytes as Buffer.from(head + toXml(node) +
 * tail) (toXmlBytes's in 'explicit' and 'report-all'; 'trim' and
 * 'report-all-tagged' look at each leaf's default). The walk keeps its
 * place in a stack of its own: the tree must not change until the
 * document is complete.
 */
export class XmlPieces {
  private readonly w: ByteWriter;
  private readonly wd: WithDefaults;
  /** 'trim' or 'report-all-tagged': a leaf's value is compared with its default */
  private readonly byDefault: boolean;
  private readonly tail: string | undefined;
  /** per open element: its children, the next one to write, its namespace, its close tag (none at the top) */
  private readonly lists: DataNode[][] = [];
  private readonly next: number[] = [];
  private readonly nss: string[] = [];
  private readonly closes: (Uint8Array | null)[] = [];
  private depth = 1;

  constructor(node: DataNode, out: ByteSink, opts: XmlPiecesOptions = {}) {
    const wd = (this.wd = opts.withDefaults ?? 'report-all');
    this.byDefault = wd === 'trim' || wd === 'report-all-tagged';
    this.w = new ByteWriter(wd === 'explicit' ? 'explicit' : 'report-all', out);
    this.tail = opts.tail;
    if (opts.head) this.w.markup(opts.head);
    const top = node.schema.kind === 'root';
    this.lists.push(top ? node.children : [node]);
    this.next.push(0);
    this.nss.push(top ? '' : parentNsOf(node));
    this.closes.push(null);
  }

  /**
   * Write on, about `bytes` more (whole nodes), and hand what was written
   * to the sink; true once the document is complete. Between two calls
   * the writer holds no buffer of the sink's.
   */
  write(bytes: number): boolean {
    const w = this.w;
    const wd = this.wd;
    const stop = w.sunk + w.len + bytes;
    const { lists, next, nss, closes } = this;
    while (this.depth > 0) {
      const d = this.depth - 1;
      const ch = lists[d];
      const i = next[d];
      if (i === ch.length) {
        const close = closes[d];
        if (close) w.put(close);
        this.depth = d;
        continue;
      }
      next[d] = i + 1;
      const n = ch[i];
      if (n.dflt && (wd === 'explicit' || wd === 'trim')) continue;
      const t = tagOf(n.schema);
      if (!t.inner) {
        if (this.byDefault && (t.plain || t.prefixed)) this.leafByDefault(n, t, nss[d]);
        else w.childless(n, t, nss[d]);
      } else {
        const tb = t.bytes ?? tagBytesOf(t);
        const same = t.ns === nss[d];
        // what is written may have gone to the sink already: nothing is taken back, so look ahead
        if (!anyChildEmits(n, wd)) {
          if (!n.dflt) w.put(same ? tb.empty : tb.emptyNs);
        } else {
          w.put(same ? tb.open : tb.openNs);
          const e = this.depth++;
          lists[e] = n.children;
          next[e] = 0;
          nss[e] = t.ns;
          closes[e] = tb.close;
        }
      }
      if (w.sunk + w.len >= stop) {
        w.handOver();
        return false;
      }
    }
    if (this.tail !== undefined) w.markup(this.tail);
    w.handOver();
    return true;
  }

  /** A leaf or leaf-list entry in 'trim' or 'report-all-tagged' (XmlWriter.node's text). */
  private leafByDefault(n: DataNode, t: TagStrings, parentNs: string): void {
    const s = n.schema;
    const attrs = leafAttrs(n, this.wd, t.ns === parentNs ? '' : t.xmlns);
    if (attrs === null) return;
    const v = n.value;
    const w = this.w;
    if (v === null || v === '') w.markup(`<${t.name}${attrs}/>`);
    else if (t.prefixed) w.markup(prefixedLeaf(t, s, v, attrs));
    else {
      w.markup(`<${t.name}${attrs}>`);
      w.text(v);
      w.markup(`</${t.name}>`);
    }
  }
}

class ByteWriter {
  len = 0;
  /** bytes handed to the sink before the current buffer (piece mode) */
  sunk = 0;
  /** the buffer being written: the shared scratch (toXmlBytes), or one taken from `out` (none yet: NO_BYTES) */
  buf: Buffer;
  constructor(
    private wd: 'explicit' | 'report-all',
    private out: ByteSink | null,
  ) {
    this.buf = out ? NO_BYTES : scratch;
  }

  /** room for `n` more bytes */
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const out = this.out;
    if (out) {
      // the piece so far goes out, the rest into a buffer of the sink's
      this.handOver();
      this.buf = out.take(n);
      return;
    }
    const bigger = Buffer.allocUnsafeSlow(Math.max(scratch.length * 2, this.len + n));
    scratch.copy(bigger, 0, 0, this.len);
    this.buf = scratch = bigger;
  }

  /** piece mode: what the current buffer holds goes to the sink, and the buffer with it */
  handOver(): void {
    if (this.len > 0) this.out!.sink(this.buf.subarray(0, this.len));
    this.sunk += this.len;
    this.len = 0;
    this.buf = NO_BYTES;
  }

  /** text that is markup already (tags, escaped attribute values) */
  markup(s: string): void {
    const n = s.length;
    this.room(n * 3);
    const b = this.buf;
    let at = this.len;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.len += b.write(s, this.len, 'utf8');
        return;
      }
      b[at++] = c;
    }
    this.len = at;
  }

  /** character data, escaped as escapeText does */
  text(s: string): void {
    const n = s.length;
    this.room(n * 6); // '&amp;' is the longest escape of one character; UTF-8 takes at most 3 bytes per UTF-16 unit
    const b = this.buf;
    if (n > 16 && !TEXT_ESCAPED.test(s)) {
      // nothing to escape: encoded natively (faster than the loop for more than a few characters)
      this.len += b.write(s, this.len, 'utf8');
      return;
    }
    let at = this.len;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.len += b.write(escapeText(s), this.len, 'utf8');
        return;
      }
      if (c === 0x26) {
        b[at++] = 0x26; // &amp;
        b[at++] = 0x61;
        b[at++] = 0x6d;
        b[at++] = 0x70;
        b[at++] = 0x3b;
      } else if (c === 0x3c || c === 0x3e) {
        b[at++] = 0x26; // &lt; &gt;
        b[at++] = c === 0x3c ? 0x6c : 0x67;
        b[at++] = 0x74;
        b[at++] = 0x3b;
      } else if (c === 0x0d) {
        b[at++] = 0x26; // &#13;
        b[at++] = 0x23;
        b[at++] = 0x31;
        b[at++] = 0x33;
        b[at++] = 0x3b;
      } else b[at++] = c;
    }
    this.len = at;
  }

  /** bytes made already (a tag's UTF-8 form) */
  put(src: Uint8Array): void {
    const n = src.length;
    this.room(n);
    this.buf.set(src, this.len);
    this.len += n;
  }

  /** XmlWriter.plain, into bytes (the file's writer: it takes back what it wrote) */
  plain(n: DataNode, parentNs: string): void {
    if (n.dflt && this.wd === 'explicit') return;
    const t = tagOf(n.schema);
    if (!t.inner) {
      this.childless(n, t, parentNs);
      return;
    }
    const tb = t.bytes ?? tagBytesOf(t);
    const same = t.ns === parentNs;
    // the open tag is written first, and taken back when no child wrote anything (no scan ahead)
    const start = this.len;
    this.put(same ? tb.open : tb.openNs);
    const inside = this.len;
    const ch = n.children;
    const ns = t.ns;
    for (let i = 0; i < ch.length; i++) this.plain(ch[i], ns);
    if (this.len === inside) {
      this.len = start;
      if (!n.dflt) this.put(same ? tb.empty : tb.emptyNs);
      return;
    }
    this.put(tb.close);
  }

  /** a node without child nodes: leaf, leaf-list entry, anydata, anyxml */
  childless(n: DataNode, t: TagStrings, parentNs: string): void {
    const same = t.ns === parentNs;
    if (t.plain || t.prefixed) {
      const tb = t.bytes ?? tagBytesOf(t);
      const v = n.value;
      if (v === null || v === '') this.put(same ? tb.empty : tb.emptyNs);
      else if (t.prefixed) {
        const cache = same ? tb.byValue : tb.byValueNs;
        let el = cache.get(v);
        if (el === undefined) {
          el = Buffer.from(prefixedElement(t, n.schema, v, same), 'utf8');
          if (cache.size < PREFIXED_CACHE) cache.set(v, el);
        }
        this.put(el);
      } else {
        this.put(same ? tb.open : tb.openNs);
        this.text(v);
        this.put(tb.close);
      }
      return;
    }
    // anydata, anyxml: the string writer's text
    const w = new XmlWriter(this.wd, false);
    w.node(n, parentNs, 0);
    this.markup(w.finish());
  }
}
