/**
 * YANG text parser (RFC 7950 sections 6.1 to 6.3): statements, keywords,
 * extension keywords `prefix:kw`, unquoted / single / double quoted strings
 * (with escapes and the indentation rule of multi-line double-quoted
 * strings), `+` concatenation, `//` and block comments. Every Statement
 * carries the file, line and column of its keyword.
 */
import { SourceError } from '../../errors';
import type { Statement } from '../schema';

const enum Ch {
  TAB = 9,
  LF = 10,
  CR = 13,
  SPACE = 32,
  DQUOTE = 34,
  SQUOTE = 39,
  PLUS = 43,
  STAR = 42,
  SLASH = 47,
  SEMI = 59,
  LBRACE = 123,
  RBRACE = 125,
  BACKSLASH = 92,
}

const KEYWORD_RE = /^(?:[A-Za-z_][A-Za-z0-9_.-]*:)?[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * The YANG keywords (RFC 7950 section 14; YANG 1.0's are a subset). Any
 * other keyword needs a prefix (an extension, section 6.3.1): a bare
 * unknown one is a typo, such as "mandatroy", and never silently dropped.
 */
const YANG_KEYWORDS = new Set(
  ('action anydata anyxml argument augment base belongs-to bit case choice config contact container default ' +
    'description deviate deviation enum error-app-tag error-message extension feature fraction-digits grouping ' +
    'identity if-feature import include input key leaf leaf-list length list mandatory max-elements min-elements ' +
    'modifier module must namespace notification ordered-by organization output path pattern position prefix ' +
    'presence range reference refine require-instance revision revision-date rpc status submodule type typedef ' +
    'unique units uses value when yang-version yin-element').split(' '),
);

/**
 * Statements that stand at most once in their parent (RFC 7950 section 14):
 * a second "type" or "mandatory" in a leaf is an error, never a silent
 * choice of one of them. "type" may repeat in a union's type, "default" in
 * a leaf-list, a refine and a "deviate add" or "delete".
 */
const SINGLE = new Set(
  ('units config mandatory presence min-elements max-elements ordered-by key status description reference contact ' +
    'organization namespace prefix yang-version fraction-digits range length path require-instance when position ' +
    'value modifier error-message error-app-tag yin-element argument belongs-to revision-date type default input output').split(' '),
);
function checkSingles(st: Statement, err: (line: number, col: number, msg: string) => SourceError): void {
  if (st.subs.length < 2 || st.keyword.includes(':')) return;
  const seen = new Set<string>();
  for (const sub of st.subs) {
    const kw = sub.keyword;
    if (!SINGLE.has(kw)) continue;
    if (kw === 'type' && st.keyword === 'type') continue;
    if (kw === 'default' && (st.keyword === 'leaf-list' || st.keyword === 'refine' || (st.keyword === 'deviate' && st.arg !== 'replace'))) continue;
    if (seen.has(kw)) throw err(sub.loc.line, sub.loc.col, `'${kw}' given twice in '${st.keyword}' (RFC 7950 section 14)`);
    seen.add(kw);
  }
}

/** parents of the body statements (RFC 7950 section 14: body-stmts) */
const TOP = 'module submodule';
/** the data-def-stmt of RFC 7950 section 14 */
const DATA_DEF = 'container leaf leaf-list list choice anydata anyxml uses';
/** where a data-def-stmt stands; all but "uses" stand in a choice too, as a short case */
const DATA_HOLDERS = `${TOP} container list grouping augment case input output notification`;
/** the statements with "when", "if-feature", "status", "description" and "reference" (schema nodes, uses, augment) */
const NODES = 'container leaf leaf-list list choice case anydata anyxml uses augment';
/** where "description" and "reference" stand */
const DOCUMENTED = `${TOP} import include revision extension feature identity typedef grouping ${NODES} refine when must rpc action notification deviation range length pattern enum bit`;
/** where "typedef" and "grouping" stand (not in a choice, case, augment or uses) */
const DEFINERS = `${TOP} container list grouping rpc action input output notification`;

/**
 * Where each YANG statement may stand (RFC 7950 section 14): a keyword
 * under any other YANG statement is an error, such as "key" in a
 * container, "uses" in a choice (it is no short case) or "status" in a
 * refine; a statement with no substatements in the grammar (description,
 * type's "path", ...) has none here either. YANG 1.1 only added places to
 * YANG 1.0's (if-feature in enum, bit, identity and refine; must in input,
 * output and notification; a choice as a short case; default in a
 * leaf-list; description in import and include), so a 1.0 module parses
 * against the same table. A statement under an extension is not checked.
 */
const PLACES: Record<string, Set<string>> = Object.fromEntries(
  Object.entries({
    module: '',
    submodule: '',
    'yang-version': TOP,
    namespace: 'module',
    prefix: 'module import belongs-to',
    'belongs-to': 'submodule',
    import: TOP,
    include: TOP,
    'revision-date': 'import include',
    organization: TOP,
    contact: TOP,
    revision: TOP,
    description: DOCUMENTED,
    reference: DOCUMENTED,
    extension: TOP,
    argument: 'extension',
    'yin-element': 'argument',
    feature: TOP,
    identity: TOP,
    'if-feature': `${NODES} rpc action notification feature identity enum bit refine`,
    status: `${NODES} rpc action notification grouping typedef feature identity extension enum bit`,
    base: 'type identity',
    typedef: DEFINERS,
    grouping: DEFINERS,
    container: `${DATA_HOLDERS} choice`,
    leaf: `${DATA_HOLDERS} choice`,
    'leaf-list': `${DATA_HOLDERS} choice`,
    list: `${DATA_HOLDERS} choice`,
    choice: `${DATA_HOLDERS} choice`,
    anydata: `${DATA_HOLDERS} choice`,
    anyxml: `${DATA_HOLDERS} choice`,
    uses: DATA_HOLDERS,
    case: 'choice augment',
    rpc: TOP,
    action: 'container list grouping augment',
    notification: `${TOP} container list grouping augment`,
    input: 'rpc action',
    output: 'rpc action',
    augment: `${TOP} uses`,
    refine: 'uses',
    deviation: TOP,
    deviate: 'deviation',
    when: NODES,
    must: 'container leaf leaf-list list anydata anyxml refine deviate input output notification',
    key: 'list',
    unique: 'list deviate',
    presence: 'container refine',
    mandatory: 'leaf choice anydata anyxml refine deviate',
    'min-elements': 'leaf-list list refine deviate',
    'max-elements': 'leaf-list list refine deviate',
    'ordered-by': 'leaf-list list',
    config: 'container leaf leaf-list list choice anydata anyxml refine deviate',
    type: 'leaf leaf-list typedef type deviate',
    units: 'leaf leaf-list typedef deviate',
    default: 'leaf leaf-list choice typedef refine deviate',
    'fraction-digits': 'type',
    range: 'type',
    length: 'type',
    pattern: 'type',
    modifier: 'pattern',
    path: 'type',
    'require-instance': 'type',
    enum: 'type',
    value: 'enum',
    bit: 'type',
    position: 'bit',
    'error-message': 'must range length pattern',
    'error-app-tag': 'must range length pattern',
  }).map(([k, v]) => [k, new Set(v.split(' ').filter(Boolean))]),
);

/**
 * What each kind of "deviate" may hold (RFC 7950 section 14:
 * deviate-add-stmt, deviate-delete-stmt, deviate-replace-stmt,
 * deviate-not-supported-stmt): "type" is only replaced, "must" and
 * "unique" only added or deleted.
 */
const DEVIATE: Record<string, Set<string>> = Object.fromEntries(
  Object.entries({
    'not-supported': '',
    add: 'units must unique default config mandatory min-elements max-elements',
    delete: 'units must unique default',
    replace: 'type units default config mandatory min-elements max-elements',
  }).map(([k, v]) => [k, new Set(v.split(' ').filter(Boolean))]),
);

/**
 * Substatements a statement cannot go without (RFC 7950 section 14): each
 * entry is one requirement, met by any of its space-separated keywords. A
 * leaf with no type or an import with no prefix is an error here, rather
 * than a guess later. An input, output or list holds a data-def-stmt ("1*"
 * in the grammar; libyang 2.1 lets an empty list pass). The grammar's
 * "1*" of an augment is not required: IETF modules (ietf-tcp-client, -server)
 * use an augment with only an if-feature, and libyang accepts it.
 * yang-version is not required either: a module without it is YANG 1.0.
 */
const REQUIRED: Record<string, string[]> = {
  module: ['namespace', 'prefix'],
  submodule: ['belongs-to'],
  import: ['prefix'],
  'belongs-to': ['prefix'],
  leaf: ['type'],
  'leaf-list': ['type'],
  typedef: ['type'],
  deviation: ['deviate'],
  list: [DATA_DEF],
  input: [DATA_DEF],
  output: [DATA_DEF],
};
function checkRequired(st: Statement, err: (line: number, col: number, msg: string) => SourceError): void {
  for (const need of REQUIRED[st.keyword] ?? []) {
    const any = need.split(' ');
    if (st.subs.some((s) => any.includes(s.keyword))) continue;
    const what = any.length === 1 ? `a '${need}'` : `one of ${any.map((a) => `'${a}'`).join(', ')}`;
    throw err(st.loc.line, st.loc.col, `'${st.keyword}' needs ${what} substatement (RFC 7950 section 14)`);
  }
}

/**
 * The sections of a module or submodule, in the order RFC 7950 section 14
 * (module-stmt, submodule-stmt) gives them: header, linkage, meta,
 * revision, body. The grammar marks the statements that "can appear in
 * any order" (within each section; the body is one repeated choice), and
 * the sections themselves are not so marked: a section never comes back
 * after a later one, so an import after a container, or an organization
 * after a revision, is an error, as in libyang 2.1. RFC 6020
 * section 12 (YANG 1.0) has the same sections in the same order; it only
 * lets a module leave yang-version out, and the header is in any order in
 * both, so one table serves both versions. A keyword not named here is a
 * body statement. An extension instance (a prefixed keyword) may stand
 * anywhere and does not move the section.
 */
const SECTIONS = ['header', 'linkage', 'meta', 'revision', 'body'];
const SECTION_OF: Record<string, number> = {
  'yang-version': 0,
  namespace: 0,
  prefix: 0,
  'belongs-to': 0,
  import: 1,
  include: 1,
  organization: 2,
  contact: 2,
  description: 2,
  reference: 2,
  revision: 3,
};
const sectionOf = (kw: string): number => SECTION_OF[kw] ?? SECTIONS.length - 1;
/** the error for keyword kw, now given in module or submodule top, if one of its statements of a later section came before */
function checkOrder(top: Statement, kw: string, err: (msg: string) => SourceError): void {
  const sec = sectionOf(kw);
  // the statements before are in order, so the last one that is not an extension's holds the latest
  // section so far (a backwards scan: no copy per statement)
  let prev: Statement | undefined;
  for (let i = top.subs.length - 1; i >= 0 && !prev; i--) if (!top.subs[i].keyword.includes(':')) prev = top.subs[i];
  if (!prev || sectionOf(prev.keyword) <= sec) return;
  const later = SECTIONS.slice(sec + 1);
  const list = later.length > 1 ? `${later.slice(0, -1).join(', ')} and ${later[later.length - 1]}` : later[0];
  throw err(`'${kw}' cannot come after '${prev.keyword}' in '${top.keyword}': the ${SECTIONS[sec]} statements come before the ${list} statements (RFC 7950 section 14)`);
}

interface Tok {
  /** 's': string (keyword or argument), or one of '{', '}', ';', '+', 'eof' */
  kind: 's' | '{' | '}' | ';' | '+' | 'eof';
  text: string;
  quoted: boolean;
  line: number;
  col: number;
}

class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  /** YANG 1.1: an unknown escape in a double-quoted string is an error */
  strictEscapes = false;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  err(line: number, col: number, msg: string): SourceError {
    return new SourceError(this.file, line, col, msg);
  }

  private newline(at: number): void {
    this.line++;
    this.lineStart = at + 1;
  }

  /** skip whitespace and comments */
  private skip(): void {
    const t = this.text;
    const n = t.length;
    while (this.pos < n) {
      const c = t.charCodeAt(this.pos);
      if (c === Ch.LF) {
        this.newline(this.pos);
        this.pos++;
      } else if (c === Ch.SPACE || c === Ch.TAB || c === Ch.CR) {
        this.pos++;
      } else if (c === Ch.SLASH && t.charCodeAt(this.pos + 1) === Ch.SLASH) {
        const e = t.indexOf('\n', this.pos);
        this.pos = e < 0 ? n : e;
      } else if (c === Ch.SLASH && t.charCodeAt(this.pos + 1) === Ch.STAR) {
        const line = this.line;
        const col = this.pos - this.lineStart + 1;
        const e = t.indexOf('*/', this.pos + 2);
        if (e < 0) throw this.err(line, col, 'unterminated comment');
        for (let i = this.pos; i < e; i++) if (t.charCodeAt(i) === Ch.LF) this.newline(i);
        this.pos = e + 2;
      } else {
        return;
      }
    }
  }

  next(): Tok {
    this.skip();
    const t = this.text;
    const line = this.line;
    const col = this.pos - this.lineStart + 1;
    if (this.pos >= t.length) return { kind: 'eof', text: '', quoted: false, line, col };
    const c = t.charCodeAt(this.pos);
    if (c === Ch.LBRACE || c === Ch.RBRACE || c === Ch.SEMI) {
      this.pos++;
      return { kind: t[this.pos - 1] as '{' | '}' | ';', text: t[this.pos - 1], quoted: false, line, col };
    }
    if (c === Ch.DQUOTE) return { kind: 's', text: this.dquoted(line, col), quoted: true, line, col };
    if (c === Ch.SQUOTE) {
      const e = t.indexOf("'", this.pos + 1);
      if (e < 0) throw this.err(line, col, 'unterminated single-quoted string');
      const s = t.slice(this.pos + 1, e);
      for (let i = this.pos + 1; i < e; i++) if (t.charCodeAt(i) === Ch.LF) this.newline(i);
      this.pos = e + 1;
      return { kind: 's', text: s, quoted: true, line, col };
    }
    // unquoted string (or '+', which is only special between quoted strings)
    const start = this.pos;
    let i = this.pos;
    const n = t.length;
    while (i < n) {
      const d = t.charCodeAt(i);
      if (
        d === Ch.SPACE ||
        d === Ch.TAB ||
        d === Ch.LF ||
        d === Ch.CR ||
        d === Ch.SEMI ||
        d === Ch.LBRACE ||
        d === Ch.RBRACE ||
        d === Ch.DQUOTE ||
        d === Ch.SQUOTE
      )
        break;
      if (d === Ch.SLASH && (t.charCodeAt(i + 1) === Ch.SLASH || t.charCodeAt(i + 1) === Ch.STAR)) break;
      if (d === Ch.STAR && t.charCodeAt(i + 1) === Ch.SLASH) {
        throw this.err(line, i - this.lineStart + 1, "'*/' outside a comment");
      }
      i++;
    }
    const d = t.charCodeAt(i);
    if (i < n && (d === Ch.DQUOTE || d === Ch.SQUOTE) && i > start) {
      throw this.err(line, i - this.lineStart + 1, 'quote character inside an unquoted string');
    }
    this.pos = i;
    const s = t.slice(start, i);
    if (s === '+') return { kind: '+', text: s, quoted: false, line, col };
    return { kind: 's', text: s, quoted: false, line, col };
  }

  /** a double-quoted string starting at this.pos (RFC 7950 6.1.3) */
  private dquoted(line: number, col: number): string {
    const t = this.text;
    const n = t.length;
    // column (0-based, tabs expanded to 8) of the opening quote
    const quoteCol = visualCol(t, this.lineStart, this.pos);
    let i = this.pos + 1;
    let out = '';
    let seg = i;
    const flush = (end: number): void => {
      out += t.slice(seg, end);
    };
    for (;;) {
      if (i >= n) throw this.err(line, col, 'unterminated double-quoted string');
      const c = t.charCodeAt(i);
      if (c === Ch.DQUOTE) {
        flush(i);
        this.pos = i + 1;
        return out;
      }
      if (c === Ch.BACKSLASH) {
        flush(i);
        const e = t[i + 1];
        if (e === 'n') out += '\n';
        else if (e === 't') out += '\t';
        else if (e === '"') out += '"';
        else if (e === '\\') out += '\\';
        else if (this.strictEscapes || e === undefined) {
          throw this.err(this.line, i - this.lineStart + 1, `invalid escape sequence "\\${e ?? ''}" in a double-quoted string`);
        } else out += '\\' + e; // YANG 1.0 keeps the backslash
        i += 2;
        seg = i;
        continue;
      }
      if (c === Ch.LF) {
        // strip trailing whitespace before the line break
        flush(i);
        out = out.replace(/[ \t]+$/, '');
        // CR before LF is part of the trailing whitespace as well
        if (out.endsWith('\r')) out = out.slice(0, -1).replace(/[ \t]+$/, '');
        out += '\n';
        this.newline(i);
        i++;
        // strip indentation up to and including the column of the opening quote
        let vcol = 0;
        while (i < n && vcol <= quoteCol) {
          const w = t.charCodeAt(i);
          if (w === Ch.SPACE) {
            vcol++;
            i++;
          } else if (w === Ch.TAB) {
            const nv = vcol + 8;
            if (nv > quoteCol + 1) {
              // a tab that straddles the column: keep the excess as spaces
              out += ' '.repeat(nv - (quoteCol + 1));
              vcol = nv;
              i++;
              break;
            }
            vcol = nv;
            i++;
          } else break;
        }
        seg = i;
        continue;
      }
      i++;
    }
  }
}

function visualCol(t: string, lineStart: number, pos: number): number {
  let v = 0;
  for (let i = lineStart; i < pos; i++) v += t.charCodeAt(i) === Ch.TAB ? 8 : 1;
  return v;
}

/**
 * Parse one YANG module or submodule. Throws SourceError naming
 * file:line:col on the first syntax error.
 */
export function parseYang(text: string, file: string): Statement {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lx = new Lexer(text, file);
  let tok = lx.next();
  const k = (): Tok['kind'] => tok.kind;
  const advance = (): void => {
    tok = lx.next();
  };

  const parseArg = (): string | null => {
    if (k() !== 's') return null;
    let s = tok.text;
    const quoted = tok.quoted;
    advance();
    if (!quoted) return s;
    while (k() === '+') {
      const plus = tok;
      advance();
      if (k() !== 's' || !tok.quoted) throw lx.err(plus.line, plus.col, "'+' must be followed by a quoted string");
      s += tok.text;
      advance();
    }
    return s;
  };

  const parseStatement = (depth: number, parent: Statement | null): Statement => {
    if (k() !== 's' || tok.quoted) {
      throw lx.err(tok.line, tok.col, k() === 'eof' ? 'unexpected end of file, a statement was expected' : `a keyword was expected, found '${tok.text}'`);
    }
    const kwTok = tok;
    if (!KEYWORD_RE.test(kwTok.text)) throw lx.err(kwTok.line, kwTok.col, `invalid keyword '${kwTok.text}'`);
    if (!YANG_KEYWORDS.has(kwTok.text) && !kwTok.text.includes(':')) {
      throw lx.err(kwTok.line, kwTok.col, `unknown keyword '${kwTok.text}' (an extension keyword needs its prefix, RFC 7950 6.3.1)`);
    }
    /** a YANG statement in a YANG statement (or the module): an extension's substatements are its own */
    const checked = YANG_KEYWORDS.has(kwTok.text) && (parent === null || YANG_KEYWORDS.has(parent.keyword));
    if (checked && parent !== null) {
      const where = parent.keyword === 'deviate' ? DEVIATE[parent.arg ?? ''] : undefined;
      if (!PLACES[kwTok.text].has(parent.keyword) || (where && !where.has(kwTok.text))) {
        const p = where ? `deviate ${parent.arg}` : parent.keyword;
        throw lx.err(kwTok.line, kwTok.col, `'${kwTok.text}' cannot stand in '${p}' (RFC 7950 section 14)`);
      }
      if (parent.keyword === 'module' || parent.keyword === 'submodule') checkOrder(parent, kwTok.text, (m) => lx.err(kwTok.line, kwTok.col, m));
    }
    advance();
    const arg = parseArg();
    const st: Statement = { keyword: kwTok.text, arg, subs: [], loc: { file, line: kwTok.line, col: kwTok.col } };
    if (st.keyword === 'yang-version' && arg === '1.1') lx.strictEscapes = true;
    if (k() === ';') {
      advance();
      if (checked) checkRequired(st, (l, c, m) => lx.err(l, c, m));
      return st;
    }
    if (k() === '{') {
      const open = tok;
      advance();
      for (;;) {
        if (k() === '}') {
          advance();
          checkSingles(st, (l, c, m) => lx.err(l, c, m));
          if (checked) checkRequired(st, (l, c, m) => lx.err(l, c, m));
          return st;
        }
        if (k() === 'eof') throw lx.err(open.line, open.col, `unterminated block of '${st.keyword}' (missing '}')`);
        st.subs.push(parseStatement(depth + 1, st));
      }
    }
    if (k() === 'eof') throw lx.err(tok.line, tok.col, `unexpected end of file after '${st.keyword}', ';' or '{' was expected`);
    throw lx.err(tok.line, tok.col, `unexpected '${tok.text}' after '${st.keyword}'${arg !== null ? ' argument' : ''}, ';' or '{' was expected`);
  };

  const top = parseStatement(0, null);
  if (top.keyword !== 'module' && top.keyword !== 'submodule') {
    throw lx.err(top.loc.line, top.loc.col, `expected 'module' or 'submodule', found '${top.keyword}'`);
  }
  if (top.arg === null) throw lx.err(top.loc.line, top.loc.col, `'${top.keyword}' needs a name`);
  if (k() !== 'eof') throw lx.err(tok.line, tok.col, `unexpected content after the end of the ${top.keyword}`);
  return top;
}
