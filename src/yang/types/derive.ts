/**
 * derive(): apply the restrictions of a `type` statement to a base type
 * (RFC 7950 sections 9.2 to 9.13), checking that every restriction narrows
 * the base. Always returns a new YangType; the base is never modified.
 */
import { SourceError } from '../../errors';
import type {
  BitItem,
  EnumItem,
  Interval,
  PatternRestriction,
  RangeRestriction,
  SourceLoc,
  Statement,
  YangType,
} from '../schema';
import { SPECIAL_TYPEDEFS, type TypeScope } from './api';
import { DEC64_LIMITS, LENGTH_LIMITS, isIntegerType } from './builtin';
import { XsdRegexError, xsdToRegExp } from './xsd-regex';

function err(loc: SourceLoc, msg: string): never {
  throw new SourceError(loc.file, loc.line, loc.col, msg);
}

function argOf(s: Statement): string {
  if (s.arg === null) err(s.loc, `Missing argument of "${s.keyword}".`);
  return s.arg;
}

/** error-message / error-app-tag of a restriction statement */
function restrictionInfo(s: Statement): { errorMessage?: string; errorAppTag?: string } {
  const out: { errorMessage?: string; errorAppTag?: string } = {};
  for (const sub of s.subs) {
    if (sub.keyword === 'error-message') out.errorMessage = argOf(sub);
    else if (sub.keyword === 'error-app-tag') out.errorAppTag = argOf(sub);
  }
  return out;
}

const INT_RE = /^[+-]?[0-9]+$/;
const DEC_RE = /^([+-]?)([0-9]+)(?:\.([0-9]+))?$/;

/** Parse a boundary of a range/length statement. `fd` set: decimal64 scaled. */
function parseBound(text: string, fd: number | undefined, what: string, loc: SourceLoc): bigint {
  if (fd === undefined) {
    if (!INT_RE.test(text)) err(loc, `Invalid ${what} restriction - invalid value "${text}".`);
    return BigInt(text);
  }
  const m = DEC_RE.exec(text);
  if (!m) err(loc, `Invalid ${what} restriction - invalid decimal64 value "${text}".`);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > fd) {
    err(loc, `Invalid ${what} restriction - value "${text}" has more than ${fd} fraction digits.`);
  }
  const v = BigInt(m[2] + frac.padEnd(fd, '0'));
  return m[1] === '-' ? -v : v;
}

/**
 * Parse "a..b | c" against the base intervals: min/max are the base's
 * lowest and highest values; every part must lie inside one base interval;
 * parts ascending and disjoint.
 */
export function parseIntervals(
  text: string,
  base: Interval[],
  fd: number | undefined,
  what: 'range' | 'length',
  loc: SourceLoc,
): Interval[] {
  const lo = base[0].min;
  const hi = base[base.length - 1].max;
  const bound = (s: string): bigint => {
    if (s === 'min') return lo;
    if (s === 'max') return hi;
    return parseBound(s, fd, what, loc);
  };
  const out: Interval[] = [];
  for (const partRaw of text.split('|')) {
    const part = partRaw.trim();
    if (part === '') err(loc, `Invalid ${what} restriction - empty part in "${text}".`);
    const dots = part.indexOf('..');
    let min: bigint;
    let max: bigint;
    if (dots < 0) {
      min = max = bound(part);
    } else {
      const a = part.slice(0, dots).trim();
      const b = part.slice(dots + 2).trim();
      if (a === '' || b === '' || b.includes('..')) err(loc, `Invalid ${what} restriction - unexpected "${part}".`);
      min = bound(a);
      max = bound(b);
      if (max < min) err(loc, `Invalid ${what} restriction - values are not in ascending order (${part}).`);
    }
    const prev = out[out.length - 1];
    if (prev && min <= prev.max) {
      err(loc, `Invalid ${what} restriction - values are not in ascending order or overlap (${part}).`);
    }
    if (!base.some((iv) => iv.min <= min && max <= iv.max)) {
      err(loc, `Invalid ${what} restriction - the derived restriction (${text.trim()}) is not equally or more limiting.`);
    }
    out.push({ min, max });
  }
  return out;
}

