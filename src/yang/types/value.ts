/**
 * parse(): lexical value -> canonical RFC 7951 form (RFC 7950 section 9
 * canonical forms), with every restriction of the type checked; and
 * toXml(): canonical -> XML text with the modules whose prefixes it uses.
 *
 * Messages follow libyang's wording so that our verdicts read like
 * yanglint's. Nothing here throws on bad input; everything per-type is
 * precompiled in derive() (patterns) or cached on first use (lookup maps).
 */
import type {
  BuiltinType,
  Identity,
  Interval,
  Module,
  PatternRestriction,
  RangeRestriction,
  SchemaNode,
  YangType,
} from '../schema';
import type { JsonKind, ParseResult, ValuePrefixes } from './api';
import { DEC64_LIMITS, INT_LIMITS } from './builtin';
import { canonIpv4Address, canonIpv4Prefix, canonIpv6Address, canonIpv6Prefix } from './inet';
import { parseXPath10, xpath10ToXml } from './xpath10';

type Fail = { ok: false; message: string; appTag?: string };

function fail(message: string, appTag?: string): Fail {
  return appTag === undefined ? { ok: false, message } : { ok: false, message, appTag };
}

function restrictionFail(r: RangeRestriction | PatternRestriction, dflt: string): Fail {
  return fail(r.errorMessage ?? dflt, r.errorAppTag);
}

/* ------------------------------------------------------------------ caches */

interface Lookup {
  enums?: Map<string, number>;
  bits?: Map<string, number>;
}
const lookups = new WeakMap<YangType, Lookup>();

function lookupOf(t: YangType): Lookup {
  let l = lookups.get(t);
  if (!l) {
    l = {};
    if (t.enums) l.enums = new Map(t.enums.map((e) => [e.name, e.value]));
    if (t.bits) l.bits = new Map(t.bits.map((b) => [b.name, b.position]));
    lookups.set(t, l);
  }
  return l;
}

/** modules seen in values (module name -> Module), a fallback for toXml */
const seenModules = new Map<string, Module>();

function remember(m: Module): void {
  if (seenModules.get(m.name) !== m) seenModules.set(m.name, m);
}

/* ---------------------------------------------------------------- helpers */

const XML_WS_TRIM = /^[ \t\n\r]+|[ \t\n\r]+$/g;
const INT_RE = /^[+-]?[0-9]+$/;
const SURROGATE_RE = /[\uD800-\uDBFF]/;

function trimWs(s: string): string {
  const c0 = s.charCodeAt(0);
  const c1 = s.charCodeAt(s.length - 1);
  if (c0 > 0x20 && c1 > 0x20) return s;
  return s.replace(XML_WS_TRIM, '');
}

function inIntervals(v: bigint | number, ivs: Interval[]): boolean {
  for (let i = 0; i < ivs.length; i++) {
    const iv = ivs[i];
    if (v < iv.min) return false;
    if (v <= iv.max) return true;
  }
  return false;
}

function charLength(s: string): number {
  if (!SURROGATE_RE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function jsonKindOf(b: BuiltinType): JsonKind {
  switch (b) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
    case 'uint32':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'empty':
      return 'empty';
    default:
      return 'string';
  }
}

/* ------------------------------------------------------------------ parse */

export function parse(
  type: YangType,
  lexical: string,
  prefixes: ValuePrefixes,
  json?: boolean,
  jsonKind?: JsonKind,
): ParseResult {
  const b = type.base;
  if (json && jsonKind !== undefined && b !== 'union' && b !== 'leafref') {
    const want = jsonKindOf(b);
    if (want !== jsonKind) {
      return fail(`Invalid non-${want === 'empty' ? '[null]' : want}-encoded ${b} value "${lexical}".`);
    }
  }
  switch (b) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'uint64':
      return parseInt(type, b, lexical);
    case 'decimal64':
      return parseDecimal(type, lexical);
    case 'string':
      return type.special === undefined ? parseString(type, lexical) : parseSpecial(type, lexical, prefixes, json === true);
    case 'boolean':
      if (lexical === 'true' || lexical === 'false') return { ok: true, value: lexical };
      return fail(`Invalid boolean value "${lexical}".`);
    case 'empty':
      if (lexical === '') return { ok: true, value: '' };
      return fail(`Invalid empty value length ${lexical.length}.`);
    case 'enumeration': {
      const enums = lookupOf(type).enums;
      if (enums && enums.has(lexical)) return { ok: true, value: lexical };
      return fail(`Invalid enumeration value "${lexical}".`);
    }
    case 'bits':
      return parseBits(type, lexical);
    case 'binary':
      return parseBinary(type, lexical);
    case 'identityref':
      return parseIdentityref(type, lexical, prefixes, json === true);
    case 'instance-identifier':
      return parseInstanceIdentifier(lexical, prefixes, json === true);
    case 'leafref': {
      const tt = type.target?.type;
      if (tt) return parse(tt, lexical, prefixes, json, jsonKind);
      if (json && jsonKind !== undefined && jsonKind !== 'string' && jsonKind !== 'number' && jsonKind !== 'boolean') {
        return fail(`Invalid leafref value "${lexical}".`);
      }
      return { ok: true, value: lexical };
    }
    case 'union':
      return parseUnion(type, lexical, prefixes, json, jsonKind);
  }
}

