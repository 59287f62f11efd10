/**
 * parseXml() of a text reads it straight into data nodes (the fast scanner
 * of data/xmlscan.ts, or saxes events when the scanner leaves the text to
 * saxes). Both must give what the element-tree reader gives (parseDocument
 * then parseXml of the element): the same tree (XML out, source lines) or
 * the same error (tag, message, error-path, info, app-tag). Checked on the
 * whole libyang-diff corpus, each document also with CRLF line ends (which
 * the scanner leaves to saxes), and on documents made to hit every rule.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AgentError } from '../../src/errors';
import { loadContext } from '../../src/yang/context';
import * as d from '../../src/yang/data';
import { Builder, type DocType } from '../../src/yang/data/xml';
import { scanXml } from '../../src/yang/data/xmlscan';
import type { SchemaContext } from '../../src/yang/schema';
import { dtContext, top } from './fixtures/data/context';

const IETF = '/usr/share/yuma/modules/ietf';
const DIFF = path.join(__dirname, '..', 'libyang-diff');

type Outcome = { ok: true; xml: string; lines: string } | { ok: false; error: string };

function lines(n: d.DataNode): string {
  const out: string[] = [];
  const walk = (x: d.DataNode): void => {
    out.push(`${x.schema.name}@${x.line ?? '-'}`);
    x.children.forEach(walk);
  };
  walk(n);
  return out.join(' ');
}

function outcome(f: () => d.DataNode): Outcome {
  try {
    const root = f();
    return { ok: true, xml: d.toXml(root), lines: lines(root) };
  } catch (e) {
    if (!(e instanceof AgentError)) return { ok: false, error: `untyped: ${String(e)}` };
    return { ok: false, error: JSON.stringify([e.tag, e.message, e.path, e.pathNs, e.info, e.appTag]) };
  }
}

function same(ctx: SchemaContext, xml: string, opts: { type?: DocType; file?: string; unwrap?: boolean }, what: string): void {
  const streamed = outcome(() => d.parseXml(ctx, xml, opts));
  const viaTree = outcome(() => {
    let el;
    try {
      el = d.parseDocument(xml, opts.file);
    } catch (e) {
      // the XML errors come from parseDocument in both readers
      throw e;
    }
    return d.parseXml(ctx, el, opts);
  });
  assert.deepEqual(streamed, viaTree, what);
}

/** does the fast scanner read it (true) or leave it to saxes (false)? */
function scanned(ctx: SchemaContext, xml: string, type: DocType = 'config'): boolean {
  return scanXml(xml, 0, 512, new Builder(ctx, type, undefined, true));
}

