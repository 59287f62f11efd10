/**
 * `flowtapd lint`: the YANG engine's offline front, like libyang's yanglint.
 *
 *   flowtapd lint [--path DIR]... MODULE.yang... [--data FILE.xml [--type config|data]]
 *
 * Compiles the named modules (files, or bare names such as ietf-system
 * looked up on the search path; imports resolved on the search path: every
 * --path, the directories of the named module files, then the agent's own
 * search path: FLOWTAPD_YANG_PATH, the project's yang/, the standard modules)
 * and, with --data, validates the XML instance document against them. The
 * document holds top-level data elements as yanglint expects them (no
 * NETCONF <config>/<data> envelope needed; one is accepted when the engine
 * accepts it). Each problem is one line naming file:line:col, or the file
 * and the error-path. Exit 0: valid; 1: a module or the data is invalid;
 * 2: usage (bad option, unreadable file).
 */
import * as fs from 'fs';
import * as path from 'path';
import { AgentError, ErrorList, SourceError } from '../errors';
import { searchPath as agentSearchPath } from '../daemon/modules';
import { loadContextWithWarnings } from '../yang/context';
import { parseXml, validate } from '../yang/data';
import type { SchemaContext } from '../yang/schema';
import type { DataNode } from '../yang/data/node';

export type DataType = 'config' | 'data';

export interface LintOptions {
  paths: string[];
  modules: string[];
  data?: string;
  type: DataType;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const LINT_USAGE = `Usage: flowtapd lint [--path DIR]... MODULE.yang... [--data FILE.xml [--type config|data]]
  --path DIR     add DIR to the module search path (repeatable; searched
                 before FLOWTAPD_YANG_PATH, the project's yang/ and the
                 standard modules, as the agent searches them)
  --data FILE    validate this XML instance document against the modules
  --type TYPE    config (default): configuration, no state data allowed;
                 data: configuration and state data
Exit 0: valid; 1: a module or the data is invalid; 2: usage error.
`;

/** Parse the lint command line (throws UsageError). */
export function parseLintArgs(argv: string[]): LintOptions | 'help' {
  const o: LintOptions = { paths: [], modules: [], type: 'config' };
  let typeGiven = false;
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline: string | undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined || v === '') throw new UsageError(`option ${a} needs a value`);
      return v;
    };
    switch (a) {
      case '-h':
      case '--help':
        return 'help';
      case '-p':
      case '--path':
        o.paths.push(value());
        break;
      case '-d':
      case '--data':
        if (o.data !== undefined) throw new UsageError('--data given twice');
        o.data = value();
        break;
      case '-t':
      case '--type': {
        const t = value();
        if (t !== 'config' && t !== 'data') throw new UsageError(`--type must be config or data, not "${t}"`);
        o.type = t;
        typeGiven = true;
        break;
      }
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
        if (inline !== undefined) throw new UsageError(`unknown option ${argv[i]}`);
        o.modules.push(a);
    }
  }
  if (o.modules.length === 0) throw new UsageError('no module given');
  if (typeGiven && o.data === undefined) throw new UsageError('--type needs --data');
  return o;
}

