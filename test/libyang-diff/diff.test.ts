/**
 * Differential test against libyang: our engine's verdict (valid/invalid)
 * on every corpus document must equal yanglint's, as stored in
 * verdicts.tsv by refresh.sh. Runs in process through the engine API (the
 * same calls `flowtapd lint` makes), and a few documents through the CLI.
 * Each group prints its disagreements: document, yanglint's verdict and
 * first error, ours.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AgentError, ErrorList, SourceError } from '../../src/errors';
import { formatProblem, lint } from '../../src/cli/lint';
import { loadContext } from '../../src/yang/context';
import { parseXml, validate } from '../../src/yang/data';
import type { SchemaContext } from '../../src/yang/schema';
import { corpusModules, IETF } from './corpus-modules';

const here = __dirname;
const root = path.join(here, '..', '..');


interface Verdict {
  file: string;
  type: 'config' | 'data';
  valid: boolean;
  error: string;
}

function readVerdicts(): Verdict[] {
  const out: Verdict[] = [];
  for (const line of fs.readFileSync(path.join(here, 'verdicts.tsv'), 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [file, verdict, error = ''] = line.split('\t');
    const type = /\.data\.xml$/.test(file) ? 'data' : 'config';
    out.push({ file, type, valid: verdict === 'valid', error });
  }
  return out;
}

interface Ours {
  valid: boolean;
  /** an untyped exception: a crash, a failure whatever the verdict */
  crash?: string;
  first: string;
}

function runEngine(ctx: SchemaContext, v: Verdict): Ours {
  const file = path.join(here, v.file);
  const xml = fs.readFileSync(file, 'utf8');
  try {
    const tree = parseXml(ctx, xml, { type: v.type, file: v.file });
    const errs = validate(ctx, tree, { type: v.type });
    return { valid: errs.length === 0, first: errs.length ? formatProblem(errs[0], v.file) : '' };
  } catch (e) {
    if (e instanceof AgentError || e instanceof SourceError) return { valid: false, first: formatProblem(e, v.file) };
    if (e instanceof ErrorList) return { valid: false, first: formatProblem(e.errors[0] ?? e, v.file) };
    return { valid: false, crash: String((e as Error)?.stack ?? e), first: `untyped exception: ${String(e)}` };
  }
}

/** group name: the generated documents' prefix (acc, pol, sys ...) or "hand" */
function groupOf(v: Verdict): string {
  if (v.file.startsWith('corpus/hand/')) return 'hand-written';
  const base = path.basename(v.file);
  const m = /^([a-z]+)-/.exec(base);
  return m ? m[1] : 'other';
}

describe('libyang differential: engine verdict equals yanglint on every corpus document', function () {
  this.timeout(120000);
  const verdicts = readVerdicts();
  let ctx: SchemaContext;
  const disagreements: string[] = [];

  before(() => {
    ctx = loadContext(corpusModules(), { searchPath: [IETF] });
  });

  it('has a corpus of at least 300 documents, valid and invalid, config and data, with fresh verdicts', () => {
    assert.ok(verdicts.length >= 300, `${verdicts.length} documents`);
    assert.ok(verdicts.filter((v) => v.valid).length >= 100);
    assert.ok(verdicts.filter((v) => !v.valid).length >= 100);
    assert.ok(verdicts.some((v) => v.type === 'data'));
    const onDisk = fs
      .readdirSync(path.join(here, 'corpus'))
      .flatMap((d) => fs.readdirSync(path.join(here, 'corpus', d)).map((f) => `corpus/${d}/${f}`))
      .sort();
    assert.deepEqual(
      onDisk,
      verdicts.map((v) => v.file).sort(),
      'verdicts.tsv does not list exactly the corpus: run test/libyang-diff/refresh.sh',
    );
  });

  const groups = new Map<string, Verdict[]>();
  for (const v of verdicts) {
    const g = groupOf(v);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(v);
  }
  for (const [g, vs] of [...groups].sort()) {
    it(`${g}: ${vs.length} documents`, () => {
      const bad: string[] = [];
      for (const v of vs) {
        const ours = runEngine(ctx, v);
        if (ours.crash) bad.push(`${v.file}: CRASH ${ours.crash.split('\n').slice(0, 3).join(' | ')}`);
        else if (ours.valid !== v.valid) {
          bad.push(
            `${v.file}: yanglint ${v.valid ? 'valid' : 'invalid'}${v.error ? ` (${v.error.replace(/^libyang err : /, '')})` : ''}; ` +
              `ours ${ours.valid ? 'valid' : `invalid (${ours.first})`}`,
          );
        }
      }
      disagreements.push(...bad);
      assert.equal(bad.length, 0, `${bad.length} of ${vs.length} disagree:\n  ${bad.join('\n  ')}`);
    });
  }

  after(() => {
    if (disagreements.length) {
      // eslint-disable-next-line no-console
      console.log(`\n      libyang-diff: ${disagreements.length} of ${verdicts.length} documents disagree`);
    }
  });

  describe('through the lint front', () => {
    const pick = (name: string): Verdict => {
      const v = verdicts.find((x) => x.file.endsWith(name));
      if (!v) throw new Error(`corpus document ${name} missing`);
      return v;
    };
    const samples = ['iap-running.config.xml', 'iap-running-ethernet-in-pool.config.xml', 'iap-operational.data.xml', 'state-sessions-in-config.config.xml'].map(pick);

    it('lint() in process gives yanglint verdict on the samples', async () => {
      for (const v of samples) {
        const r = await lint({ paths: [IETF], modules: corpusModules(), data: [path.join(here, v.file)], type: v.type });
        assert.equal(r.code, v.valid ? 0 : 1, `${v.file}: ${r.lines.join('\n')}`);
        if (!v.valid) assert.ok(r.lines.length > 0 && r.lines.every((l) => l.includes(v.file)), r.lines.join('\n'));
      }
    });

    it('`flowtapd lint` as a process: exit code follows yanglint verdict', () => {
      for (const v of samples.slice(0, 2)) {
        const r = spawnSync(
          process.execPath,
          ['--import', 'tsx', '-e', "require('./src/cli/main').main(process.argv.slice(1)).then((c) => process.exit(c))",
            'lint', '--path', IETF, ...corpusModules(), '--data', path.join(here, v.file), '--type', v.type],
          { cwd: root, encoding: 'utf8' },
        );
        assert.equal(r.status, v.valid ? 0 : 1, `${v.file}: ${r.stderr}`);
        if (!v.valid) assert.match(r.stderr, /radius-flow-tap\/fts:interfaces\[\.='bng-sub'\]: a tunnel pool member must be an interface of type ianaift:tunnel/);
      }
    });
  });
});
