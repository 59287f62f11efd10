/**
 * `flowtapd lint`: the YANG engine's offline front, like libyang's yanglint.
 *
 *   flowtapd lint [--path DIR]... MODULE.yang... [--data FILE.xml]... [--type config|data]
 *
 * Compiles the named modules (files, or bare names such as ietf-system
 * looked up on the search path; imports resolved on the search path: every
 * --path, the directories of the named module files, then the agent's own
 * search path: FLOWTAPD_YANG_PATH, the project's yang/, the standard modules)
 * and, with --data, validates the XML instance document against them; with
 * --data given several times, the documents merged in that order (a NETCONF
 * merge of each, as edit-config merges them), for a configuration split
 * over several files. A document holds top-level data elements as yanglint
 * expects them, or the
 * same inside a NETCONF envelope: <config> (base 1.0 namespace) for --type
 * config, which is also how the agent stores running.xml and startup.xml
 * and how examples/netconf/ writes edit-config content; <data> (base 1.0 or
 * ietf-netconf-nmda namespace) for --type data. See dataContent() for the
 * edit-config operation attributes. Each problem is one line naming
 * file:line:col, or the file and the error-path (merged documents: the file
 * and line of the node on the error-path, each file's where several hold
 * it). Exit 0: valid; 1: a module or the data is invalid, or a module or
 * data file cannot be read; 2: usage (bad option, --path not a directory).
 */
import * as fs from 'fs';
import * as path from 'path';
import { AgentError, ErrorList, SourceError } from '../errors';
import { searchPath as agentSearchPath } from '../daemon/modules';
import { applyEdit } from '../netconf/edit';
import { loadContextWithWarnings } from '../yang/context';
import { usageError } from './usage';
import { NC_NS, YANG_NS, parseDocument, parseXml, validate } from '../yang/data';
import type { XmlElementLike } from '../yang/data';
import type { SchemaContext } from '../yang/schema';
import type { DataNode } from '../yang/data/node';
import { clone, resolvePath } from '../yang/data/tree';

export type DataType = 'config' | 'data';

export interface LintOptions {
  paths: string[];
  modules: string[];
  /** instance documents, validated merged in this order; none: the modules only */
  data: string[];
  type: DataType;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const LINT_SYNOPSIS = 'Usage: flowtapd lint [--path DIR]... MODULE.yang... [--data FILE.xml]... [--type config|data]\n';

const LINT_USAGE = `${LINT_SYNOPSIS}  --path DIR     add DIR to the module search path (repeatable; searched
                 before FLOWTAPD_YANG_PATH, the project's yang/ and the
                 standard modules, as the agent searches them)
  --data FILE    validate this XML instance document against the modules:
                 the top-level data elements, bare or in a NETCONF <config>
                 (as running.xml and examples/netconf/ have them) or <data>;
                 nc:operation merge/replace/create is ignored, delete/remove
                 is reported (an edit, not a configuration). Repeatable: the
                 documents are merged in order (a NETCONF merge of each, as
                 edit-config does) and the result validated, for a
                 configuration split over several files
  --type TYPE    config (default): configuration, no state data allowed;
                 data: configuration and state data (needs --data)
Exit 0: valid; 1: a module or the data is invalid; 2: usage error.
`;

/** Parse the lint command line (throws UsageError). */
export function parseLintArgs(argv: string[]): LintOptions | 'help' {
  const o: LintOptions = { paths: [], modules: [], data: [], type: 'config' };
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
        o.data.push(value());
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
  if (typeGiven && !o.data.length) throw new UsageError('--type needs --data');
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
  parseXml(ctx: SchemaContext, xml: string | XmlElementLike, opts: { type: DataType; file: string }): DataNode;
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
    const why = isFile ? unreadable(m) : undefined;
    if (why) return { code: 1, lines: [`${m}: cannot read module file (${why})`] };
  }
  for (const p of o.paths) {
    if (!isDir(p)) return { code: 2, lines: [`${p}: --path is not a directory`] };
  }
  const texts: { file: string; xml: string }[] = [];
  const unread: string[] = [];
  for (const file of o.data) {
    // a file that cannot be read is a problem with the data, not with the command line: exit 1
    let why = unreadable(file);
    if (!why) {
      try {
        texts.push({ file, xml: fs.readFileSync(file, 'utf8') });
      } catch (e) {
        why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      }
    }
    if (why) unread.push(`${file}: cannot read data file (${why})`);
  }
  if (unread.length) return { code: 1, lines: unread };
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
  if (!texts.length) return { code: 0, lines, ctx };
  // each document on its own: what is wrong in one file names that file and line
  const docs: Document[] = [];
  const problems: string[] = [];
  for (const { file, xml } of texts) {
    try {
      const content = dataContent(parseDocument(xml, file), o.type, file);
      if (Array.isArray(content)) problems.push(...content);
      else docs.push({ file, root: engine.parseXml(ctx, content, { type: o.type, file }) });
    } catch (e) {
      problems.push(...problemsOf(e).map((p) => formatProblem(p, file)));
    }
  }
  if (problems.length) return { code: 1, lines: [...lines, ...problems], ctx };
  // one document is validated as parsed; several are merged in order (a NETCONF merge of each, as
  // edit-config merges) into a copy, the parsed ones kept for origin()
  const single = docs.length === 1;
  const root = single ? docs[0].root : clone(docs[0].root);
  const found: unknown[] = [];
  try {
    for (const d of docs.slice(1)) {
      found.push(...applyEdit(root, clone(d.root), { defaultOperation: 'merge', continueOnError: true, allowState: o.type === 'data' }).errors);
    }
    found.push(...problemsOf(engine.validate(ctx, root, { type: o.type })));
  } catch (e) {
    found.push(...problemsOf(e));
  }
  lines.push(...found.map((p) => formatProblem(p, single ? docs[0].file : origin(p, docs, ctx))));
  return { code: found.length ? 1 : 0, lines, ctx };
}

