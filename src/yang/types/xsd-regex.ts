/**
 * XML Schema (XSD 1.0, appendix F) regular expressions, as YANG `pattern`
 * uses them (RFC 7950 9.4.5), translated to JavaScript RegExp (flag 'u').
 *
 * Differences from JavaScript handled here:
 * - implicitly anchored at both ends: the result is ^(?:...)$
 * - `^` and `$` are ordinary characters
 * - `.` matches anything but \n and \r
 * - \s is [ \t\n\r]; \d is \p{Nd}; \w is everything but \p{P}\p{Z}\p{C}
 * - \i \c \I \C: XML name characters
 * - \p{IsBlock}: Unicode blocks (a table; JavaScript has no Block property)
 * - character class subtraction [a-z-[aeiou]] becomes a negative lookahead
 * - groups never capture; no back-references exist.
 *
 * Every item of a character class is rendered as a fragment that is valid
 * inside a JavaScript `[...]` (a code point, a range or a \p escape), so
 * classes compose without nesting.
 */

export class XsdRegexError extends Error {
  constructor(
    readonly source: string,
    readonly pos: number,
    detail: string,
  ) {
    super(`Invalid regular expression "${source}": ${detail} (at offset ${pos}).`);
    this.name = 'XsdRegexError';
  }
}

type Range = [number, number];

