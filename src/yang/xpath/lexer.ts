/**
 * XPath 1.0 lexer (section 3.7), with the spec's disambiguation rules:
 * after a token that is not @, ::, (, [, , or an operator, `*` is the
 * multiply operator and an NCName is an operator name (and, or, mod, div);
 * a name followed by `(` is a node type or function name; followed by `::`
 * it is an axis name.
 */
import { AgentError } from '../../errors';

export type TokKind =
  | 'lit'
  | 'num'
  | 'var'
  | 'nametest'
  | 'func'
  | 'nodetype'
  | 'axis'
  | 'op'
  | '('
  | ')'
  | '['
  | ']'
  | '.'
  | '..'
  | '@'
  | ','
  | '::'
  | 'eof';

export interface Token {
  k: TokKind;
  /** operator text, literal value, local name ('*' for a wildcard), number text */
  v: string;
  /** QName prefix of names / variables / functions, null when unprefixed */
  prefix: string | null;
  /** 0-based character offset in the expression */
  pos: number;
}

const NODE_TYPES = new Set(['node', 'text', 'comment', 'processing-instruction']);
const OPERATOR_NAMES = new Set(['and', 'or', 'mod', 'div']);

export function syntaxError(text: string, pos: number, what: string): AgentError {
  return new AgentError('invalid-value', `XPath syntax error at position ${pos + 1} in "${text}": ${what}`);
}

function isNameStart(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x41 && c <= 0x5a) || // A-Z
    c === 0x5f || // _
    (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && !(c >= 0x2000 && c <= 0x206f) && c !== 0xfeff)
  );
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0xb7;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function tokenize(text: string): Token[] {
  const toks: Token[] = [];
  const n = text.length;
  let i = 0;

  /** true when the previous token lets `*` / an NCName be an operator */
  const operatorPosition = (): boolean => {
    if (toks.length === 0) return false;
    const p = toks[toks.length - 1];
    return !(p.k === '@' || p.k === '::' || p.k === '(' || p.k === '[' || p.k === ',' || p.k === 'op');
  };

  const readNCName = (): string => {
    const s = i;
    if (i < n && isNameStart(text.charCodeAt(i))) {
      i++;
      while (i < n && isNameChar(text.charCodeAt(i))) i++;
    }
    return text.slice(s, i);
  };

  const peekNonSpace = (from: number): number => {
    let j = from;
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    return j;
  };

  while (true) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    const c = text.charCodeAt(i);
    const ch = text[i];
    const push = (k: TokKind, v: string, prefix: string | null = null): void => {
      toks.push({ k, v, prefix, pos: start });
    };

    if (ch === '(' || ch === ')' || ch === '[' || ch === ']' || ch === ',' || ch === '@') {
      i++;
      push(ch, ch);
      continue;
    }
    if (ch === '.') {
      if (text[i + 1] === '.') {
        i += 2;
        push('..', '..');
        continue;
      }
      if (i + 1 < n && isDigit(text.charCodeAt(i + 1))) {
        i++;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
        push('num', text.slice(start, i));
        continue;
      }
      i++;
      push('.', '.');
      continue;
    }
    if (isDigit(c)) {
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      if (text[i] === '.') {
        i++;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
      }
      push('num', text.slice(start, i));
      continue;
    }
    if (ch === '"' || ch === "'") {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) throw syntaxError(text, start, 'unterminated string literal');
      push('lit', text.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if (ch === '$') {
      i++;
      let name = readNCName();
      if (!name) throw syntaxError(text, start, 'expected a variable name after "$"');
      let prefix: string | null = null;
      if (text[i] === ':' && text[i + 1] !== ':') {
        i++;
        prefix = name;
        name = readNCName();
        if (!name) throw syntaxError(text, i, 'expected a local name after the prefix');
      }
      push('var', name, prefix);
      continue;
    }
    if (ch === ':') {
      if (text[i + 1] === ':') {
        i += 2;
        push('::', '::');
        continue;
      }
      throw syntaxError(text, start, 'unexpected ":"');
    }
    if (ch === '/') {
      if (text[i + 1] === '/') {
        i += 2;
        push('op', '//');
      } else {
        i++;
        push('op', '/');
      }
      continue;
    }
    if (ch === '|' || ch === '+' || ch === '-' || ch === '=') {
      i++;
      push('op', ch);
      continue;
    }
    if (ch === '!') {
      if (text[i + 1] === '=') {
        i += 2;
        push('op', '!=');
        continue;
      }
      throw syntaxError(text, start, 'unexpected "!" (did you mean "!=" or not()?)');
    }
    if (ch === '<' || ch === '>') {
      if (text[i + 1] === '=') {
        i += 2;
        push('op', ch + '=');
      } else {
        i++;
        push('op', ch);
      }
      continue;
    }
    if (ch === '*') {
      i++;
      if (operatorPosition()) push('op', '*');
      else push('nametest', '*');
      continue;
    }
    if (isNameStart(c)) {
      const name = readNCName();
      if (operatorPosition()) {
        if (!OPERATOR_NAMES.has(name)) {
          throw syntaxError(text, start, `expected an operator, found "${name}"`);
        }
        push('op', name);
        continue;
      }
      // QName or prefix:*
      if (text[i] === ':' && text[i + 1] !== ':') {
        i++;
        if (text[i] === '*') {
          i++;
          push('nametest', '*', name);
          continue;
        }
        const local = readNCName();
        if (!local) throw syntaxError(text, i, `expected a local name or "*" after "${name}:"`);
        const j = peekNonSpace(i);
        if (text[j] === '(') push('func', local, name);
        else push('nametest', local, name);
        continue;
      }
      const j = peekNonSpace(i);
      if (text[j] === '(') {
        push(NODE_TYPES.has(name) ? 'nodetype' : 'func', name);
        continue;
      }
      if (text[j] === ':' && text[j + 1] === ':') {
        push('axis', name);
        continue;
      }
      push('nametest', name);
      continue;
    }
    throw syntaxError(text, start, `unexpected character "${ch}"`);
  }
  toks.push({ k: 'eof', v: '', prefix: null, pos: n });
  return toks;
}
