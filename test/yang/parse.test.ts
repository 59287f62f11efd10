import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parseYang } from '../../src/yang/parse';
import { SourceError } from '../../src/errors';
import type { Statement } from '../../src/yang/schema';

function arg(text: string, kw = 'description'): string | null {
  const m = parseYang(`module m {\n${HEAD}\n  ${kw} ${text};\n}\n`, 'm.yang');
  return m.subs[2].arg;
}

/** the statements a module needs (RFC 7950 section 14), for the small modules here */
const HEAD = 'namespace urn:m; prefix m; ';

function err(text: string): SourceError {
  try {
    parseYang(text, 't.yang');
  } catch (e) {
    assert.ok(e instanceof SourceError, `expected SourceError, got ${String(e)}`);
    return e;
  }
  assert.fail('no error');
}

describe('yang parser', () => {
  it('parses statements, nesting and locations', () => {
    const m = parseYang('module a {\n  namespace "urn:a";\n  prefix a;\n  container c {\n    leaf x { type string; }\n  }\n}\n', 'a.yang');
    assert.equal(m.keyword, 'module');
    assert.equal(m.arg, 'a');
    assert.deepEqual(m.subs.map((s) => s.keyword), ['namespace', 'prefix', 'container']);
    const leaf = m.subs[2].subs[0];
    assert.equal(leaf.keyword, 'leaf');
    assert.equal(leaf.arg, 'x');
    assert.deepEqual(leaf.loc, { file: 'a.yang', line: 5, col: 5 });
    assert.equal(leaf.subs[0].arg, 'string');
    assert.deepEqual(leaf.subs[0].loc, { file: 'a.yang', line: 5, col: 14 });
  });

  it('statements without argument', () => {
    const m = parseYang(`module a { ${HEAD}rpc r { input { leaf x { type int8; } } } }`, 'a.yang');
    assert.equal(m.subs[2].subs[0].keyword, 'input');
    assert.equal(m.subs[2].subs[0].arg, null);
  });

  it('unquoted, single and double quoted strings', () => {
    assert.equal(arg('abc/def:ghi[x=1]'), 'abc/def:ghi[x=1]');
    assert.equal(arg(`'a "b" \\n c'`), 'a "b" \\n c');
    assert.equal(arg('"a \\"b\\" \\\\ \\t\\n"'), 'a "b" \\ \t\n');
    assert.equal(arg('a+b'), 'a+b');
  });

  it('concatenates quoted strings with +', () => {
    assert.equal(arg(`"abc" + 'def'\n    + "ghi"`), 'abcdefghi');
    assert.equal(arg(`'[a-z]' + "*"`), '[a-z]*');
  });

  it('+ must be followed by a quoted string', () => {
    const e = err('module m {\n  description "a" + b;\n}\n');
    assert.equal(e.line, 2);
    assert.match(e.message, /^t\.yang:2:\d+: .*quoted/);
  });

  it('trims indentation of multi-line double-quoted strings', () => {
    const text = `module m {\n${HEAD}\n  description\n    "first line\n     second line   \n       indented more\n  less\n\n     after blank";\n}\n`;
    const m = parseYang(text, 'm.yang');
    assert.equal(m.subs[2].arg, 'first line\nsecond line\n  indented more\nless\n\nafter blank');
  });

  it('tabs count as 8 spaces for the indentation rule', () => {
    // quote at column 8 (0-based); a tab covers columns 0..7, one more space reaches the quote column
    const text = `module m {\n${HEAD}\n\tcontact\n\t"a\n\t b\n\t  c";\n}\n`;
    const m = parseYang(text, 'm.yang');
    assert.equal(m.subs[2].keyword, 'contact');
    assert.equal(m.subs[2].arg, 'a\nb\n c');
  });

  it('single-quoted strings keep their text exactly', () => {
    const m = parseYang(`module m {\n${HEAD}\n  description 'a  \n     b';\n}\n`, 'm.yang');
    assert.equal(m.subs[2].arg, 'a  \n     b');
  });

  it('skips line and block comments', () => {
    const m = parseYang(
      'module m { // a comment with { braces\n  /* block\n  comment */ namespace "urn:x//y"; /**/ prefix p;\n  description "/* not a comment */";\n}',
      'm.yang',
    );
    assert.deepEqual(m.subs.map((s) => [s.keyword, s.arg]), [
      ['namespace', 'urn:x//y'],
      ['prefix', 'p'],
      ['description', '/* not a comment */'],
    ]);
    assert.equal(m.subs[1].loc.line, 3);
  });

  it('extension keywords prefix:kw', () => {
    const m = parseYang(`module m { nacm:default-deny-all; ext:label "x" { ext:sub y; } ${HEAD}}`, 'm.yang');
    assert.equal(m.subs[0].keyword, 'nacm:default-deny-all');
    assert.equal(m.subs[0].arg, null);
    assert.equal(m.subs[1].keyword, 'ext:label');
    assert.equal(m.subs[1].subs[0].keyword, 'ext:sub');
  });

  it('a bare keyword that is not YANG is an error (a typo such as mandatroy is never dropped silently)', () => {
    const e = err('module m {\n  leaf a {\n    type string;\n    mandatroy true;\n  }\n}\n');
    assert.equal(e.line, 4);
    assert.match(e.message, /unknown keyword 'mandatroy'/);
    assert.match(err('module m { frobnicate; }').message, /unknown keyword 'frobnicate'/);
    // every YANG keyword, and any prefixed one, still parses
    const m = parseYang(`module m { yang-version 1.1; ${HEAD}leaf-list a { type string; ordered-by user; min-elements 1; } x:any-thing; }`, 'm.yang');
    assert.deepEqual(m.subs.map((s) => s.keyword), ['yang-version', 'namespace', 'prefix', 'leaf-list', 'x:any-thing']);
  });

  it('a statement out of its place is an error (RFC 7950 section 14): key in a container, mandatory in a leaf-list', () => {
    let e = err('module m {\n  container c {\n    key "a";\n    leaf a { type string; }\n  }\n}\n');
    assert.equal(e.line, 3);
    assert.match(e.message, /'key' cannot stand in 'container'/);
    e = err('module m { leaf-list a { type string; mandatory true; } }');
    assert.match(e.message, /'mandatory' cannot stand in 'leaf-list'/);
    assert.match(err('module m { container c { augment "/x" { leaf z { type string; } } } }').message, /'augment' cannot stand in 'container'/);
    assert.match(err('module m { leaf a { type string; leaf b { type string; } } }').message, /'leaf' cannot stand in 'leaf'/);
    // the same statements in their places, and anything under an extension, parse
    parseYang(
      `module m { ${HEAD}list l { key "a"; unique "b"; min-elements 1; ordered-by user; leaf a { type string; } leaf b { type int8 { range "1..2"; } mandatory true; } } ` +
        'grouping g { leaf x { type string; } } container c { presence "p"; uses g { refine x { mandatory true; } augment "." { leaf y { type string; } } } } ' +
        'ext:thing { key "anything"; } }',
      'm.yang',
    );
  });

  it('a statement given twice where it may stand once is an error: two types, two mandatory in a leaf', () => {
    const e = err('module m {\n  leaf a {\n    type string;\n    type int8;\n  }\n}\n');
    assert.equal(e.line, 4);
    assert.match(e.message, /'type' given twice in 'leaf'/);
    assert.match(err('module m { leaf a { type string; mandatory true; mandatory false; } }').message, /'mandatory' given twice/);
    // a union's types, a leaf-list's defaults, patterns and musts repeat
    parseYang(
      `module m { ${HEAD}leaf u { type union { type int8; type string { pattern "a.*"; pattern ".*b"; } } must "1"; must "2"; } ` +
        'leaf-list d { type string; default "a"; default "b"; } }',
      'm.yang',
    );
  });

  it('YANG 1.1 rejects unknown escapes, 1.0 keeps them', () => {
    const e = err('module m {\n  yang-version 1.1;\n  description "a \\d b";\n}\n');
    assert.equal(e.line, 3);
    assert.match(e.message, /escape/);
    const m = parseYang(`module m {\n${HEAD}\n  description "a \\d b";\n}\n`, 'm.yang');
    assert.equal(m.subs[2].arg, 'a \\d b');
  });

  it('errors name file, line and column', () => {
    let e = err('module m {\n  container c {\n    leaf x { type string }\n  }\n}\n');
    assert.equal(e.file, 't.yang');
    assert.equal(e.line, 3);
    assert.match(e.message, /^t\.yang:3:\d+: /);

    e = err('module m {\n  leaf x {\n    type string;\n');
    assert.equal(e.line, 2);
    assert.match(e.message, /missing '}'/);

    e = err('module m {\n  description "never closed;\n}\n');
    assert.equal(e.line, 2);
    assert.match(e.message, /unterminated double-quoted/);

    e = err('module m {\n  /* open comment\n}\n');
    assert.equal(e.line, 2);

    e = err(`module m { ${HEAD}}\nleaf x;\n`);
    assert.equal(e.line, 2);

    e = err('container m { }\n');
    assert.match(e.message, /expected 'module'/);

    e = err('module m {\n  "quoted" keyword;\n}\n');
    assert.equal(e.line, 2);

    e = err('module m {\n  leaf a"b { }\n}\n');
    assert.equal(e.line, 2);
  });

  it('parses every standard module it is given', () => {
    const dir = '/usr/share/yuma/modules/ietf';
    if (!fs.existsSync(dir)) return;
    let count = 0;
    for (const f of fs.readdirSync(dir)) {
      if (!f.endsWith('.yang')) continue;
      const st: Statement = parseYang(fs.readFileSync(`${dir}/${f}`, 'utf8'), f);
      assert.ok(st.keyword === 'module' || st.keyword === 'submodule');
      assert.equal(st.arg, f.replace(/@.*|\.yang$/, ''));
      count++;
    }
    assert.ok(count > 20);
  });
});
