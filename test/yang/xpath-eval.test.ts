import assert from 'node:assert/strict';
import { AgentError } from '../../src/errors';
import type { DataNode } from '../../src/yang/data/node';
import type { XPathValue } from '../../src/yang/xpath/api';
import { fixture, label, labels, xpath } from './xpath-helpers';

const f = fixture();
const top = f.tree.children[0];
const items = top.children.filter((c) => c.schema.name === 'item');

/** the same Map for every evaluation of the cached run: the tree never changes */
let cache: Map<unknown, unknown> | undefined;

function find(path: string): DataNode {
  const v = xpath.evaluate(xpath.compile(path, f.resolve), { schema: f.ctx, node: f.tree, root: f.tree, cache });
  assert.ok(Array.isArray(v) && v.length === 1, `${path} selects one node`);
  return v[0];
}

function ev(text: string, node: DataNode = f.tree, extra: { current?: DataNode; variables?: Record<string, XPathValue> } = {}): XPathValue {
  return xpath.evaluate(xpath.compile(text, f.resolve), { schema: f.ctx, node, root: f.tree, cache, ...extra });
}
const sel = (text: string, node?: DataNode) => labels(ev(text, node));
const is = (text: string, expected: XPathValue, node?: DataNode) => assert.deepEqual(ev(text, node), expected, text);

