import assert from 'node:assert/strict';
import { SourceError } from '../../src/errors';
import type { Statement } from '../../src/yang/schema';
import { types } from '../../src/yang/types';
import { derived, mkIdentity, mkModule, mkScope, st } from './types-helpers';

const mod = mkModule('m');
const scope = mkScope(mod);

function throwsSource(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SourceError, `not a SourceError: ${String(e)}`);
    assert.match(e.message, re);
    return true;
  });
}

describe('yang/types builtin()', () => {
  it('knows the 19 built-in names and nothing else', () => {
    const names = [
      'binary', 'bits', 'boolean', 'decimal64', 'empty', 'enumeration', 'identityref', 'instance-identifier',
      'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'leafref', 'string', 'union',
    ];
    for (const n of names) {
      const t = types.builtin(n, mod);
      assert.ok(t, n);
      assert.equal(t.base, n);
      assert.equal(t.name, n);
      assert.equal(t.module, mod);
      assert.deepEqual(t.patterns, []);
    }
    assert.equal(types.builtin('inet:port-number', mod), undefined);
    assert.equal(types.builtin('String', mod), undefined);
  });

  it('integer types carry their implicit ranges as bigint', () => {
    const cases: [string, bigint, bigint][] = [
      ['int8', -128n, 127n],
      ['int16', -32768n, 32767n],
      ['int32', -2147483648n, 2147483647n],
      ['int64', -9223372036854775808n, 9223372036854775807n],
      ['uint8', 0n, 255n],
      ['uint16', 0n, 65535n],
      ['uint32', 0n, 4294967295n],
      ['uint64', 0n, 18446744073709551615n],
    ];
    for (const [n, min, max] of cases) assert.deepEqual(types.builtin(n, mod)!.range!.intervals, [{ min, max }], n);
    assert.equal(types.builtin('string', mod)!.range, undefined);
  });

  it('require-instance defaults to true for leafref and instance-identifier', () => {
    assert.equal(types.builtin('leafref', mod)!.requireInstance, true);
    assert.equal(types.builtin('instance-identifier', mod)!.requireInstance, true);
    assert.equal(types.builtin('string', mod)!.requireInstance, false);
  });
});

describe('yang/types derive(): range', () => {
  const u8 = types.builtin('uint8', mod)!;

  it('parses min/max, "|" parts and single values', () => {
    const t = types.derive(u8, st('type', 'uint8', st('range', 'min..10 | 20 | 30..max')), scope);
    assert.deepEqual(t.range!.intervals, [
      { min: 0n, max: 10n },
      { min: 20n, max: 20n },
      { min: 30n, max: 255n },
    ]);
    assert.equal(t.range!.text, 'min..10 | 20 | 30..max');
  });

  it('never mutates the base and returns a new object', () => {
    const before = JSON.stringify(u8.range, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    const t = types.derive(u8, st('type', 'uint8', st('range', '1..2')), scope);
    assert.notEqual(t, u8);
    assert.equal(JSON.stringify(u8.range, (_k, v) => (typeof v === 'bigint' ? String(v) : v)), before);
  });

  it('a derived range must be within the base range', () => {
    throwsSource(() => types.derive(u8, st('type', 'uint8', st('range', '1..300')), scope), /not equally or more limiting/);
    const t = types.derive(u8, st('type', 'uint8', st('range', '10..20 | 40..50')), scope);
    // min/max now refer to the restricted base
    const t2 = types.derive(t, st('type', 't', st('range', 'min..15 | 45..max')), scope);
    assert.deepEqual(t2.range!.intervals, [
      { min: 10n, max: 15n },
      { min: 45n, max: 50n },
    ]);
    throwsSource(() => types.derive(t, st('type', 't', st('range', '15..45')), scope), /not equally or more limiting/);
    throwsSource(() => types.derive(t, st('type', 't', st('range', '5')), scope), /not equally or more limiting/);
  });

  it('parts must be ascending and disjoint; bounds must be numbers', () => {
    throwsSource(() => types.derive(u8, st('type', 'uint8', st('range', '10..5')), scope), /ascending/);
    throwsSource(() => types.derive(u8, st('type', 'uint8', st('range', '1..5 | 5..7')), scope), /ascending/);
    throwsSource(() => types.derive(u8, st('type', 'uint8', st('range', '7 | 3')), scope), /ascending/);
    throwsSource(() => types.derive(u8, st('type', 'uint8', st('range', 'a..5')), scope), /invalid value "a"/);
    throwsSource(() => types.derive(u8, st('type', 'uint8', st('range', '1..')), scope), /unexpected/);
    throwsSource(() => types.derive(u8, st('type', 'uint8', st('range', '1 || 2')), scope), /empty part/);
  });

  it('the error is located at the range statement', () => {
    const r = st('range', '0..999');
    try {
      types.derive(u8, st('type', 'uint8', r), scope);
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof SourceError);
      assert.equal(e.line, r.loc.line);
      assert.equal(e.file, 'test.yang');
    }
  });

  it('keeps error-message and error-app-tag', () => {
    const t = types.derive(
      u8,
      st('type', 'uint8', st('range', '1..5', st('error-message', 'too big'), st('error-app-tag', 'big'))),
      scope,
    );
    assert.equal(t.range!.errorMessage, 'too big');
    assert.equal(t.range!.errorAppTag, 'big');
  });

  it('is refused on types that have no range', () => {
    throwsSource(() => derived(mod, st('type', 'string', st('range', '1..2'))), /Invalid type restrictions for string/);
    throwsSource(() => derived(mod, st('type', 'boolean', st('length', '1'))), /Invalid type restrictions for boolean/);
    throwsSource(() => derived(mod, st('type', 'int8', st('pattern', 'a'))), /Invalid type restrictions for int8/);
    throwsSource(() => derived(mod, st('type', 'int8', st('frobnicate', 'a'))), /Unexpected substatement "frobnicate"/);
  });

  it('ignores extension instances and description', () => {
    const t = derived(mod, st('type', 'int8', st('description', 'x'), st('ext:thing', null)));
    assert.equal(t.base, 'int8');
  });

  it('uint64 and int64 use exact bigint bounds', () => {
    const t = derived(mod, st('type', 'uint64', st('range', '18446744073709551614..max')));
    assert.deepEqual(t.range!.intervals, [{ min: 18446744073709551614n, max: 18446744073709551615n }]);
    throwsSource(() => derived(mod, st('type', 'int64', st('range', '-9223372036854775809..0'))), /not equally/);
  });
});

