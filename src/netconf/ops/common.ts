/** Parameter parsing shared by the operations. */
import { AgentError } from '../../errors';
import type { DatastoreName } from '../../datastore';
import type { DataNode } from '../../yang/data/node';
import type { WithDefaults } from '../../yang/data';
import type { DataErrorAt } from '../../yang/data/xml';
import { parseXml, WD_NS as WD_ATTR_NS } from '../../yang/data';
import { defaultValues } from '../../yang/data/schemautil';
import { pathOf, removeChild } from '../../yang/data/tree';
import type { SchemaContext, SchemaNode } from '../../yang/schema';
import { childNamed, XmlElement } from '../../xml/dom';
import { NC_NS } from '../rpc-error';
import { subtreeFilter, xpathFilter } from '../filter';
import { DEFAULT_ATTR } from '../edit';
import type { RpcCall } from '../core';

export const WD_NS = 'urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults';

/** the datastores a <source>/<target> may name here */
const STORE_NAMES: ReadonlySet<string> = new Set(['running', 'candidate', 'startup']);

/**
 * RFC 6241 appendix A: every child of the operation element, and of its
 * structured parameters (<source>, <target>), must be a parameter the
 * operation's YANG input defines (`rpc`: ietf-netconf's, or another module's
 * for get-schema and create-subscription), augments such as with-defaults
 * included; anything else is unknown-element (error-type protocol) with
 * bad-element, before the operation does anything. A parameter given twice
 * is bad-element. Anyxml parameters (<config>, <filter>) are not looked into.
 * An unqualified element counts as ietf-netconf's (param() accepts it).
 *
 * Two exceptions keep the protocol's own answers: <url> (the :url
 * capability, not implemented, so its feature is off and the schema lacks
 * it) and a datastore the operation cannot take (delete-config of
 * <candidate/> or <running/>, edit-config of <startup/>) are
 * operation-not-supported, as a server without them answers.
 */
export function checkParams(ctx: SchemaContext, rpc: SchemaNode, el: XmlElement): void {
  const input = rpc.children.find((c) => c.kind === 'input');
  checkChildren(ctx, input, el, rpc.module.name === 'ietf-netconf', rpc.name);
}

function checkChildren(ctx: SchemaContext, schema: SchemaNode | undefined, el: XmlElement, nc: boolean, op: string): void {
  const seen = new Set<SchemaNode>();
  for (const c of el.children) {
    const inNc = c.ns === NC_NS || (c.ns === '' && nc);
    const mod = inNc ? 'ietf-netconf' : ctx.byNamespace.get(c.ns)?.name;
    const s = mod === undefined ? undefined : schema?.dataChildren.get(`${mod}:${c.local}`);
    if (!s) {
      if (inNc && c.local === 'url') {
        throw new AgentError('operation-not-supported', 'The :url capability is not supported.', { type: 'protocol', info: { 'bad-element': 'url' } });
      }
      if (inNc && schema && schema.kind === 'container' && STORE_NAMES.has(c.local)) {
        throw new AgentError('operation-not-supported', `<${op}> cannot take <${c.local}/> as its <${schema.name}>.`, {
          type: 'protocol',
          info: { 'bad-element': c.local },
        });
      }
      throw new AgentError('unknown-element', `<${el.local}> has no parameter <${c.local}>${c.ns && !inNc ? ` in ${c.ns}` : ''}.`, {
        type: 'protocol',
        info: { 'bad-element': c.local },
      });
    }
    if (seen.has(s) && s.kind !== 'leaf-list' && s.kind !== 'list') {
      throw new AgentError('bad-element', `<${el.local}> has <${c.local}> more than once.`, { type: 'protocol', info: { 'bad-element': c.local } });
    }
    seen.add(s);
    if (s.kind === 'container') checkChildren(ctx, s, c, nc, op);
  }
}

/**
 * RFC 6241 appendix A: an attribute of the base namespace other than
 * nc:operation on edit-config content (`<contact nc:foo="bar">`) is
 * unknown-attribute (error-type application) with bad-attribute and
 * bad-element. The engine keeps edit content's attributes as `meta`.
 * Attributes of RFC 6243's namespace are checked by checkDefaultAttribute.
 *
 * `collect` (edit-config's continue-on-error, RFC 6241 7.2): the node is
 * left out of the edit instead (with its list entry when it is a key of
 * one), as the parser leaves out an element with a bad value, and its error
 * recorded. Returns true when `n` itself was left out.
 */