/** One problem as one line. */
export function formatProblem(e: unknown, file: string): string {
  if (e instanceof SourceError) {
    return e.message.startsWith(`${e.file}:`) ? e.message : `${e.file}:${e.line}:${e.col}: ${e.message}`;
  }
  if (e instanceof AgentError) {
    const tags = e.appTag ? `${e.tag}, ${e.appTag}` : e.tag;
    let msg = oneLine(e.message);
    let where = file;
    // the parser's messages start with file:line; keep one file:line in front
    if (msg.startsWith(`${file}:`)) {
      const m = /^:(\d+(?::\d+)?): ?(.*)$/.exec(msg.slice(file.length));
      if (m) {
        where = `${file}:${m[1]}`;
        msg = m[2];
      }
    }
    return `${where}: ${e.path ? `${e.path}: ` : ''}${msg} [${tags}]`;
  }
  if (e instanceof Error) return `${file}: internal error: ${oneLine(e.message)}`;
  return `${file}: internal error: ${oneLine(String(e))}`;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** The problems carried by a thrown error or a returned result. */
export function problemsOf(x: unknown): unknown[] {
  if (x === undefined || x === null || x === true) return [];
  if (x instanceof ErrorList) return x.errors.length ? x.errors : [x];
  if (Array.isArray(x)) return x.flatMap(problemsOf);
  if (x instanceof Error) return [x];
  if (typeof x === 'object') {
    const r = x as { errors?: unknown; ok?: unknown };
    if (Array.isArray(r.errors)) return r.errors.flatMap(problemsOf);
    if (r.ok === true) return [];
  }
  return [];
}

/** The engine's entry points (src/yang/context.ts, src/yang/data). */
export interface Engine {
  loadContext(modules: string[], opts: { searchPath: string[] }): { context: SchemaContext; warnings: unknown[] };
  parseXml(ctx: SchemaContext, xml: string, opts: { type: DataType; file: string }): DataNode;
  validate(ctx: SchemaContext, root: DataNode, opts: { type: DataType }): unknown;
}

function loadEngine(): Engine {
  return { loadContext: loadContextWithWarnings, parseXml, validate };
}

export interface LintResult {
  code: 0 | 1 | 2;
  lines: string[];
  ctx?: SchemaContext;
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** Run lint without touching stdout/stderr (for tests and the differential test). */
export async function lint(o: LintOptions, engine: Engine = loadEngine()): Promise<LintResult> {
  for (const m of o.modules) {
    // a bare name (ietf-interfaces, ietf-system@2014-08-06) is looked up on the search path
    const isFile = m.includes('/') || m.endsWith('.yang') || m.endsWith('.yin');
    if (isFile && !isReadableFile(m)) return { code: 2, lines: [`${m}: cannot read module file`] };
  }
  for (const p of o.paths) {
    if (!isDir(p)) return { code: 2, lines: [`${p}: --path is not a directory`] };
  }
  let xml: string | undefined;
  if (o.data !== undefined) {
    if (!isReadableFile(o.data)) return { code: 2, lines: [`${o.data}: cannot read data file`] };
    xml = fs.readFileSync(o.data, 'utf8');
  }
  // --path first, then the directories of the module files named, then what the agent
  // searches (src/daemon/modules.ts): FLOWTAPD_YANG_PATH, the project's yang/, the standard modules
  const searchPath = uniq([
    ...o.paths.map((p) => path.resolve(p)),
    ...o.modules.filter((m) => m.includes('/') || m.endsWith('.yang')).map((m) => path.dirname(path.resolve(m))),
    ...agentSearchPath().map((p) => path.resolve(p)),
  ]);
  let ctx: SchemaContext;
  const lines: string[] = [];
  try {
    const r = engine.loadContext(o.modules, { searchPath });
    ctx = r.context;
    for (const w of r.warnings) lines.push(`warning: ${formatProblem(w, o.modules.join(' '))}`);
  } catch (e) {
    return { code: 1, lines: [...lines, ...problemsOf(e).map((p) => formatProblem(p, o.modules.join(' ')))] };
  }
  if (xml === undefined || o.data === undefined) return { code: 0, lines, ctx };
  const file = o.data;
  const problems: unknown[] = [];
  try {
    const root = engine.parseXml(ctx, xml, { type: o.type, file });
    problems.push(...problemsOf(engine.validate(ctx, root, { type: o.type })));
  } catch (e) {
    problems.push(...problemsOf(e));
  }
  lines.push(...problems.map((p) => formatProblem(p, file)));
  return { code: problems.length ? 1 : 0, lines, ctx };
}

function isReadableFile(f: string): boolean {
  try {
    return fs.statSync(f).isFile() && (fs.accessSync(f, fs.constants.R_OK), true);
  } catch {
    return false;
  }
}

function isDir(d: string): boolean {
  try {
    return fs.statSync(d).isDirectory();
  } catch {
    return false;
  }
}

export async function lintMain(argv: string[]): Promise<number> {
  let o: LintOptions | 'help';
  try {
    o = parseLintArgs(argv);
  } catch (e) {
    process.stderr.write(`flowtapd lint: ${(e as Error).message}\n${LINT_USAGE}`);
    return 2;
  }
  if (o === 'help') {
    process.stdout.write(LINT_USAGE);
    return 0;
  }
  let r: LintResult;
  try {
    r = await lint(o);
  } catch (e) {
    process.stderr.write(`flowtapd lint: internal error: ${oneLine((e as Error)?.message ?? String(e))}\n`);
    return 1;
  }
  for (const l of r.lines) process.stderr.write(`${l}\n`);
  if (r.code === 0) {
    const what = o.data ? `${o.data}: valid (${o.type})` : `${o.modules.length} module(s) valid`;
    process.stdout.write(`${what}\n`);
  }
  return r.code;
}
