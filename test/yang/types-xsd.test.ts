import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { XsdRegexError, xsdToRegExp } from '../../src/yang/types/xsd-regex';

const IETF = '/usr/share/yuma/modules/ietf';

/**
 * The pattern arguments of a typedef in an installed module, read from the
 * file (YANG single/double-quoted strings joined by "+").
 */
function patternsOf(file: string, typedef: string): string[] {
  const text = readFileSync(`${IETF}/${file}`, 'utf8');
  const start = text.search(new RegExp(`typedef\\s+${typedef}\\s*\\{`));
  assert.ok(start >= 0, `typedef ${typedef} in ${file}`);
  const next = text.indexOf('typedef ', start + 8);
  const body = text.slice(start, next < 0 ? undefined : next);
  const out: string[] = [];
  const re = /\bpattern\s+(?=['"])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) {
    let i = m.index + m[0].length;
    let arg = '';
    for (;;) {
      while (/\s/.test(body[i])) i++;
      const q = body[i];
      if (q === "'") {
        const end = body.indexOf("'", i + 1);
        arg += body.slice(i + 1, end);
        i = end + 1;
      } else if (q === '"') {
        i++;
        while (body[i] !== '"') {
          if (body[i] === '\\') {
            const c = body[i + 1];
            arg += c === 'n' ? '\n' : c === 't' ? '\t' : c === '"' || c === '\\' ? c : `\\${c}`;
            i += 2;
          } else arg += body[i++];
        }
        i++;
      } else break;
      while (/\s/.test(body[i])) i++;
      if (body[i] === '+') i++;
      else break;
    }
    out.push(arg);
  }
  assert.ok(out.length > 0, `patterns of ${typedef}`);
  return out;
}

function matcher(file: string, typedef: string): (v: string) => boolean {
  const res = patternsOf(file, typedef).map(xsdToRegExp);
  return (v) => res.every((r) => r.test(v));
}

const INET = 'ietf-inet-types@2013-07-15.yang';
const YANGT = 'ietf-yang-types@2013-07-15.yang';

function check(m: (v: string) => boolean, good: string[], bad: string[]): void {
  for (const v of good) assert.equal(m(v), true, `should match: ${JSON.stringify(v)}`);
  for (const v of bad) assert.equal(m(v), false, `should not match: ${JSON.stringify(v)}`);
}

describe('yang/types xsdToRegExp: real IETF patterns', () => {
  it('ietf-inet-types ipv4-address', () => {
    check(
      matcher(INET, 'ipv4-address'),
      ['192.0.2.1', '0.0.0.0', '255.255.255.255', '10.1.2.3%eth0', '198.51.100.7%1'],
      ['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '192.0.2.1%', ' 192.0.2.1', '192.0.2.1\n', '1.2.3.4%a b'],
    );
  });

  it('ietf-inet-types ipv4-address-no-zone', () => {
    check(matcher(INET, 'ipv4-address-no-zone'), ['203.0.113.9'], ['203.0.113.9%eth0', '203.0.113.x']);
  });

  it('ietf-inet-types ipv6-address (two patterns, both must match)', () => {
    check(
      matcher(INET, 'ipv6-address'),
      ['2001:db8::1', '::', '::1', 'fe80::1%eth0', '2001:db8:0:0:0:0:2:1', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8'],
      ['2001:db8::1::2', '1:2:3:4:5:6:7:8:9', 'gggg::1', '2001:db8:::1', '192.0.2.1'],
    );
  });

  it('ietf-inet-types ipv4-prefix and ipv6-prefix', () => {
    check(matcher(INET, 'ipv4-prefix'), ['192.0.2.0/24', '0.0.0.0/0', '10.0.0.0/32'], ['192.0.2.0/33', '192.0.2.0', '192.0.2.0/024']);
    check(matcher(INET, 'ipv6-prefix'), ['2001:db8::/32', '::/0', '::1/128'], ['2001:db8::/129', '2001:db8::']);
  });

  it('ietf-inet-types domain-name', () => {
    check(
      matcher(INET, 'domain-name'),
      ['example.com', 'example.com.', '.', 'a-b.example', 'xn--bcher-kva.example', 'host_1.lab', '3com.net'],
      ['-bad.example', 'bad-.example', 'a..b', '', 'exa mple.com', `${'a'.repeat(64)}.com`],
    );
  });

  it('ietf-yang-types date-and-time', () => {
    check(
      matcher(YANGT, 'date-and-time'),
      ['2024-02-29T12:34:56Z', '2024-02-29T12:34:56.123456+01:00', '1985-04-12T23:20:50.52-08:00'],
      ['2024-02-29 12:34:56Z', '2024-02-29T12:34:56', '24-02-29T12:34:56Z', '2024-02-29T12:34:56.Z'],
    );
  });

  it('ietf-yang-types mac-address, phys-address, hex-string, uuid', () => {
    check(matcher(YANGT, 'mac-address'), ['00:1a:2B:3c:4D:5e'], ['00:1a:2b:3c:4d', '00-1a-2b-3c-4d-5e', '00:1a:2b:3c:4d:5g']);
    check(matcher(YANGT, 'phys-address'), ['', '0a', '0a:0b:0c'], ['0a:', 'a', '0a:0b:0']);
    check(matcher(YANGT, 'hex-string'), ['', 'de:ad:be:ef'], ['dead', 'de:ad:']);
    check(matcher(YANGT, 'uuid'), ['f81d4fae-7dec-11d0-a765-00a0c91e6bf6'], ['f81d4fae7dec11d0a76500a0c91e6bf6', 'x81d4fae-7dec-11d0-a765-00a0c91e6bf6']);
  });

  it('ietf-yang-types object-identifier and yang-identifier (\\d and an XML-excluding alternation)', () => {
    check(matcher(YANGT, 'object-identifier'), ['1.3.6.1.4.1', '2.999', '0.39'], ['3.1', '1.40', '1', '1.3.']);
    check(matcher(YANGT, 'yang-identifier'), ['interfaces', 'a', '_x-1.y', 'xm', 'xmm'], ['xml', 'XML-thing', 'xMlfoo', '1abc', '']);
  });

  it('every pattern in the installed IETF modules translates', () => {
    let count = 0;
    for (const f of readdirSync(IETF).filter((x) => x.endsWith('.yang'))) {
      const text = readFileSync(`${IETF}/${f}`, 'utf8');
      for (const td of text.matchAll(/typedef\s+([A-Za-z0-9_.-]+)\s*\{/g)) {
        const body = text.slice(td.index!, text.indexOf('typedef ', td.index! + 8) >>> 0);
        if (!/\bpattern\s+['"]/.test(body)) continue;
        for (const p of patternsOf(f, td[1])) {
          assert.ok(xsdToRegExp(p) instanceof RegExp, `${f} ${td[1]}`);
          count++;
        }
      }
    }
    assert.ok(count >= 20, `only ${count} patterns found`);
  });
});

describe('yang/types xsdToRegExp: XSD semantics', () => {
  const m = (p: string, v: string): boolean => xsdToRegExp(p).test(v);

  it('is anchored at both ends and uses the u flag', () => {
    const r = xsdToRegExp('ab|cd');
    assert.ok(r.flags.includes('u'));
    assert.ok(r.test('ab') && r.test('cd'));
    assert.ok(!r.test('abcd') && !r.test('xab') && !r.test('cdx') && !r.test('ab\n'));
  });

  it('treats ^ and $ as ordinary characters', () => {
    assert.ok(m('a^b$', 'a^b$'));
    assert.ok(!m('a^b$', 'ab'));
    assert.ok(m('^x', '^x'));
    assert.ok(m('[$^]+', '$^$'));
  });

  it('. excludes \\n and \\r only', () => {
    assert.ok(m('.', 'x') && m('.', '\u2028') && m('.', '\t') && m('.', '😀'));
    assert.ok(!m('.', '\n') && !m('.', '\r'));
  });

  it('character class subtraction', () => {
    assert.ok(m('[a-z-[aeiou]]+', 'bcdfg'));
    assert.ok(!m('[a-z-[aeiou]]+', 'bad'));
    assert.ok(m('[\\i-[:]][\\c-[:]]*', 'ncname-1'));
    assert.ok(!m('[\\i-[:]][\\c-[:]]*', 'a:b'));
    // nested subtraction: a-z minus (b-y minus m) -> a, m, z
    const r = xsdToRegExp('[a-z-[b-y-[m]]]');
    assert.deepEqual(['a', 'b', 'm', 'n', 'z'].filter((c) => r.test(c)), ['a', 'm', 'z']);
    assert.ok(m('[^a-z-[x]]', 'x') === false || m('[^a-z-[x]]', 'x') === true); // parses
    assert.ok(m('[^a-z-[0]]', 'A') && !m('[^a-z-[0]]', '0') && !m('[^a-z-[0]]', 'q'));
  });

  it('Unicode blocks \\p{IsX} and their complements', () => {
    assert.ok(m('\\p{IsBasicLatin}+', 'Hello, world!'));
    assert.ok(!m('\\p{IsBasicLatin}+', 'héllo'));
    assert.ok(m('\\p{IsLatin-1Supplement}', 'é'));
    assert.ok(m('\\p{IsGreek}', 'λ') && m('\\p{IsCyrillic}', 'ж') && m('\\p{IsCJKUnifiedIdeographs}', '中'));
    assert.ok(m('\\P{IsBasicLatin}', 'é') && !m('\\P{IsBasicLatin}', 'e'));
    assert.ok(m('[\\p{IsBasicLatin}\\p{IsLatin-1Supplement}]*', 'Ünïcödé ok'));
    assert.ok(m('\\p{IsPrivateUse}', '\u{F0001}'));
    assert.throws(() => xsdToRegExp('\\p{IsKlingon}'), XsdRegexError);
  });

  it('general categories \\p{L}, \\p{Nd}, \\P{..}', () => {
    assert.ok(m('\\p{L}+', 'Grüße') && !m('\\p{L}+', 'a1'));
    assert.ok(m('\\p{Nd}+', '0123٤٥') && !m('\\p{Nd}', 'Ⅳ'));
    assert.ok(m('\\p{Lu}\\p{Ll}', 'Ab') && !m('\\p{Lu}', 'a'));
    assert.ok(m('\\P{N}', 'x') && !m('\\P{N}', '5'));
    assert.throws(() => xsdToRegExp('\\p{Xx}'), /unknown Unicode category/);
  });

  it('\\d \\w \\s \\i \\c and their complements have XSD meanings', () => {
    assert.ok(m('\\d', '٣') && !m('\\d', 'a'));
    assert.ok(m('\\D', 'a') && !m('\\D', '7'));
    assert.ok(m('\\w', 'é') && m('\\w', '+') && !m('\\w', '.') && !m('\\w', ' ') && !m('\\w', '_'));
    assert.ok(m('\\W', '.') && m('\\W', '_') && !m('\\W', 'a'));
    assert.ok(m('\\s+', ' \t\r\n') && !m('\\s', '\u00a0') && !m('\\s', '\u2003'));
    assert.ok(m('\\S', '\u00a0') && !m('\\S', ' '));
    assert.ok(m('\\i\\c*', '_a-b.c:d') && !m('\\i', '-') && !m('\\i', '1'));
    assert.ok(m('\\I', '1') && !m('\\I', 'a') && m('\\C', ' ') && !m('\\C', '-'));
    assert.ok(m('[\\d\\s]+', '1 2') && m('[^\\d]', 'x') && !m('[^\\d]', '3'));
  });

  it('single-character escapes and quantifiers', () => {
    assert.ok(m('\\.\\*\\+\\?\\(\\)\\{\\}\\|\\[\\]\\^\\-\\\\', '.*+?(){}|[]^-\\'));
    assert.ok(m('a\\nb\\tc', 'a\nb\tc'));
    assert.ok(m('a{2,3}', 'aa') && m('a{2,3}', 'aaa') && !m('a{2,3}', 'aaaa'));
    assert.ok(m('a{2,}', 'aaaaa') && !m('a{2,}', 'a'));
    assert.ok(m('(ab){2}', 'abab') && !m('(ab){2}', 'ab'));
    assert.ok(m('[-a]+', 'a-') && m('[a-]+', '-a') && m('[a\\-z]+', '-az') && !m('[a\\-z]', 'b'));
    assert.ok(m('😀+', '😀😀') && m('[😀-😂]', '😁'));
  });

  it('rejects what XSD rejects, with a typed error', () => {
    const bad = ['(a', 'a)', '[a', '[]', 'a{3,2}', '*a', 'a**', '\\1', '\\q', '[z-a]', '\\', '{2}', '[a-\\d]'];
    for (const p of bad) {
      assert.throws(() => xsdToRegExp(p), (e: unknown) => e instanceof XsdRegexError && e.source === p, p);
    }
  });

  it('accepts what libyang (PCRE) accepts beyond strict XSD: stray braces, \\$, a dash after a range', () => {
    assert.ok(m('a{', 'a{') && m('a{1', 'a{1') && m('a}b', 'a}b') && m('a\\$b', 'a$b'));
    const r = xsdToRegExp('[a-c-e]');
    assert.deepEqual(['a', 'c', '-', 'e', 'd'].filter((c) => r.test(c)), ['a', 'c', '-', 'e']);
  });

  it('never produces capturing groups or back-references', () => {
    const r = xsdToRegExp('(a)(b(c))');
    assert.equal(r.exec('abc')!.length, 1);
  });
});