function baseIntervals(t: YangType): Interval[] {
  if (t.range) return t.range.intervals;
  return [DEC64_LIMITS];
}

function isEnabled(scope: TypeScope, s: Statement): boolean {
  return scope.isEnabled ? scope.isEnabled(s) : true;
}

const NAME_WS_RE = /^\s|\s$/;

function deriveEnums(base: YangType, stmts: Statement[], scope: TypeScope): EnumItem[] {
  const restricting = base.enums !== undefined;
  if (restricting && scope.module.yangVersion === '1') {
    err(stmts[0].loc, 'Invalid enum restriction - enum restriction is not allowed in YANG 1.0.');
  }
  const out: EnumItem[] = [];
  const names = new Set<string>();
  const values = new Set<number>();
  let highest: number | undefined;
  for (const s of stmts) {
    const name = argOf(s);
    if (name === '' || NAME_WS_RE.test(name)) err(s.loc, `Invalid enum name "${name}": empty or with leading/trailing whitespace.`);
    if (names.has(name)) err(s.loc, `Duplicate enum name "${name}".`);
    names.add(name);
    const vs = s.subs.find((x) => x.keyword === 'value');
    let value: number;
    const inBase = restricting ? base.enums!.find((e) => e.name === name) : undefined;
    if (restricting && !inBase) err(s.loc, `Invalid enumeration - derived type adds new item "${name}".`);
    if (vs) {
      const text = argOf(vs).trim();
      if (!INT_RE.test(text)) err(vs.loc, `Invalid value "${text}" of "value".`);
      const v = BigInt(text);
      if (v < -2147483648n || v > 2147483647n) err(vs.loc, `Invalid value "${text}" of "value" (out of int32 bounds).`);
      value = Number(v);
      if (inBase && inBase.value !== value) {
        err(vs.loc, `Invalid enumeration - value of the item "${name}" has changed from ${inBase.value} to ${value} in the derived type.`);
      }
    } else if (inBase) {
      value = inBase.value;
    } else {
      if (highest === undefined) value = 0;
      else if (highest === 2147483647) err(s.loc, `Invalid enumeration - it is not possible to auto-assign enum value for "${name}" since the highest value is already 2147483647.`);
      else value = highest + 1;
    }
    if (values.has(value)) err(s.loc, `Invalid enumeration - value ${value} collide in items.`);
    values.add(value);
    if (highest === undefined || value > highest) highest = value;
    if (isEnabled(scope, s)) out.push({ name, value });
  }
  return out;
}

function deriveBits(base: YangType, stmts: Statement[], scope: TypeScope): BitItem[] {
  const restricting = base.bits !== undefined;
  if (restricting && scope.module.yangVersion === '1') {
    err(stmts[0].loc, 'Invalid bits restriction - bit restriction is not allowed in YANG 1.0.');
  }
  const out: BitItem[] = [];
  const names = new Set<string>();
  const positions = new Set<number>();
  let highest: number | undefined;
  for (const s of stmts) {
    const name = argOf(s);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) err(s.loc, `Invalid bit name "${name}".`);
    if (names.has(name)) err(s.loc, `Duplicate bit name "${name}".`);
    names.add(name);
    const ps = s.subs.find((x) => x.keyword === 'position');
    const inBase = restricting ? base.bits!.find((b) => b.name === name) : undefined;
    if (restricting && !inBase) err(s.loc, `Invalid bits - derived type adds new item "${name}".`);
    let position: number;
    if (ps) {
      const text = argOf(ps).trim();
      if (!/^\+?[0-9]+$/.test(text)) err(ps.loc, `Invalid value "${text}" of "position".`);
      const v = BigInt(text);
      if (v > 4294967295n) err(ps.loc, `Invalid value "${text}" of "position" (out of uint32 bounds).`);
      position = Number(v);
      if (inBase && inBase.position !== position) {
        err(ps.loc, `Invalid bits - position of the item "${name}" has changed from ${inBase.position} to ${position} in the derived type.`);
      }
    } else if (inBase) {
      position = inBase.position;
    } else {
      if (highest === undefined) position = 0;
      else if (highest === 4294967295) err(s.loc, `Invalid bits - it is not possible to auto-assign bit position for "${name}" since the highest value is already 4294967295.`);
      else position = highest + 1;
    }
    if (positions.has(position)) err(s.loc, `Invalid bits - position ${position} collide in items.`);
    positions.add(position);
    if (highest === undefined || position > highest) highest = position;
    if (isEnabled(scope, s)) out.push({ name, position });
  }
  out.sort((a, b) => a.position - b.position);
  return out;
}

