/**
 * Seeded random differential cases against libyang: small XML documents,
 * valid ones and mutations near the boundaries, for the purpose-made module
 * fuzz/ftz-features.yang (suite "ftz": must/when XPath functions, leafref,
 * unique, min/max-elements, choice, typedef chains, patterns, unions,
 * decimal64, identityref across modules, bits, empty, 64-bit integers,
 * presence) and for the project's modules with the standard modules the
 * agent loads (suite "ft", modules.txt). The same seed gives the same cases.
 *
 *   npx tsx test/libyang-diff/fuzz.ts run [SEED] [COUNT]   compare with yanglint, print disagreements
 *   npx tsx test/libyang-diff/fuzz.ts verdicts             rewrite fuzz-verdicts.tsv (the committed subset)
 *
 * fuzz.test.ts replays the committed subset (FUZZ_SEED, FUZZ_COUNT) against
 * the verdicts yanglint gave, without needing yanglint.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AgentError, ErrorList, SourceError } from '../../src/errors';
import { formatProblem } from '../../src/cli/lint';
import { loadContext } from '../../src/yang/context';
import { parseXml, validate } from '../../src/yang/data';
import type { SchemaContext } from '../../src/yang/schema';
import { corpusModules, IETF, NS } from './corpus-modules';
import { el, esc, leaf, top } from './xml-build';

export const FUZZ_SEED = 20261206;
export const FUZZ_COUNT = 600;

const here = __dirname;
export { IETF };
export const FUZZ_DIR = path.join(here, 'fuzz');

export type Suite = 'ftz' | 'ft';
export interface Case {
  name: string;
  suite: Suite;
  type: 'config' | 'data';
  xml: string;
}

export function suiteModules(s: Suite): string[] {
  if (s === 'ftz') return [path.join(FUZZ_DIR, 'ftz-ids.yang'), path.join(FUZZ_DIR, 'ftz-features.yang')];
  return corpusModules();
}
export function suiteSearchPath(s: Suite): string[] {
  return s === 'ftz' ? [FUZZ_DIR, IETF] : [IETF];
}

// ------------------------------------------------------------------ random
/** mulberry32: small, fast, deterministic */
class Rng {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  next(): number {
    let t = (this.a = (this.a + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  some<T>(xs: readonly T[], p: number): T[] {
    return xs.filter(() => this.chance(p));
  }
}

/**
 * A case is "tame" (about half of them): each value is one of the first two
 * of its pool, chosen valid, so that the document is mostly valid and the
 * rules between nodes (must, when, unique, leafref, mandatory) decide.
 */
let tame = false;
function pv(r: Rng, pool: readonly string[]): string {
  return tame ? r.pick(pool.slice(0, 2)) : r.pick(pool);
}
/** the k-th value of a leaf-list: distinct ones when tame */
function lv(r: Rng, pool: readonly string[], k: number): string {
  return tame ? pool[k % pool.length] : r.pick(pool);
}

// ------------------------------------------------------------------ XML helpers

// ------------------------------------------------------------------ suite ftz
const FTZ = 'urn:flowtapd:test:ftz-features';
const FTZI = 'urn:flowtapd:test:ftz-ids';

/** value pools per leaf of ftz:top: boundary values, valid and not */
const TOP_POOLS: Record<string, string[]> = {
  name: ['a', 'Zz', 'é1_-', 'Ωmega', '日本', 'a'.repeat(12), 'a'.repeat(13), '1a', '', 'a b', '_a', 'a\\', 'a-', 'ab.c', 'aٱ', 'a١', 'ǅx', 'a²'],
  short: ['ab', 'abcd', 'a', 'abcde', 'xab', 'Xab', 'éé', 'a1', 'Ab_'],
  code: ['AB-124', 'AB-120', 'AB-123', 'ab-124', 'AB-1240', 'AB-12', 'AB-١٢٤', 'ÄB-124', 'AB-12a', 'AB124'],
  dd: ['-', '.', 'a', '\\', 'b', '-.a', '', 'a-a', '\\-', '[', '.-'],
  anch: ['^a$', '^abc$', 'a', 'abc', '^a', 'ba', 'a$', '', '^abc$', '$'],
  pct: ['0', '10', '11', '49', '50', '51', '89', '90', '100', '101', '-1', '05', '+5', ' 5', '5 ', '1e1', '0x5'],
  iow: ['-100', '100', '101', '-101', 'auto', 'off', 'on', 'abc', 'ABC', '+1', '007', '', '-0', ' auto', '1.0', 'auto1'],
  money: ['-10.50', '1000', '-10.51', '-10.5', '1000.00', '1000.01', '1000.000', '99999.99', '99999.98', '0.001', '1.5', '.5', '5.', '1e2', '-0', '+1.00', '0', '-', '00001.10'],
  frac: ['9.223372036854775807', '-9.223372036854775808', '9.223372036854775808', '-9.223372036854775809', '0.000000000000000001', '1.0000000000000000001', '0.1', '10', '-0.0', '9.2233720368547758070'],
  i64: ['9223372036854775807', '-9223372036854775808', '9223372036854775808', '-9223372036854775809', '+9223372036854775807', '0009223372036854775807', '0', '-0', '1.0', '99999999999999999999', ' 1'],
  u64: ['1', '18446744073709551615', '0', '18446744073709551616', '-0', '+1', '-1', '018446744073709551615', '1e3'],
  i8: ['127', '-128', '128', '-129', '0x7f', '1.0', '+127', '-0', '0127', ''],
  flags: ['a', 'b c', 'c b a', 'a a', 'd', '', ' a  b ', 'A', 'a,b', '\ta\nb'],
  on: ['', '', ' ', 'x', '\n'],
  bin: ['AAA=', 'AAAA', 'AAAAAA==', 'AAAAAAA=', 'AA==', 'A', '!!!!', 'AAAAAAAAAA==', 'AA AA', 'AAA'],
};
const PROTO = ['ftzi:tcp', 'ftzi:udp', 'ftzi:quic', 'ftzi:transport', 'ftz:sctp', 'ftz:sctp-dtls', 'ftzi:other-root', 'tcp', 'nope:tcp', 'ftzi:warp', 'ftz:transport'];
function identAttr(v: string): string {
  if (v.startsWith('ftzi:')) return `xmlns:ftzi="${FTZI}"`;
  if (v.startsWith('ftz:')) return `xmlns:ftz="${FTZ}"`;
  return '';
}
const STRS = ['', 'a', 'ab', 'abc', 'abcd', 'xab', 'ABC', 'a.b', 'a b', ' a  b ', '4', '4.0', ' 4 ', 'NaN', '-5', 'abc9', '9abc', 'cab', 'a-1', 'bc', 'Infinity', '1e1', 'tag1', 'tag2', 'é'];
const NUMS = ['0', '1', '2', '3', '4', '5', '-5', '7', '10', '2147483647', '-2147483648', '2147483648'];
const CHECKS = ['need-long', 'need-count', 'need-contains', 'need-number', 'need-bool', 'need-remat', 'sum-lt', 'nan', 'trans', 'concat', 'substr', 'subbefore', 'norm', 'bitset', 'enumv', 'arith', 'round', 'anc'];

function ftzTop(r: Rng): string {
  const parts: string[] = [];
  for (const [k, pool] of Object.entries(TOP_POOLS)) if (r.chance(0.2)) parts.push(leaf(k, pv(r, pool)));
  if (r.chance(0.3)) {
    const v = pv(r, PROTO);
    parts.push(leaf('proto', v, identAttr(v)));
  }
  if (r.chance(0.2)) {
    const v = pv(r, ['ftzi:udp', 'ftzi:quic', ...PROTO]);
    parts.push(leaf('udpish', v, identAttr(v)));
  }
  if (r.chance(0.25)) {
    const n = r.int(5);
    for (let i = 0; i < n; i++) parts.push(leaf('order', lv(r, ['x', 'y', 'z', 'w'], i)));
  }
  if (r.chance(0.2)) {
    const n = r.int(4);
    for (let i = 0; i < n; i++) parts.push(leaf('nums', lv(r, ['1', '2', '-1', '01', '+1', '128'], i)));
  }
  if (!parts.length && r.chance(0.5)) return '';
  return top(FTZ, 'top', ...parts);
}

function ftzItems(r: Rng): { xml: string; ids: string[]; tags: string[] } {
  const n = tame ? 1 + r.int(3) : r.pick([0, 1, 1, 2, 2, 3, 4, 5]);
  const ids: string[] = [];
  const tags: string[] = [];
  const items: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = r.chance(0.1) ? pv(r, ['0', '65535', '65536', '-1', '01', ...ids]) : String(i + 1);
    ids.push(id);
    const c: string[] = [leaf('id', id)];
    if (r.chance(0.5)) {
      const t = r.chance(0.15) && tags.length ? r.pick(tags) : `tag${i + 1}`;
      tags.push(t);
      c.push(leaf('tag', t));
    }
    if (r.chance(0.3)) c.push(el('grp', ...(r.chance(0.8) ? [leaf('a', pv(r, ['p', 'q']))] : []), ...(r.chance(0.8) ? [leaf('b', pv(r, ['1', '2']))] : [])));
    if (r.chance(0.4)) c.push(leaf('weight', pv(r, ['0', '10', '49', '50', '51', '99', '100', '255', '256'])));
    if (r.chance(0.2)) c.push('<heavy/>');
    if (r.chance(0.3)) for (let k = r.int(3); k >= 0; k--) c.push(leaf('refs', lv(r, ['1', '2', '3', '9', ''], k)));
    if (r.chance(0.2)) c.push(leaf('parent', pv(r, ['1', '2', '7', 'x'])));
    let kind = '';
    if (r.chance(0.4)) {
      kind = pv(r, PROTO);
      c.push(leaf('kind', kind, identAttr(kind)));
    }
    if (r.chance(0.3) && (!tame || /udp|quic/.test(kind))) c.push(leaf('port', pv(r, ['53', '0', '65536'])));
    if (r.chance(0.2) && (!tame || /sctp-dtls/.test(kind))) c.push(leaf('sctp-only', 'x'));
    items.push(el('item', ...c));
  }
  if (n === 0 && r.chance(0.7)) return { xml: '', ids, tags };
  return { xml: top(FTZ, 'items', ...items), ids, tags };
}

function ftzChecks(r: Rng, ids: string[], tags: string[]): string {
  const parts: string[] = [];
  if (r.chance(0.8)) parts.push(leaf('s', pv(r, STRS)));
  if (r.chance(0.7)) parts.push(leaf('n', pv(r, NUMS)));
  for (const c of r.some(CHECKS, 0.15)) parts.push(`<${c}/>`);
  if (r.chance(0.25)) parts.push(leaf('ref', r.chance(0.7) && ids.length ? r.pick(ids) : pv(r, ['1', '42', 'x'])));
  if (r.chance(0.2)) parts.push(leaf('ref-tag', r.chance(0.6) && tags.length ? r.pick(tags) : 'tag9'));
  if (r.chance(0.2)) parts.push(leaf('cur', r.chance(0.6) && tags.length ? r.pick(tags) : 'tag9'));
  if (!parts.length) return '';
  return top(FTZ, 'checks', ...parts);
}

function ftzOpts(r: Rng): string {
  const parts: string[] = [];
  const cases = tame ? [r.int(3)] : [0, 1, 2];
  if (cases.includes(0) && r.chance(0.3)) parts.push(leaf('auto-level', pv(r, ['0', '3', '255', '256'])));
  if (cases.includes(1) && r.chance(0.3)) parts.push(leaf('manual-a', 'a'));
  if (cases.includes(1) && r.chance(0.2)) parts.push(leaf('manual-b', 'b'));
  if (cases.includes(2) && r.chance(0.2)) parts.push('<shorthand/>');
  if (!parts.length && r.chance(0.7)) return '';
  return top(FTZ, 'opts', ...parts);
}

function ftzPres(r: Rng): string {
  if (r.chance(0.6)) return '';
  const parts: string[] = [];
  if (r.chance(0.7)) parts.push(leaf('req', 'r'));
  if (r.chance(0.6)) parts.push(leaf('x', 'x'));
  if (r.chance(0.2)) parts.push(leaf('y', 'y'));
  if (r.chance(0.4)) parts.push(r.chance(0.7) ? el('np2', leaf('req2', 'r')) : '<np2/>');
  return top(FTZ, 'pres', ...parts);
}

function ftzWhen(r: Rng): string {
  if (r.chance(0.6)) return '';
  const parts: string[] = [];
  if (r.chance(0.7)) parts.push(leaf('mode', pv(r, ['a', 'b', 'c'])));
  if (r.chance(0.4)) parts.push(r.chance(0.5) ? el('when-a', leaf('v', 'x')) : '<when-a/>');
  if (r.chance(0.3)) parts.push(leaf('when-b', 'y'));
  return top(FTZ, 'wh', ...parts);
}

function ftzMore(r: Rng): string {
  if (r.chance(0.5)) return '';
  const parts: string[] = [];
  const ents = r.int(4);
  for (let i = 0; i < ents; i++) {
    const c = [leaf('k', pv(r, [`k${i}`, `k${i}`, 'k0', '']))];
    if (r.chance(0.5)) c.push(leaf('u', tame ? String(i + 1) : pv(r, ['0', '1', '2', '00', '+1'])));
    if (r.chance(0.3)) c.push(leaf('big', pv(r, ['1', '9223372036854775807', '9223372036854775806', '9223372036854775805', '-9223372036854775808'])));
    if (r.chance(0.3)) c.push(leaf('dec', pv(r, ['10.501', '-1.001', '10.5', '10.500', '-1', '-1.0001', '11', '1e1'])));
    if (r.chance(0.3)) c.push(leaf('s', pv(r, ['4', 'x', '4.0', ' 4', '04', '4e0', 'X', '', '+4'])));
    if (r.chance(0.3)) c.push(leaf('e', pv(r, ['one', 'two', 'five', '5', 'One'])));
    parts.push(el('ent', ...c));
  }
  const tags: string[] = [];
  for (let k = r.int(4); k > 0; k--) {
    const t = lv(r, ['t1', 't2', 't3', 't1'], k);
    tags.push(t);
    parts.push(leaf('tags', t));
  }
  if (r.chance(0.3)) parts.push(leaf('tag-ref', r.chance(0.7) && tags.length ? r.pick(tags) : 't9'));
  if (r.chance(0.3)) parts.push(leaf('n-tags', tame ? String(tags.length) : pv(r, ['0', '1', '2', '3'])));
  if (r.chance(0.3)) parts.push(leaf('last-tag', r.chance(0.7) && tags.length ? r.pick(tags) : 't9'));
  const sel = r.int(4);
  if (sel === 1 || (!tame && sel === 3)) {
    if (r.chance(0.5)) parts.push(leaf('c1-leaf', 'a'));
    if (r.chance(tame ? 0.9 : 0.5)) parts.push(leaf('c1-mand', 'b'));
  }
  if (sel === 2 || (!tame && sel === 3)) {
    const n = tame ? 2 + r.int(2) : r.int(4);
    parts.push(el('c2-cont', ...Array.from({ length: n }, (_, k) => el('c2-list', leaf('id', String(k))))));
  }
  if (r.chance(0.2)) parts.push(leaf('unset-flags', pv(r, ['b', '', 'a', 'a b', 'b a'])));
  return top(FTZ, 'more', ...parts);
}

/** values for ftz:rx, and those where libyang's PCRE differs from XSD (KNOWN) */
const RX_POOLS: Record<string, string[]> = {
  w: ['abc', 'é1', 'a_1', '_', '\u0301', 'a\u0301', 'a-b', ' ', 'a.b', '١'],
  subtract: ['bcd', 'xyz', 'abc', 'e', '-', ''],
  space: ['a b', 'a\tb', 'a\u00a0b', 'a\u2003b', 'a\nb', 'a  b', 'a\rb'],
  dot: ['a', ' ', '\t', '\n', '\r', 'a\nb', 'a\rb'],
  cat: ['AB1', '١', 'Ab', 'Ⅻ', 'ǅ', '²'],
  'not-digit': ['abc', '²', 'a1', '١', ''],
};
export const RX_PCRE: Record<string, string[]> = {
  w: ['a_1', '_', '\u0301', 'a\u0301'],
  subtract: ['bcd', 'xyz', 'abc', 'e', '-', ''],
  space: ['a\u00a0b', 'a\u2003b'],
  dot: ['\r', 'a\rb'],
};
function xmlText(v: string): string {
  return esc(v).replace(/\r/g, '&#13;');
}
function ftzRx(r: Rng): string {
  if (r.chance(0.7)) return '';
  const parts: string[] = [];
  for (const [k, pool] of Object.entries(RX_POOLS)) if (r.chance(0.3)) parts.push(`<${k}>${xmlText(pv(r, pool))}</${k}>`);
  return top(FTZ, 'rx', ...parts);
}

function ftzCase(r: Rng, i: number): Case {
  // focused (half the cases): tame items, which min-elements needs, and one other section, whatever its values
  const focus = r.chance(0.5);
  tame = focus || r.chance(0.5);
  const items = ftzItems(r);
  const sections: (() => string)[] = [() => ftzTop(r), () => ftzChecks(r, items.ids, items.tags), () => ftzOpts(r), () => ftzPres(r), () => ftzWhen(r), () => ftzMore(r), () => ftzRx(r)];
  let parts: string[];
  if (focus) {
    tame = r.chance(0.3);
    parts = [items.xml, r.pick(sections)()];
  } else {
    parts = [items.xml, ...sections.map((f) => f())];
  }
  return { name: `ftz-${i}`, suite: 'ftz', type: r.chance(0.15) ? 'data' : 'config', xml: parts.filter(Boolean).join('\n') };
}

// ------------------------------------------------------------------ suite ft (the project's modules)
const IFNAMES = ['vt0', 'vt1', 'eth0', 'a'.repeat(15), 'a'.repeat(16), '.', '..', '...', '.a', 'a/b', 'a:b', 'a b', '', 'é'];
const IPV4 = ['192.0.2.1', '0.0.0.0', '255.255.255.255', '256.1.1.1', '01.2.3.4', '192.0.2.1%eth0', '1.2.3'];
const IPADDR = [...IPV4, '2001:db8::1', '::', '2001:db8:::1', 'fe80::1%eth0', '::ffff:192.0.2.1', '2001:DB8::A'];
const PORTS = ['0', '1', '1813', '3799', '65535', '65536', '-1', '01813'];
const PORT_RANGES = ['80', '1-2', '0-65535', '65535-65536', '00080-00081', '5-', '-5', 'http', '70000'];
const PROTOS = ['tcp', 'udp', '6', '255', '256', 'TCP', 'sctp', 'icmp6', '0', ''];
const PREFIXES = ['10.0.0.0/8', '10.1.2.0/24', '10.1.2.3/24', '10.0.0.0/33', '2001:db8::/32', '2001:db8::/129', '0.0.0.0/0', '2001:db8::1/64'];
const NAMES = ['a', 'fc0', 'best-effort', '', 'x'.repeat(64), 'x'.repeat(65), 'with space'];

function ftCase(r: Rng, i: number): Case {
  tame = r.chance(0.5);
  const parts: string[] = [];
  const ifs: string[] = [];
  if (r.chance(0.5)) {
    const n = 1 + r.int(3);
    const list: string[] = [];
    for (let k = 0; k < n; k++) {
      const name = r.chance(0.8) ? `vt${k}` : pv(r, IFNAMES);
      ifs.push(name);
      const t = pv(r, ['ianaift:tunnel', 'ianaift:ethernetCsmacd', 'ianaift:l2vlan', 'ianaift:bogus', 'tunnel']);
      const c = [leaf('name', name)];
      if (r.chance(0.9)) c.push(leaf('type', t, t.startsWith('ianaift:') ? `xmlns:ianaift="${NS.ianaift}"` : ''));
      if (r.chance(0.2)) c.push(leaf('enabled', pv(r, ['true', 'false', '1'])));
      list.push(el('interface', ...c));
    }
    parts.push(top(NS.if, 'interfaces', ...list));
  }
  const classes: string[] = [];
  if (r.chance(0.4)) {
    const n = r.int(4);
    const list: string[] = [];
    for (let k = 0; k < n; k++) {
      const name = r.chance(0.8) ? `fc${k}` : pv(r, NAMES);
      classes.push(name);
      const c = [leaf('name', name)];
      if (r.chance(0.6)) c.push(leaf('queue-num', pv(r, ['0', '7', '8', '-1', '3'])));
      if (r.chance(0.6)) c.push(leaf('dscp', pv(r, ['0', '46', '63', '64', String(k)])));
      list.push(el('class', ...c));
    }
    parts.push(top(NS.ftcos, 'class-of-service', el('forwarding-classes', ...list)));
  }
  if (r.chance(0.7)) {
    const rft: string[] = [];
    for (let k = r.int(3); k > 0; k--) rft.push(leaf('interfaces', r.chance(0.7) && ifs.length ? (tame ? ifs[k % ifs.length] : r.pick(ifs)) : lv(r, IFNAMES, k)));
    if (r.chance(0.6)) rft.push(leaf('source-ipv4-address', pv(r, IPV4)));
    if (r.chance(0.3)) rft.push(leaf('forwarding-class', r.chance(0.6) && classes.length ? r.pick(classes) : pv(r, NAMES)));
    if (r.chance(0.3)) rft.push(leaf('maximum-sessions', pv(r, ['1', '65535', '0', '65536', '-1', '10'])));
    if (r.chance(0.2)) rft.push('<multicast-interception/>');
    if (r.chance(0.3)) for (let k = r.int(3); k >= 0; k--) rft.push(leaf('subscriber-interfaces', lv(r, IFNAMES, k)));
    if (r.chance(0.3)) {
      const fam = pv(r, ['inet', 'inet6']);
      const from: string[] = [];
      if (r.chance(0.5)) from.push(leaf('source-address', pv(r, PREFIXES)));
      if (r.chance(0.5)) from.push(leaf('destination-address', pv(r, PREFIXES)));
      if (r.chance(0.5)) from.push(leaf('destination-port', pv(r, PORT_RANGES)));
      if (r.chance(0.3)) from.push(leaf('source-port', pv(r, PORT_RANGES)));
      if (r.chance(0.5)) from.push(leaf('protocol', pv(r, PROTOS)));
      rft.push(el('policy', leaf('name', pv(r, ['p1', 'p2', ''])), el(fam, el('drop-policy', leaf('name', 't1'), from.length ? el('from', ...from) : ''))));
    }
    parts.push(top(NS.fts, 'services', r.chance(0.85) ? '<flow-tap/>' : '', rft.length ? el('radius-flow-tap', ...rft) : ''));
  }
  if (r.chance(0.5)) {
    const a: string[] = [];
    if (r.chance(0.4)) a.push(leaf('radius-disconnect-port', pv(r, PORTS)));
    if (r.chance(0.4)) a.push(leaf('radius-accounting-port', pv(r, PORTS)));
    if (r.chance(0.2)) a.push(leaf('event-timestamp-window', pv(r, ['0', '1', '300', '-1', '4294967295', '4294967296'])));
    if (r.chance(0.2)) a.push(leaf('nas-identifier', pv(r, NAMES)));
    if (r.chance(0.2)) a.push(leaf('nas-address', pv(r, IPADDR)));
    for (let k = r.int(3); k > 0; k--) {
      const c = [leaf('address', pv(r, IPADDR))];
      if (r.chance(0.85)) c.push(leaf('secret', pv(r, ['s', 'x'.repeat(128), '', 'x'.repeat(129), 'a&b'])));
      if (r.chance(0.2)) c.push(leaf('require-message-authenticator', pv(r, ['true', 'false', '1'])));
      a.push(el('radius-client', ...c));
    }
    parts.push(top(NS.fta, 'access', ...a));
  }
  if (r.chance(0.2)) {
    const s: string[] = [];
    if (r.chance(0.5)) s.push(leaf('hostname', pv(r, ['iap1', 'a.b.c', '-a', 'a..b', 'x'.repeat(63), 'x'.repeat(64), 'a_b'])));
    if (r.chance(0.4)) s.push(el('clock', leaf(pv(r, ['timezone-name', 'timezone-utc-offset']), pv(r, ['UTC', '0', '1500', '-1501', 'Europe/Berlin']))));
    parts.push(top(NS.sys, 'system', ...s));
  }
  if (r.chance(0.2)) {
    const n: string[] = [];
    if (r.chance(0.4)) n.push(leaf('enable-nacm', pv(r, ['true', 'false', 'yes'])));
    if (r.chance(0.4)) n.push(leaf('read-default', pv(r, ['permit', 'deny', 'allow'])));
    if (r.chance(0.5)) n.push(el('groups', el('group', leaf('name', pv(r, ['admin', '', 'a b', 'op'])), leaf('user-name', pv(r, ['alice', 'bob'])))));
    if (r.chance(0.4))
      n.push(el('rule-list', leaf('name', 'rl'), leaf('group', pv(r, ['admin', '*', 'nogroup'])), el('rule', leaf('name', 'r1'), leaf('module-name', pv(r, ['*', 'flowtapd-services'])), leaf('access-operations', pv(r, ['*', 'read', 'read update', 'exec exec', 'bogus'])), ...(r.chance(0.9) ? [leaf('action', pv(r, ['permit', 'deny', 'log']))] : []))));
    parts.push(top(NS.nacm, 'nacm', ...n));
  }
  // a complete datastore with state (-t data): nacm's mandatory counters, learned subscribers
  if (r.chance(0.3)) {
    const nacm = [leaf('denied-operations', '0'), leaf('denied-data-writes', pv(r, ['0', '18446744073709551615', '18446744073709551616', '-1'])), leaf('denied-notifications', '0')];
    const at = parts.findIndex((x) => x.startsWith('<nacm '));
    if (at >= 0) parts[at] = parts[at].replace(/<\/nacm>$/, nacm.join('') + '</nacm>').replace(/\/>$/, `>${nacm.join('')}</nacm>`);
    else if (r.chance(0.95)) parts.push(top(NS.nacm, 'nacm', ...nacm));
    if (r.chance(0.5)) {
      const subs: string[] = [];
      for (let k = r.int(3); k >= 0; k--) {
        const c = [leaf('acct-session-id', lv(r, ['s1', 's2', 'x'.repeat(253), 'x'.repeat(254), ''], k))];
        if (r.chance(0.5)) c.push(leaf('framed-ip-address', pv(r, IPV4)));
        if (r.chance(0.4)) c.push(leaf('framed-ipv6-prefix', pv(r, ['2001:db8:7::/56', '2001:db8::/48', '2001:db8::1/56', '2001:db8::/129', '10.0.0.0/8'])));
        if (r.chance(0.3)) c.push(leaf('start-time', pv(r, ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00.5+01:00', '2026-13-24T10:00:00Z', '2026-11-24 10:00:00', '2026-11-24T24:00:00Z', '2026-02-30T10:00:00Z', '2026-11-24T10:00:00-00:00', '2026-11-24T10:00:60Z'])));
        if (r.chance(0.2)) c.push(leaf('radius-client', pv(r, IPADDR)));
        subs.push(el('subscriber', ...c));
      }
      parts.push(top(NS.fta, 'subscribers', ...(r.chance(0.3) ? [leaf('refused-addresses', pv(r, ['0', '5', '-1']))] : []), ...subs));
    }
    return { name: `ft-${i}`, suite: 'ft', type: 'data', xml: parts.join('\n') };
  }
  return { name: `ft-${i}`, suite: 'ft', type: 'config', xml: parts.join('\n') };
}

/**
 * Fixed cases, one for each value that a KNOWN rule is about and a few more
 * from the same probes: each document is valid but for the one leaf.
 */
function fixedCases(): Case[] {
  const items = top(FTZ, 'items', el('item', leaf('id', '1')));
  const out: Case[] = [];
  const add = (xml: string): void => {
    out.push({ name: `fixed-${out.length}`, suite: 'ftz', type: 'config', xml: `${items}\n${xml}` });
  };
  for (const [k, pool] of Object.entries(RX_POOLS)) for (const v of pool) add(top(FTZ, 'rx', `<${k}>${xmlText(v)}</${k}>`));
  for (const v of ['', ' 4 ', '4 ', ' 4', '4', 'a', 'Infinity', '+4', '4e0']) {
    add(top(FTZ, 'checks', leaf('s', v), leaf('n', '4'), '<need-number/>'));
    add(top(FTZ, 'checks', leaf('s', v), '<nan/>'));
  }
  add(top(FTZ, 'checks', leaf('n', '0'), '<need-number/>'));
  for (const v of ['9223372036854775804', '9223372036854775805', '9223372036854775806', '9223372036854775807']) {
    add(top(FTZ, 'more', el('ent', leaf('k', 'a'), leaf('big', v))));
  }
  add(top(FTZ, 'checks', '<anc/>'));
  add(top(FTZ, 'top', leaf('money', '-')));
  for (const v of ['4', '4.0', '4e0', ' 4', '+4']) add(top(FTZ, 'more', el('ent', leaf('k', 'a'), leaf('s', v))));
  add(`<top xmlns="${FTZ}" xml:lang="en"><i8>1</i8></top>`);
  add(top(FTZ, 'top', '<i8>1<!-- c -->2</i8>'));
  add(top(FTZ, 'top', '<name>a<!-- c -->b</name>'));
  return out;
}

export function generate(seed: number, count: number): Case[] {
  const r = new Rng(seed);
  const out: Case[] = [];
  for (let i = 0; i < count; i++) out.push(r.chance(0.7) ? ftzCase(r, i) : ftCase(r, i));
  return [...out, ...fixedCases()];
}

// ------------------------------------------------------------------ verdicts
const contexts = new Map<Suite, SchemaContext>();
export function context(s: Suite): SchemaContext {
  let c = contexts.get(s);
  if (!c) {
    c = loadContext(suiteModules(s), { searchPath: suiteSearchPath(s) });
    contexts.set(s, c);
  }
  return c;
}

export interface Ours {
  valid: boolean;
  crash?: string;
  first: string;
}
/** the engine's verdict, through the calls `flowtapd lint` makes */
export function engineVerdict(c: Case): Ours {
  const ctx = context(c.suite);
  try {
    const tree = parseXml(ctx, c.xml, { type: c.type, file: c.name });
    const errs = validate(ctx, tree, { type: c.type });
    return { valid: errs.length === 0, first: errs.length ? formatProblem(errs[0], c.name) : '' };
  } catch (e) {
    if (e instanceof AgentError || e instanceof SourceError) return { valid: false, first: formatProblem(e, c.name) };
    if (e instanceof ErrorList) return { valid: false, first: formatProblem(e.errors[0] ?? e, c.name) };
    return { valid: false, crash: String((e as Error)?.stack ?? e), first: `untyped exception: ${String(e)}` };
  }
}

export function yanglintVerdict(c: Case, tmp: string): { valid: boolean; first: string } {
  const f = path.join(tmp, `${c.name}.xml`);
  fs.writeFileSync(f, c.xml + '\n');
  const args = ['-D'];
  for (const p of suiteSearchPath(c.suite)) args.push('-p', p);
  args.push('-t', c.type, ...suiteModules(c.suite), f);
  const r = spawnSync('yanglint', args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  const err = r.stderr.split('\n').find((l) => /err|ERR|\[E\]/.test(l)) ?? r.stderr.split('\n')[0] ?? '';
  return { valid: r.status === 0, first: r.status === 0 ? '' : err.replace(/\t/g, ' ') };
}

/**
 * Where the engine and yanglint 2.1.30 legitimately differ: a rule matches
 * the cases whose verdicts may differ for that reason (the rest of such a
 * case still has to be right for the verdicts to agree, so a match only
 * excuses a difference, it does not demand one).
 */
export interface Known {
  id: string;
  reason: string;
  match: (c: Case) => boolean;
}
export const KNOWN: Known[] = [
  {
    id: 'xpath-number-of-string',
    reason:
      'XPath 1.0 section 4.4: number() of a string is the Number it holds with optional white space before and ' +
      'after, NaN for any other string, the empty string (and an empty node-set, whose string value is "") ' +
      'included. libyang 2.1.30 uses strtold: "" gives 0 (a bug it fixed later, CESNET/libyang issue 2256) and ' +
      '" 4 " gives NaN (trailing white space), "Infinity", "+4" and "1e1" numbers. The engine follows XPath: with s empty or absent ' +
      'number(../s) = 0 is false and number(../s) != number(../s) true; with s " 4 " the latter is false.',
    match: (c) => {
      if (c.suite !== 'ftz') return false;
      // ftz:more/ent/s compared with the number 4
      if (/<ent>(?:(?!<\/ent>).)*<s>([^<]*)<\/s>/.test(c.xml) && [...c.xml.matchAll(/<ent>(?:(?!<\/ent>).)*?<s>([^<]*)<\/s>/g)].some((m) => !/^-?(\d+(\.\d*)?|\.\d+)$/.test(m[1]))) return true;
      if (!/<(need-number|nan)\/>/.test(c.xml)) return false;
      const s = /<checks[^>]*>.*?<s>([^<]*)<\/s>/.exec(c.xml);
      return !s || !/^-?(\d+(\.\d*)?|\.\d+)$/.test(s[1]);
    },
  },
  {
    id: 'xpath-64-bit-precision',
    reason:
      'RFC 7950 section 6.4: XPath numbers are IEEE 754 doubles, so int64/uint64/decimal64 values lose precision in ' +
      'a must expression (its own example: a decimal64 of 9.0000000000000001 passes must ". <= 9", erratum 6078). ' +
      '9223372036854775296..807 are all 2^63 as doubles, so the engine finds ". != 9223372036854775806" false for ' +
      'them; libyang compares in long double and finds it false only for ...806.',
    match: (c) => c.suite === 'ftz' && /<big>92233720368547758\d\d<\/big>/.test(c.xml),
  },
  {
    id: 'xsd-regex-pcre',
    reason:
      'RFC 7950 section 9.4.5 patterns are XSD regular expressions (XML Schema Part 2, appendix F); libyang runs ' +
      'them with PCRE2, which differs: \\w takes "_" (XSD: not \\p{P}) and leaves out combining marks (\\p{M} is in ' +
      'XSD \\w); character class subtraction [a-z-[aeiou]] is not understood; \\s takes U+00A0 and U+2003 (XSD: ' +
      'space, tab, CR, LF only); "." takes CR (XSD: [^\\n\\r]). The engine follows XSD.',
    match: (c) =>
      c.suite === 'ftz' &&
      Object.entries(RX_PCRE).some(([k, vs]) => vs.some((v) => c.xml.includes(`<${k}>${xmlText(v)}</${k}>`))),
  },
  {
    id: 'xml-libyang-parser',
    reason:
      'Namespaces in XML 1.0 section 3: the prefix xml is bound by definition, so xml:lang needs no declaration ' +
      '(libyang 2.1.30: "Unknown XML prefix"); XML 1.0 section 2.4/2.5: a comment may split character data, the ' +
      'value being the text around it (libyang: "Invalid character sequence"). The engine follows XML.',
    match: (c) => c.suite === 'ftz' && (c.xml.includes(' xml:lang=') || /[^>]<!--[^>]*-->[^<]/.test(c.xml)),
  },
  {
    id: 'xpath-ancestor-elements',
    reason:
      'XPath 1.0 section 2.3: the node test * selects elements only, so ancestor::* from /checks/anc is the one ' +
      'element checks, while ancestor::node() also takes the root node (2). libyang 2.1.30 counts its root as an ' +
      'element too: count(ancestor::*) is 2 there.',
    match: (c) => c.suite === 'ftz' && c.xml.includes('<anc/>'),
  },
  {
    id: 'decimal64-sign-only',
    reason:
      'RFC 7950 section 9.3.1: a decimal64 value has at least one digit; libyang 2.1.30 accepts "-" alone.',
    match: (c) => c.suite === 'ftz' && /<(money|frac|dec)>[-+]<\//.test(c.xml),
  },
];
export function knownFor(c: Case): Known | undefined {
  return KNOWN.find((k) => k.match(c));
}

function main(argv: string[]): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftz-fuzz-'));
  try {
    if (argv[0] === 'verdicts') {
      const lines = [`# yanglint verdicts for fuzz.ts generate(${FUZZ_SEED}, ${FUZZ_COUNT}): name, suite, type, valid|invalid, yanglint's first error`];
      for (const c of generate(FUZZ_SEED, FUZZ_COUNT)) {
        const y = yanglintVerdict(c, tmp);
        lines.push([c.name, c.suite, c.type, y.valid ? 'valid' : 'invalid', y.first].join('\t'));
      }
      fs.writeFileSync(path.join(here, 'fuzz-verdicts.tsv'), lines.join('\n') + '\n');
      console.log(`wrote ${lines.length - 1} verdicts`);
      return;
    }
    const seed = Number(argv[1] ?? FUZZ_SEED);
    const count = Number(argv[2] ?? 2000);
    let bad = 0;
    let known = 0;
    let nv = 0;
    const cases = generate(seed, count);
    for (const c of cases) {
      const y = yanglintVerdict(c, tmp);
      const o = engineVerdict(c);
      if (y.valid) nv++;
      if (o.crash || o.valid !== y.valid) {
        if (knownFor(c)) known++;
        else bad++;
        const k = knownFor(c);
        console.log(`=== ${c.name} (${c.suite}, -t ${c.type})${k ? ' KNOWN: ' + k.id : ''}`);
        console.log(c.xml);
        console.log(`  yanglint: ${y.valid ? 'valid' : y.first}`);
        console.log(`  ours:     ${o.valid ? 'valid' : o.crash ?? o.first}`);
      }
    }
    console.log(`seed ${seed}: ${cases.length} cases, ${nv} valid for yanglint, ${bad} disagree, ${known} more differ for a known reason`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
if (require.main === module) main(process.argv.slice(2));
