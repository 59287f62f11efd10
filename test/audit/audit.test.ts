/** AuditLog as a commit applier: lines only for commits that took effect, LI paths apart, files 0600. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AuditLog, isLiPath } from '../../src/audit';
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
});
