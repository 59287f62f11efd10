import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent } from '../../src/daemon/agent';
import { createLogger } from '../../src/log';
import { NetconfClient } from '../../src/netconf/client';
import { dataOf, getConfig, NACM, SYS } from './agent-harness';

/** FLOWTAPD_BOOTSTRAP_USER on a data directory that is not new (README quick start: a first `npm start` without it). */
describe('agent: the bootstrap user on an existing data directory', function () {
  this.timeout(40000);
  let dir: string;
  let agent: Agent | undefined;
  let lines: Record<string, unknown>[] = [];

  const start = async (bootstrap?: string): Promise<number> => {
    lines = [];
    const log = createLogger('info', (l) => void lines.push(JSON.parse(l)));
    agent = new Agent({ dataDir: dir, listen: { host: '127.0.0.1', port: 0 }, log, bootstrap, radiusPorts: { coaPort: 0, acctPort: 0 } });
    return (await agent.start()).port;
  };
  const stop = async (): Promise<void> => {
    await agent?.stop();
    agent = undefined;
  };
  const events = (): string[] => lines.map((l) => String(l.event));
  const login = async (port: number, user: string, password: string): Promise<NetconfClient | Error> =>
    NetconfClient.connect({ port, username: user, password }).catch((e: Error) => e);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-bootstrap-'));
  });
  after(async () => {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a first start without it has no user and says how to add one', async () => {
    await start();
    assert.ok(events().includes('no-users'), events().join(' '));
    await stop();
  });

  it('set on the next start: the user is added to group admin, committed and audited', async () => {
    const port = await start('ops:s3cret');
    assert.ok(events().includes('bootstrap-user-added'), events().join(' '));
    assert.ok(!events().includes('no-users'));
    const c = await login(port, 'ops', 's3cret');
    assert.ok(c instanceof NetconfClient, String(c));
    const d = dataOf(await c.rpc(getConfig('running', `<nacm xmlns="${NACM}"><groups/></nacm><system xmlns="${SYS}"><authentication/></system>`)));
    assert.match(d, /<group><name>admin<\/name><user-name>ops<\/user-name><\/group>/);
    assert.match(d, /<user><name>ops<\/name><password>\$6\$/, 'stored hashed');
    assert.doesNotMatch(fs.readFileSync(path.join(dir, 'running.xml'), 'utf8'), /s3cret/);
    assert.match(fs.readFileSync(path.join(dir, 'audit.log'), 'utf8'), /"origin":"startup"/);
    c.destroy();
    await stop();
  });

  it('with a user configured it changes nothing and says it was ignored', async () => {
    const before = fs.readFileSync(path.join(dir, 'running.xml'), 'utf8');
    const port = await start('intruder:x');
    assert.ok(events().includes('bootstrap-user-ignored'), events().join(' '));
    assert.ok(!events().includes('bootstrap-user-added'));
    assert.equal(fs.readFileSync(path.join(dir, 'running.xml'), 'utf8'), before);
    assert.ok((await login(port, 'intruder', 'x')) instanceof Error, 'no login for the ignored user');
    const c = await login(port, 'ops', 's3cret');
    assert.ok(c instanceof NetconfClient);
    c.destroy();
    await stop();
  });
});