describe('yang/types derive(): decimal64', () => {
  it('needs fraction-digits at the first derivation, 1..18', () => {
    throwsSource(() => derived(mod, st('type', 'decimal64')), /Missing fraction-digits/);
    throwsSource(() => derived(mod, st('type', 'decimal64', st('fraction-digits', '0'))), /fraction-digits/);
    throwsSource(() => derived(mod, st('type', 'decimal64', st('fraction-digits', '19'))), /fraction-digits/);
    const t = derived(mod, st('type', 'decimal64', st('fraction-digits', '18')));
    assert.equal(t.fractionDigits, 18);
  });

  it('forbids fraction-digits after the first derivation, inherits it', () => {
    const t = derived(mod, st('type', 'decimal64', st('fraction-digits', '2')));
    throwsSource(() => types.derive(t, st('type', 'd', st('fraction-digits', '2')), scope), /not directly derived/);
    const t2 = types.derive(t, st('type', 'd', st('range', '0..1.5')), scope);
    assert.equal(t2.fractionDigits, 2);
    assert.deepEqual(t2.range!.intervals, [{ min: 0n, max: 150n }]);
  });

  it('range values are scaled by 10^fraction-digits, within the int64 limits', () => {
    const t = derived(mod, st('type', 'decimal64', st('fraction-digits', '2'), st('range', '-1.5..max')));
    assert.deepEqual(t.range!.intervals, [{ min: -150n, max: 9223372036854775807n }]);
    throwsSource(
      () => derived(mod, st('type', 'decimal64', st('fraction-digits', '2'), st('range', '1.234..2'))),
      /more than 2 fraction digits/,
    );
    throwsSource(
      () => derived(mod, st('type', 'decimal64', st('fraction-digits', '18'), st('range', '0..10'))),
      /not equally or more limiting/,
    );
    // trailing zeros beyond the fraction digits are fine
    const t3 = derived(mod, st('type', 'decimal64', st('fraction-digits', '1'), st('range', '1.50..2')));
    assert.deepEqual(t3.range!.intervals, [{ min: 15n, max: 20n }]);
  });
});

