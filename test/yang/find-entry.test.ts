/**
 * findEntry: the first look-up in a big parent without an index scans the
 * entries in place; it must find what the index finds (first instance of
 * the key, entries without a key leaf count as key ''), and later
 * look-ups go through the index.
 */
import { strict as assert } from 'assert';
import * as d from '../../src/yang/data';
import { DataNode } from '../../src/yang/data/node';
import { listKey, lookup } from '../../src/yang/data/tree';
import { dtContext } from './fixtures/data/context';

describe('yang/data: findEntry without an index', () => {
  const ctx = dtContext();
  const topS = ctx.root.dataChildren.get('dt:top')!;
  const item = topS.dataChildren.get('dt:item')!;
  const id = item.dataChildren.get('dt:id')!;
  const port = item.dataChildren.get('dt:port')!;
  const name = topS.dataChildren.get('dt:name')!;

  function top(ids: (string | null | undefined)[]): DataNode {
    const t = new DataNode(topS);
    d.insertChild(t, new DataNode(name, 'n'));
    for (const v of ids) {
      const e = new DataNode(item);
      if (v !== undefined) {
        // port first sometimes: the key is found wherever it is
        if (v === 'p') d.insertChild(e, new DataNode(port, '1'));
        d.insertChild(e, new DataNode(id, v));
      }
      d.insertChild(t, e);
    }
    return t;
  }

  it('finds the same entry as the index (first instance, missing or null keys as "")', () => {
    const ids = ['a', 'b', 'a', undefined, 'c', null, '', 'p', 'd', 'e', 'b'];
    for (const want of ['a', 'b', 'c', '', 'p', 'e', 'zz']) {
      const t = top(ids);
      const copy = d.clone(t);
      const viaIndex = lookup(copy, listKey(item, [want]));
      assert.ok(copy.index);
      const found = d.findEntry(t, item, [want]);
      assert.equal(found ? t.children.indexOf(found) : -1, viaIndex ? copy.children.indexOf(viaIndex) : -1, want);
      assert.equal(t.index, undefined, 'no index built by the first look-up');
      // the second look-up builds the index and agrees
      assert.equal(d.findEntry(t, item, [want]), found);
      assert.ok(t.index);
    }
  });
});
