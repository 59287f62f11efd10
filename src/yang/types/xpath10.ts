/**
 * ietf-yang-types xpath1.0 values (libyang's xpath1.0 plugin): the value
 * must be an XPath 1.0 expression whose every prefix maps to a module (XML:
 * through the element's namespace context; JSON: module names). The
 * canonical form is the expression with each prefix replaced by its module
 * name (RFC 7951 section 6.11); toXml maps module names back to prefixes.
 */
import type { Module } from '../schema';
import { tokenize, type Token } from '../xpath/lexer';
import { parse as parseXPath } from '../xpath/parser';
import type { ValuePrefixes } from './api';

type Result = { ok: true; value: string } | { ok: false; message: string };

function prefixed(toks: Token[]): Token[] {
  return toks.filter((t) => t.k === 'nametest' && t.prefix !== null);
}

/** the text with the prefix of each prefixed name test replaced */
function rewrite(text: string, toks: Token[], map: (t: Token) => string): string {
  let out = '';
  let at = 0;
  for (const t of toks) {
    const p = t.prefix as string;
    // the token starts with its prefix (an NCName, no space before the colon)
    if (text.startsWith(`${p}:`, t.pos)) {
      out += text.slice(at, t.pos) + map(t);
      at = t.pos + p.length;
    }
  }
  return out + text.slice(at);
}

export function parseXPath10(text: string, prefixes: ValuePrefixes, remember: (m: Module) => void): Result {
  let toks: Token[];
  try {
    toks = prefixed(tokenize(text));
  } catch (e) {
    return { ok: false, message: `Invalid XPath "${text}": ${(e as Error).message}` };
  }
  const mods = new Map<string, Module>();
  for (const t of toks) {
    const p = t.prefix as string;
    if (mods.has(p)) continue;
    const m = prefixes(p);
    if (!m) return { ok: false, message: `Failed to resolve prefix "${p}".` };
    mods.set(p, m);
  }
  try {
    parseXPath(text, (p) => (p === null ? undefined : mods.get(p)?.name ?? prefixes(p)?.name));
  } catch (e) {
    return { ok: false, message: `Invalid XPath "${text}": ${(e as Error).message}` };
  }
  for (const m of mods.values()) remember(m);
  return { ok: true, value: rewrite(text, toks, (t) => mods.get(t.prefix as string)!.name) };
}

export function xpath10ToXml(canonical: string, byName: (name: string) => Module | undefined): { text: string; modules: Module[] } {
  let toks: Token[];
  try {
    toks = prefixed(tokenize(canonical));
  } catch {
    return { text: canonical, modules: [] };
  }
  const used = new Set<Module>();
  const text = rewrite(canonical, toks, (t) => {
    const m = byName(t.prefix as string);
    if (!m) return t.prefix as string;
    used.add(m);
    return m.prefix;
  });
  return { text, modules: [...used] };
}