describe('yang/types derive(): length and pattern', () => {
  it('length on string and binary, with implicit 0..2^64-1', () => {
    const t = derived(mod, st('type', 'string', st('length', '1..max')));
    assert.deepEqual(t.length!.intervals, [{ min: 1n, max: 18446744073709551615n }]);
    const b = derived(mod, st('type', 'binary', st('length', '4 | 8')));
    assert.deepEqual(b.length!.intervals, [
      { min: 4n, max: 4n },
      { min: 8n, max: 8n },
    ]);
    throwsSource(() => derived(mod, st('type', 'string', st('length', '-1..3'))), /not equally/);
    throwsSource(() => types.derive(t, st('type', 's', st('length', '0..5')), scope), /not equally/);
  });

  it('patterns accumulate along the typedef chain', () => {
    const t1 = derived(mod, st('type', 'string', st('pattern', '[a-z]+')));
    const t2 = types.derive(
      t1,
      st('type', 't1', st('pattern', 'x.*', st('modifier', 'invert-match'), st('error-message', 'no x'), st('error-app-tag', 'x-tag'))),
      scope,
    );
    assert.equal(t1.patterns.length, 1);
    assert.equal(t2.patterns.length, 2);
    assert.equal(t2.patterns[0].source, '[a-z]+');
    assert.equal(t2.patterns[1].invert, true);
    assert.equal(t2.patterns[1].errorMessage, 'no x');
    assert.equal(t2.patterns[1].errorAppTag, 'x-tag');
    assert.ok(t2.patterns[0].regex.test('abc'));
    assert.ok(!t2.patterns[0].regex.test('abc1'));
    assert.ok(t2.patterns[0].regex.flags.includes('u'));
  });

  it('a bad pattern or modifier is a SourceError', () => {
    throwsSource(() => derived(mod, st('type', 'string', st('pattern', '[a-'))), /Invalid regular expression/);
    throwsSource(() => derived(mod, st('type', 'string', st('pattern', '\\p{IsNoSuchBlock}'))), /unknown Unicode block/);
    throwsSource(() => derived(mod, st('type', 'string', st('pattern', 'a', st('modifier', 'upside-down')))), /modifier/);
  });
});

describe('yang/types derive(): enumeration and bits', () => {
  it('auto-assigns enum values from the highest + 1', () => {
    const t = derived(mod, st('type', 'enumeration', st('enum', 'a'), st('enum', 'b', st('value', '10')), st('enum', 'c'), st('enum', 'd', st('value', '-3')), st('enum', 'e')));
    assert.deepEqual(t.enums, [
      { name: 'a', value: 0 },
      { name: 'b', value: 10 },
      { name: 'c', value: 11 },
      { name: 'd', value: -3 },
      { name: 'e', value: 12 },
    ]);
  });

  it('rejects missing, duplicate and colliding enums', () => {
    throwsSource(() => derived(mod, st('type', 'enumeration')), /Missing enum/);
    throwsSource(() => derived(mod, st('type', 'enumeration', st('enum', 'a'), st('enum', 'a'))), /Duplicate enum name/);
    throwsSource(() => derived(mod, st('type', 'enumeration', st('enum', 'a', st('value', '1')), st('enum', 'b', st('value', '1')))), /collide/);
    throwsSource(() => derived(mod, st('type', 'enumeration', st('enum', 'a', st('value', '2147483648')))), /int32/);
    throwsSource(() => derived(mod, st('type', 'enumeration', st('enum', 'a', st('value', '2147483647')), st('enum', 'b'))), /auto-assign/);
    throwsSource(() => derived(mod, st('type', 'enumeration', st('enum', ' a'))), /whitespace/);
  });

  it('restricts an enumeration to a subset with the same values (YANG 1.1)', () => {
    const t = derived(mod, st('type', 'enumeration', st('enum', 'a'), st('enum', 'b'), st('enum', 'c')));
    const r = types.derive(t, st('type', 'e', st('enum', 'c'), st('enum', 'a', st('value', '0'))), scope);
    assert.deepEqual(r.enums, [
      { name: 'c', value: 2 },
      { name: 'a', value: 0 },
    ]);
    assert.equal(t.enums!.length, 3);
    throwsSource(() => types.derive(t, st('type', 'e', st('enum', 'z')), scope), /adds new item "z"/);
    throwsSource(() => types.derive(t, st('type', 'e', st('enum', 'b', st('value', '7'))), scope), /has changed from 1 to 7/);
    // a typedef without enums inherits them
    assert.deepEqual(types.derive(t, st('type', 'e'), scope).enums, t.enums);
    const m1 = mkModule('old', 'old', '1');
    throwsSource(() => types.derive(t, st('type', 'e', st('enum', 'a')), mkScope(m1)), /not allowed in YANG 1.0/);
  });

  it('leaves out enums and bits whose if-features are disabled', () => {
    const s = mkScope(mod, { isEnabled: (x) => !x.subs.some((y) => y.keyword === 'if-feature') });
    const t = types.derive(
      types.builtin('enumeration', mod)!,
      st('type', 'enumeration', st('enum', 'a'), st('enum', 'b', st('if-feature', 'f')), st('enum', 'c')),
      s,
    );
    assert.deepEqual(t.enums, [
      { name: 'a', value: 0 },
      { name: 'c', value: 2 },
    ]);
  });

  it('bits: positions auto-assigned, sorted by position, restricted as subsets', () => {
    const t = derived(mod, st('type', 'bits', st('bit', 'z', st('position', '5')), st('bit', 'a'), st('bit', 'm', st('position', '1'))));
    assert.deepEqual(t.bits, [
      { name: 'm', position: 1 },
      { name: 'z', position: 5 },
      { name: 'a', position: 6 },
    ]);
    throwsSource(() => derived(mod, st('type', 'bits')), /Missing bit/);
    throwsSource(() => derived(mod, st('type', 'bits', st('bit', 'a'), st('bit', 'b', st('position', '0')))), /collide/);
    throwsSource(() => derived(mod, st('type', 'bits', st('bit', 'a', st('position', '4294967296')))), /uint32/);
    throwsSource(() => types.derive(t, st('type', 'b', st('bit', 'q')), scope), /adds new item/);
    throwsSource(() => types.derive(t, st('type', 'b', st('bit', 'a', st('position', '2'))), scope), /changed/);
    assert.deepEqual(types.derive(t, st('type', 'b', st('bit', 'a')), scope).bits, [{ name: 'a', position: 6 }]);
  });
});