function parseInt(type: YangType, b: BuiltinType, lexical: string): ParseResult {
  const s = trimWs(lexical);
  if (s === '') return fail(`Invalid type ${b} empty value.`);
  if (!INT_RE.test(s)) return fail(`Invalid type ${b} value "${lexical}".`);
  const v: number | bigint = s.length <= 15 ? Number(s) : BigInt(s);
  const lim = INT_LIMITS[b]!;
  if (v < lim.min || v > lim.max) return fail(`Value "${lexical}" is out of type ${b} min/max bounds.`);
  const canonical = String(v);
  const r = type.range;
  if (r && !inIntervals(v, r.intervals)) {
    return restrictionFail(r, `Unsatisfied range - value "${canonical}" is out of the allowed range.`);
  }
  return { ok: true, value: canonical };
}

function parseDecimal(type: YangType, lexical: string): ParseResult {
  const fd = type.fractionDigits;
  if (fd === undefined) return fail('Invalid decimal64 type without fraction-digits.');
  const s = trimWs(lexical);
  if (s === '') return fail('Invalid type decimal64 empty value.');
  // scan: [+-]? digit+ ('.' digit+)?
  let i = 0;
  let neg = false;
  const c0 = s.charCodeAt(0);
  if (c0 === 0x2b || c0 === 0x2d) {
    neg = c0 === 0x2d;
    i = 1;
  }
  const intStart = i;
  while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  if (i === intStart) return fail(`Invalid ${i + 1}. character of decimal64 value "${lexical}".`);
  const intEnd = i;
  let frac = '';
  if (i < s.length) {
    if (s.charCodeAt(i) !== 0x2e) return fail(`Invalid ${i + 1}. character of decimal64 value "${lexical}".`);
    const dot = i;
    i++;
    const fStart = i;
    while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    if (i === fStart) return fail(`Invalid ${dot + 1}. character of decimal64 value "${lexical}".`);
    if (i < s.length) return fail(`Invalid ${i + 1}. character of decimal64 value "${lexical}".`);
    frac = s.slice(fStart, i);
    let e = frac.length;
    while (e > 0 && frac.charCodeAt(e - 1) === 0x30) e--;
    frac = frac.slice(0, e);
  }
  if (frac.length > fd) {
    return fail(`Value "${lexical}" of decimal64 type exceeds defined number (${fd}) of fraction digits.`);
  }
  let intDigits = s.slice(intStart, intEnd);
  let z = 0;
  while (z < intDigits.length - 1 && intDigits.charCodeAt(z) === 0x30) z++;
  intDigits = intDigits.slice(z);
  let scaled = BigInt(intDigits + frac.padEnd(fd, '0'));
  if (neg) scaled = -scaled;
  const canonical = `${scaled < 0n ? '-' : ''}${intDigits}.${frac === '' ? '0' : frac}`;
  if (scaled < DEC64_LIMITS.min || scaled > DEC64_LIMITS.max) {
    return fail(`Value "${lexical}" is out of type decimal64 min/max bounds.`);
  }
  const r = type.range;
  if (r && !inIntervals(scaled, r.intervals)) {
    return restrictionFail(r, `Unsatisfied range - value "${canonical}" is out of the allowed range.`);
  }
  return { ok: true, value: canonical };
}

