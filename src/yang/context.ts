/**
 * Loading a SchemaContext from module files or names (like yanglint): the
 * modules named are implemented, their imports are loaded import-only
 * (unless they must be implemented: augment, deviation and leafref targets).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorList, SourceError } from '../errors';
import { compileModules, ModuleFinder, parseFile, ParsedFile } from './compile';
export { clearCaches } from './compile';
import type { SchemaContext } from './schema';

/** Searched (recursively) after the caller's search path. */
export const DEFAULT_SEARCH_PATH: readonly string[] = ['/usr/share/yuma/modules'];

export interface LoadOptions {
  /** directories searched recursively for imports, includes and bare module names */
  searchPath: string[];
  /** leave out DEFAULT_SEARCH_PATH */
  noDefaultSearchPath?: boolean;
  /**
   * enabled features per module name ('*': all). A module not named here has
   * all its features enabled when implemented, none when import-only (as
   * yanglint).
   */
  features?: Record<string, string[]>;
  /**
   * per module name: true implements a module that is otherwise only
   * imported; false loads a named module import-only
   */
  implemented?: Record<string, boolean>;
}

export interface LoadResult {
  context: SchemaContext;
  /** problems that do not stop compilation (one line each, file:line:col) */
  warnings: SourceError[];
}

/**
 * Load and compile modules given as file paths (`x/y.yang`) or bare names
 * (`ietf-interfaces`, `ietf-interfaces@2014-05-08`) found on the search path.
 * Throws ErrorList of SourceError (each message one line, file:line:col).
 */
export function loadContext(modules: string[], opts: LoadOptions = { searchPath: [] }): SchemaContext {
  return loadContextWithWarnings(modules, opts).context;
}

export function loadContextWithWarnings(modules: string[], opts: LoadOptions = { searchPath: [] }): LoadResult {
  const searchPath = [...(opts.searchPath ?? [])];
  if (!opts.noDefaultSearchPath) for (const d of DEFAULT_SEARCH_PATH) if (!searchPath.includes(d)) searchPath.push(d);
  const finder = new ModuleFinder(searchPath);
  const files: ParsedFile[] = [];
  const errors: SourceError[] = [];
  const byPath: string[] = [];
  for (const m of modules) {
    if (m.includes('/') || m.endsWith('.yang')) {
      byPath.push(m);
      finder.addDir(path.dirname(path.resolve(m)), false, true);
    }
  }
  for (const m of modules) {
    try {
      if (byPath.includes(m)) {
        if (!fs.existsSync(m)) {
          errors.push(new SourceError(m, 1, 1, 'module file not found'));
          continue;
        }
        files.push(parseFile(m));
      } else {
        const [name, rev] = m.split('@');
        const file = finder.find(name, rev);
        if (!file) {
          errors.push(new SourceError(m, 1, 1, `module ${m} not found on the search path (${searchPath.join(', ')})`));
          continue;
        }
        files.push(parseFile(file));
      }
    } catch (e) {
      if (e instanceof SourceError) errors.push(e);
      else if (e instanceof ErrorList) errors.push(...(e.errors as SourceError[]));
      else errors.push(new SourceError(m, 1, 1, e instanceof Error ? e.message : String(e)));
    }
  }
  for (const f of files) {
    if (f.stmt.keyword === 'submodule') errors.push(new SourceError(f.path, f.stmt.loc.line, f.stmt.loc.col, `${f.stmt.arg} is a submodule; load the module it belongs to`));
  }
  if (errors.length) throw new ErrorList(errors);
  return compileModules({ files, finder, features: opts.features, implemented: opts.implemented });
}
