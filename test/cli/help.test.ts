import { strict as assert } from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as path from 'path';

const bin = path.join(__dirname, '..', '..', 'bin', 'flowtapd.js');
const runner = path.join(__dirname, 'run-main.js');

/** the CLI from the sources, as a process */
function flowtapd(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', runner, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, FLOWTAPD_USER: '', FLOWTAPD_PASSWORD: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli: flowtapd --help', () => {
  it('prints the usage of both fronts (agent and lint)', () => {
    const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    assert.match(out, /flowtapd --data-dir DIR \[--netconf-listen HOST:PORT\] \[--log-level LEVEL\]/);
    assert.match(out, /flowtapd lint \[--path DIR\]\.\.\. MODULE\.yang\.\.\./);
  });
});

describe('cli: a usage error is one line naming it, then the usage of that command only (exit 2)', function () {
  this.timeout(60_000);
  const cases: { args: string[]; problem: string; usage: RegExp; others: RegExp }[] = [
    { args: [], problem: 'flowtapd: --data-dir DIR is required', usage: /^Usage: flowtapd --data-dir DIR /, others: /flowtapd (lint|show) / },
    { args: ['--data-dir', '/tmp/x', '--bogus'], problem: 'flowtapd: unknown argument "--bogus"', usage: /^Usage: flowtapd --data-dir DIR /, others: /flowtapd (lint|show) / },
    { args: ['lnt'], problem: 'flowtapd: unknown command "lnt"', usage: /^Usage: flowtapd --data-dir DIR /, others: /flowtapd (lint|show) \[/ },
    { args: ['lint', '--bogus', 'm.yang'], problem: 'flowtapd lint: unknown option --bogus', usage: /^Usage: flowtapd lint \[--path DIR\]/, others: /--data-dir|flowtapd show|--type TYPE/ },
    { args: ['show', 'everything'], problem: 'flowtapd show: unknown view "everything"', usage: /^Usage: flowtapd show sessions\|/, others: /--data-dir|flowtapd lint|--json +one JSON/ },
  ];
  for (const c of cases) {
    it(`flowtapd ${c.args.join(' ')}`, () => {
      const r = flowtapd(c.args);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.ok(lines[0].startsWith(c.problem), lines[0]);
      assert.match(lines[1], c.usage);
      assert.match(lines[lines.length - 1], /^Run 'flowtapd( lint| show)? --help' for the options/);
      assert.ok(lines.length <= 5, r.stderr);
      assert.doesNotMatch(r.stderr, c.others);
    });
  }

  it('--help prints the full text (all commands) on stdout, exit 0; `lint --help` and `show --help` their own options', () => {
    const all = flowtapd(['--help']);
    assert.equal(all.code, 0);
    for (const re of [/flowtapd --data-dir DIR/, /flowtapd lint \[--path DIR\]/, /flowtapd show sessions/, /FLOWTAPD_BOOTSTRAP_USER/]) assert.match(all.stdout, re);
    const lint = flowtapd(['lint', '--help']);
    assert.equal(lint.code, 0);
    assert.match(lint.stdout, /^Usage: flowtapd lint .*\n[\s\S]*--type TYPE/);
    assert.doesNotMatch(lint.stdout, /--data-dir|flowtapd show/);
    const show = flowtapd(['show', '--help']);
    assert.equal(show.code, 0);
    assert.match(show.stdout, /^Usage: flowtapd show [\s\S]*--json/);
    assert.doesNotMatch(show.stdout, /--data-dir|flowtapd lint/);
  });
});
