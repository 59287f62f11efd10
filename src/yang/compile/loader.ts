/**
 * Finding and parsing module files: a parse cache by path (each file parsed
 * once per content) and an index of the search path (name@revision.yang and
 * name.yang, recursively under each search directory).
 */
import fs from 'node:fs';
import path from 'node:path';
import { SourceError } from '../../errors';
import { parseYang } from '../parse';
import type { Statement } from '../schema';

export interface ParsedFile {
  path: string;
  text: string;
  stmt: Statement;
  /** the newest revision statement of the file, if any */
  revision?: string;
}

const parseCache = new Map<string, { mtimeMs: number; size: number; file: ParsedFile }>();

/** Forget every parsed file and directory index (tests, and a reload after files changed in place). */
export function clearCaches(): void {
  parseCache.clear();
  dirCache.clear();
}

/** Parse a file, cached by absolute path (re-read when its mtime or size changes). */
export function parseFile(file: string): ParsedFile {
  const abs = path.resolve(file);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new SourceError(file, 1, 1, 'cannot read the module file: no such file');
  }
  const hit = parseCache.get(abs);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.file;
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    throw new SourceError(file, 1, 1, `cannot read the module file: ${(e as Error).message}`);
  }
  const stmt = parseYang(text, file);
  const pf: ParsedFile = { path: abs, text, stmt, revision: newestRevision(stmt) };
  parseCache.set(abs, { mtimeMs: st.mtimeMs, size: st.size, file: pf });
  return pf;
}

export function newestRevision(stmt: Statement): string | undefined {
  let best: string | undefined;
  for (const s of stmt.subs) if (s.keyword === 'revision' && s.arg && (!best || s.arg > best)) best = s.arg;
  return best;
}

interface Candidate {
  name: string;
  /** revision from the file name, if it has one */
  rev?: string;
  path: string;
}

const dirCache = new Map<string, { mtimeMs: number; entries: Candidate[] }>();

const FILE_RE = /^([A-Za-z_][A-Za-z0-9_.-]*?)(?:@(\d{4}-\d{2}-\d{2}))?\.yang$/;

function scanDir(dir: string, recursive: boolean): Candidate[] {
  const key = `${recursive ? 'R' : 'F'}:${dir}`;
  let mtimeMs = -1;
  try {
    mtimeMs = fs.statSync(dir).mtimeMs;
  } catch {
    return [];
  }
  const hit = dirCache.get(key);
  if (hit && hit.mtimeMs === mtimeMs) return hit.entries;
  const entries: Candidate[] = [];
  const walk = (d: string, depth: number): void => {
    let list: fs.Dirent[];
    try {
      list = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of list) {
      const p = path.join(d, e.name);
      if (e.isDirectory() || (e.isSymbolicLink() && isDir(p))) {
        if (recursive && depth < 16 && e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p, depth + 1);
        continue;
      }
      const m = FILE_RE.exec(e.name);
      if (m) entries.push({ name: m[1], rev: m[2], path: p });
    }
  };
  walk(dir, 0);
  dirCache.set(key, { mtimeMs, entries });
  return entries;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Looks modules up on a search path. */
export class ModuleFinder {
  private readonly dirs: { dir: string; recursive: boolean }[] = [];

  constructor(searchPath: string[]) {
    for (const d of searchPath) this.addDir(d, true);
  }

  /** add a directory (the directory of a module given by path is searched non-recursively, first) */
  addDir(dir: string, recursive: boolean, first = false): void {
    const abs = path.resolve(dir);
    if (this.dirs.some((d) => d.dir === abs && (d.recursive || !recursive))) return;
    if (first) this.dirs.unshift({ dir: abs, recursive });
    else this.dirs.push({ dir: abs, recursive });
  }

  private candidates(name: string): Candidate[] {
    const out: Candidate[] = [];
    for (const d of this.dirs) for (const c of scanDir(d.dir, d.recursive)) if (c.name === name) out.push(c);
    return out;
  }

  /**
   * The file of module `name` (revision `rev` when given, else the newest);
   * undefined when there is none.
   */
  find(name: string, rev?: string): string | undefined {
    const cands = this.candidates(name);
    if (rev) {
      const exact = cands.find((c) => c.rev === rev);
      if (exact) return exact.path;
      for (const c of cands) {
        if (c.rev) continue;
        if (safeRevision(c.path) === rev) return c.path;
      }
      return undefined;
    }
    let best: Candidate | undefined;
    let bestRev = '';
    for (const c of cands) {
      const r = c.rev ?? safeRevision(c.path) ?? '';
      if (!best || r > bestRev) {
        best = c;
        bestRev = r;
      }
    }
    return best?.path;
  }
}

function safeRevision(p: string): string | undefined {
  try {
    return parseFile(p).revision;
  } catch {
    return undefined;
  }
}