for (const cached of [false, true]) {
  const tag = cached ? ' (with an evaluation cache)' : '';
  describe(`xpath evaluation${cached ? ', cached' : ''}`, () => {
  before(() => {
    cache = cached ? new Map() : undefined;
  });
  after(() => {
    cache = undefined;
  });
  describe(`xpath evaluation${tag}: location paths and axes`, () => {
    const itemB = items[1];
    const sub = find('/ex:top/sub');

    it('child, absolute and relative paths; name tests match module and name', () => {
      assert.deepEqual(sel('/ex:top/name'), ['/top/name=hello']);
      assert.deepEqual(sel('/ex:top/item/id'), ['/top/item[a]/id=a', '/top/item[b]/id=b', '/top/item[c]/id=c']);
      assert.deepEqual(sel('/au:top/au:name'), ['/top/name=au-name']);
      assert.equal(label(find('/au:top')), '/top');
      assert.equal(find('/au:top').schema.module.name, 'aug');
      assert.deepEqual(sel('/ex:top/au:extra'), ['/top/extra=e']);
      assert.deepEqual(sel('/ex:top/extra'), [], 'unprefixed names are in the expression module');
      assert.deepEqual(sel('name', top), ['/top/name=hello']);
      assert.deepEqual(sel('/'), ['/']);
      assert.equal((ev('/') as DataNode[])[0], f.tree);
    });

    it('unprefixed names match every module when resolve(null) is undefined', () => {
      const e = xpath.compile('/top/name', () => undefined);
      assert.deepEqual(labels(xpath.evaluate(e, { schema: f.ctx, node: f.tree, root: f.tree })), ['/top/name=hello', '/top/name=au-name']);
    });

    it('wildcards and node tests', () => {
      assert.deepEqual(sel('/*'), ['/top', '/other', '/top']);
      assert.deepEqual(sel('/ex:*'), ['/top', '/other']);
      assert.deepEqual(sel('/au:*'), ['/top']);
      assert.deepEqual(sel('sub/*', top), ['/top/sub/x=  sp  ace ', '/top/sub/y=1', '/top/sub/y=2']);
      assert.deepEqual(sel('sub/node()', top), ['/top/sub/x=  sp  ace ', '/top/sub/y=1', '/top/sub/y=2']);
      assert.deepEqual(sel('sub/text()', top), []);
      assert.deepEqual(sel('sub/comment() | sub/processing-instruction()', top), []);
      assert.deepEqual(sel('@*', top), []);
      assert.deepEqual(sel('attribute::node()', top), []);
      assert.deepEqual(sel('namespace::*', top), []);
    });

    it('self, parent, . and ..', () => {
      assert.deepEqual(sel('.', sub), ['/top/sub']);
      assert.deepEqual(sel('self::ex:sub', sub), ['/top/sub']);
      assert.deepEqual(sel('self::ex:top', sub), []);
      assert.deepEqual(sel('..', sub), ['/top']);
      assert.deepEqual(sel('../name', sub), ['/top/name=hello']);
      assert.deepEqual(sel('parent::ex:top', sub), ['/top']);
      assert.deepEqual(sel('parent::ex:other', sub), []);
      assert.deepEqual(sel('..', f.tree), []);
      assert.deepEqual(sel('..', top), ['/']);
      assert.deepEqual(sel('../..', top), []);
    });

    it('descendant, descendant-or-self and //', () => {
      assert.deepEqual(sel('descendant::ex:y', top), ['/top/sub/y=1', '/top/sub/y=2']);
      assert.deepEqual(sel('//ex:val'), ['/top/item[a]/val=1', '/top/item[b]/val=2', '/top/item[c]/val=10']);
      assert.deepEqual(sel('descendant-or-self::ex:sub', sub), ['/top/sub']);
      assert.deepEqual(sel('descendant::ex:sub', sub), []);
      assert.deepEqual(sel('.//ex:x', top), ['/top/sub/x=  sp  ace ']);
      assert.deepEqual(sel('//ex:item[2]/id'), ['/top/item[b]/id=b'], '//x[2] is the second child, not the second descendant');
      assert.deepEqual(sel('(//ex:id)[2]'), ['/top/item[b]/id=b']);
      assert.deepEqual(sel('//ex:sub//*'), ['/top/sub/x=  sp  ace ', '/top/sub/y=1', '/top/sub/y=2']);
      assert.equal((ev('//node()') as DataNode[]).length, 35, 'every node but the root');
      is('count(/descendant-or-self::node())', 36);
      is('count(//ex:item//node())', 16);
    });

    it('ancestor and ancestor-or-self, with reverse-axis proximity positions', () => {
      const y = find('/ex:top/sub/y[2]');
      assert.deepEqual(sel('ancestor::*', y), ['/top', '/top/sub']);
      assert.deepEqual(sel('ancestor::node()', y), ['/', '/top', '/top/sub']);
      assert.deepEqual(sel('ancestor-or-self::*', y), ['/top', '/top/sub', '/top/sub/y=2']);
      assert.deepEqual(sel('ancestor::*[1]', y), ['/top/sub']);
      assert.deepEqual(sel('ancestor::*[last()]', y), ['/top']);
      assert.deepEqual(sel('ancestor-or-self::node()[position() = 2]', y), ['/top/sub']);
    });

    it('following-sibling and preceding-sibling', () => {
      assert.deepEqual(sel('following-sibling::ex:item', items[0]), ['/top/item[b]', '/top/item[c]']);
      assert.deepEqual(sel('following-sibling::*[1]', itemB), ['/top/item[c]']);
      assert.deepEqual(sel('preceding-sibling::*', itemB), ['/top/name=hello', '/top/item[a]']);
      assert.deepEqual(sel('preceding-sibling::*[1]', itemB), ['/top/item[a]']);
      assert.deepEqual(sel('preceding-sibling::*', f.tree), []);
      assert.deepEqual(sel('following-sibling::*', f.tree), []);
    });

    it('following and preceding', () => {
      const y1 = find('/ex:top/sub/y[1]');
      assert.deepEqual(sel('following::*', y1), ['/top/sub/y=2', '/top/extra=e', "/top/target=/ex:top/item[id='b']/val", '/other', '/other/itemref=c', '/top', '/top/name=au-name']);
      assert.deepEqual(sel('following::*[1]', y1), ['/top/sub/y=2']);
      const extra = find('/ex:top/au:extra');
      assert.deepEqual(sel('preceding::ex:y', extra), ['/top/sub/y=1', '/top/sub/y=2']);
      assert.deepEqual(sel('preceding::*[1]', extra), ['/top/sub/y=2']);
      assert.deepEqual(sel('preceding::*[3]', extra), ['/top/sub/x=  sp  ace ']);
      assert.deepEqual(sel('preceding::*[4]', extra), ['/top/sub']);
      assert.deepEqual(sel('preceding::node()', find('/ex:top/name')), [], 'ancestors are not preceding');
    });

    it('keeps document order and removes duplicates across steps and unions', () => {
      assert.deepEqual(sel('item/id/../val', top), ['/top/item[a]/val=1', '/top/item[b]/val=2', '/top/item[c]/val=10']);
      assert.deepEqual(sel('item/..', top), ['/top']);
      assert.deepEqual(sel('sub/y | name | sub/y | item[2]', top), ['/top/name=hello', '/top/item[b]', '/top/sub/y=1', '/top/sub/y=2']);
      assert.deepEqual(sel('//ex:y/ancestor::*'), ['/top', '/top/sub']);
      assert.deepEqual(sel('(//ex:sub | /ex:top)/descendant-or-self::ex:x'), ['/top/sub/x=  sp  ace ']);
      assert.deepEqual(sel('/ex:top/descendant-or-self::*/ex:y'), ['/top/sub/y=1', '/top/sub/y=2']);
      // input with an ancestor and its descendant: children must be merged into document order
      assert.deepEqual(sel('(/ex:top | /ex:top/sub)/*[self::ex:y or self::ex:b1 or self::ex:tag]'), [
        '/top/b1=bee',
        '/top/tag=x',
        '/top/tag=y',
        '/top/tag=z',
        '/top/sub/y=1',
        '/top/sub/y=2',
      ]);
      assert.deepEqual(sel('(//ex:y)[1]/preceding-sibling::* | (//ex:item)/following-sibling::ex:b1'), ['/top/b1=bee', '/top/sub/x=  sp  ace ']);
      assert.deepEqual(sel('(//ex:y | //ex:id)/parent::*'), ['/top/item[a]', '/top/item[b]', '/top/item[c]', '/top/sub']);
    });

    it('predicates: positional, boolean, nested, several in a row', () => {
      assert.deepEqual(sel('item[2]', top), ['/top/item[b]']);
      assert.deepEqual(sel('item[last()]', top), ['/top/item[c]']);
      assert.deepEqual(sel('item[position() < 3][last()]', top), ['/top/item[b]']);
      assert.deepEqual(sel("item[id = 'c']", top), ['/top/item[c]']);
      assert.deepEqual(sel("item[val > 1][kind != 'ex:tunnel']", top), ['/top/item[b]']);
      assert.deepEqual(sel('item[flags]', top), ['/top/item[a]', '/top/item[c]']);
      assert.deepEqual(sel('item[0]', top), []);
      assert.deepEqual(sel('item[1.5]', top), []);
      assert.deepEqual(sel('item[4]', top), []);
      assert.deepEqual(sel('item[val = ../item[3]/val - 8]/id', top), ['/top/item[b]/id=b']);
      assert.deepEqual(sel('tag[. = "y"]/following-sibling::tag', top), ['/top/tag=z']);
      assert.deepEqual(sel('item[1 + 1]', top), ['/top/item[b]']);
      assert.deepEqual(sel("item['']", top), []);
      assert.deepEqual(sel("item['x']", top), ['/top/item[a]', '/top/item[b]', '/top/item[c]']);
    });

    it('variables', () => {
      assert.deepEqual(labels(ev('item[id = $k]', top, { variables: { k: 'b' } })), ['/top/item[b]']);
      assert.equal(ev('$n * 2', top, { variables: { n: 21 } }), 42);
      assert.throws(() => ev('$nope'), (e: unknown) => e instanceof AgentError && /unknown variable "\$nope"/.test(e.message));
    });
  });

  describe(`xpath evaluation${tag}: operators and comparisons (XPath 1.0 3.4)`, () => {
    it('arithmetic, div, mod, unary minus, NaN and infinities', () => {
      is('1 + 2 * 3', 7);
      is('(1 + 2) * 3', 9);
      is('7 div 2', 3.5);
      is('5 mod 2', 1);
      is('5 mod -2', 1);
      is('-5 mod 2', -1);
      is('- - 3', 3);
      is('1 div 0', Infinity);
      is('-1 div 0', -Infinity);
      assert.ok(Number.isNaN(ev('0 div 0')));
      assert.ok(Number.isNaN(ev("'a' + 1")));
      is('/ex:top/item[2]/val * 10', 20);
      is('8 - 4 - 2', 2);
    });

    it('boolean operators short-circuit', () => {
      is('1 = 1 or $undefined', true);
      is('1 = 2 and $undefined', false);
      is('1 and 0', false);
      is("'' or 'x'", true);
      is('/ex:top/nothing or /ex:top/name', true);
    });

    it('compares scalars: boolean first, then number, then string', () => {
      is("'1' = 1", true);
      is("'1.0' = 1", true);
      is("'1.0' = '1'", false);
      is("true() = 'x'", true);
      is("false() = ''", true);
      is('true() = 2', true);
      is("'abc' != 'abd'", true);
      is("'10' < '9'", false, undefined);
      is("'2' < '10'", true);
      is("'a' < 'b'", false, undefined);
      is('true() > false()', true);
      is('1 <= 1 and 2 >= 3', false);
      is('0 div 0 = 0 div 0', false);
      is('0 div 0 != 0 div 0', true);
    });

    it('compares node-sets with strings, numbers, booleans and node-sets', () => {
      is("/ex:top/item/id = 'b'", true);
      is("/ex:top/item/id = 'z'", false);
      is("/ex:top/item/id != 'b'", true, undefined);
      is("/ex:top/item[2]/id != 'b'", false);
      is('/ex:top/item/val > 5', true);
      is('/ex:top/item/val > 10', false);
      is('/ex:top/item/val = 2', true);
      is('/ex:top/item/val < /ex:top/sub/y', true);
      is('/ex:top/item[3]/val < /ex:top/sub/y', false);
      is('/ex:top/item/val <= /ex:top/sub/y', true);
      is('/ex:top/item/ref = /ex:top/item/id', true);
      is('/ex:top/tag = /ex:top/item/id', false);
      is('/ex:top/item/id != /ex:top/item/id', true);
      is('/ex:top/nothing = /ex:top/nothing', false);
      is('/ex:top/nothing != /ex:top/nothing', false);
      is("/ex:top/nothing != 'x'", false);
      is('/ex:top/nothing = false()', true);
      is('/ex:top/name = true()', true);
      is("'b' = /ex:top/item/id", true);
      is('5 < /ex:top/item/val', true);
      is('20 < /ex:top/item/val', false);
      is("/ex:top/item/val > '9'", true);
      is('/ex:top = /ex:top', true);
    });

    it('the literal fast path agrees with the general rules, from current() too', () => {
      const itemA = items[0];
      is("id = 'a'", true, itemA);
      is("'a' = id", true, itemA);
      is("id != 'a'", false, itemA);
      is('val = 1', true, itemA);
      is("val = '1.0'", false, itemA);
      is("val < '5'", true, itemA);
      is('5 > val', true, itemA);
      is("../name = 'hello'", true, itemA);
      is("../item/id = 'c'", true, itemA);
      is("../item/id != 'a'", true, itemA);
      is("nothing != 'a'", false, itemA);
      is("./id = 'a'", true, itemA);
      assert.equal(ev("current()/../name = 'hello'", top, { current: itemA }), true);
      assert.equal(ev("current()/id = 'a'", top, { current: itemA }), true);
    });
  });

  describe(`xpath evaluation${tag}: core function library`, () => {
    const itemA = items[0];
    const sub = find('/ex:top/sub');

    it('node-set functions', () => {
      is('count(/ex:top/item)', 3);
      is('count(//ex:y | //ex:tag)', 5);
      is('count(/nothing)', 0);
      is('last()', 1);
      is('position()', 1);
      is('/ex:top/item[last()]/id = "c"', true);
      is('count(/ex:top/item[position() mod 2 = 1])', 2);
      is("count(id('a'))", 0);
      is('local-name(/ex:top/au:extra)', 'extra');
      is('local-name()', '');
      is('local-name(/nothing)', '');
      is('namespace-uri(/ex:top/au:extra)', 'urn:test:aug');
      is('name(/ex:top/au:extra)', 'au:extra');
      is('name(/ex:top/item)', 'ex:item');
      assert.equal(ev('local-name()', sub), 'sub');
      assert.equal(ev('name()', sub), 'ex:sub');
      assert.equal(ev('namespace-uri()', sub), 'urn:test:ex');
    });

    it('string(), with number formatting per XPath', () => {
      is('string(1)', '1');
      is('string(-0)', '0');
      is('string(1.5)', '1.5');
      is('string(-2.25)', '-2.25');
      is('string(0 div 0)', 'NaN');
      is('string(1 div 0)', 'Infinity');
      is('string(-1 div 0)', '-Infinity');
      is('string(1000000 * 1000000 * 1000000 * 1000000)', '1000000000000000000000000');
      is('string(1 div 10000000)', '0.0000001');
      // shortest digits that identify the double (libxml2 stops at 15 significant digits)
      is('string(1 div 3)', '0.3333333333333333');
      is('string(true())', 'true');
      is('string(false())', 'false');
      // string-value of the first node: its descendant leaves concatenated
      is('string(/ex:top/item)', 'a1ex:ethreda cb');
      is('string(/nothing)', '');
      is('string(/ex:top/sub)', '  sp  ace 12');
      assert.equal(ev('string()', find('/ex:top/name')), 'hello');
    });

    it('string functions', () => {
      is("concat('a', 1, true(), /ex:top/name)", 'a1truehello');
      is("starts-with('hello', 'he')", true);
      is("starts-with('hello', 'lo')", false);
      is("contains('hello', 'ell')", true);
      is("contains('hello', '')", true);
      is("substring-before('1999/04/01', '/')", '1999');
      is("substring-before('abc', 'x')", '');
      is("substring-after('1999/04/01', '/')", '04/01');
      is("substring-after('abc', 'x')", '');
      is("substring-after('abc', '')", 'abc');
      is("string-length('hello')", 5);
      is("string-length('a\u{1F600}b')", 3);
      assert.equal(ev('string-length()', find('/ex:top/name')), 5);
      is("normalize-space('  a \t b\n c  ')", 'a b c');
      is('normalize-space(/ex:top/sub/x)', 'sp ace');
      is("translate('bar', 'abc', 'ABC')", 'BAr');
      is("translate('--aaa--', 'abc-', 'ABC')", 'AAA');
      is("translate('aba', 'aa', 'xy')", 'xbx');
    });

    it('substring() with XPath rounding rules', () => {
      is("substring('12345', 2, 3)", '234');
      is("substring('12345', 2)", '2345');
      is("substring('12345', 1.5, 2.6)", '234');
      is("substring('12345', 0, 3)", '12');
      is("substring('12345', 0 div 0, 3)", '');
      is("substring('12345', 1, 0 div 0)", '');
      is("substring('12345', -42, 1 div 0)", '12345');
      is("substring('12345', -1 div 0, 1 div 0)", '');
      is("substring('12345', -1)", '12345');
      is("substring('12345', 5, 10)", '5');
      is("substring('12345', 6)", '');
      is("substring('a\u{1F600}bc', 2, 2)", '\u{1F600}b');
    });

    it('boolean functions', () => {
      is('boolean(/ex:top/item)', true);
      is('boolean(/nothing)', false);
      is("boolean('')", false);
      is("boolean('false')", true);
      is('boolean(0)', false);
      is('boolean(0 div 0)', false);
      is('boolean(-1)', true);
      is('not(/nothing)', true);
      is('not(1)', false);
      is('true()', true);
      is('false()', false);
      is("lang('en')", false);
    });

    it('number functions and the number() conversion', () => {
      is("number(' 12.5 ')", 12.5);
      is("number('-3')", -3);
      is("number('.5')", 0.5);
      is("number('5.')", 5);
      for (const bad of ["'+1'", "'1e3'", "''", "' '", "'0x10'", "'Infinity'", "'1 2'", "'--1'", "'-'", "'.'"]) {
        assert.ok(Number.isNaN(ev(`number(${bad})`)), bad);
      }
      is('number(true())', 1);
      is('number(false())', 0);
      is('number(/ex:top/item[3]/val)', 10);
      assert.equal(ev('number()', find('/ex:top/item[2]/val')), 2);
      assert.ok(Number.isNaN(ev('number(/nothing)')));
      is('sum(/ex:top/item/val)', 13);
      is('sum(/nothing)', 0);
      assert.ok(Number.isNaN(ev('sum(/ex:top/item/id)')));
      is('floor(2.7)', 2);
      is('floor(-2.5)', -3);
      is('ceiling(2.1)', 3);
      is('ceiling(-2.5)', -2);
      is('round(2.5)', 3);
      is('round(-2.5)', -2);
      is('round(2.4)', 2);
      assert.ok(Object.is(ev('round(-0.4)'), -0));
      assert.ok(Number.isNaN(ev('round(0 div 0)')));
      is('round(1 div 0)', Infinity);
    });

    it('type errors in arguments are typed errors', () => {
      assert.throws(() => ev('count($v)', top, { variables: { v: 'x' } }), (e: unknown) => e instanceof AgentError && e.tag === 'invalid-value' && /count\(\) must be a node-set/.test(e.message));
      assert.throws(() => ev('$v/x', top, { variables: { v: 1 } }), (e: unknown) => e instanceof AgentError && /not a node-set/.test(e.message));
      assert.throws(() => ev('$v | x', top, { variables: { v: true } }), (e: unknown) => e instanceof AgentError && /node-sets/.test(e.message));
    });

    it('context-free number of calls: id of a node-set is empty, never fails', () => {
      is('count(id(/ex:top/item/id))', 0);
      assert.ok(itemA);
    });
  });

  describe(`xpath evaluation${tag}: YANG 1.1 functions (RFC 7950 section 10)`, () => {
    const [itemA, itemB, itemC] = items;

    it('current() is the initial context node, also inside predicates', () => {
      const ref = find('/ex:top/item[1]/ref');
      assert.deepEqual(labels(ev('/ex:top/item[id = current()]/val', ref)), ['/top/item[b]/val=2']);
      assert.deepEqual(labels(ev('/ex:top/item[id = current()/../id]/val', ref)), ['/top/item[a]/val=1']);
      assert.deepEqual(labels(ev('/ex:top/item[id = current()/../ref]/val', ref)), ['/top/item[b]/val=2']);
      assert.deepEqual(labels(ev('current()', top, { current: itemB })), ['/top/item[b]']);
      assert.deepEqual(labels(ev('../item[ref = current()/id]', top, { current: itemB })), []);
      assert.deepEqual(labels(ev('item[ref = current()/id]', top, { current: itemB })), ['/top/item[a]']);
    });

    it('deref() follows a leafref through its path, and an instance-identifier', () => {
      assert.deepEqual(labels(ev('deref(ref)', itemA)), ['/top/item[b]/id=b']);
      assert.deepEqual(labels(ev('deref(ref)/../val', itemA)), ['/top/item[b]/val=2']);
      assert.deepEqual(labels(ev('deref(/ex:other/itemref)/../color')), ['/top/item[c]/color=blue']);
      assert.deepEqual(labels(ev('deref(ref)', itemC)), [], 'no ref leaf');
      assert.deepEqual(labels(ev('deref(id)', itemC)), [], 'not a leafref');
      assert.deepEqual(labels(ev('deref(/ex:top/target)')), ['/top/item[b]/val=2']);
      is('deref(/ex:top/target) = 2', true);
    });

    it('deref() of a leafref without a compiled path uses type.target', () => {
      const f2 = fixture();
      const other = f2.tree.children.find((c) => c.schema.name === 'other')!;
      delete f2.S('/ex:other/itemref').type!.path;
      const v = xpath.evaluate(xpath.compile('deref(itemref)/../val', f2.resolve), { schema: f2.ctx, node: other, root: f2.tree });
      assert.deepEqual(labels(v), ['/top/item[c]/val=10']);
    });

    it('derived-from() and derived-from-or-self()', () => {
      assert.equal(ev("derived-from(kind, 'ex:base-if')", itemA), true);
      assert.equal(ev("derived-from(kind, 'ex:eth')", itemA), false);
      assert.equal(ev("derived-from-or-self(kind, 'ex:eth')", itemA), true);
      assert.equal(ev("derived-from(kind, 'ex:eth')", itemB), true, 'transitively');
      assert.equal(ev("derived-from(kind, 'eth')", itemB), true, 'unprefixed: the expression module');
      assert.equal(ev("derived-from(kind, 'ex:tunnel')", itemB), false);
      assert.equal(ev("derived-from(kind, 'au:vlan')", itemB), false);
      assert.equal(ev("derived-from(/ex:top/item/kind, 'ex:tunnel')"), false, 'no identity is derived from tunnel');
      assert.equal(ev("derived-from-or-self(/ex:top/item/kind, 'ex:tunnel')"), true, 'any node of the set');
      assert.equal(ev("derived-from(kind, concat('ex', ':', 'eth'))", itemB), true, 'computed argument');
      assert.equal(ev("derived-from(kind, 'ex:no-such')", itemB), false);
      assert.equal(ev("derived-from(nothing, 'ex:base-if')", itemB), false);
      assert.throws(() => xpath.compile("derived-from(kind, 'zz:eth')", f.resolve), (e: unknown) => e instanceof AgentError && /unknown prefix "zz"/.test(e.message));
    });

    it('derived-from() resolves prefixes of the expression scope, not of the data', () => {
      // in module aug, prefix "x" names module ex
      const resolve = (p: string | null) => (p === null ? 'aug' : p === 'x' ? 'ex' : p === 'au' ? 'aug' : undefined);
      const e = xpath.compile("derived-from(x:kind, 'x:eth')", resolve);
      assert.equal(xpath.evaluate(e, { schema: f.ctx, node: itemB, root: f.tree }), true);
    });

    it('re-match() uses XSD regular expressions, anchored', () => {
      is("re-match('1.22.333', '\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}')", true);
      is("re-match('a1.22.333', '\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}')", false);
      is("re-match('aaax', 'a*')", false);
      is("re-match('x$', 'x$')", true, undefined);
      is("re-match(/ex:top/name, concat('h', '.*'))", true);
      assert.throws(() => xpath.compile("re-match('a', '(')", f.resolve), (e: unknown) => e instanceof AgentError && e.tag === 'invalid-value' && /invalid pattern/.test(e.message));
      assert.throws(() => ev("re-match('a', concat('(', ''))"), (e: unknown) => e instanceof AgentError && /invalid pattern/.test(e.message));
    });

    it('enum-value()', () => {
      assert.equal(ev('enum-value(color)', itemB), 5);
      assert.equal(ev('enum-value(/ex:top/item/color)'), 1, 'first node');
      assert.ok(Number.isNaN(ev('enum-value(id)', itemB)));
      assert.ok(Number.isNaN(ev('enum-value(nothing)', itemB)));
      assert.deepEqual(labels(ev('/ex:top/item[enum-value(color) > 4]')), ['/top/item[b]', '/top/item[c]']);
    });

    it('bit-is-set()', () => {
      assert.equal(ev("bit-is-set(flags, 'a')", itemA), true);
      assert.equal(ev("bit-is-set(flags, 'c')", itemA), true);
      assert.equal(ev("bit-is-set(flags, 'b')", itemA), false);
      assert.equal(ev("bit-is-set(flags, 'a')", itemC), false);
      assert.equal(ev("bit-is-set(flags, 'a')", itemB), false, 'no flags leaf');
      assert.equal(ev("bit-is-set(id, 'a')", itemA), false, 'not a bits leaf');
    });
  });

  });
}