function checkPatterns(type: YangType, s: string): Fail | null {
  const ps = type.patterns;
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i];
    if (p.regex.test(s) === p.invert) {
      return restrictionFail(
        p,
        `Unsatisfied pattern - "${s}" does not conform to ${p.invert ? 'inverted ' : ''}"${p.source}".`,
      );
    }
  }
  return null;
}

function parseString(type: YangType, s: string): ParseResult {
  const l = type.length;
  if (l && !inIntervals(charLength(s), l.intervals)) {
    return restrictionFail(l, `Unsatisfied length - string "${s}" length is not allowed.`);
  }
  if (type.patterns.length) {
    const f = checkPatterns(type, s);
    if (f) return f;
  }
  return { ok: true, value: s };
}

/** a string type with a libyang plugin (types/api.ts SpecialType): restrictions first, then the plugin */
function parseSpecial(type: YangType, lexical: string, prefixes: ValuePrefixes, json: boolean): ParseResult {
  const r = parseString(type, lexical);
  if (!r.ok) return r;
  switch (type.special) {
    case 'ipv4-address':
      return canonIpv4Address(lexical);
    case 'ipv6-address':
      return canonIpv6Address(lexical);
    case 'ipv4-prefix':
      return canonIpv4Prefix(lexical);
    case 'ipv6-prefix':
      return canonIpv6Prefix(lexical);
    case 'xpath1.0':
      return parseXPath10(lexical, prefixes, remember);
    case 'node-instance-identifier':
      return parseNodeInstanceId(lexical, prefixes, json);
    default:
      return r;
  }
}

const BITS_SPLIT = /[ \t\n\r]+/;

function parseBits(type: YangType, lexical: string): ParseResult {
  const bits = lookupOf(type).bits;
  const s = trimWs(lexical);
  if (s === '') return { ok: true, value: '' };
  const names = s.split(BITS_SPLIT);
  const seen = new Set<string>();
  for (const n of names) {
    if (!bits || !bits.has(n)) return fail(`Invalid bit "${n}".`);
    if (seen.has(n)) return fail(`Duplicate bit "${n}".`);
    seen.add(n);
  }
  if (names.length === 1) return { ok: true, value: s };
  names.sort((a, b) => bits!.get(a)! - bits!.get(b)!);
  return { ok: true, value: names.join(' ') };
}

const B64_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') B64_CHAR[c.charCodeAt(0)] = 1;

function parseBinary(type: YangType, lexical: string): ParseResult {
  const s = lexical;
  const n = s.length;
  let pad = 0;
  if (n > 0 && s.charCodeAt(n - 1) === 0x3d) pad = n > 1 && s.charCodeAt(n - 2) === 0x3d ? 2 : 1;
  for (let i = 0; i < n - pad; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || B64_CHAR[c] === 0) {
      const shown = c > 0x20 && c < 0x7f ? `'${s[i]}'` : `0x${c.toString(16)}`;
      return fail(`Invalid Base64 character ${shown}.`);
    }
  }
  if (n % 4 !== 0) return fail('Base64 encoded value length must be divisible by 4.');
  const octets = (n / 4) * 3 - pad;
  const l = type.length;
  if (l && !inIntervals(octets, l.intervals)) {
    return restrictionFail(l, `Unsatisfied length - string "${s}" length is not allowed.`);
  }
  // canonical: the encoding of the decoded octets (zero padding bits)
  const canonical = pad === 0 ? s : Buffer.from(s, 'base64').toString('base64');
  return { ok: true, value: canonical };
}

function findIdentity(mod: Module, name: string): Identity | undefined {
  return mod.identities.get(name);
}