describe('yang/types derive(): leafref, identityref, instance-identifier, union', () => {
  const m = mkModule('idm', 'i');
  const base = mkIdentity(m, 'base');
  const other = mkIdentity(m, 'other');
  const sc = mkScope(m);

  it('leafref needs a path and compiles it with the scope', () => {
    const seen: string[] = [];
    const s = mkScope(m, {
      compileXPath(text) {
        seen.push(text);
        return { text, ast: 'compiled' };
      },
    });
    throwsSource(() => types.derive(types.builtin('leafref', m)!, st('type', 'leafref'), s), /Missing path/);
    const t = types.derive(types.builtin('leafref', m)!, st('type', 'leafref', st('path', '../x'), st('require-instance', 'false')), s);
    assert.deepEqual(seen, ['../x']);
    assert.deepEqual(t.path, { text: '../x', ast: 'compiled' });
    assert.equal(t.requireInstance, false);
    assert.equal(t.target, undefined);
    throwsSource(() => types.derive(t, st('type', 'lr', st('path', '../y')), s), /not directly derived/);
    throwsSource(() => types.derive(t, st('type', 'lr', st('require-instance', 'maybe')), s), /require-instance/);
  });

  it('instance-identifier takes require-instance', () => {
    const t = types.derive(types.builtin('instance-identifier', m)!, st('type', 'instance-identifier', st('require-instance', 'false')), sc);
    assert.equal(t.requireInstance, false);
  });

  it('identityref needs a base; several bases in YANG 1.1', () => {
    throwsSource(() => types.derive(types.builtin('identityref', m)!, st('type', 'identityref'), sc), /Missing base/);
    const t = types.derive(types.builtin('identityref', m)!, st('type', 'identityref', st('base', 'base'), st('base', 'i:other')), sc);
    assert.deepEqual(t.bases, [base, other]);
    throwsSource(() => types.derive(t, st('type', 'x', st('base', 'base')), sc), /not directly derived/);
    const m1 = mkModule('one', 'one', '1');
    mkIdentity(m1, 'a');
    mkIdentity(m1, 'b');
    throwsSource(
      () => types.derive(types.builtin('identityref', m1)!, st('type', 'identityref', st('base', 'a'), st('base', 'b')), mkScope(m1)),
      /only in YANG 1.1/,
    );
  });

  it('union resolves each member through the scope and needs members', () => {
    const resolved: Statement[] = [];
    const s = mkScope(m, {
      resolveType(x) {
        resolved.push(x);
        return derived(m, x);
      },
    });
    throwsSource(() => types.derive(types.builtin('union', m)!, st('type', 'union'), s), /Missing type/);
    const t = types.derive(types.builtin('union', m)!, st('type', 'union', st('type', 'int8'), st('type', 'string', st('length', '1'))), s);
    assert.equal(resolved.length, 2);
    assert.deepEqual(t.union!.map((u) => u.base), ['int8', 'string']);
    assert.equal(t.union![1].length!.text, '1');
  });

  it('duplicate single-valued restrictions are errors', () => {
    throwsSource(() => derived(mod, st('type', 'int8', st('range', '1'), st('range', '2'))), /Duplicate keyword "range"/);
  });
});