describe('yang/data: XML text read straight into data nodes', function () {
  this.timeout(60000);
  let flow: SchemaContext;
  const dt = dtContext();
  before(() => {
    const mods = fs
      .readFileSync(path.join(DIFF, 'modules.txt'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((m) => (m.startsWith('/') ? m : path.join(__dirname, '..', '..', m)));
    flow = loadContext(mods, { searchPath: [IETF] });
  });

  it('the libyang-diff corpus: same tree or error as the element-tree reader, also with CRLF', () => {
    let n = 0;
    let fast = 0;
    for (const dir of ['gen', 'hand']) {
      for (const f of fs.readdirSync(path.join(DIFF, 'corpus', dir))) {
        const xml = fs.readFileSync(path.join(DIFF, 'corpus', dir, f), 'utf8');
        const type = f.endsWith('.data.xml') ? 'data' : 'config';
        same(flow, xml, { type, file: f }, f);
        same(flow, xml.replace(/\n/g, '\r\n'), { type, file: f }, `${f} (CRLF)`);
        if (scanned(flow, xml, type)) fast++;
        n++;
      }
    }
    assert.ok(n >= 500, `${n} documents`);
    assert.ok(fast >= n - 5, `the scanner reads ${fast} of ${n} corpus documents`);
  });

  const cases: [string, string, DocType?][] = [
    ['plain', top('<name>x</name>')],
    ['multi-line tags and attributes: lines of the >', `<top xmlns="urn:test:dt"\n  xmlns:dt="urn:test:dt">\n<tags>a</tags><v4\n/>\n<kind\n>dt:cat</kind>\n<mtu>1</mtu></top>`],
    ['xml declaration on two lines', `<?xml version="1.0"\n encoding="UTF-8"?>\n${top('<mtu>\n1</mtu>')}`],
    ['comments', `<!-- a -->${top('<!-- b --><name>x<!-- c -->y</name>')}<!-- d -->`],
    ['bad comment', top('<!-- a -- b -->')],
    ['entities and character references', top('<name>&lt;&amp;&gt;&quot;&apos;&#65;&#x42;&#x1F600;</name>')],
    ['unknown entity', top('<name>&nbsp;</name>')],
    ['bad character reference', top('<name>&#0;</name>')],
    ['CDATA', top('<name><![CDATA[a<b]]></name>')],
    ['CDATA in a container', top('<![CDATA[x]]>')],
    [']]> in text', top('<name>a]]>b</name>')],
    ['processing instruction', top('<?pi x?><name>x</name>')],
    ['DOCTYPE', `<!DOCTYPE top>${top('')}`],
    ['text outside elements', `x${top('')}`],
    ['text after the last element', `${top('')} y`],
    ['non-breaking space outside elements', `\u00a0${top('')}`],
    ['unclosed element', '<top xmlns="urn:test:dt"><tags>a</tags>'],
    ['mismatched end tag', top('<name>x</nam>')],
    ['end tag with spaces', top('<name>x</name  >')],
    ['attribute without white space before it', '<top xmlns="urn:test:dt"x="1"><tags>a</tags><v4/></top>'],
    ['duplicate attribute', '<top xmlns="urn:test:dt" a="1" a="2"><tags>a</tags><v4/></top>'],
    ['duplicate expanded attribute', '<top xmlns="urn:test:dt" xmlns:p="urn:x" xmlns:q="urn:x" p:a="1" q:a="2"><tags>a</tags><v4/></top>'],
    ['unknown attribute', '<top xmlns="urn:test:dt" a="1"><tags>a</tags><v4/></top>'],
    ['attribute value with entity', '<top xmlns="urn:test:dt" a="&amp;"><tags>a</tags><v4/></top>'],
    ['attribute value with >', '<top xmlns="urn:test:dt" xmlns:z="urn:z" z:a="x>y"><tags>a</tags><v4/></top>'],
    ['attribute value with a tab', '<top xmlns="urn:test:dt" xmlns:z="urn:z" z:a="x\ty"><tags>a</tags><v4/></top>'],
    ['metadata of a loaded module', '<top xmlns="urn:test:dt" xmlns:dt="urn:test:dt" dt:a="1"><tags>a</tags><v4/></top>'],
    ['unbound element prefix', top('<p:name>x</p:name>')],
    ['unbound attribute prefix', '<top xmlns="urn:test:dt" p:a="1"><tags>a</tags><v4/></top>'],
    ['xml: attribute', '<top xmlns="urn:test:dt" xml:lang="en"><tags>a</tags><v4/></top>'],
    ['empty prefix declaration', '<top xmlns="urn:test:dt" xmlns:p=""><tags>a</tags><v4/></top>'],
    ['default namespace reset', top('<name xmlns="">x</name>')],
    ['no namespace', '<top><tags>a</tags></top>'],
    ['unknown namespace', '<top xmlns="urn:nowhere"/>'],
    ['non-ASCII name', top('<nämé>x</nämé>')],
    ['name with two colons', top('<a:b:c>x</a:b:c>')],
    ['control character', top('<name>a\u0001b</name>')],
    ['surrogate pair', top('<name>\ud83d\ude00</name>')],
    ['byte order mark', `\ufeff${top('')}`],
    ['empty element with space', top('<flag />')],
    ['slash then space', top('<flag/ >')],
    ['text in a container before a bad child', top('x<nope/>')],
    ['text in a container after a child', top('<name>a</name>x')],
    ['child in a leaf', top('<name><x/></name>')],
    ['data error then XML error', top('<nope/><name>x</name')],
    ['XML error then data error', top('<name>x</nam><nope/>')],
    ['two data errors', top('<nope/><mtu>1</mtu>')],
    ['duplicate leaf', top('<name>a</name><name>b</name>')],
    ['duplicate list entry', top('<item><id>a</id></item><item><id>a</id></item>')],
    ['list keys last', top('<item><note>n</note><id>a</id></item>')],
    ['missing key', top('<item><note>n</note></item>')],
    ['bad value', top('<mtu>1</mtu><addr>1.2.3.999</addr>')],
    ['state data in config', '<state xmlns="urn:test:dt"><counter>1</counter></state>'],
    ['anydata', top('<blob><a xmlns="urn:x" b="1">t<c/>&lt;</a><d/></blob>')],
    ['anydata twice', top('<blob/><blob/>')],
    ['identityref through a prefix declared on the leaf', top('<kind xmlns:q="urn:test:dt">q:dog</kind>')],
    ['deep nesting', `<top xmlns="urn:test:dt"><blob>${'<a>'.repeat(600)}${'</a>'.repeat(600)}</blob></top>`],
    ['NETCONF wrapper', `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">${top('<name>x</name>')}</config>`],
    ['NETCONF wrapper and another element', `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">${top('')}</config>${top('')}`],
    ['rpc', '<reset xmlns="urn:test:dt"><delay>1</delay></reset>', 'rpc'],
    ['rpc missing', top(''), 'rpc'],
    ['notification', '<fired xmlns="urn:test:dt"><what>x</what></fired>', 'notification'],
    ['edit attributes', `<top xmlns="urn:test:dt" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="merge"><name nc:operation="delete"></name><tags xmlns:yang="urn:ietf:params:xml:ns:yang:1" nc:operation="create" yang:insert="first">b</tags></top>`, 'edit'],
    ['filter', '<top xmlns="urn:test:dt"><name/><nope><x/></nope><item><id>a</id></item></top>', 'filter'],
    ['filter without namespace', '<top xmlns="urn:test:dt"><name xmlns=""/></top>', 'filter'],
  ];

  for (const [what, xml, type] of cases) {
    it(`${what}: same result as the element-tree reader`, () => {
      for (const t of type ? [type] : (['config', 'data'] as DocType[])) {
        same(dt, xml, { type: t }, `${what} (${t})`);
        same(dt, xml, { type: t, file: 'f.xml' }, `${what} (${t}, file)`);
        same(dt, xml.replace(/\n/g, '\r\n'), { type: t }, `${what} (${t}, CRLF)`);
      }
    });
  }

  it('the scanner reads plain documents itself and leaves the rest to saxes', () => {
    const yes = ['plain', 'multi-line tags and attributes: lines of the >', 'comments', 'entities and character references', 'empty element with space',
      'anydata', 'two data errors', 'default namespace reset', 'unknown attribute', 'duplicate list entry'];
    const no = ['bad comment', 'unknown entity', 'bad character reference', 'CDATA', ']]> in text', 'processing instruction', 'DOCTYPE',
      'text outside elements', 'non-breaking space outside elements', 'unclosed element', 'mismatched end tag', 'attribute without white space before it',
      'duplicate attribute', 'duplicate expanded attribute', 'attribute value with entity', 'attribute value with >', 'attribute value with a tab',
      'unbound element prefix', 'unbound attribute prefix', 'xml: attribute', 'empty prefix declaration', 'non-ASCII name', 'name with two colons',
      'control character', 'surrogate pair', 'byte order mark', 'slash then space', 'data error then XML error', 'deep nesting'];
    const byName = new Map(cases.map(([w, x]) => [w, x]));
    for (const w of yes) assert.equal(scanned(dt, byName.get(w)!), true, w);
    for (const w of no) assert.equal(scanned(dt, byName.get(w)!), false, w);
    assert.equal(scanned(dt, top('<name>x</name>').replace('<name>', '\r\n<name>')), false, 'CR');
  });

  describe('collectErrors: data errors recorded, their elements left out, the rest read', () => {
    type Collected = { xml: string; lines: string; errors: string[] };
    const collect = (f: (errors: d.DataErrorAt[]) => d.DataNode): Collected => {
      const errors: d.DataErrorAt[] = [];
      const root = f(errors);
      return {
        xml: d.toXml(root),
        lines: lines(root),
        errors: errors.map((e) => JSON.stringify([e.line, e.error.tag, e.error.message, e.error.path, e.error.info, e.error.appTag, `${e.after.schema.name}=${e.after.value}`])),
      };
    };
    /** the three readers (scanner, saxes, element tree) collect alike; the result of the scanner's */
    const readAll = (xml: string, type: DocType = 'edit'): Collected => {
      const streamed = collect((errors) => d.parseXml(dt, xml, { type, collectErrors: errors }));
      const crlf = collect((errors) => d.parseXml(dt, xml.replace(/\n/g, '\r\n'), { type, collectErrors: errors }));
      const viaTree = collect((errors) => d.parseXml(dt, d.parseDocument(xml), { type, collectErrors: errors }));
      assert.deepEqual(crlf, streamed, 'saxes (CRLF) and scanner');
      assert.deepEqual(viaTree, streamed, 'element tree and scanner');
      return streamed;
    };
    const errorsOf = (c: Collected) => c.errors.map((e) => JSON.parse(e) as [number, string, string, string, Record<string, string>, string?, string]);

    it('bad values, a duplicate leaf, an unknown element: each recorded in document order, the good leaves kept', () => {
      const c = readAll(`<top xmlns="urn:test:dt">\n<mtu>1</mtu>\n<name>ok</name>\n<addr>1.2.3.999</addr>\n<nope><x/></nope>\n<kind>dt:fish</kind>\n<name>again</name>\n<on>true</on>\n</top>`);
      const e = errorsOf(c);
      assert.deepEqual(
        e.map(([line, tag, , p, info]) => [line, tag, p, info['bad-element']]),
        [
          [2, 'invalid-value', '/dt:top/dt:mtu', 'mtu'],
          [4, 'invalid-value', '/dt:top/dt:addr', 'addr'],
          [5, 'unknown-element', '/dt:top', 'nope'],
          [6, 'invalid-value', '/dt:top/dt:kind', 'kind'],
          [7, 'invalid-value', '/dt:top/dt:name', 'name'],
        ],
      );
      assert.equal(c.xml, '<top xmlns="urn:test:dt"><name>ok</name><on>true</on></top>');
      // without the option: the first error, thrown
      assert.throws(() => d.parseXml(dt, parseFirst, { type: 'edit' }), (x: unknown) => x instanceof AgentError && x.info?.['bad-element'] === 'mtu');
    });
    const parseFirst = top('<mtu>1</mtu><addr>1.2.3.999</addr>');

    it('a bad key leaves out its list entry; a missing key and a duplicate entry too; other entries stay', () => {
      const c = readAll(top('<item><id>a</id><port>1</port></item><item><port>x</port><id><x/></id><port>2</port></item><item><note>n</note></item><item><id>a</id></item><item><id>b</id><port>99999</port><note>kept</note></item>'));
      assert.deepEqual(
        errorsOf(c).map(([, tag, , , info, , after]) => [tag, info['bad-element'], after]),
        [
          // each placed after the node read last before its element (a left-out entry's nodes do not count)
          ['invalid-value', 'port', 'port=1'],
          ['bad-element', 'id', 'port=1'],
          ['missing-element', 'id', 'port=1'],
          ['invalid-value', 'item', 'port=1'],
          ['invalid-value', 'port', 'id=b'],
        ],
      );
      assert.equal(c.xml, '<top xmlns="urn:test:dt"><tags>a</tags><v4/><item><id>a</id><port>1</port></item><item><id>b</id><note>kept</note></item></top>');
    });

    it('a leaf with child elements and text in a container leave out that element; a duplicate leaf-list value and a state node are recorded', () => {
      const c = readAll(top('<name><x/>y</name><mtu>100</mtu><tags>a</tags><need>text<inner>i</inner></need><blob/>') + '<state xmlns="urn:test:dt"><counter>1</counter></state>');
      assert.deepEqual(
        errorsOf(c).map(([, tag, , p]) => [tag, p]),
        [
          ['bad-element', '/dt:top/dt:name'],
          ['invalid-value', '/dt:top/dt:tags'],
          ['bad-element', '/dt:top/dt:need'],
          ['invalid-value', '/dt:state'],
        ],
      );
      assert.equal(c.xml, '<top xmlns="urn:test:dt"><tags>a</tags><v4/><mtu>100</mtu><blob/></top>');
    });

    it('an XML error is still thrown at once', () => {
      const errors: d.DataErrorAt[] = [];
      assert.throws(
        () => d.parseXml(dt, top('<mtu>1</mtu><name>x</name'), { type: 'edit', collectErrors: errors }),
        (e: unknown) => e instanceof AgentError && e.tag === 'malformed-message',
      );
    });
  });

  it('an XML error after a data error wins, as when the whole text is read first', () => {
    assert.throws(
      () => d.parseXml(dt, top('<nope/><name>x</name'), { type: 'config' }),
      (e: unknown) => e instanceof AgentError && e.tag === 'malformed-message',
    );
  });
});
