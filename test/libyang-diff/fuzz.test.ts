/**
 * Seeded differential cases (fuzz.ts): the engine's verdict on each of the
 * FUZZ_COUNT documents generate(FUZZ_SEED) makes equals yanglint's, stored
 * in fuzz-verdicts.tsv by `npx tsx test/libyang-diff/fuzz.ts verdicts`,
 * except where a KNOWN rule (fuzz.ts) says why the two may differ.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { FUZZ_COUNT, FUZZ_SEED, engineVerdict, generate, knownFor } from './fuzz';

interface Stored {
  suite: string;
  type: string;
  valid: boolean;
  error: string;
}

function readVerdicts(): Map<string, Stored> {
  const out = new Map<string, Stored>();
  for (const line of fs.readFileSync(path.join(__dirname, 'fuzz-verdicts.tsv'), 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [name, suite, type, verdict, error = ''] = line.split('\t');
    out.set(name, { suite, type, valid: verdict === 'valid', error });
  }
  return out;
}

describe('libyang differential: seeded random documents (fuzz.ts)', function () {
  this.timeout(60000);
  const cases = generate(FUZZ_SEED, FUZZ_COUNT);
  const stored = readVerdicts();

  it('the generator still makes the documents the stored verdicts are for', () => {
    assert.equal(stored.size, cases.length, 'fuzz-verdicts.tsv is stale: npx tsx test/libyang-diff/fuzz.ts verdicts');
    for (const c of cases) {
      const s = stored.get(c.name);
      assert.ok(s && s.suite === c.suite && s.type === c.type, `${c.name}: fuzz-verdicts.tsv is stale`);
    }
    const valid = [...stored.values()].filter((s) => s.valid).length;
    assert.ok(valid >= 30 && valid <= cases.length - 100, `${valid} valid of ${cases.length}`);
  });

  for (const suite of ['ftz', 'ft'] as const) {
    it(`${suite}: engine verdict equals yanglint's`, () => {
      const bad: string[] = [];
      for (const c of cases.filter((x) => x.suite === suite)) {
        const s = stored.get(c.name);
        if (!s) continue;
        const ours = engineVerdict(c);
        if (ours.crash) bad.push(`${c.name}: CRASH ${ours.crash.split('\n').slice(0, 3).join(' | ')}`);
        else if (ours.valid !== s.valid && !knownFor(c)) {
          bad.push(`${c.name}: yanglint ${s.valid ? 'valid' : `invalid (${s.error})`}; ours ${ours.valid ? 'valid' : `invalid (${ours.first})`}\n${c.xml}`);
        }
      }
      assert.equal(bad.length, 0, `${bad.length} disagree:\n  ${bad.join('\n  ')}`);
    });
  }
});
