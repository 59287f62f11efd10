import assert from 'node:assert/strict';
import { AgentError } from '../../src/errors';
import type { Ast, Expr } from '../../src/yang/xpath/ast';
import { tokenize } from '../../src/yang/xpath/lexer';
import { fixture, xpath } from './xpath-helpers';

const f = fixture();
const ast = (text: string): Expr => (xpath.compile(text, f.resolve).ast as Ast).root;

/** a compact rendering of the AST, to check structure and precedence */
function show(e: Expr): string {
  switch (e.t) {
    case 'num':
      return String(e.v);
    case 'str':
      return JSON.stringify(e.v);
    case 'var':
      return '$' + e.name;
    case 'or':
    case 'and':
      return `(${show(e.l)} ${e.t} ${show(e.r)})`;
    case 'cmp':
    case 'arith':
      return `(${show(e.l)} ${e.op} ${show(e.r)})`;
    case 'union':
      return `(${show(e.l)} | ${show(e.r)})`;
    case 'neg':
      return `-${show(e.e)}`;
    case 'call':
      return `${e.name}(${e.args.map(show).join(',')})`;
    case 'filter':
      return `${show(e.e)}${e.preds.map((p) => `[${show(p)}]`).join('')}`;
    case 'path': {
      const steps = e.steps.map((s) => {
        const t =
          s.test.k === 'name'
            ? `${s.test.module ?? '?'}:${s.test.name}`
            : s.test.k === 'any'
              ? `${s.test.module ?? '?'}:*`
              : s.test.k === 'node'
                ? 'node()'
                : `${s.test.type}()`;
        return `${s.axis}::${t}${s.preds.map((p) => `[${show(p)}]`).join('')}`;
      });
      const head = e.start ? show(e.start) + '/' : e.abs ? '/' : '';
      return head + steps.join('/');
    }
  }
}

function throwsAgent(text: string, re: RegExp, resolve = f.resolve): void {
  assert.throws(
    () => xpath.compile(text, resolve),
    (err: unknown) => {
      assert.ok(err instanceof AgentError, `not an AgentError: ${String(err)}`);
      assert.equal(err.tag, 'invalid-value');
      assert.match(err.message, re);
      return true;
    },
  );
}

describe('xpath lexer', () => {
  it('applies the operator-name and multiply disambiguation of XPath 3.7', () => {
    const kinds = (s: string) => tokenize(s).map((t) => `${t.k}:${t.v}`);
    assert.deepEqual(kinds('div div div'), ['nametest:div', 'op:div', 'nametest:div', 'eof:']);
    assert.deepEqual(kinds('* * *'), ['nametest:*', 'op:*', 'nametest:*', 'eof:']);
    assert.deepEqual(kinds('a-b - c'), ['nametest:a-b', 'op:-', 'nametest:c', 'eof:']);
    assert.deepEqual(kinds('count (x)'), ['func:count', '(:(', 'nametest:x', '):)', 'eof:']);
    assert.deepEqual(kinds('child ::x'), ['axis:child', ':::::', 'nametest:x', 'eof:']);
    assert.deepEqual(kinds('.5 1. ..'), ['num:.5', 'num:1.', '..:..', 'eof:']);
    assert.deepEqual(kinds('text()'), ['nodetype:text', '(:(', '):)', 'eof:']);
  });

  it('keeps prefixes of QNames and prefix:*', () => {
    const t = tokenize('ex:a/au:*');
    assert.equal(t[0].prefix, 'ex');
    assert.equal(t[0].v, 'a');
    assert.equal(t[2].prefix, 'au');
    assert.equal(t[2].v, '*');
  });
});