/** Unicode block names of XSD 1.0 (Unicode 3.1) plus a few later common ones. */
const BLOCKS: Record<string, Range[]> = {
  BasicLatin: [[0x0000, 0x007f]],
  'Latin-1Supplement': [[0x0080, 0x00ff]],
  'LatinExtended-A': [[0x0100, 0x017f]],
  'LatinExtended-B': [[0x0180, 0x024f]],
  IPAExtensions: [[0x0250, 0x02af]],
  SpacingModifierLetters: [[0x02b0, 0x02ff]],
  CombiningDiacriticalMarks: [[0x0300, 0x036f]],
  Greek: [[0x0370, 0x03ff]],
  GreekandCoptic: [[0x0370, 0x03ff]],
  Cyrillic: [[0x0400, 0x04ff]],
  CyrillicSupplement: [[0x0500, 0x052f]],
  CyrillicSupplementary: [[0x0500, 0x052f]],
  Armenian: [[0x0530, 0x058f]],
  Hebrew: [[0x0590, 0x05ff]],
  Arabic: [[0x0600, 0x06ff]],
  Syriac: [[0x0700, 0x074f]],
  Thaana: [[0x0780, 0x07bf]],
  Devanagari: [[0x0900, 0x097f]],
  Bengali: [[0x0980, 0x09ff]],
  Gurmukhi: [[0x0a00, 0x0a7f]],
  Gujarati: [[0x0a80, 0x0aff]],
  Oriya: [[0x0b00, 0x0b7f]],
  Tamil: [[0x0b80, 0x0bff]],
  Telugu: [[0x0c00, 0x0c7f]],
  Kannada: [[0x0c80, 0x0cff]],
  Malayalam: [[0x0d00, 0x0d7f]],
  Sinhala: [[0x0d80, 0x0dff]],
  Thai: [[0x0e00, 0x0e7f]],
  Lao: [[0x0e80, 0x0eff]],
  Tibetan: [[0x0f00, 0x0fff]],
  Myanmar: [[0x1000, 0x109f]],
  Georgian: [[0x10a0, 0x10ff]],
  HangulJamo: [[0x1100, 0x11ff]],
  Ethiopic: [[0x1200, 0x137f]],
  Cherokee: [[0x13a0, 0x13ff]],
  UnifiedCanadianAboriginalSyllabics: [[0x1400, 0x167f]],
  Ogham: [[0x1680, 0x169f]],
  Runic: [[0x16a0, 0x16ff]],
  Khmer: [[0x1780, 0x17ff]],
  Mongolian: [[0x1800, 0x18af]],
  LatinExtendedAdditional: [[0x1e00, 0x1eff]],
  GreekExtended: [[0x1f00, 0x1fff]],
  GeneralPunctuation: [[0x2000, 0x206f]],
  SuperscriptsandSubscripts: [[0x2070, 0x209f]],
  CurrencySymbols: [[0x20a0, 0x20cf]],
  CombiningMarksforSymbols: [[0x20d0, 0x20ff]],
  LetterlikeSymbols: [[0x2100, 0x214f]],
  NumberForms: [[0x2150, 0x218f]],
  Arrows: [[0x2190, 0x21ff]],
  MathematicalOperators: [[0x2200, 0x22ff]],
  MiscellaneousTechnical: [[0x2300, 0x23ff]],
  ControlPictures: [[0x2400, 0x243f]],
  OpticalCharacterRecognition: [[0x2440, 0x245f]],
  EnclosedAlphanumerics: [[0x2460, 0x24ff]],
  BoxDrawing: [[0x2500, 0x257f]],
  BlockElements: [[0x2580, 0x259f]],
  GeometricShapes: [[0x25a0, 0x25ff]],
  MiscellaneousSymbols: [[0x2600, 0x26ff]],
  Dingbats: [[0x2700, 0x27bf]],
  BraillePatterns: [[0x2800, 0x28ff]],
  CJKRadicalsSupplement: [[0x2e80, 0x2eff]],
  KangxiRadicals: [[0x2f00, 0x2fdf]],
  IdeographicDescriptionCharacters: [[0x2ff0, 0x2fff]],
  CJKSymbolsandPunctuation: [[0x3000, 0x303f]],
  Hiragana: [[0x3040, 0x309f]],
  Katakana: [[0x30a0, 0x30ff]],
  Bopomofo: [[0x3100, 0x312f]],
  HangulCompatibilityJamo: [[0x3130, 0x318f]],
  Kanbun: [[0x3190, 0x319f]],
  BopomofoExtended: [[0x31a0, 0x31bf]],
  EnclosedCJKLettersandMonths: [[0x3200, 0x32ff]],
  CJKCompatibility: [[0x3300, 0x33ff]],
  CJKUnifiedIdeographsExtensionA: [[0x3400, 0x4dbf]],
  CJKUnifiedIdeographs: [[0x4e00, 0x9fff]],
  YiSyllables: [[0xa000, 0xa48f]],
  YiRadicals: [[0xa490, 0xa4cf]],
  HangulSyllables: [[0xac00, 0xd7af]],
  HighSurrogates: [[0xd800, 0xdb7f]],
  HighPrivateUseSurrogates: [[0xdb80, 0xdbff]],
  LowSurrogates: [[0xdc00, 0xdfff]],
  PrivateUse: [
    [0xe000, 0xf8ff],
    [0xf0000, 0xffffd],
    [0x100000, 0x10fffd],
  ],
  PrivateUseArea: [[0xe000, 0xf8ff]],
  CJKCompatibilityIdeographs: [[0xf900, 0xfaff]],
  AlphabeticPresentationForms: [[0xfb00, 0xfb4f]],
  'ArabicPresentationForms-A': [[0xfb50, 0xfdff]],
  CombiningHalfMarks: [[0xfe20, 0xfe2f]],
  CJKCompatibilityForms: [[0xfe30, 0xfe4f]],
  SmallFormVariants: [[0xfe50, 0xfe6f]],
  'ArabicPresentationForms-B': [[0xfe70, 0xfeff]],
  Specials: [
    [0xfeff, 0xfeff],
    [0xfff0, 0xffff],
  ],
  HalfwidthandFullwidthForms: [[0xff00, 0xffef]],
  OldItalic: [[0x10300, 0x1032f]],
  Gothic: [[0x10330, 0x1034f]],
  Deseret: [[0x10400, 0x1044f]],
  ByzantineMusicalSymbols: [[0x1d000, 0x1d0ff]],
  MusicalSymbols: [[0x1d100, 0x1d1ff]],
  MathematicalAlphanumericSymbols: [[0x1d400, 0x1d7ff]],
  CJKUnifiedIdeographsExtensionB: [[0x20000, 0x2a6df]],
  CJKCompatibilityIdeographsSupplement: [[0x2f800, 0x2fa1f]],
  Tags: [[0xe0000, 0xe007f]],
};

