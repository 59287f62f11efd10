/**
 * A lean namespace-aware element tree built with saxes, the input of the
 * XML data parser. Structurally compatible with src/xml/dom.ts's XmlElement
 * (the fields used here: ns, local, prefix, attrs, children, text, nsScope,
 * line), so the NETCONF layer can hand over an element it already parsed.
 */
import { SaxesParser } from 'saxes';
import { AgentError } from '../../errors';

export interface XmlElementLike {
  ns: string;
  local: string;
  prefix: string;
  /** attributes keyed `{ns}local` (ns '' when unqualified), xmlns declarations excluded */
  attrs: Map<string, string>;
  children: XmlElementLike[];
  /** concatenated character data directly inside the element */
  text: string;
  /** in-scope namespace declarations (prefix -> uri, '' for the default namespace) */
  nsScope: Record<string, string>;
  line: number;
}

const EMPTY_ATTRS: Map<string, string> = new Map();

/**
 * The text after its XML declaration (and a byte-order mark before it), and
 * how many lines the declaration took: positions in `body` are that many
 * lines down in `text`.
 */
export function afterDeclaration(text: string): { body: string; lineShift: number } {
  const decl = /^\uFEFF?\s*<\?xml[^>]*\?>/.exec(text);
  if (!decl) return { body: text, lineShift: 0 };
  return { body: text.slice(decl[0].length), lineShift: (decl[0].match(/\n/g) ?? []).length };
}

/**
 * Parse an XML text that may hold several top-level elements (an instance
 * document as yanglint reads it). Returns a synthetic element (local '')
 * whose children are the top-level elements. DOCTYPE and entity
 * declarations are refused.
 */
export function parseDocument(text: string, file?: string, maxDepth = 512): XmlElementLike {
  const where = (line: number): string => (file ? `${file}:${line}: ` : `line ${line}: `);
  const { body, lineShift } = afterDeclaration(text);
  const parser = new SaxesParser({ xmlns: true, fragment: true, position: true });
  const top: XmlElementLike = { ns: '', local: '', prefix: '', attrs: EMPTY_ATTRS, children: [], text: '', nsScope: {}, line: 1 };
  const stack: XmlElementLike[] = [top];
  let failure: AgentError | null = null;
  const fail = (msg: string): void => {
    if (!failure) failure = new AgentError('malformed-message', where(parser.line + lineShift) + msg, { type: 'rpc' });
  };
  parser.on('doctype', () => fail('DOCTYPE is not allowed'));
  parser.on('error', (e) => fail(`malformed XML: ${e.message.replace(/^\d+:\d+: /, '')}`));
  parser.on('opentag', (tag) => {
    if (failure) return;
    const parent = stack[stack.length - 1];
    if (stack.length > maxDepth) return fail(`XML nesting deeper than ${maxDepth}`);
    let scope = parent.nsScope;
    const declared = tag.ns;
    if (declared) {
      const keys = Object.keys(declared);
      if (keys.length) {
        scope = { ...scope };
        for (const p of keys) scope[p] = declared[p];
      }
    }
    let attrs = EMPTY_ATTRS;
    const names = Object.keys(tag.attributes);
    for (const n of names) {
      const a = tag.attributes[n];
      if (a.prefix === 'xmlns' || (a.prefix === '' && a.local === 'xmlns')) continue;
      if (attrs === EMPTY_ATTRS) attrs = new Map();
      attrs.set(`{${a.uri ?? ''}}${a.local}`, a.value);
    }
    if (tag.prefix && tag.uri === undefined) return fail(`unbound namespace prefix "${tag.prefix}" on <${tag.name}>`);
    const el: XmlElementLike = {
      ns: tag.uri ?? '',
      local: tag.local ?? tag.name,
      prefix: tag.prefix ?? '',
      attrs,
      children: [],
      text: '',
      nsScope: scope,
      line: parser.line + lineShift,
    };
    parent.children.push(el);
    stack.push(el);
  });
  parser.on('text', (t) => {
    const cur = stack[stack.length - 1];
    if (cur === top) {
      if (t.trim() !== '') fail('text outside of any element');
    } else cur.text += t;
  });
  parser.on('cdata', (t) => {
    stack[stack.length - 1].text += t;
  });
  parser.on('closetag', () => {
    if (stack.length > 1) stack.pop();
  });
  try {
    parser.write(body).close();
  } catch (e) {
    fail(`malformed XML: ${(e as Error).message}`);
  }
  if (failure) throw failure;
  return top;
}

export function escapeText(s: string): string {
  if (!/[&<>\r]/.test(s)) return s;
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

export function escapeAttr(s: string): string {
  if (!/[&<>"\r\n\t]/.test(s)) return s;
  return s.replace(/[&<>"\r\n\t]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : `&#${c.charCodeAt(0)};`,
  );
}

/**
 * Serialise the children and text of an element as a stand-alone XML
 * fragment (anydata/anyxml content): each element whose namespace differs
 * from its parent's declares it as the default namespace; prefixed
 * attributes declare their prefix.
 */
export function innerXml(el: XmlElementLike, parentNs: string = el.ns): string {
  const out: string[] = [];
  if (el.text.trim() !== '') out.push(escapeText(el.text));
  for (const c of el.children) outer(c, parentNs, out);
  return out.join('');
}

function outer(el: XmlElementLike, parentNs: string, out: string[]): void {
  let open = `<${el.local}`;
  if (el.ns !== parentNs) open += ` xmlns="${escapeAttr(el.ns)}"`;
  const declared = new Set<string>();
  for (const [k, v] of el.attrs) {
    const close = k.indexOf('}');
    const ns = k.slice(1, close);
    const local = k.slice(close + 1);
    if (!ns) {
      open += ` ${local}="${escapeAttr(v)}"`;
      continue;
    }
    let p = Object.keys(el.nsScope).find((q) => q !== '' && el.nsScope[q] === ns) ?? 'a';
    if (!declared.has(p)) {
      open += ` xmlns:${p}="${escapeAttr(ns)}"`;
      declared.add(p);
    }
    open += ` ${p}:${local}="${escapeAttr(v)}"`;
  }
  if (!el.children.length && el.text === '') {
    out.push(open + '/>');
    return;
  }
  out.push(open + '>');
  if (el.children.length) {
    if (el.text.trim() !== '') out.push(escapeText(el.text));
    for (const c of el.children) outer(c, el.ns, out);
  } else out.push(escapeText(el.text));
  out.push(`</${el.local}>`);
}
