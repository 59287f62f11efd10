import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';

const bin = path.join(__dirname, '..', '..', 'bin', 'flowtapd.js');

describe('cli: flowtapd --help', () => {
  it('prints the usage of both fronts (agent and lint)', () => {
    const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    assert.match(out, /flowtapd --data-dir DIR \[--netconf-listen HOST:PORT\] \[--log-level LEVEL\]/);
    assert.match(out, /flowtapd lint \[--path DIR\]\.\.\. MODULE\.yang\.\.\./);
  });
});