/** General categories of XSD (all valid JavaScript \p{..} values). */
const CATEGORIES = new Set([
  'L', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo',
  'M', 'Mn', 'Mc', 'Me',
  'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po',
  'Z', 'Zs', 'Zl', 'Zp',
  'S', 'Sm', 'Sc', 'Sk', 'So',
  'C', 'Cc', 'Cf', 'Co', 'Cn',
]);

/** XML 1.0 (5th ed.) NameStartChar. */
const NAME_START: Range[] = [
  [0x3a, 0x3a], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a], [0xc0, 0xd6], [0xd8, 0xf6],
  [0xf8, 0x2ff], [0x370, 0x37d], [0x37f, 0x1fff], [0x200c, 0x200d], [0x2070, 0x218f],
  [0x2c00, 0x2fef], [0x3001, 0xd7ff], [0xf900, 0xfdcf], [0xfdf0, 0xfffd], [0x10000, 0xeffff],
];
/** XML 1.0 (5th ed.) NameChar. */
const NAME_CHAR: Range[] = normalize([
  ...NAME_START,
  [0x2d, 0x2e], [0x30, 0x39], [0xb7, 0xb7], [0x300, 0x36f], [0x203f, 0x2040],
]);
const SPACE: Range[] = [[0x09, 0x0a], [0x0d, 0x0d], [0x20, 0x20]];

function normalize(rs: Range[]): Range[] {
  const s = rs.map((r) => [r[0], r[1]] as Range).sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const r of s) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

function complement(rs: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [a, b] of normalize(rs)) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

function cp(c: number): string {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return String.fromCharCode(c);
  return `\\u{${c.toString(16)}}`;
}

function rangesFrag(rs: Range[]): string {
  return rs.map(([a, b]) => (a === b ? cp(a) : `${cp(a)}-${cp(b)}`)).join('');
}

const SINGLE_ESC: Record<string, number> = {
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  '\\': 0x5c, '|': 0x7c, '.': 0x2e, '?': 0x3f, '*': 0x2a, '+': 0x2b, '(': 0x28, ')': 0x29,
  '{': 0x7b, '}': 0x7d, '-': 0x2d, '[': 0x5b, ']': 0x5d, '^': 0x5e,
  // not in XSD 1.0 but accepted by PCRE-based YANG tools (libyang): literal
  '$': 0x24, '/': 0x2f,
};

const MULTI_ESC: Record<string, string> = {
  s: rangesFrag(SPACE),
  S: rangesFrag(complement(SPACE)),
  i: rangesFrag(NAME_START),
  I: rangesFrag(complement(NAME_START)),
  c: rangesFrag(NAME_CHAR),
  C: rangesFrag(complement(NAME_CHAR)),
  d: '\\p{Nd}',
  D: '\\P{Nd}',
  w: '\\p{L}\\p{M}\\p{N}\\p{S}',
  W: '\\p{P}\\p{Z}\\p{C}',
};

class Translator {
  private pos = 0;
  private readonly chars: number[];

  constructor(private readonly src: string) {
    this.chars = Array.from(src, (c) => c.codePointAt(0)!);
  }

  fail(detail: string, at = this.pos): never {
    throw new XsdRegexError(this.src, at, detail);
  }

  private peek(off = 0): number | undefined {
    return this.chars[this.pos + off];
  }

  private is(ch: string, off = 0): boolean {
    return this.chars[this.pos + off] === ch.charCodeAt(0);
  }