describe('xpath evaluation: an identityref leaf compared with a prefixed string literal', () => {
  // libyang stores the literal as a value of the leaf's type in the expression's
  // module context: 'au:vlan' is the identity aug:vlan (canonical "aug:vlan")
  const g = fixture();
  const top = g.tree.children[0];
  const itemC = top.children.filter((c) => c.schema.name === 'item')[2];
  const kindC = itemC.children.find((c) => c.schema.name === 'kind')!;
  kindC.value = 'aug:vlan';
  const name = top.children.find((c) => c.schema.name === 'name')!;
  name.value = 'aug:vlan';
  const run = (text: string, node: DataNode, cache?: Map<unknown, unknown>): XPathValue =>
    xpath.evaluate(xpath.compile(text, g.resolve), { schema: g.ctx, node, root: g.tree, cache });

  it('= and != resolve the literal prefix for identityref nodes (either side, simple and general paths)', () => {
    assert.equal(run("kind = 'au:vlan'", itemC), true);
    assert.equal(run("'au:vlan' = kind", itemC), true);
    assert.equal(run("kind != 'au:vlan'", itemC), false);
    assert.equal(run(". = 'au:vlan'", kindC), true);
    assert.equal(run("(. != \"au:vlan\" or ../id = 'x')", kindC), false, 'ietf-system user-authentication-order must');
    assert.equal(run("/ex:top/item/kind = 'au:vlan'", g.tree), true);
    assert.equal(run("kind = 'aug:vlan'", itemC), true, 'the canonical form still compares equal');
  });

  it('keyed predicates with and without an evaluation cache', () => {
    for (const cache of [undefined, new Map<unknown, unknown>()]) {
      assert.deepEqual(labels(run("/ex:top/item[kind = 'au:vlan']/id", g.tree, cache)), ['/top/item[c]/id=c']);
    }
  });

  it('a string leaf compares the literal as written', () => {
    assert.equal(run("name = 'au:vlan'", top), false);
    assert.equal(run("name = 'aug:vlan'", top), true);
  });
});