describe('xpath parser', () => {
  it('resolves prefixes to module names at compile time', () => {
    assert.equal(show(ast('/ex:top/au:extra')), '/child::ex:top/child::aug:extra');
    assert.equal(show(ast('top/name')), 'child::ex:top/child::ex:name');
    assert.equal(show(ast('au:*')), 'child::aug:*');
    assert.equal(show(ast('*')), 'child::?:*');
  });

  it('an unprefixed name matches any module when resolve(null) is undefined', () => {
    const e = (xpath.compile('a/b:c', (p) => (p === null ? undefined : p === 'b' ? 'mod-b' : undefined)).ast as Ast).root;
    assert.equal(show(e), 'child::?:a/child::mod-b:c');
  });

  it('expands abbreviations and fuses // into descendant', () => {
    assert.equal(show(ast('.')), 'self::node()');
    assert.equal(show(ast('../x')), 'parent::node()/child::ex:x');
    assert.equal(show(ast('@x')), 'attribute::ex:x');
    assert.equal(show(ast('//x')), '/descendant::ex:x');
    assert.equal(show(ast('a//x[1]')), 'child::ex:a/descendant-or-self::node()/child::ex:x[1]');
    assert.equal(show(ast('a//x[@y]')), 'child::ex:a/descendant::ex:x[attribute::ex:y]');
    assert.equal(show(ast('/')), '/');
  });

  it('parses every axis and node type', () => {
    for (const axis of [
      'ancestor',
      'ancestor-or-self',
      'attribute',
      'child',
      'descendant',
      'descendant-or-self',
      'following',
      'following-sibling',
      'namespace',
      'parent',
      'preceding',
      'preceding-sibling',
      'self',
    ]) {
      assert.equal(show(ast(`${axis}::node()`)), `${axis}::node()`);
    }
    assert.equal(show(ast('text()')), 'child::text()');
    assert.equal(show(ast("processing-instruction('p')")), 'child::processing-instruction()');
    assert.equal(show(ast('comment()')), 'child::comment()');
  });

  it('follows XPath 1.0 operator precedence and associativity', () => {
    assert.equal(show(ast('1 or 2 and 3')), '(1 or (2 and 3))');
    assert.equal(show(ast('1 = 2 < 3')), '(1 = (2 < 3))');
    assert.equal(show(ast('1 < 2 + 3 * 4')), '(1 < (2 + (3 * 4)))');
    assert.equal(show(ast('8 - 4 - 2')), '((8 - 4) - 2)');
    assert.equal(show(ast('8 div 4 mod 3')), '((8 div 4) mod 3)');
    assert.equal(show(ast('- - 1')), '--1');
    assert.equal(show(ast('-a | b')), '-(child::ex:a | child::ex:b)');
    assert.equal(show(ast('a != b and c <= d or e >= f')), '(((child::ex:a != child::ex:b) and (child::ex:c <= child::ex:d)) or (child::ex:e >= child::ex:f))');
  });

  it('parses filter expressions, variables, literals and calls', () => {
    assert.equal(show(ast("(a | b)[2]/c")), '(child::ex:a | child::ex:b)[2]/child::ex:c');
    assert.equal(show(ast('$v + 1')), '($v + 1)');
    assert.equal(show(ast(`concat("a'b", 'c"d', 1.5)`)), `concat("a'b","c\\"d",1.5)`);
    assert.equal(show(ast('current()/../x')), 'current()/parent::node()/child::ex:x');
    assert.equal(show(ast('item[id = current()/../ref]/val')), 'child::ex:item[(child::ex:id = current()/parent::node()/child::ex:ref)]/child::ex:val');
  });

  it('resolves prefixed literals for derived-from at compile time', () => {
    const e = ast("derived-from(kind, 'au:vlan')");
    assert.equal(e.t, 'call');
    const lit = e.t === 'call' ? e.args[1] : null;
    assert.ok(lit && lit.t === 'str');
    assert.deepEqual(lit.t === 'str' ? lit.qname : null, { module: 'aug', name: 'vlan' });
    const plain = ast("'nope:x'");
    assert.equal(plain.t === 'str' ? plain.qname : 'bad', undefined);
  });

  it('marks predicates that depend on the context position', () => {
    const p = ast('a[1]/b[x]/c[last()]/d[position() = 2]/e[count(f[1]) = 1]');
    assert.ok(p.t === 'path');
    if (p.t === 'path') assert.deepEqual(p.steps.map((s) => s.posDep), [true, false, true, true, false]);
  });

  it('rejects an unknown prefix, naming the prefix and the expression', () => {
    throwsAgent('/nope:top', /unknown prefix "nope".*"\/nope:top"/);
    throwsAgent('nope:*', /unknown prefix "nope"/);
  });

  it('reports syntax errors with their position', () => {
    throwsAgent('/ex:top/', /position 9 .*expected a location step/);
    throwsAgent('a[1', /position 4 .*expected "\]"/);
    throwsAgent('(1', /position 3/);
    throwsAgent("'abc", /position 1 .*unterminated string literal/);
    throwsAgent('1 +', /position 4 .*expected an expression/);
    throwsAgent('a b', /position 3 .*expected an operator, found "b"/);
    throwsAgent('a ! b', /position 3 .*unexpected "!"/);
    throwsAgent('a # b', /position 3 .*unexpected character "#"/);
    throwsAgent('', /position 1 .*expected an expression, found end of expression/);
    throwsAgent('bogus::x', /unknown axis "bogus"/);
    throwsAgent('1)', /position 2/);
    throwsAgent('a ::b', /position 1 .*unknown axis "a"/);
  });

  it('a deeply nested expression is a typed error, not a stack overflow', () => {
    throwsAgent('('.repeat(20000) + '1' + ')'.repeat(20000), /nested too deeply/);
    const ok = xpath.compile('('.repeat(200) + '1' + ')'.repeat(200), f.resolve);
    assert.equal(ok.text.length, 401);
  });

  it('checks function names, arity and node-set arguments', () => {
    throwsAgent('frobnicate(1)', /unknown XPath function "frobnicate\(\)"/);
    throwsAgent('ex:count(a)', /unknown XPath function "ex:count\(\)"/);
    throwsAgent('toString()', /unknown XPath function "toString\(\)"/);
    throwsAgent('count()', /takes 1 argument/);
    throwsAgent('concat("a")', /takes at least 2 argument/);
    throwsAgent('substring("a",1,2,3)', /takes 2 to 3 argument/);
    throwsAgent('count(1)', /argument 1 of XPath function "count\(\)" must be a node-set/);
    throwsAgent("deref('x')", /must be a node-set/);
    throwsAgent('1 | a', /operands of "\|" must be node-sets/);
    throwsAgent("'a'/b", /apply only to node-sets/);
    throwsAgent('1[1]', /apply only to node-sets/);
  });
});