function parseIdentityref(type: YangType, lexical: string, prefixes: ValuePrefixes, json: boolean): ParseResult {
  const colon = lexical.indexOf(':');
  const prefix = colon < 0 ? '' : lexical.slice(0, colon);
  const name = colon < 0 ? lexical : lexical.slice(colon + 1);
  let mod = prefixes(prefix);
  if (!mod && json && colon < 0) mod = type.module;
  if (!mod) return fail(`Invalid identityref "${lexical}" value - unable to map prefix to YANG schema.`);
  const id = findIdentity(mod, name);
  if (!id) return fail(`Invalid identityref "${lexical}" value - identity not found in module "${mod.name}".`);
  const bases = type.bases ?? [];
  for (const b of bases) {
    if (!b.derived.has(id)) {
      return fail(`Invalid identityref "${lexical}" value - identity not derived from the base "${b.module.name}:${b.name}".`);
    }
  }
  if (!id.enabled) return fail(`Invalid identityref "${lexical}" value - identity is disabled by if-feature.`);
  remember(id.module);
  return { ok: true, value: `${id.module.name}:${id.name}` };
}

function parseUnion(
  type: YangType,
  lexical: string,
  prefixes: ValuePrefixes,
  json: boolean | undefined,
  jsonKind: JsonKind | undefined,
): ParseResult {
  const members = type.union ?? [];
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    const r = parse(m, lexical, prefixes, json, jsonKind);
    if (r.ok) return r.member ? r : { ok: true, value: r.value, member: m };
  }
  return fail(`Invalid union value "${lexical}" - no matching subtype found.`);
}

/* ------------------------------------------------------ instance-identifier */

