import assert from 'node:assert/strict';
import { SaxesParser } from 'saxes';
import {
  buildServerHello,
  parseClientHello,
  negotiateBase,
  HelloError,
  CAP_BASE_10,
  CAP_BASE_11,
  NETCONF_BASE_NS,
} from '../../src/netconf/hello';

const hello = (inner: string, attrs = `xmlns="${NETCONF_BASE_NS}"`) => `<hello ${attrs}>${inner}</hello>`;
const caps = (...c: string[]) => `<capabilities>${c.map((x) => `<capability>${x}</capability>`).join('')}</capabilities>`;

describe('netconf/hello', () => {
  it('builds a server hello that parses back, with escaped capabilities and the session-id', () => {
    const list = [CAP_BASE_10, CAP_BASE_11, 'urn:x?module=a&revision=2020-01-01'];
    const xml = buildServerHello(list, 42);
    assert.match(xml, /&amp;revision/);
    const parser = new SaxesParser({ xmlns: true });
    const seen: string[] = [];
    let text = '';
    let sid = '';
    let inSid = false;
    parser.on('opentag', (t) => {
      seen.push(`{${t.uri}}${t.local}`);
      inSid = t.local === 'session-id';
      text = '';
    });
    parser.on('text', (t) => {
      text += t;
      if (inSid) sid += t;
    });
    const got: string[] = [];
    parser.on('closetag', (t) => {
      if (t.local === 'capability') got.push(text);
      inSid = false;
    });
    parser.write(xml).close();
    assert.equal(seen[0], `{${NETCONF_BASE_NS}}hello`);
    assert.deepEqual(got, list);
    assert.equal(sid, '42');
  });

  it('parses a client hello (prefixes, whitespace, xml declaration, CDATA)', () => {
    const xml =
      `<?xml version="1.0" encoding="UTF-8"?>\n<nc:hello xmlns:nc="${NETCONF_BASE_NS}">\n <nc:capabilities>\n` +
      `  <nc:capability>\n   ${CAP_BASE_11}\n  </nc:capability>\n  <nc:capability><![CDATA[urn:ietf:params:netconf:capability:startup:1.0]]></nc:capability>` +
      `\n </nc:capabilities>\n</nc:hello>\n`;
    assert.deepEqual(parseClientHello(xml).capabilities, [CAP_BASE_11, 'urn:ietf:params:netconf:capability:startup:1.0']);
    // unknown extra elements in another namespace are ignored
    const ext = hello(caps(CAP_BASE_10) + '<x:extra xmlns:x="urn:x"><x:y/></x:extra>');
    assert.deepEqual(parseClientHello(ext).capabilities, [CAP_BASE_10]);
  });

  const bad: [string, string][] = [
    ['garbage', 'not xml at all'],
    ['empty', ''],
    ['truncated', `<hello xmlns="${NETCONF_BASE_NS}"><capabilities>`],
    ['wrong namespace', hello(caps(CAP_BASE_10), 'xmlns="urn:wrong"')],
    ['no namespace', `<hello>${caps(CAP_BASE_10)}</hello>`],
    ['wrong root', `<rpc xmlns="${NETCONF_BASE_NS}">${caps(CAP_BASE_10)}</rpc>`],
    ['session-id', hello(caps(CAP_BASE_10) + '<session-id>4</session-id>')],
    ['no base capability', hello(caps('urn:ietf:params:netconf:capability:startup:1.0'))],
    ['no capabilities', hello('')],
    ['empty capability', hello(caps(CAP_BASE_10, ' '))],
    ['doctype', `<!DOCTYPE hello [<!ENTITY x "y">]>` + hello(caps(CAP_BASE_10))],
    ['undefined entity', hello(caps(CAP_BASE_10 + '&x;'))],
    ['two roots', hello(caps(CAP_BASE_10)) + hello(caps(CAP_BASE_10))],
    ['trailing text', hello(caps(CAP_BASE_10)) + 'junk'],
    ['deep nesting', hello(caps(CAP_BASE_10) + '<a><b><c><d><e><f><g><h><i/></h></g></f></e></d></c></b></a>')],
  ];
  for (const [name, xml] of bad) {
    it(`rejects a hello: ${name}`, () => {
      assert.throws(
        () => parseClientHello(xml),
        (e: unknown) => e instanceof HelloError && e.tag === 'malformed-message' && e.message.length > 0,
      );
    });
  }

  it('negotiates 1.1 only if both sides advertise it', () => {
    const srv = [CAP_BASE_10, CAP_BASE_11];
    assert.equal(negotiateBase(srv, [CAP_BASE_10, CAP_BASE_11]), '1.1');
    assert.equal(negotiateBase(srv, [CAP_BASE_11]), '1.1');
    assert.equal(negotiateBase(srv, [CAP_BASE_10]), '1.0');
    assert.equal(negotiateBase([CAP_BASE_10], [CAP_BASE_10, CAP_BASE_11]), '1.0');
    assert.equal(negotiateBase([CAP_BASE_10], [CAP_BASE_11]), null);
  });
});
