/**
 * A commit serialises running.xml (with-defaults explicit) before it
 * validates the tree, so the file is written while validation runs
 * (src/datastore, commitTree). That relies on validation changing nothing
 * the explicit form shows: it only adds and removes default nodes. Checked
 * on every configuration of the libyang differential corpus, valid or not.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadContext } from '../../src/yang/context';
import { parseXml, toXml, validate } from '../../src/yang/data';

const corpus = path.join(__dirname, '..', 'libyang-diff');
const root = path.join(__dirname, '..', '..');

describe('yang/data: validation leaves the explicit serialisation unchanged', () => {
  it('on every configuration document of the libyang corpus', () => {
    const modules = fs
      .readFileSync(path.join(corpus, 'modules.txt'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((m) => (m.startsWith('/') ? m : path.join(root, m)));
    const ctx = loadContext(modules, { searchPath: ['/usr/share/yuma/modules/ietf'] });
    let checked = 0;
    let valid = 0;
    for (const line of fs.readFileSync(path.join(corpus, 'verdicts.tsv'), 'utf8').split('\n')) {
      const file = line.split('\t')[0];
      if (!file.endsWith('.config.xml')) continue;
      let tree;
      try {
        tree = parseXml(ctx, fs.readFileSync(path.join(corpus, file), 'utf8'), { type: 'config' });
      } catch {
        continue; // refused by the parser: never reaches a commit
      }
      const before = toXml(tree, { withDefaults: 'explicit' });
      if (!validate(ctx, tree, { type: 'config' }).length) valid++;
      assert.equal(toXml(tree, { withDefaults: 'explicit' }), before, file);
      checked++;
    }
    assert.ok(checked > 200 && valid > 150, `${checked} checked, ${valid} valid`);
  });
});
