/** AuditLog as a commit applier: lines only for commits that took effect, LI paths apart, files 0600. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AuditLog, isLiPath } from '../../src/audit';
import { fill, tmpfsForSuite } from '../full-disk';
import type { ChangeSet } from '../../src/datastore';

function cs(paths: string[]): ChangeSet {
  return {
    before: null as never,
    after: null as never,
    changes: paths.map((p) => ({ op: 'create' as const, path: p })),
    origin: { kind: 'netconf', user: 'u', sessionId: 7 },
  };
}

describe('audit: commit applier', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-audit-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('LI paths: the services subtree itself, below it, a list entry of it; nothing that only starts alike', () => {
    for (const p of ['/flowtapd-services:services', '/flowtapd-services:services/radius-flow-tap', "/flowtapd-services:services[x='1']"]) assert.ok(isLiPath(p), p);
    for (const p of ['/flowtapd-services:servicesx', '/flowtapd-services:services-other/a', '/x:a', '/flowtapd-access:access']) assert.ok(!isLiPath(p), p);
  });

  it('an aborted commit writes and creates nothing; an applied one appends one line per file', () => {
    const a = new AuditLog(dir);
    const p = a.prepare(cs(['/x:a', '/flowtapd-services:services/flow-tap']))!;
    p.abort();
    assert.deepEqual(fs.readdirSync(dir), []);
    for (let i = 0; i < 2; i++) a.prepare(cs(['/x:a', '/flowtapd-services:services/flow-tap']))!.apply();
    const lines = fs.readFileSync(a.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.deepEqual(lines[0].changes, [{ op: 'create', path: '/x:a' }]);
    assert.equal(lines[0].user, 'u');
    assert.equal(lines[0].session, 7);
    const li = fs.readFileSync(a.liFile, 'utf8').trim().split('\n');
    assert.equal(li.length, 2);
    assert.ok(!fs.readFileSync(a.file, 'utf8').includes('services'));
    assert.equal(fs.statSync(a.file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(a.liFile).mode & 0o777, 0o600);
  });

  it('a file opened up to others is made 0600 again; an unwritable one is reported, not thrown', () => {
    const a = new AuditLog(dir);
    a.prepare(cs(['/x:a']))!.apply();
    fs.chmodSync(a.file, 0o644);
    a.prepare(cs(['/x:b']))!.apply();
    assert.equal(fs.statSync(a.file).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(a.file, 'utf8').trim().split('\n').length, 2);
    const errors: string[] = [];
    const b = new AuditLog(path.join(dir, 'missing-dir'));
    b.onError = (file) => errors.push(path.basename(file));
    b.prepare(cs(['/x:a']))!.apply();
    assert.deepEqual(errors, ['audit.log']);
  });

  describe('on a full file system', () => {
    const tmpfs = tmpfsForSuite('flowtapd-audit-full-', '1m');

    it('a record that does not fit is cut off whole and reported; the next one, with room again, is a whole line', () => {
      const d = path.join(tmpfs(), 'data');
      fs.mkdirSync(d);
      const a = new AuditLog(d);
      const errors: string[] = [];
      a.onError = (file, e) => errors.push(`${path.basename(file)} ${(e as NodeJS.ErrnoException).code}`);
      a.prepare(cs(['/x:first']))!.apply();
      const filler = fill(d);
      // one page free: a record of ~12 KB gets a short write, then ENOSPC
      fs.truncateSync(filler, fs.statSync(filler).size - 4096);
      const many = Array.from({ length: 300 }, (_, i) => `/x:a/b[name='entry-${i}']`);
      a.prepare(cs(many))!.apply();
      assert.deepEqual(errors, ['audit.log ENOSPC']);
      const text = fs.readFileSync(a.file, 'utf8');
      assert.ok(text.endsWith('\n'), 'no fragment left at the end');
      assert.equal(text.trim().split('\n').length, 1, 'only the first record');
      fs.rmSync(filler);
      a.prepare(cs(['/x:after']))!.apply();
      const lines = fs.readFileSync(a.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(lines.map((l) => l.changes[0].path), ['/x:first', '/x:after']);
    });
  });
});