  run(): string {
    const body = this.regExp();
    if (this.pos < this.chars.length) this.fail(`unmatched "${String.fromCodePoint(this.chars[this.pos])}"`);
    return body;
  }

  private regExp(): string {
    const branches = [this.branch()];
    while (this.is('|')) {
      this.pos++;
      branches.push(this.branch());
    }
    return branches.join('|');
  }

  private branch(): string {
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === 0x7c /* | */ || c === 0x29 /* ) */) return out;
      out += this.piece();
    }
  }

  private piece(): string {
    const atom = this.atom();
    return atom + this.quantifier();
  }

  private quantifier(): string {
    const c = this.peek();
    if (c === 0x3f || c === 0x2a || c === 0x2b) {
      this.pos++;
      return String.fromCharCode(c);
    }
    if (c === 0x7b /* { */ && this.isQuantifier()) {
      const start = this.pos;
      this.pos++;
      const n = this.number();
      if (n === null) this.fail('quantifier without a number', start);
      let out = `{${n}`;
      if (this.is(',')) {
        this.pos++;
        const m = this.number();
        if (m !== null) {
          if (BigInt(m) < BigInt(n)) this.fail(`quantifier {${n},${m}} has max below min`, start);
          out += `,${m}`;
        } else out += ',';
      }
      if (!this.is('}')) this.fail('unterminated quantifier', start);
      this.pos++;
      return out + '}';
    }
    return '';
  }

  /** `{n}`, `{n,}` or `{n,m}` ahead; otherwise PCRE (libyang) reads the brace literally */
  private isQuantifier(): boolean {
    let i = this.pos + 1;
    const digit = (): boolean => this.chars[i] >= 0x30 && this.chars[i] <= 0x39;
    if (!digit()) return false;
    while (digit()) i++;
    if (this.chars[i] === 0x2c) {
      i++;
      while (digit()) i++;
    }
    return this.chars[i] === 0x7d;
  }

  private number(): string | null {
    let s = '';
    while (this.peek() !== undefined && this.peek()! >= 0x30 && this.peek()! <= 0x39) {
      s += String.fromCharCode(this.chars[this.pos++]);
    }
    return s === '' ? null : s;
  }

  private atom(): string {
    const start = this.pos;
    const c = this.chars[this.pos];
    switch (c) {
      case 0x28: /* ( */ {
        this.pos++;
        const inner = this.regExp();
        if (!this.is(')')) this.fail('unterminated group', start);
        this.pos++;
        return `(?:${inner})`;
      }
      case 0x5b: /* [ */
        return this.charClassExpr();
      case 0x2e: /* . */
        this.pos++;
        return '[^\\n\\r]';
      case 0x5c: /* \ */ {
        const esc = this.escape(false);
        return esc.single !== undefined ? cp(esc.single) : `[${esc.frag}]`;
      }
      case 0x3f:
      case 0x2a:
      case 0x2b:
        this.fail(`quantifier "${String.fromCharCode(c)}" without an atom`);
      // eslint-disable-next-line no-fallthrough
      case 0x7b: /* { */
        // PCRE (libyang) takes a '{' that does not start a quantifier literally
        if (this.isQuantifier()) this.fail('quantifier without an atom');
        this.pos++;
        return cp(c);
      case 0x5d: /* ] */
        this.fail('unmatched "]"');
      // eslint-disable-next-line no-fallthrough
      default:
        this.pos++;
        return cp(c);
    }
  }

  /** Parses an escape at `\`; returns a single code point or a class fragment. */
  private escape(inClass: boolean): { single?: number; frag: string } {
    const start = this.pos;
    this.pos++; // '\'
    const c = this.chars[this.pos];
    if (c === undefined) this.fail('trailing backslash', start);
    const ch = String.fromCodePoint(c);
    this.pos++;
    if (ch in SINGLE_ESC) {
      const v = SINGLE_ESC[ch];
      return { single: v, frag: cp(v) };
    }
    if (ch in MULTI_ESC) return { frag: MULTI_ESC[ch] };
    if (ch === 'p' || ch === 'P') {
      if (!this.is('{')) this.fail(`\\${ch} without {name}`, start);
      const close = this.chars.indexOf(0x7d, this.pos);
      if (close < 0) this.fail(`unterminated \\${ch}{`, start);
      const name = String.fromCodePoint(...this.chars.slice(this.pos + 1, close));
      this.pos = close + 1;
      const neg = ch === 'P';
      if (name.startsWith('Is')) {
        const block = BLOCKS[name.slice(2)];
        if (!block) this.fail(`unknown Unicode block "${name}"`, start);
        return { frag: rangesFrag(neg ? complement(block) : block) };
      }
      if (!CATEGORIES.has(name)) this.fail(`unknown Unicode category "${name}"`, start);
      return { frag: `\\${ch}{${name}}` };
    }
    void inClass;
    if (c >= 0x30 && c <= 0x39) this.fail('back-references are not allowed in XSD regular expressions', start);
    return this.fail(`unknown escape "\\${ch}"`, start);
  }

  /** `[` charGroup `]`, possibly with subtraction; returns a JS atom. */
  private charClassExpr(): string {
    const start = this.pos;
    this.pos++; // '['
    let neg = false;
    if (this.is('^')) {
      neg = true;
      this.pos++;
    }
    let items = '';
    let count = 0;
    let sub: string | null = null;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('unterminated character class', start);
      if (c === 0x5d /* ] */) {
        if (count === 0) this.fail('empty character class', start);
        this.pos++;
        break;
      }
      if (c === 0x2d /* - */ && this.is('[', 1)) {
        if (count === 0) this.fail('subtraction without a character group', start);
        this.pos++;
        sub = this.charClassExpr();
        if (!this.is(']')) this.fail('character class subtraction must end the class', start);
        this.pos++;
        break;
      }
      if (c === 0x5b /* [ */) this.fail('"[" must be escaped inside a character class');
      // a single character or escape, maybe the start of a range
      let lo: number | undefined;
      if (c === 0x5c) {
        const e = this.escape(true);
        if (e.single === undefined) {
          items += e.frag;
          count++;
          continue;
        }
        lo = e.single;
      } else {
        lo = c;
        this.pos++;
      }
      if (this.is('-') && !this.is(']', 1) && !this.is('[', 1) && this.peek(1) !== undefined) {
        const dashAt = this.pos;
        this.pos++;
        let hi: number;
        if (this.is('\\')) {
          const e = this.escape(true);
          if (e.single === undefined) this.fail('a range cannot end in a multi-character escape', dashAt);
          hi = e.single;
        } else {
          hi = this.chars[this.pos++];
        }
        if (hi < lo) this.fail('character range out of order', dashAt);
        items += `${cp(lo)}-${cp(hi)}`;
      } else {
        items += cp(lo);
      }
      count++;
    }
    const base = `[${neg ? '^' : ''}${items}]`;
    return sub === null ? base : `(?:(?!${sub})${base})`;
  }
}

const cache = new Map<string, RegExp>();

/** Translate an XSD regular expression to an anchored JavaScript RegExp ('u'). Throws XsdRegexError. */
export function xsdToRegExp(source: string): RegExp {
  const hit = cache.get(source);
  if (hit) return hit;
  const body = new Translator(source).run();
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${body})$`, 'u');
  } catch (e) {
    throw new XsdRegexError(source, 0, (e as Error).message);
  }
  if (cache.size > 10000) cache.clear();
  cache.set(source, re);
  return re;
}

/** The JavaScript source (without flags) xsdToRegExp would build; for diagnostics. */
export function xsdToJsSource(source: string): string {
  return `^(?:${new Translator(source).run()})$`;
}
