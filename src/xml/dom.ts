/**
 * A small namespace-aware element tree for protocol envelopes (NETCONF rpc,
 * hello, filters). Data content is handed to the YANG engine as text
 * (see `outerXml`), so the engine keeps its own parser.
 *
 * Refuses DOCTYPE, entity declarations and undeclared entities (saxes only
 * knows the five predefined ones), bounds nesting depth and element count.
 */
import { SaxesParser } from 'saxes';
import { AgentError } from '../errors';

export interface XmlElement {
  ns: string;
  local: string;
  /** prefix as written ('' for none) */
  prefix: string;
  /** attributes keyed `{ns}local` (ns '' when unqualified) */
  attrs: Map<string, string>;
  children: XmlElement[];
  /** concatenated character data directly inside this element */
  text: string;
  /** in-scope namespace declarations (prefix -> uri, '' for default) */
  nsScope: Record<string, string>;
  /** offsets of the element in the source text [start of '<', end after '>'] */
  start: number;
  end: number;
  line: number;
  parent: XmlElement | null;
}

export interface ParseLimits {
  maxDepth?: number;
  maxElements?: number;
}

export class XmlSyntaxError extends AgentError {
  constructor(message: string) {
    super('malformed-message', message, { type: 'rpc' });
  }
}

/** Parse a whole document; the root element is returned. */
export function parseXmlDocument(text: string, limits: ParseLimits = {}): XmlElement {
  const maxDepth = limits.maxDepth ?? 256;
  const maxElements = limits.maxElements ?? 5_000_000;
  const parser = new SaxesParser({ xmlns: true, position: true });
  let root: XmlElement | null = null;
  let cur: XmlElement | null = null;
  let depth = 0;
  let count = 0;
  let failure: Error | null = null;
  let tagStart = 0;
  const fail = (msg: string): void => {
    if (!failure) failure = new XmlSyntaxError(msg);
  };
  parser.on('doctype', () => fail('DOCTYPE is not allowed in NETCONF messages'));
  parser.on('error', (e) => fail(`malformed XML: ${e.message}`));
  parser.on('opentagstart', (tag) => {
    // saxes reports this at or after the end of the name; find '<name' followed by a delimiter
    const needle = '<' + tag.name;
    let at = text.lastIndexOf(needle, parser.position);
    while (at > 0 && !/[\s/>]/.test(text.charAt(at + needle.length))) at = text.lastIndexOf(needle, at - 1);
    tagStart = at;
  });
  parser.on('opentag', (tag) => {
    if (failure) return;
    if (++depth > maxDepth) return fail(`XML nesting deeper than ${maxDepth}`);
    if (++count > maxElements) return fail(`more than ${maxElements} XML elements`);
    const attrs = new Map<string, string>();
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || (a.prefix === '' && a.local === 'xmlns')) continue;
      attrs.set(`{${a.uri ?? ''}}${a.local}`, a.value);
    }
    const scope: Record<string, string> = cur ? { ...cur.nsScope } : {};
    const decl = tag.ns as Record<string, string> | undefined;
    if (decl) for (const p of Object.keys(decl)) scope[p] = decl[p];
    const el: XmlElement = {
      ns: tag.uri ?? '',
      local: tag.local ?? tag.name,
      prefix: tag.prefix ?? '',
      attrs,
      children: [],
      text: '',
      nsScope: scope,
      start: tagStart,
      end: -1,
      line: parser.line,
      parent: cur,
    };
    if (tag.uri === undefined || (tag.prefix && !scope[tag.prefix])) {
      return fail(`unbound namespace prefix "${tag.prefix}" on element <${tag.name}>`);
    }
    if (cur) cur.children.push(el);
    else if (root) return fail('more than one root element');
    else root = el;
    cur = el;
  });
  parser.on('text', (t) => {
    if (cur) cur.text += t;
    else if (t.trim() !== '') fail('text outside the root element');
  });
  parser.on('cdata', (t) => {
    if (cur) cur.text += t;
  });
  parser.on('closetag', () => {
    if (failure || !cur) return;
    depth--;
    cur.end = parser.position;
    cur = cur.parent;
  });
  try {
    parser.write(text).close();
  } catch (e) {
    fail(`malformed XML: ${(e as Error).message}`);
  }
  if (failure) throw failure;
  if (!root) throw new XmlSyntaxError('empty XML document');
  return root;
}

/** Child elements with the given namespace and local name. */
export function childrenNamed(el: XmlElement, ns: string, local: string): XmlElement[] {
  return el.children.filter((c) => c.local === local && c.ns === ns);
}

export function childNamed(el: XmlElement, ns: string, local: string): XmlElement | undefined {
  return el.children.find((c) => c.local === local && c.ns === ns);
}

/**
 * The source text of an element (must come from `source`, the text it was
 * parsed from), with every namespace declaration in scope re-declared on it
 * so it stands alone as a document.
 */
export function outerXml(el: XmlElement, source: string): string {
  const raw = source.slice(el.start, el.end);
  const inherited = el.parent ? el.parent.nsScope : {};
  let decls = '';
  for (const [p, uri] of Object.entries(inherited)) {
    if (p === 'xml' || p === 'xmlns') continue;
    // skip when the element itself redeclares the prefix
    const attr = p === '' ? 'xmlns' : `xmlns:${p}`;
    if (new RegExp(`\\s${attr.replace(':', '\\:')}\\s*=`).test(raw.slice(0, raw.indexOf('>')))) continue;
    decls += ` ${attr}="${escapeAttr(uri)}"`;
  }
  if (!decls) return raw;
  const m = /^<[^\s/>]+/.exec(raw);
  if (!m) return raw;
  return raw.slice(0, m[0].length) + decls + raw.slice(m[0].length);
}

/** Serialise the inner content (children) of an element as source text. */
export function innerXml(el: XmlElement, source: string): string {
  return el.children.map((c) => outerXml(c, source)).join('');
}

export function escapeText(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

export function escapeAttr(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}