export function checkEditAttributes(n: DataNode, collect?: DataErrorAt[]): boolean {
  const m = n.meta;
  if (m) {
    try {
      for (const k of [...m.keys()]) {
        if (k.startsWith(WD_PREFIX)) {
          checkDefaultAttribute(n, m, k);
          continue;
        }
        if (!k.startsWith(`{${NC_NS}}`) || k === `{${NC_NS}}operation`) continue;
        const local = k.slice(NC_NS.length + 2);
        throw new AgentError('unknown-attribute', `Unknown attribute "${local}" of the NETCONF namespace on "${n.schema.name}".`, {
          info: { 'bad-attribute': local, 'bad-element': n.schema.name },
        });
      }
    } catch (e) {
      if (!collect || !(e instanceof AgentError) || !n.parent) throw e;
      leaveOut(n, e, collect);
      return true;
    }
    if (m.size === 0) delete n.meta;
  }
  for (const c of [...n.children]) {
    // a key left out takes its entry (this node) with it: its other children are not looked at
    if (checkEditAttributes(c, collect) && isKeyOf(c, n)) return true;
  }
  return false;
}

/** Is `n` a key of the list entry `p`? */
const isKeyOf = (n: DataNode, p: DataNode): boolean => p.schema.kind === 'list' && p.schema.keys.includes(n.schema);

/** `n` (or the list entry it is a key of) out of the edit tree, its error recorded where it was. */
function leaveOut(n: DataNode, error: AgentError, collect: DataErrorAt[]): void {
  const p = n.parent!;
  const gone = isKeyOf(n, p) && p.parent ? p : n;
  const parent = gone.parent!;
  // the node before it in document order: the last descendant of its previous sibling, or its parent
  const i = parent.children.indexOf(gone);
  let after: DataNode = i > 0 ? parent.children[i - 1] : parent;
  if (i > 0) while (after.children.length) after = after.children[after.children.length - 1];
  removeChild(gone);
  collect.push({ error, line: gone.line ?? 0, after });
}

const WD_PREFIX = `{${WD_ATTR_NS}}`;

/**
 * RFC 6243's wd:default (section 6: an xs:boolean) on a node of
 * edit-config or copy-config content: this server supports
 * report-all-tagged, whose replies tag defaults with it, so it accepts the
 * attribute in the content it is sent, as yuma123's netconfd does. "true" or "1" says the node holds its schema default: it must be a
 * leaf or leaf-list entry with a schema default, whose value (when the
 * element has one) is that default, else invalid-value with the node's
 * error-path; the attribute is then kept as "true" (the edit treats the
 * node as not explicitly set: see netconf/edit.ts). "false" or "0" means
 * nothing and is dropped. Any other value is bad-attribute (RFC 6241
 * appendix A; xs:boolean's white space around the value is allowed), and
 * any other attribute of that namespace unknown-attribute.
 */
function checkDefaultAttribute(n: DataNode, m: Map<string, string>, k: string): void {
  const local = k.slice(WD_PREFIX.length);
  const name = n.schema.name;
  if (local !== 'default') {
    throw new AgentError('unknown-attribute', `Unknown attribute "${local}" of the with-defaults namespace ${WD_ATTR_NS} on "${name}".`, {
      info: { 'bad-attribute': local, 'bad-element': name },
    });
  }
  const v = m.get(k)!.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (v === 'false' || v === '0') {
    m.delete(k);
    return;
  }
  if (v !== 'true' && v !== '1') {
    throw new AgentError('bad-attribute', `wd:default="${m.get(k)}" on "${name}" is not a boolean (true, false, 1 or 0).`, {
      type: 'protocol',
      info: { 'bad-attribute': 'default', 'bad-element': name },
    });
  }
  const dflt = defaultValues(n.schema);
  if (dflt.length === 0 || (n.value !== null && !dflt.includes(n.value))) {
    const p = pathOf(n);
    const why = dflt.length === 0 ? `"${name}" has no schema default` : `"${n.value}" is not the schema default of "${name}" (${dflt.join(', ')})`;
    throw new AgentError('invalid-value', `wd:default="true" says the node holds its schema default, but ${why}.`, {
      path: p.xml,
      pathNs: p.ns,
      info: { 'bad-element': name },
    });
  }
  m.set(k, 'true');
}

/** An inline <config> of copy-config or validate as a datastore's tree: parsed, its wd:default tags taken (takeDefaultTags). */
export function inlineConfig(ctx: SchemaContext, config: XmlElement): DataNode {
  const tree = parseXml(ctx, contentOf(config), { type: 'config', keepMeta: true });
  takeDefaultTags(tree);
  return tree;
}