describe('xpath schemaTargets', () => {
  const st = (text: string, from: string) =>
    xpath.schemaTargets(xpath.compile(text, f.resolve), f.S(from), f.ctx).map((n) => `${n.module.name}:${n.name}`);

  it('resolves a relative leafref path from the leaf itself', () => {
    assert.deepEqual(st('../../item/id', '/ex:top/item/ref'), ['ex:id']);
    assert.deepEqual(st('../name', '/ex:top/item'), ['ex:name']);
    assert.deepEqual(st('../val', '/ex:top/item/ref'), ['ex:val']);
  });

  it('resolves absolute paths from the schema root, ignoring predicates', () => {
    assert.deepEqual(st("/ex:top/ex:item[ex:id='a']/ex:val", '/ex:other/itemref'), ['ex:val']);
    assert.deepEqual(st('/au:top/au:name', '/ex:top'), ['aug:name']);
    assert.deepEqual(st('/ex:top/au:extra', '/ex:top'), ['aug:extra']);
    assert.deepEqual(st('/ex:top/au:nothing', '/ex:top'), []);
    assert.deepEqual(st('/', '/ex:top'), ['ex:']);
  });

  it('crosses choice and case transparently, both ways', () => {
    assert.deepEqual(st('/ex:top/b1', '/ex:top'), ['ex:b1']);
    assert.deepEqual(st('../a1', '/ex:top/b1'), ['ex:a1']);
    assert.deepEqual(st('..', '/ex:top/a1'), ['ex:top']);
  });

  it('handles wildcards, descendants, current(), unions and deref()', () => {
    assert.deepEqual(st('/ex:top/sub/*', '/ex:top'), ['ex:x', 'ex:y']);
    assert.deepEqual(st('//ex:x', '/ex:top'), ['ex:x']);
    assert.deepEqual(st('/*', '/ex:top'), ['ex:top', 'ex:other', 'aug:top']);
    assert.deepEqual(st('/ex:*', '/ex:top'), ['ex:top', 'ex:other']);
    assert.deepEqual(st('current()/../name', '/ex:top/item'), ['ex:name']);
    assert.deepEqual(st('name | sub/x', '/ex:top'), ['ex:name', 'ex:x']);
    assert.deepEqual(st('deref(ref)/../val', '/ex:top/item'), ['ex:val']);
    assert.deepEqual(st('.', '/ex:top/sub'), ['ex:sub']);
    assert.deepEqual(st('ancestor::*', '/ex:top/sub/x'), ['ex:sub', 'ex:top']);
    assert.deepEqual(st('1 + 1', '/ex:top'), []);
  });

  it('with resolve(null) undefined, unprefixed names match every module', () => {
    const lenient = xpath.compile('/top/name', (p) => (p === null ? undefined : undefined));
    assert.deepEqual(
      xpath.schemaTargets(lenient, f.ctx.root, f.ctx).map((n) => `${n.module.name}:${n.name}`),
      ['ex:name', 'aug:name'],
    );
  });
});
