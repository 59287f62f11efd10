/**
 * How the foreground agent ends (DESIGN.md section 3: SIGTERM or SIGINT,
 * then exit 0): a closed terminal's SIGHUP stops it as cleanly, and under
 * npm (`npx flowtapd`, `npm start`) it stops when npm's shell, its parent,
 * is gone instead of running on orphaned with its ports.
 */
import { strict as assert } from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { radiusOn } from './radius-ports';

const root = path.join(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'flowtapd.js');

/** resolves with the agent's stderr once it listens */
function listening(child: ChildProcess, err: { text: string }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err.text += d.toString();
      if (err.text.includes('netconf-listening')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err.text}`)));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !alive(pid);
}

describe('cli: how the foreground agent ends', function () {
  this.timeout(30000);
  let dir: string;
  const args = (): string[] => ['--data-dir', dir, '--netconf-listen', '127.0.0.1:0'];
  beforeEach(async () => {
    dir = await radiusOn(fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-signals-')));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('SIGHUP (the terminal closed) stops it like SIGTERM: exit 0 after "stopping"', async () => {
    const child = spawn(bin, args(), { env: { ...process.env, FLOWTAPD_BOOTSTRAP_USER: 'a:b' }, stdio: ['ignore', 'ignore', 'pipe'] });
    const err = { text: '' };
    await listening(child, err);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGHUP');
    assert.equal(await exited, 0, err.text);
    assert.match(err.text, /"event":"stopping","signal":"SIGHUP"/);
    // the last line says the stop completed
    assert.match(err.text.trimEnd().split('\n').pop()!, /"event":"stopped","signal":"SIGHUP"/);
  });

  it("started by npm, it stops once npm's shell (its parent) has gone; started otherwise, it does not", async () => {
    for (const underNpm of [true, false]) {
      const env: NodeJS.ProcessEnv = { ...process.env, FLOWTAPD_BOOTSTRAP_USER: 'a:b' };
      delete env.npm_command;
      delete env.npm_lifecycle_event;
      if (underNpm) env.npm_command = 'exec';
      // a shell that does not exec the agent (a command after it), as npm's `sh -c` around npx
      const shell = spawn('sh', ['-c', `"$0" "$@"; echo ended`, bin, ...args()], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      const err = { text: '' };
      await listening(shell, err);
      const agentPid = Number(
        fs
          .readFileSync(`/proc/${shell.pid}/task/${shell.pid}/children`, 'utf8')
          .trim()
          .split(/\s+/)[0],
      );
      assert.ok(agentPid > 0 && alive(agentPid));
      shell.kill('SIGKILL');
      try {
        if (underNpm) {
          assert.ok(await gone(agentPid, 10000), 'the orphaned agent stopped');
          assert.match(err.text, /"event":"stopping","signal":"parent-exited"/);
        } else {
          assert.equal(await gone(agentPid, 2000), false, 'an agent not started by npm runs on');
        }
      } finally {
        if (alive(agentPid)) process.kill(agentPid, 'SIGTERM');
        await gone(agentPid, 10000);
      }
    }
  });
});