interface IiPred {
  kind: 'key' | 'dot' | 'pos';
  prefix?: string | null;
  name?: string;
  value: string;
}
interface IiStep {
  prefix: string | null;
  name: string;
  preds: IiPred[];
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_CHAR = /[A-Za-z0-9_.-]/;

/** Syntax of RFC 7950 section 9.13 / 14 (instance-identifier). null: syntax error. */
export function parseIiSyntax(s: string, strictQuotes = false): IiStep[] | null {
  const steps: IiStep[] = [];
  let i = 0;
  const n = s.length;
  const ws = (): void => {
    while (i < n && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const ident = (): string | null => {
    if (i >= n || !IDENT_START.test(s[i])) return null;
    const st = i;
    i++;
    while (i < n && IDENT_CHAR.test(s[i])) i++;
    return s.slice(st, i);
  };
  const nodeId = (): { prefix: string | null; name: string } | null => {
    const a = ident();
    if (a === null) return null;
    if (s[i] === ':') {
      i++;
      const b = ident();
      if (b === null) return null;
      return { prefix: a, name: b };
    }
    return { prefix: null, name: a };
  };
  const quoted = (): string | null => {
    const q = s[i];
    if (q !== '"' && q !== "'") {
      if (strictQuotes) return null;
      // libyang also takes an unquoted token (e.g. [p:n=7])
      const st = i;
      while (i < n && s[i] !== ']' && s[i] !== ' ' && s[i] !== '\t' && s[i] !== '[' && s[i] !== '/') i++;
      return i > st ? s.slice(st, i) : null;
    }
    const end = s.indexOf(q, i + 1);
    if (end < 0) return null;
    const v = s.slice(i + 1, end);
    i = end + 1;
    return v;
  };
  if (n === 0) return null;
  while (i < n) {
    if (s[i] !== '/') return null;
    i++;
    const id = nodeId();
    if (!id) return null;
    const step: IiStep = { prefix: id.prefix, name: id.name, preds: [] };
    while (i < n && s[i] === '[') {
      i++;
      ws();
      let pred: IiPred;
      if (s[i] === '.') {
        i++;
        ws();
        if (s[i] !== '=') return null;
        i++;
        ws();
        const v = quoted();
        if (v === null) return null;
        pred = { kind: 'dot', value: v };
      } else if (s[i] >= '0' && s[i] <= '9') {
        const st = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        const num = s.slice(st, i);
        if (num[0] === '0') return null;
        pred = { kind: 'pos', value: num };
      } else {
        const k = nodeId();
        if (!k) return null;
        ws();
        if (s[i] !== '=') return null;
        i++;
        ws();
        const v = quoted();
        if (v === null) return null;
        pred = { kind: 'key', prefix: k.prefix, name: k.name, value: v };
      }
      ws();
      if (s[i] !== ']') return null;
      i++;
      const prev = step.preds[step.preds.length - 1];
      if (prev && (prev.kind !== 'key' || pred.kind !== 'key')) return null;
      step.preds.push(pred);
    }
    steps.push(step);
  }
  return steps;
}

function quote(v: string): string {
  return v.includes("'") ? `"${v}"` : `'${v}'`;
}

function findTop(mod: Module, name: string, ops = false): SchemaNode | undefined {
  const key = `${mod.name}:${name}`;
  for (const n of mod.data) {
    if (n.kind === 'choice' || n.kind === 'case') {
      const d = n.dataChildren.get(key);
      if (d) return d;
    } else if (n.name === name) {
      return n;
    }
  }
  if (ops) {
    for (const n of mod.rpcs) if (n.name === name) return n;
    for (const n of mod.notifications) if (n.name === name) return n;
  }
  return undefined;
}

/** a data child; with ops, an rpc's or action's input nodes are its children too (as libyang's paths) */
function findChild(node: SchemaNode, key: string, ops: boolean): SchemaNode | undefined {
  const c = node.dataChildren.get(key);
  if (c || !ops || (node.kind !== 'rpc' && node.kind !== 'action')) return c;
  for (const io of node.children) {
    if (io.kind === 'input') {
      const d = io.dataChildren.get(key);
      if (d) return d;
    }
  }
  return undefined;
}

function isDataNode(n: SchemaNode): boolean {
  return n.kind === 'container' || n.kind === 'list' || n.kind === 'leaf' || n.kind === 'leaf-list' ||
    n.kind === 'anydata' || n.kind === 'anyxml';
}

/**
 * ietf-netconf-acm node-instance-identifier (libyang's node_instanceid
 * plugin): "/" or an instance-identifier whose list keys may be left out,
 * which may also name rpcs, actions, notifications and their contents
 * (input/output not written). Every node prefixed in XML, the first in
 * JSON; values quoted; modules implemented.
 */
function parseNodeInstanceId(lexical: string, prefixes: ValuePrefixes, json: boolean): ParseResult {
  const syntaxErr = (why: string): Fail => fail(`Invalid instance-identifier "${lexical}" value - syntax error (${why}).`);
  const semErr = (why: string): Fail => fail(`Invalid instance-identifier "${lexical}" value - semantic error (${why}).`);
  const s = trimWs(lexical);
  if (s === '/') return { ok: true, value: '/' };
  const steps = parseIiSyntax(s, true);
  if (!steps) return syntaxErr('not a path of nodes with quoted predicate values');
  let out = '';
  let node: SchemaNode | undefined;
  let curMod: Module | undefined;
  for (let si = 0; si < steps.length; si++) {
    const st = steps[si];
    let mod: Module | undefined;
    if (st.prefix !== null) {
      mod = prefixes(st.prefix);
      if (!mod) return semErr(`no module connected with the prefix "${st.prefix}"`);
    } else {
      if (!json || !curMod) return syntaxErr(`prefix missing for "${st.name}"`);
      mod = curMod;
    }
    if (!mod.implemented) return semErr(`module "${mod.name}" is not implemented`);
    const child: SchemaNode | undefined = node ? findChild(node, `${mod.name}:${st.name}`, true) : findTop(mod, st.name, true);
    if (!child) return semErr(`node "${st.name}" not found`);
    remember(mod);
    out += `/${child.module !== curMod ? `${child.module.name}:` : ''}${st.name}`;
    curMod = child.module;
    node = child;
    if (st.preds.length) {
      const p0 = st.preds[0];
      if (p0.kind === 'pos') {
        if (child.config || (child.kind !== 'list' && child.kind !== 'leaf-list') || child.keys.length) {
          return semErr(`positional predicate for "${st.name}"`);
        }
        out += `[${p0.value}]`;
      } else if (p0.kind === 'dot') {
        if (child.kind !== 'leaf-list' || !child.type) return semErr(`leaf-list predicate for "${st.name}"`);
        const r = parse(child.type, p0.value, prefixes, json);
        if (!r.ok) return semErr(r.message);
        out += `[.=${quote(r.value)}]`;
      } else {
        if (child.kind !== 'list') return semErr(`key predicate for "${st.name}", not a list`);
        if (st.preds.length !== child.keys.length) return semErr(`a predicate missing for a key of list "${st.name}"`);
        const seen = new Set<SchemaNode>();
        for (const p of st.preds) {
          let kmod: Module | undefined;
          if (p.prefix) kmod = prefixes(p.prefix);
          else if (json) kmod = child.module;
          else return syntaxErr(`prefix missing for "${p.name}"`);
          if (!kmod) return semErr(`no module connected with the prefix "${p.prefix}"`);
          const key = child.keys.find((k) => k.name === p.name && k.module === kmod);
          if (!key || !key.type) return semErr(`key expected instead of "${p.name}"`);
          if (seen.has(key)) return syntaxErr(`duplicate predicate key "${p.name}"`);
          seen.add(key);
          const r = parse(key.type, p.value, prefixes, json);
          if (!r.ok) return semErr(r.message);
          out += `[${key.module !== child.module ? `${key.module.name}:` : ''}${key.name}=${quote(r.value)}]`;
        }
      }
    }
    if (si < steps.length - 1 && (child.kind === 'leaf' || child.kind === 'leaf-list' || child.kind === 'anydata' || child.kind === 'anyxml')) {
      return semErr(`"${st.name}" has no children`);
    }
  }
  return { ok: true, value: out };
}

function parseInstanceIdentifier(lexical: string, prefixes: ValuePrefixes, json: boolean): ParseResult {
  const syntaxErr = (): Fail => fail(`Invalid instance-identifier "${lexical}" value - syntax error.`);
  const semErr = (): Fail => fail(`Invalid instance-identifier "${lexical}" value - semantic error.`);
  const steps = parseIiSyntax(trimWs(lexical));
  if (!steps) return syntaxErr();
  let out = '';
  let node: SchemaNode | undefined;
  let curMod: Module | undefined;
  for (let si = 0; si < steps.length; si++) {
    const st = steps[si];
    let mod: Module | undefined;
    if (st.prefix !== null) {
      mod = prefixes(st.prefix);
      if (!mod) return semErr();
    } else {
      // XML: every node is prefixed; JSON: the first one is
      if (!json || !curMod) return semErr();
      mod = curMod;
    }
    const child: SchemaNode | undefined = node ? node.dataChildren.get(`${mod.name}:${st.name}`) : findTop(mod, st.name);
    if (!child || !isDataNode(child)) return semErr();
    remember(mod);
    out += `/${child.module !== curMod ? `${child.module.name}:` : ''}${st.name}`;
    curMod = child.module;
    node = child;
    // predicates
    if (st.preds.length) {
      const p0 = st.preds[0];
      if (p0.kind === 'pos') {
        // positions only address entries of state lists without keys and state leaf-lists
        if (child.config || (child.kind !== 'list' && child.kind !== 'leaf-list') || child.keys.length) return semErr();
        out += `[${p0.value}]`;
      } else if (p0.kind === 'dot') {
        if (child.kind !== 'leaf-list' || !child.type) return semErr();
        const r = parse(child.type, p0.value, prefixes, json);
        if (!r.ok) return semErr();
        out += `[.=${quote(r.value)}]`;
      } else {
        if (child.kind !== 'list' || st.preds.length !== child.keys.length) return semErr();
        const seen = new Set<SchemaNode>();
        for (const p of st.preds) {
          let kmod: Module | undefined;
          if (p.prefix) kmod = prefixes(p.prefix);
          else if (json) kmod = child.module;
          if (!kmod) return semErr();
          const key = child.keys.find((k) => k.name === p.name && k.module === kmod);
          if (!key || seen.has(key) || !key.type) return semErr();
          seen.add(key);
          const r = parse(key.type, p.value, prefixes, json);
          if (!r.ok) return semErr();
          out += `[${key.module !== child.module ? `${key.module.name}:` : ''}${key.name}=${quote(r.value)}]`;
        }
      }
    }
    if (si < steps.length - 1 && (child.kind === 'leaf' || child.kind === 'leaf-list')) return semErr();
  }
  return { ok: true, value: out };
}

/* ------------------------------------------------------------------ toXml */

type ModuleByName = (name: string) => Module | undefined;

/** module name -> Module: the caller's resolver, the type's imports (transitively), then modules seen in values */
function moduleResolver(type: YangType, modules?: ModuleByName): ModuleByName {
  return (name: string) => {
    const viaCaller = modules?.(name);
    if (viaCaller) return viaCaller;
    const seen = new Set<Module>();
    const queue: Module[] = [type.module];
    while (queue.length) {
      const m = queue.shift()!;
      if (seen.has(m)) continue;
      seen.add(m);
      if (m.name === name) return m;
      for (const im of m.imports.values()) queue.push(im);
    }
    return seenModules.get(name);
  };
}

export function toXml(
  type: YangType,
  canonical: string,
  modules?: ModuleByName,
): { text: string; modules: Module[] } {
  switch (type.base) {
    case 'identityref': {
      const id = identityOf(type, canonical);
      if (!id) return { text: canonical, modules: [] };
      return { text: `${id.module.prefix}:${id.name}`, modules: [id.module] };
    }
    case 'instance-identifier':
      return iiToXml(type, canonical, modules);
    case 'string':
      if (type.special === 'node-instance-identifier') {
        return canonical === '/' ? { text: '/', modules: [] } : iiToXml(type, canonical, modules, true);
      }
      if (type.special === 'xpath1.0') return xpath10ToXml(canonical, moduleResolver(type, modules));
      return { text: canonical, modules: [] };
    case 'leafref': {
      const tt = type.target?.type;
      return tt ? toXml(tt, canonical, modules) : { text: canonical, modules: [] };
    }
    case 'union': {
      const byName = moduleResolver(type, modules);
      const prefixes: ValuePrefixes = (p) => (p === '' ? undefined : byName(p));
      for (const m of type.union ?? []) {
        const r = parse(m, canonical, prefixes, true);
        if (r.ok) return toXml(r.member ?? m, canonical, modules);
      }
      return { text: canonical, modules: [] };
    }
    default:
      return { text: canonical, modules: [] };
  }
}

function identityOf(type: YangType, canonical: string): Identity | undefined {
  const colon = canonical.indexOf(':');
  if (colon < 0) return undefined;
  const modName = canonical.slice(0, colon);
  const name = canonical.slice(colon + 1);
  for (const b of type.bases ?? []) {
    for (const d of b.derived) if (d.name === name && d.module.name === modName) return d;
  }
  return undefined;
}

function iiToXml(type: YangType, canonical: string, modules?: ModuleByName, ops = false): { text: string; modules: Module[] } {
  const steps = parseIiSyntax(canonical);
  const used = new Set<Module>();
  if (!steps || steps[0].prefix === null) return { text: canonical, modules: [] };
  const byName = moduleResolver(type, modules);
  const top = byName(steps[0].prefix);
  if (!top) return { text: canonical, modules: [] };
  const jsonPrefixes: ValuePrefixes = (p) => byName(p);
  let node: SchemaNode | undefined;
  let cur: Module = top;
  let out = '';
  for (const st of steps) {
    if (st.prefix !== null) {
      const m = byName(st.prefix);
      if (!m) return { text: canonical, modules: [] };
      cur = m;
    }
    const child = node ? findChild(node, `${cur.name}:${st.name}`, ops) : findTop(cur, st.name, ops);
    if (!child) return { text: canonical, modules: [] };
    used.add(child.module);
    out += `/${child.module.prefix}:${child.name}`;
    for (const p of st.preds) {
      if (p.kind === 'pos') out += `[${p.value}]`;
      else {
        const leaf = p.kind === 'dot' ? child : child.keys.find((k) => k.name === p.name);
        let v = p.value;
        if (leaf?.type) {
          // the key's own value in XML form (identityref keys need prefixes)
          const r = parse(leaf.type, v, jsonPrefixes, true);
          if (r.ok) {
            const x = toXml(r.member ?? leaf.type, r.value, modules);
            v = x.text;
            for (const m of x.modules) used.add(m);
          }
        }
        if (p.kind === 'dot') out += `[.=${quote(v)}]`;
        else {
          const km = leaf ? leaf.module : child.module;
          used.add(km);
          out += `[${km.prefix}:${p.name}=${quote(v)}]`;
        }
      }
    }
    node = child;
  }
  return { text: out, modules: [...used] };
}
