/**
 * A fast scanner for the XML that instance documents are made of: elements
 * with ASCII names, attributes, namespace declarations, text with the
 * predefined entities and character references, comments. It feeds the
 * same Builder the saxes reader feeds, with the same namespace scopes and
 * line numbers (saxes counts the line of a start tag's '>').
 *
 * It never reports an XML error itself: whenever the text is not plainly
 * well-formed or uses anything else (CDATA, processing instructions,
 * DOCTYPE, carriage returns, a byte order mark, non-ASCII names, entities
 * in attribute values, characters XML forbids, too deep nesting), it
 * returns false and the caller reads the text with saxes, which gives the
 * error messages. A data error met on the way is kept by the Builder while
 * the scan goes on, so that an XML error later in the text still wins.
 */
import type { Builder } from './xml';

const NO_ATTRS: Map<string, string> = new Map();

/** characters XML 1.0 forbids (and surrogates: left to saxes), ']]>' */
const BAD_TEXT = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]|\]\]>/;

/** one attribute (value without '<', '&' or control characters) */
const ATTR = /[ \t\n]+([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)[ \t\n]*=[ \t\n]*(?:"([^"<&\x00-\x1F\uD800-\uDFFF\uFFFE\uFFFF]*)"|'([^'<&\x00-\x1F\uD800-\uDFFF\uFFFE\uFFFF]*)')/y;
/** XML white space only (String.prototype.trim knows more) */
const BLANK = /^[ \t\n]*$/;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** decode the references of a text segment; null: something saxes should judge */
function decode(s: string): string | null {
  let out = '';
  let at = 0;
  for (let amp = s.indexOf('&'); amp >= 0; amp = s.indexOf('&', at)) {
    const semi = s.indexOf(';', amp + 1);
    if (semi < 0 || semi - amp > 12) return null;
    const ref = s.slice(amp + 1, semi);
    let ch: string;
    if (ref === 'lt') ch = '<';
    else if (ref === 'gt') ch = '>';
    else if (ref === 'amp') ch = '&';
    else if (ref === 'quot') ch = '"';
    else if (ref === 'apos') ch = "'";
    else if (/^#[0-9]{1,7}$/.test(ref) || /^#x[0-9A-Fa-f]{1,6}$/.test(ref)) {
      const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      const ok = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
      if (!ok) return null;
      ch = String.fromCodePoint(cp);
    } else return null;
    out += s.slice(at, amp) + ch;
    at = semi + 1;
  }
  return out + s.slice(at);
}

/**
 * Scan `body` (the text after any XML declaration) into `b`. true: the
 * whole text was read and is well-formed (b holds the tree or a data
 * error); false: read it with saxes instead (b is then spoiled).
 */