function parsePattern(s: Statement): PatternRestriction {
  const source = argOf(s);
  let regex: RegExp;
  try {
    regex = xsdToRegExp(source);
  } catch (e) {
    if (e instanceof XsdRegexError) err(s.loc, e.message);
    throw e;
  }
  let invert = false;
  for (const sub of s.subs) {
    if (sub.keyword === 'modifier') {
      if (sub.arg !== 'invert-match') err(sub.loc, `Invalid value "${sub.arg}" of "modifier".`);
      invert = true;
    }
  }
  return { source, regex, invert, ...restrictionInfo(s) };
}

function parseBool(s: Statement): boolean {
  if (s.arg === 'true') return true;
  if (s.arg === 'false') return false;
  return err(s.loc, `Invalid value "${s.arg}" of "${s.keyword}".`);
}

/** keyword -> the builtin bases that allow it */
const ALLOWED: Record<string, (t: YangType) => boolean> = {
  range: (t) => isIntegerType(t.base) || t.base === 'decimal64',
  length: (t) => t.base === 'string' || t.base === 'binary',
  pattern: (t) => t.base === 'string',
  enum: (t) => t.base === 'enumeration',
  bit: (t) => t.base === 'bits',
  'fraction-digits': (t) => t.base === 'decimal64',
  path: (t) => t.base === 'leafref',
  'require-instance': (t) => t.base === 'leafref' || t.base === 'instance-identifier',
  base: (t) => t.base === 'identityref',
  type: (t) => t.base === 'union',
};

const IGNORED = new Set(['description', 'reference', 'status', 'units', 'default']);

/** leafref members get their own object (their target is resolved per use) */
function freshForUse(m: YangType): YangType {
  if (m.base === 'leafref') return { ...m, target: undefined };
  if (m.base === 'union' && m.union) return { ...m, union: m.union.map(freshForUse) };
  return m;
}