interface Document {
  file: string;
  root: DataNode;
}

/**
 * Where a problem of merged documents comes from: file:line of the deepest
 * node on its error-path that any document holds, in each document that
 * holds it (every file when its path names nothing they hold).
 */
function origin(p: unknown, docs: Document[], ctx: SchemaContext): string {
  if (p instanceof AgentError && p.path) {
    const steps = pathSteps(p.path, p.pathNs ?? {}, ctx);
    for (let n = steps.length; n > 0; n--) {
      const at = '/' + steps.slice(0, n).join('/');
      const holders = docs.flatMap((d) => {
        const node = resolvePath(d.root, at);
        return node ? [node.line !== undefined ? `${d.file}:${node.line}` : d.file] : [];
      });
      if (holders.length) return holders.join(', ');
    }
  }
  return docs.map((d) => d.file).join(', ');
}

/**
 * The steps of an error-path (XML form, prefixes declared in pathNs) in
 * RFC 7951 form (module names, as resolvePath takes them), split at the
 * slashes outside quoted key values.
 */
function pathSteps(xmlPath: string, pathNs: Record<string, string>, ctx: SchemaContext): string[] {
  const steps: string[] = [];
  let cur = '';
  let quote = '';
  for (let i = 0; i < xmlPath.length; i++) {
    const ch = xmlPath[i];
    if (quote) {
      cur += ch;
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      cur += ch;
    } else if (ch === '/') {
      if (cur) steps.push(cur);
      cur = '';
    } else {
      // a prefix: at the start of a step or of a key name in a predicate
      const prefix = cur === '' || /[[\s]$/.test(cur) ? /^[A-Za-z_][\w.-]*(?=:)/.exec(xmlPath.slice(i))?.[0] : undefined;
      if (prefix) {
        cur += ctx.byNamespace.get(pathNs[prefix])?.name ?? prefix;
        i += prefix.length - 1;
      } else cur += ch;
    }
  }
  if (cur) steps.push(cur);
  return steps;
}

const NMDA_NS = 'urn:ietf:params:xml:ns:yang:ietf-netconf-nmda';
const OPERATION = `{${NC_NS}}operation`;
/** edit-config's list and leaf-list ordering attributes (RFC 7950 section 7.8.6): not data */
const ORDERING = [`{${YANG_NS}}insert`, `{${YANG_NS}}key`, `{${YANG_NS}}value`];

/**
 * The part of a parsed data file that lint validates: a document (local '')
 * whose children are the top-level data elements, or problem lines.
 *
 * - A NETCONF envelope around the data is taken off: <config> for --type
 *   config, <data> (NETCONF base or NMDA namespace) for --type data; the
 *   other one, or any other NETCONF element at the top, is a problem that
 *   says which to use.
 * - edit-config operation attributes: lint checks a configuration, so
 *   merge, replace and create are ignored (the content they carry is what
 *   the configuration holds after the edit), as are the yang:insert/key/
 *   value ordering attributes; delete and remove are reported and nothing
 *   is validated, since the document then says what the configuration must
 *   not hold, which only the agent can check against its own (push it to
 *   the candidate and <validate>).
 */
export function dataContent(doc: XmlElementLike, type: DataType, file: string): XmlElementLike | string[] {
  const tops = doc.children;
  let content = doc;
  if (tops.length === 1 && (tops[0].ns === NC_NS || tops[0].ns === NMDA_NS)) {
    const top = tops[0];
    const at = `${file}:${top.line}`;
    const isConfig = top.ns === NC_NS && top.local === 'config';
    const isData = top.local === 'data';
    if (isConfig && type === 'config') content = { ...doc, children: top.children };
    else if (isData && type === 'data') content = { ...doc, children: top.children };
    else if (isConfig) return [`${at}: a <config> document holds configuration only: lint it with --type config (the default) [wrong-document-type]`];
    else if (isData) return [`${at}: a <data> document may hold state data: lint it with --type data [wrong-document-type]`];
    else return [`${at}: <${top.local}> is not a data document: lint takes the top-level data elements, or them inside <config> (--type config) or <data> (--type data) [wrong-document-type]`];
  }
  const problems: string[] = [];
  const strip = (el: XmlElementLike, inDeletion: boolean): XmlElementLike => {
    let attrs = el.attrs;
    const op = attrs.get(OPERATION);
    if (op !== undefined || ORDERING.some((a) => attrs.has(a))) {
      attrs = new Map(attrs);
      for (const a of ORDERING) attrs.delete(a);
      attrs.delete(OPERATION);
      if (op === 'delete' || op === 'remove') {
        if (!inDeletion) {
          problems.push(`${file}:${el.line}: <${el.local}> has nc:operation="${op}": an edit, not a configuration; lint validates a configuration, so nothing was validated (push the edit to the candidate and <validate> it on the agent) [edit-operation]`);
        }
        inDeletion = true;
      } else if (op !== undefined && op !== 'merge' && op !== 'replace' && op !== 'create') {
        problems.push(`${file}:${el.line}: <${el.local}> has nc:operation="${op}", which is not merge, replace, create, delete or remove [bad-attribute]`);
      }
    }
    const children = el.children.length ? el.children.map((c) => strip(c, inDeletion)) : el.children;
    return attrs === el.attrs && children.every((c, i) => c === el.children[i]) ? el : { ...el, attrs, children };
  };
  const stripped = { ...content, children: content.children.map((c) => strip(c, false)) };
  return problems.length ? problems : stripped;
}

/** why a file cannot be read (not found, a directory, EACCES ...), or undefined when it can */
function unreadable(f: string): string | undefined {
  try {
    if (!fs.statSync(f).isFile()) return 'not a regular file';
    fs.accessSync(f, fs.constants.R_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such file' : code ?? (e as Error).message;
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
    process.stderr.write(usageError('flowtapd lint', (e as Error).message, LINT_SYNOPSIS));
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
    const merged = o.data.length > 1 ? ', merged in this order' : '';
    const what = o.data.length ? `${o.data.join(', ')}: valid (${o.type}${merged})` : `${o.modules.length} module(s) valid`;
    process.stdout.write(`${what}\n`);
  }
  return r.code;
}