export function scanXml(body: string, lineShift: number, maxDepth: number, b: Builder): boolean {
  const n = body.length;
  if (body.indexOf('\r') >= 0 || (n > 0 && body.charCodeAt(0) === 0xfeff)) return false;
  // open elements: qualified names
  const open: string[] = [];
  let line = 1 + lineShift;
  /** the next newline not counted yet (n: none) */
  let nextNl = body.indexOf('\n');
  if (nextNl < 0) nextNl = n;
  const lineAt = (pos: number): number => {
    while (nextNl < pos) {
      line++;
      nextNl = body.indexOf('\n', nextNl + 1);
      if (nextNl < 0) nextNl = n;
    }
    return line;
  };
  /** end of the name at i (0: none): ASCII name characters, at most one colon inside */
  const nameEnd = (i: number): number => {
    const c0 = body.charCodeAt(i);
    if (!((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90) || c0 === 95)) return 0;
    let j = i + 1;
    let colon = false;
    for (; j < n; j++) {
      const c = body.charCodeAt(j);
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46) continue;
      if (c === 58) {
        const d = body.charCodeAt(j + 1);
        if (colon || !((d >= 97 && d <= 122) || (d >= 65 && d <= 90) || d === 95)) return 0;
        colon = true;
        continue;
      }
      if (c >= 128) return 0;
      break;
    }
    return j;
  };
  const space = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x09;
  let i = 0;
  while (i < n) {
    const lt = body.indexOf('<', i);
    const end = lt < 0 ? n : lt;
    if (end > i) {
      // text: characters XML allows (surrogates left to saxes), no "]]>"; references decoded
      let amp = false;
      for (let k = i; k < end; k++) {
        const c = body.charCodeAt(k);
        if (c < 0x20) {
          if (c !== 0x0a && c !== 0x09) return false;
        } else if (c === 0x26) amp = true;
        else if (c === 0x5d) {
          if (body.charCodeAt(k + 1) === 0x5d && body.charCodeAt(k + 2) === 0x3e) return false;
        } else if (c >= 0xd800 && (c <= 0xdfff || c >= 0xfffe)) return false;
      }
      const raw = body.slice(i, end);
      if (open.length === 0) {
        if (!BLANK.test(raw)) return false;
      } else {
        const t = amp ? decode(raw) : raw;
        if (t === null) return false;
        b.text(t);
      }
    }
    if (lt < 0) break;
    let j = lt + 1;
    const c1 = body.charCodeAt(j);
    if (c1 === 0x2f) {
      // end tag: the name of the open element, white space, '>'
      const top = open.length ? open[open.length - 1] : '';
      if (top === '' || !body.startsWith(top, lt + 2)) return false;
      j = lt + 2 + top.length;
      while (space(body.charCodeAt(j))) j++;
      if (body.charCodeAt(j) !== 0x3e) return false;
      open.pop();
      b.end();
      i = j + 1;
      continue;
    }
    if (c1 === 0x21) {
      // only comments: <!-- ... --> without "--" inside
      if (!body.startsWith('<!--', lt)) return false;
      const close = body.indexOf('-->', lt + 4);
      if (close < 0) return false;
      const inner = body.slice(lt + 4, close);
      if (inner.includes('--') || inner.endsWith('-') || BAD_TEXT.test(inner)) return false;
      i = close + 3;
      continue;
    }
    // start tag
    const ne = nameEnd(j);
    if (ne === 0) return false;
    const qname = body.slice(j, ne);
    j = ne;
    let selfClose = false;
    let attrNames: string[] | null = null;
    let attrValues: string[] | null = null;
    const c = body.charCodeAt(j);
    if (c === 0x3e) j++;
    else if (c === 0x2f && body.charCodeAt(j + 1) === 0x3e) {
      selfClose = true;
      j += 2;
    } else {
      // attributes (each after white space), then '>' or '/>'
      const gt = body.indexOf('>', j);
      if (gt < 0) return false;
      selfClose = body.charCodeAt(gt - 1) === 0x2f;
      const rest = body.slice(j, selfClose ? gt - 1 : gt);
      if (rest.includes('<')) return false;
      ATTR.lastIndex = 0;
      let at = 0;
      for (let a = ATTR.exec(rest); a; a = ATTR.exec(rest)) {
        if (!attrNames) {
          attrNames = [];
          attrValues = [];
        } else if (attrNames.includes(a[1])) return false;
        attrNames.push(a[1]);
        attrValues!.push(a[2] ?? a[3]);
        at = ATTR.lastIndex;
      }
      if (!BLANK.test(rest.slice(at))) return false;
      j = gt + 1;
    }
    if (open.length + 1 > maxDepth) return false;
    // namespaces
    let scope = b.scope();
    let attrs = NO_ATTRS;
    if (attrNames) {
      let declared = false;
      for (let k = 0; k < attrNames.length; k++) {
        const an = attrNames[k];
        if (an === 'xmlns' || an.startsWith('xmlns:')) {
          const p = an === 'xmlns' ? '' : an.slice(6);
          const uri = attrValues![k];
          if (p !== '' && (uri === '' || p.includes(':') || p === 'xml' || p === 'xmlns')) return false;
          if (uri === XML_NS || uri === XMLNS_NS) return false;
          if (!declared) {
            scope = { ...scope };
            declared = true;
          }
          scope[p] = uri;
        }
      }
      for (let k = 0; k < attrNames.length; k++) {
        const an = attrNames[k];
        if (an === 'xmlns' || an.startsWith('xmlns:')) continue;
        const colon = an.indexOf(':');
        let key: string;
        if (colon < 0) key = `{}${an}`;
        else {
          const p = an.slice(0, colon);
          const local = an.slice(colon + 1);
          if (p === '' || local === '' || local.includes(':') || p === 'xml' || p === 'xmlns') return false;
          const uri = scope[p];
          if (uri === undefined || uri === '') return false;
          key = `{${uri}}${local}`;
        }
        if (attrs === NO_ATTRS) attrs = new Map();
        else if (attrs.has(key)) return false;
        attrs.set(key, attrValues![k]);
      }
    }
    const colon = qname.indexOf(':');
    let prefix = '';
    let local = qname;
    let ns: string;
    if (colon < 0) ns = scope[''] ?? '';
    else {
      prefix = qname.slice(0, colon);
      local = qname.slice(colon + 1);
      if (prefix === '' || local === '' || local.includes(':') || prefix === 'xml' || prefix === 'xmlns') return false;
      const uri = scope[prefix];
      if (uri === undefined || uri === '') return false;
      ns = uri;
    }
    b.start(ns, local, prefix, attrs, scope, lineAt(j - 1));
    if (selfClose) b.end();
    else open.push(qname);
    i = j;
  }
  return open.length === 0;
}