export function derive(base: YangType, stmt: Statement, scope: TypeScope): YangType {
  const t: YangType = {
    ...base,
    name: stmt.arg ?? base.name,
    module: scope.module,
    patterns: base.patterns.slice(),
  };
  if (stmt.arg !== null && stmt.arg !== base.base) {
    // a typedef: "module:name" of it, for the types libyang has plugins for
    const colon = stmt.arg.indexOf(':');
    const mod = colon < 0 ? scope.module : scope.module.imports.get(stmt.arg.slice(0, colon));
    const special = mod ? SPECIAL_TYPEDEFS.get(`${mod.name}:${stmt.arg.slice(colon + 1)}`) : undefined;
    if (special) t.special = special;
  }
  const byKw = new Map<string, Statement[]>();
  for (const s of stmt.subs) {
    if (s.keyword.includes(':') || IGNORED.has(s.keyword)) continue;
    const allowed = ALLOWED[s.keyword];
    if (!allowed) err(s.loc, `Unexpected substatement "${s.keyword}" in "type".`);
    if (!allowed(base)) err(s.loc, `Invalid type restrictions for ${base.base} type ("${s.keyword}").`);
    let list = byKw.get(s.keyword);
    if (!list) byKw.set(s.keyword, (list = []));
    list.push(s);
  }
  const one = (kw: string): Statement | undefined => {
    const l = byKw.get(kw);
    if (l && l.length > 1) err(l[1].loc, `Duplicate keyword "${kw}".`);
    return l?.[0];
  };

  switch (base.base) {
    case 'decimal64': {
      const fdStmt = one('fraction-digits');
      if (base.fractionDigits === undefined) {
        if (!fdStmt) err(stmt.loc, 'Missing fraction-digits substatement for decimal64 type.');
        const text = argOf(fdStmt).trim();
        if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > 18) {
          err(fdStmt.loc, `Invalid value "${text}" of "fraction-digits" (must be 1..18).`);
        }
        t.fractionDigits = Number(text);
      } else if (fdStmt) {
        err(fdStmt.loc, 'Invalid fraction-digits substatement for type not directly derived from decimal64 built-in type.');
      }
      break;
    }
    case 'enumeration': {
      const l = byKw.get('enum');
      if (!l) {
        if (base.enums === undefined) err(stmt.loc, 'Missing enum substatement for enumeration type.');
      } else {
        t.enums = deriveEnums(base, l, scope);
      }
      break;
    }
    case 'bits': {
      const l = byKw.get('bit');
      if (!l) {
        if (base.bits === undefined) err(stmt.loc, 'Missing bit substatement for bits type.');
      } else {
        t.bits = deriveBits(base, l, scope);
      }
      break;
    }
    case 'identityref': {
      const l = byKw.get('base');
      if (!l) {
        if (base.bases === undefined) err(stmt.loc, 'Missing base substatement for identityref type.');
      } else {
        if (base.bases !== undefined) err(l[0].loc, 'Invalid base substatement for the type not directly derived from identityref built-in type.');
        if (l.length > 1 && scope.module.yangVersion === '1') err(l[1].loc, 'Multiple bases in identityref type are allowed only in YANG 1.1 modules.');
        t.bases = l.map((s) => scope.resolveIdentity(argOf(s), s.loc));
      }
      break;
    }
    case 'leafref': {
      // the target depends on where the type is used: resolved per use by the compiler
      t.target = undefined;
      const p = one('path');
      if (!p) {
        if (base.path === undefined) err(stmt.loc, 'Missing path substatement for leafref type.');
      } else {
        if (base.path !== undefined) err(p.loc, 'Invalid path substatement for the type not directly derived from leafref built-in type.');
        t.path = scope.compileXPath(argOf(p), p.loc);
      }
      break;
    }
    case 'union': {
      const l = byKw.get('type');
      if (!l) {
        if (base.union === undefined) err(stmt.loc, 'Missing type substatement for union type.');
        t.union = base.union.map(freshForUse);
      } else {
        if (base.union !== undefined) err(l[0].loc, 'Invalid type substatement for the type not directly derived from union built-in type.');
        t.union = l.map((s) => scope.resolveType(s));
      }
      break;
    }
    default:
      break;
  }

  const ri = one('require-instance');
  if (ri) t.requireInstance = parseBool(ri);

  const range = one('range');
  if (range) {
    if (base.base === 'decimal64' && t.fractionDigits === undefined) {
      err(range.loc, 'Missing fraction-digits substatement for decimal64 type.');
    }
    const text = argOf(range);
    const fd = base.base === 'decimal64' ? t.fractionDigits : undefined;
    const r: RangeRestriction = {
      intervals: parseIntervals(text, baseIntervals(base), fd, 'range', range.loc),
      text,
      ...restrictionInfo(range),
    };
    t.range = r;
  }
  const length = one('length');
  if (length) {
    const text = argOf(length);
    t.length = {
      intervals: parseIntervals(text, base.length ? base.length.intervals : [LENGTH_LIMITS], undefined, 'length', length.loc),
      text,
      ...restrictionInfo(length),
    };
  }
  for (const p of byKw.get('pattern') ?? []) t.patterns.push(parsePattern(p));

  return t;
}

/** For decimal64: the implicit or restricted intervals (scaled). */
export function decimalIntervals(t: YangType): Interval[] {
  return baseIntervals(t);
}