/**
 * copy-config's inline <config> (parsed with keepMeta): wd:default checked
 * as in edit-config content, and every node tagged with it left out (a
 * default is not explicitly set: the datastore holds the default in its
 * place, RFC 6243 basic mode explicit), the attributes then dropped (the
 * tree becomes a datastore's). Other attributes the engine has checked.
 */
export function takeDefaultTags(n: DataNode): void {
  const m = n.meta;
  if (m) {
    for (const k of [...m.keys()]) if (k.startsWith(WD_PREFIX)) checkDefaultAttribute(n, m, k);
    const tagged = m.get(DEFAULT_ATTR) === 'true';
    delete n.meta;
    if (tagged) {
      removeChild(n);
      return;
    }
  }
  const ch = n.children;
  for (let i = ch.length - 1; i >= 0; i--) takeDefaultTags(ch[i]);
}

/** A parameter of a base operation; an unqualified element is accepted too (some clients send <config> without a namespace). */
export function param(el: XmlElement, name: string): XmlElement | undefined {
  return childNamed(el, NC_NS, name) ?? childNamed(el, '', name);
}

export function requireParam(el: XmlElement, name: string): XmlElement {
  const p = param(el, name);
  if (!p) {
    throw new AgentError('missing-element', `<${el.local}> needs <${name}>.`, { type: 'protocol', info: { 'bad-element': name } });
  }
  return p;
}

const STORES: DatastoreName[] = ['running', 'candidate', 'startup'];

/** <source>/<target> holding one datastore element; `inline` returns the <config> element instead. */
export function datastoreParam(el: XmlElement, name: 'source' | 'target', allowInline = false): DatastoreName | XmlElement {
  const p = requireParam(el, name);
  const inner = p.children;
  if (inner.length !== 1) {
    throw new AgentError('missing-element', `<${name}> must name one datastore.`, { type: 'protocol', info: { 'bad-element': name } });
  }
  const d = inner[0];
  if ((d.ns === NC_NS || d.ns === '') && (STORES as string[]).includes(d.local)) return d.local as DatastoreName;
  if (allowInline && (d.ns === NC_NS || d.ns === '') && d.local === 'config') return d;
  if (d.ns === NC_NS && d.local === 'url') {
    throw new AgentError('operation-not-supported', 'The :url capability is not supported.', { type: 'protocol', info: { 'bad-element': 'url' } });
  }
  throw new AgentError('bad-element', `<${d.local}> is not a datastore this server has.`, { type: 'protocol', info: { 'bad-element': d.local } });
}

export function withDefaultsParam(el: XmlElement): WithDefaults | undefined {
  const wd = childNamed(el, WD_NS, 'with-defaults');
  if (!wd) return undefined;
  const v = wd.text.trim();
  if (v === 'report-all' || v === 'trim' || v === 'explicit' || v === 'report-all-tagged') return v;
  throw new AgentError('invalid-value', `with-defaults "${v}" is not one of report-all, trim, explicit, report-all-tagged.`, {
    type: 'protocol',
    info: { 'bad-element': 'with-defaults' },
  });
}

/** Apply the optional <filter> of get/get-config; `wd`: the reply's with-defaults mode. */
export function applyFilter(call: RpcCall, tree: DataNode, wd: WithDefaults): DataNode {
  const f = param(call.el, 'filter');
  if (!f) return tree;
  const type = f.attrs.get('{}type') ?? f.attrs.get(`{${NC_NS}}type`) ?? 'subtree';
  if (type === 'subtree') return subtreeFilter(call.core.ctx, tree, f.children, wd);
  if (type === 'xpath') {
    const select = f.attrs.get('{}select') ?? f.attrs.get(`{${NC_NS}}select`);
    if (select === undefined) {
      throw new AgentError('missing-attribute', 'An xpath filter needs a select attribute.', {
        type: 'protocol',
        info: { 'bad-attribute': 'select', 'bad-element': 'filter' },
      });
    }
    return xpathFilter(call.core.ctx, tree, select, f.nsScope, wd);
  }
  throw new AgentError('bad-attribute', `Unknown filter type "${type}".`, { type: 'protocol', info: { 'bad-attribute': 'type', 'bad-element': 'filter' } });
}

export function checkDatastoreReadable(call: RpcCall, name: DatastoreName): void {
  if (name === 'candidate' || name === 'running' || name === 'startup') return;
}

/** The children of a <config> (or other wrapper) element, as a document the YANG engine parses. */
export function contentOf(el: XmlElement): XmlElement {
  return { ...el, local: '', ns: '', prefix: '', attrs: new Map() };
}
