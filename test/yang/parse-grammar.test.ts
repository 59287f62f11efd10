/**
 * The parser's check of RFC 7950 section 14's grammar: where each statement
 * stands, what a statement needs, what stands at most once, the order of a
 * module's sections. Each refused
 * case below is one libyang 2.1 (yanglint) refuses as well, unless noted.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseYang } from '../../src/yang/parse';
import { SourceError } from '../../src/errors';

const HEAD = 'yang-version 1.1; namespace "urn:m"; prefix m;';

function err(text: string): SourceError {
  try {
    parseYang(text, 't.yang');
  } catch (e) {
    assert.ok(e instanceof SourceError, `expected SourceError, got ${String(e)}`);
    assert.doesNotMatch(e.message, /\n/);
    return e;
  }
  assert.fail(`no error for: ${text}`);
}
/** the error of a 1.1 module with this body */
function bodyErr(body: string): string {
  return err(`module m { ${HEAD} ${body} }`).message;
}
function ok(body: string, head = HEAD): void {
  parseYang(`module m { ${head} ${body} }`, 'm.yang');
}

describe('yang parser: RFC 7950 section 14 grammar', () => {
  it('a module with every statement in every place the grammar gives it parses', () => {
    const f = path.join(__dirname, 'fixtures', 'grammar', 'all-places.yang');
    parseYang(fs.readFileSync(f, 'utf8'), f);
  });

  it('a statement where the grammar has no place for it is an error, with file:line:col', () => {
    const e = err(`module m {\n  ${HEAD}\n  grouping g { leaf a { type string; } }\n  choice ch {\n    uses g;\n  }\n}\n`);
    assert.equal(e.line, 5);
    assert.equal(e.col, 5);
    assert.match(e.message, /^t\.yang:5:5: 'uses' cannot stand in 'choice' \(RFC 7950 section 14\)$/);
    const cases: [string, string][] = [
      ['grouping g { leaf a { type string; } } uses g { refine a { status deprecated; } }', "'status' cannot stand in 'refine'"],
      ['grouping g { leaf a { type string; } } uses g { refine a { units s; } }', "'units' cannot stand in 'refine'"],
      ['grouping g { when "1"; }', "'when' cannot stand in 'grouping'"],
      ['action a;', "'action' cannot stand in 'module'"],
      ['input { leaf a { type string; } }', "'input' cannot stand in 'module'"],
      ['rpc r { notification n; }', "'notification' cannot stand in 'rpc'"],
      ['leaf a { type string { description "d"; } }', "'description' cannot stand in 'type'"],
      ['leaf a { type string; description "d" { reference "r"; } }', "'reference' cannot stand in 'description'"],
      ['leaf a { type string; must "1" { if-feature f; } }', "'if-feature' cannot stand in 'must'"],
      ['feature f { when "1"; }', "'when' cannot stand in 'feature'"],
      ['import x { prefix x; status current; }', "'status' cannot stand in 'import'"],
      ['typedef t { type string; config true; }', "'config' cannot stand in 'typedef'"],
      ['container c { case k; }', "'case' cannot stand in 'container'"],
      ['extension e { argument a { description "d"; } }', "'description' cannot stand in 'argument'"],
      ['leaf a { type enumeration { enum x { position 1; } } }', "'position' cannot stand in 'enum'"],
      ['leaf a { type string { pattern "a" { value 1; } } }', "'value' cannot stand in 'pattern'"],
      ['container c { module n; }', "'module' cannot stand in 'container'"],
    ];
    for (const [body, msg] of cases) assert.ok(bodyErr(body).includes(msg), `${body}: ${bodyErr(body)}`);
  });

  it('a deviate holds only what its kind may change (not-supported nothing, type only in replace)', () => {
    const e = bodyErr('leaf a { type string; } deviation /a { deviate add { type int8; } }');
    assert.match(e, /'type' cannot stand in 'deviate add'/);
    assert.match(bodyErr('leaf a { type string; } deviation /a { deviate not-supported { description "d"; } }'), /'description' cannot stand in 'deviate not-supported'/);
    assert.match(bodyErr('leaf a { type string; } deviation /a { deviate replace { must "1"; } }'), /'must' cannot stand in 'deviate replace'/);
    assert.match(bodyErr('leaf a { type string; } deviation /a { deviate delete { config false; } }'), /'config' cannot stand in 'deviate delete'/);
    ok(
      'leaf a { type string; } deviation /a { deviate add { must "1"; default "x"; default "y"; config false; } ' +
        'deviate delete { units u; must "1"; } deviate replace { type int8; default "1"; mandatory true; } }',
    );
  });

  it('a statement without a substatement it needs is an error at its keyword', () => {
    const e = err(`module m {\n  ${HEAD}\n  container c {\n    leaf a;\n  }\n}\n`);
    assert.match(e.message, /^t\.yang:4:5: 'leaf' needs a 'type' substatement \(RFC 7950 section 14\)$/);
    assert.match(err('module m { yang-version 1.1; prefix m; }').message, /^t\.yang:1:1: 'module' needs a 'namespace' substatement/);
    assert.match(err('module m { namespace "urn:m"; }').message, /'module' needs a 'prefix' substatement/);
    assert.match(err('submodule s { yang-version 1.1; }').message, /'submodule' needs a 'belongs-to' substatement/);
    assert.match(err('submodule s { belongs-to m; }').message, /'belongs-to' needs a 'prefix' substatement/);
    const cases: [string, RegExp][] = [
      ['import x;', /'import' needs a 'prefix'/],
      ['import x { revision-date 2020-01-01; }', /'import' needs a 'prefix'/],
      ['leaf-list a { min-elements 1; }', /'leaf-list' needs a 'type'/],
      ['typedef t { units u; }', /'typedef' needs a 'type'/],
      ['leaf a { type string; } deviation /a { description "d"; }', /'deviation' needs a 'deviate'/],
      ['rpc r { input { must "1"; } }', /'input' needs one of 'container', 'leaf', .*'uses' substatement/],
      ['rpc r { output; }', /'output' needs one of/],
      // RFC 7950 section 14 (list-stmt: 1*data-def-stmt); libyang 2.1 accepts an empty list
      ['list l { config false; }', /'list' needs one of/],
    ];
    for (const [body, re] of cases) assert.match(bodyErr(body), re, body);
    // a data-def-stmt given through uses, or a choice, meets the need
    ok('grouping g { leaf a { type string; } } rpc r { input { uses g; } output { choice c; } } list l { config false; uses g; }');
  });

  it('a statement the grammar allows once is an error the second time', () => {
    const e = err(`module m {\n  ${HEAD}\n  rpc r {\n    input { leaf a { type string; } }\n    input { leaf b { type string; } }\n  }\n}\n`);
    assert.match(e.message, /^t\.yang:5:5: 'input' given twice in 'rpc'/);
    assert.match(bodyErr('container c { action a { output { leaf a { type string; } } output { leaf b { type string; } } } }'), /'output' given twice in 'action'/);
    assert.match(bodyErr('extension e { argument a; argument b; }'), /'argument' given twice in 'extension'/);
    assert.match(bodyErr('extension e { argument a { yin-element true; yin-element false; } }'), /'yin-element' given twice in 'argument'/);
    assert.match(bodyErr('leaf a { type string; } deviation /a { deviate replace { default "1"; default "2"; } }'), /'default' given twice in 'deviate'/);
    assert.match(bodyErr('import x { prefix x; revision-date 2020-01-01; revision-date 2020-01-02; }'), /'revision-date' given twice in 'import'/);
    // what repeats: base in an identity (1.1) and in an identityref, if-feature, enum, bit
    ok('identity a; identity b; identity c { base a; base b; } leaf x { type identityref { base a; base b; } if-feature f; if-feature g; }');
  });

  it('YANG 1.0 modules parse with the 1.0 placements, and 1.1 added places are accepted too', () => {
    const v10 = 'namespace "urn:m"; prefix m;';
    ok(
      'import ietf-yang-types { prefix yang; revision-date 2013-07-15; } feature f; ' +
        'grouping g { anyxml x { if-feature f; must "1"; config true; mandatory false; when "1"; } leaf y { type string; } } ' +
        'container c { if-feature f; must "1"; choice ch { anyxml ax; case k { uses g; } leaf l { type string; } } ' +
        'uses g { refine x { must "1"; config false; } refine y { default "a"; must "2"; } augment "." { case z { leaf q { type string; } } } } } ' +
        'rpc r { input { leaf a { type string; } } output { anyxml o; } } notification n { leaf b { type string; } } ' +
        'identity i { base j; } identity j; extension e { argument a { yin-element true; } } ' +
        'leaf lf { type string; } deviation /lf { deviate add { must "1"; default "d"; } }',
      v10,
    );
    // places YANG 1.1 added (libyang refuses them in a 1.0 module; the parser, keeping one table, accepts them)
    ok(
      'import x { prefix x; description "d"; } feature f; identity a { if-feature f; } leaf e { type enumeration { enum x { if-feature f; } } } ' +
        'notification n { must "1"; } rpc r { input { must "1"; leaf a { type string; } } } choice c { choice d { leaf l { type string; } } } ' +
        'leaf-list ll { type string; default a; default b; }',
      v10,
    );
  });

  it('an augment with nothing but an if-feature parses (RFC 7950 wants one node; IETF modules and libyang do without)', () => {
    ok('grouping g { container k; } container c { uses g { augment "k" { if-feature f; description "d"; } } } feature f;');
  });

  it('a module section after a later one is an error at its keyword, with file:line:col', () => {
    const e = err(`module m {\n  ${HEAD}\n  container c;\n  import x { prefix x; }\n}\n`);
    assert.equal(e.line, 4);
    assert.equal(e.col, 3);
    assert.match(
      e.message,
      /^t\.yang:4:3: 'import' cannot come after 'container' in 'module': the linkage statements come before the meta, revision and body statements \(RFC 7950 section 14\)$/,
    );
  });

  it('each kind of misorder: header, linkage, meta or revision after a later section, in a module and a submodule', () => {
    const cases: [string, string][] = [
      // header after linkage, meta, revision, body
      ['module m { namespace "urn:m"; import x { prefix x; } prefix m; }', "'prefix' cannot come after 'import' in 'module': the header statements come before the linkage, meta, revision and body statements"],
      ['module m { namespace "urn:m"; prefix m; organization o; yang-version 1.1; }', "'yang-version' cannot come after 'organization'"],
      ['module m { prefix m; revision 2020-01-01; namespace "urn:m"; }', "'namespace' cannot come after 'revision'"],
      [`module m { ${HEAD} leaf a { type string; } yang-version 1.1; }`, "'yang-version' cannot come after 'leaf'"],
      // linkage after meta, revision, body
      [`module m { ${HEAD} contact c; include s; }`, "'include' cannot come after 'contact' in 'module': the linkage statements"],
      [`module m { ${HEAD} revision 2020-01-01; import x { prefix x; } }`, "'import' cannot come after 'revision'"],
      [`module m { ${HEAD} feature f; include s; }`, "'include' cannot come after 'feature'"],
      // meta after revision, body
      [`module m { ${HEAD} revision 2020-01-01; description d; }`, "'description' cannot come after 'revision' in 'module': the meta statements come before the revision and body statements"],
      [`module m { ${HEAD} typedef t { type string; } organization o; }`, "'organization' cannot come after 'typedef'"],
      // revision after body
      [`module m { ${HEAD} deviation /x { deviate not-supported; } revision 2020-01-01; }`, "'revision' cannot come after 'deviation' in 'module': the revision statements come before the body statements"],
      // a submodule: belongs-to is a header statement
      ['submodule s { yang-version 1.1; import x { prefix x; } belongs-to m { prefix m; } }', "'belongs-to' cannot come after 'import' in 'submodule': the header statements"],
      ['submodule s { belongs-to m { prefix m; } reference r; include t; }', "'include' cannot come after 'reference' in 'submodule'"],
      ['submodule s { belongs-to m { prefix m; } grouping g; revision 2020-01-01; }', "'revision' cannot come after 'grouping' in 'submodule'"],
    ];
    for (const [text, msg] of cases) {
      const m = err(text).message;
      assert.ok(m.includes(msg) && m.endsWith('(RFC 7950 section 14)'), `${text}: ${m}`);
    }
  });

  it('within a section any order; the body in any order', () => {
    parseYang(
      'module m { prefix m; yang-version 1.1; namespace "urn:m"; include s; import x { prefix x; } include t; ' +
        'reference r; contact c; description d; organization o; revision 2021-01-01; revision 2020-01-01; ' +
        'rpc r; deviation /x { deviate not-supported; } feature f; container c; extension e; augment /c { leaf l { type string; } } ' +
        'identity i; notification n; grouping g; typedef t { type string; } uses g; }',
      'm.yang',
    );
    parseYang('submodule s { belongs-to m { prefix m; } yang-version 1.1; include t; contact c; revision 2020-01-01; leaf l { type string; } }', 's.yang');
  });

  it('YANG 1.0 (RFC 6020 section 12) has the same sections: yang-version may be left out or stand anywhere in the header', () => {
    ok('import x { prefix x; } organization o; revision 2020-01-01; container c;', 'namespace "urn:m"; prefix m;');
    ok('import x { prefix x; }', 'prefix m; namespace "urn:m"; yang-version 1;');
    ok('description d;', 'namespace "urn:m"; yang-version 1; prefix m;');
    // the order of the sections is the same in 1.0 (libyang 2.1 refuses this too)
    assert.match(err('module m { namespace "urn:m"; prefix m; organization o; import x { prefix x; } }').message, /'import' cannot come after 'organization'/);
    assert.match(err('module m { namespace "urn:m"; prefix m; container c; yang-version 1; }').message, /'yang-version' cannot come after 'container'/);
  });

  it('an extension instance may stand in any section and does not move it', () => {
    parseYang(
      'module m { x:a; yang-version 1.1; x:b; namespace "urn:m"; prefix m; x:c; import x { prefix x; } x:d; ' +
        'organization o; x:e; revision 2020-01-01; x:f { container q; } container c; x:g; }',
      'm.yang',
    );
    // an extension after the body does not let a header, linkage or meta statement come back
    assert.match(err(`module m { ${HEAD} container c; x:e; import x { prefix x; } }`).message, /'import' cannot come after 'container'/);
  });

  it('statements under an extension are not checked, statements under YANG statements in them are', () => {
    ok('ext:data { key "k"; leaf; input; namespace "x"; }');
    ok('container c { ext:x { uses g; } leaf a { type string; ext:y { mandatory "maybe"; } } }');
    assert.match(bodyErr('ext:data { container c { key "k"; } }'), /'key' cannot stand in 'container'/);
    assert.match(bodyErr('ext:data { container c { leaf a; } }'), /'leaf' needs a 'type'/);
  });
});
