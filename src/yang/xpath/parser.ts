/**
 * XPath 1.0 parser (recursive descent over the grammar of XPath 1.0
 * section 3, operator precedence or < and < =,!= < relational < additive <
 * multiplicative < unary minus < union), with compile-time prefix resolution
 * and the YANG 1.1 function library's signatures (RFC 7950 section 10).
 */
import { AgentError } from '../../errors';
import type { PrefixResolver } from './api';
import { AXES, type ArithOp, type Ast, type Axis, type CmpOp, type Expr, type NodeTest, type Step } from './ast';
import { syntaxError, tokenize, type Token } from './lexer';
import { xsdToRegExp } from '../types/xsd-regex';
import { stringToNumber } from './values';

type StaticType = 'nodes' | 'num' | 'str' | 'bool' | 'any';

interface FnSig {
  min: number;
  max: number;
  ret: StaticType;
  /** indexes of arguments that must be node-sets */
  nodeArgs?: number[];
}

export const FUNCTIONS: Record<string, FnSig> = {
  // XPath 1.0 core library
  last: { min: 0, max: 0, ret: 'num' },
  position: { min: 0, max: 0, ret: 'num' },
  count: { min: 1, max: 1, ret: 'num', nodeArgs: [0] },
  id: { min: 1, max: 1, ret: 'nodes' },
  'local-name': { min: 0, max: 1, ret: 'str', nodeArgs: [0] },
  'namespace-uri': { min: 0, max: 1, ret: 'str', nodeArgs: [0] },
  name: { min: 0, max: 1, ret: 'str', nodeArgs: [0] },
  string: { min: 0, max: 1, ret: 'str' },
  concat: { min: 2, max: Infinity, ret: 'str' },
  'starts-with': { min: 2, max: 2, ret: 'bool' },
  contains: { min: 2, max: 2, ret: 'bool' },
  'substring-before': { min: 2, max: 2, ret: 'str' },
  'substring-after': { min: 2, max: 2, ret: 'str' },
  substring: { min: 2, max: 3, ret: 'str' },
  'string-length': { min: 0, max: 1, ret: 'num' },
  'normalize-space': { min: 0, max: 1, ret: 'str' },
  translate: { min: 3, max: 3, ret: 'str' },
  boolean: { min: 1, max: 1, ret: 'bool' },
  not: { min: 1, max: 1, ret: 'bool' },
  true: { min: 0, max: 0, ret: 'bool' },
  false: { min: 0, max: 0, ret: 'bool' },
  lang: { min: 1, max: 1, ret: 'bool' },
  number: { min: 0, max: 1, ret: 'num' },
  sum: { min: 1, max: 1, ret: 'num', nodeArgs: [0] },
  floor: { min: 1, max: 1, ret: 'num' },
  ceiling: { min: 1, max: 1, ret: 'num' },
  round: { min: 1, max: 1, ret: 'num' },
  // YANG 1.1 (RFC 7950 section 10)
  current: { min: 0, max: 0, ret: 'nodes' },
  deref: { min: 1, max: 1, ret: 'nodes', nodeArgs: [0] },
  'derived-from': { min: 2, max: 2, ret: 'bool', nodeArgs: [0] },
  'derived-from-or-self': { min: 2, max: 2, ret: 'bool', nodeArgs: [0] },
  're-match': { min: 2, max: 2, ret: 'bool' },
  'enum-value': { min: 1, max: 1, ret: 'num', nodeArgs: [0] },
  'bit-is-set': { min: 2, max: 2, ret: 'bool', nodeArgs: [0] },
};

const QNAME_LITERAL = /^([A-Za-z_][A-Za-z0-9_.-]*):([A-Za-z_][A-Za-z0-9_.-]*)$/;

export function staticType(e: Expr): StaticType {
  switch (e.t) {
    case 'num':
    case 'arith':
    case 'neg':
      return 'num';
    case 'str':
      return 'str';
    case 'or':
    case 'and':
    case 'cmp':
      return 'bool';
    case 'union':
    case 'path':
      return 'nodes';
    case 'filter':
      return staticType(e.e);
    case 'call':
      return FUNCTIONS[e.name]?.ret ?? 'any';
    case 'var':
      return 'any';
  }
}

/** does the value of a predicate depend on the context position or size? */
function usesPosition(e: Expr): boolean {
  switch (e.t) {
    case 'num':
    case 'str':
    case 'var':
    case 'path':
      // path predicates have their own context; path start filters too,
      // except that a start expression may itself call position()
      return e.t === 'path' && e.start !== null ? usesPosition(e.start) : false;
    case 'filter':
      return usesPosition(e.e);
    case 'neg':
      return usesPosition(e.e);
    case 'call':
      if (e.name === 'position' || e.name === 'last') return true;
      return e.args.some(usesPosition);
    default:
      return usesPosition(e.l) || usesPosition(e.r);
  }
}

function predicatesPositional(preds: Expr[]): boolean {
  for (const p of preds) {
    const t = staticType(p);
    if (t === 'num' || t === 'any' || usesPosition(p)) return true;
  }
  return false;
}

class Parser {
  private toks: Token[];
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly resolve: PrefixResolver,
    private readonly defaultModule: string | undefined,
  ) {
    this.toks = tokenize(text);
  }

  private peek(): Token {
    return this.toks[this.i];
  }

  private next(): Token {
    return this.toks[this.i++];
  }

  private isOp(v: string): boolean {
    const t = this.toks[this.i];
    return t.k === 'op' && t.v === v;
  }

  private fail(t: Token, what: string): never {
    const found = t.k === 'eof' ? 'end of expression' : `"${this.text.slice(t.pos, t.pos + Math.max(1, t.v.length))}"`;
    throw syntaxError(this.text, t.pos, `${what}, found ${found}`);
  }

  private expect(k: Token['k'], what: string): Token {
    const t = this.peek();
    if (t.k !== k) this.fail(t, `expected ${what}`);
    return this.next();
  }

  parseTop(): Expr {
    const e = this.parseOr();
    const t = this.peek();
    if (t.k !== 'eof') this.fail(t, 'expected an operator or the end of the expression');
    return e;
  }

  private parseOr(): Expr {
    let l = this.parseAnd();
    while (this.isOp('or')) {
      this.next();
      l = { t: 'or', l, r: this.parseAnd() };
    }
    return l;
  }

  private parseAnd(): Expr {
    let l = this.parseEquality();
    while (this.isOp('and')) {
      this.next();
      l = { t: 'and', l, r: this.parseEquality() };
    }
    return l;
  }

  private parseEquality(): Expr {
    let l = this.parseRelational();
    while (this.isOp('=') || this.isOp('!=')) {
      const op = this.next().v as CmpOp;
      l = { t: 'cmp', op, l, r: this.parseRelational() };
    }
    return l;
  }

  private parseRelational(): Expr {
    let l = this.parseAdditive();
    while (this.isOp('<') || this.isOp('<=') || this.isOp('>') || this.isOp('>=')) {
      const op = this.next().v as CmpOp;
      l = { t: 'cmp', op, l, r: this.parseAdditive() };
    }
    return l;
  }

  private parseAdditive(): Expr {
    let l = this.parseMultiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().v as ArithOp;
      l = { t: 'arith', op, l, r: this.parseMultiplicative() };
    }
    return l;
  }

  private parseMultiplicative(): Expr {
    let l = this.parseUnary();
    while (this.isOp('*') || this.isOp('div') || this.isOp('mod')) {
      const op = this.next().v as ArithOp;
      l = { t: 'arith', op, l, r: this.parseUnary() };
    }
    return l;
  }

  private parseUnary(): Expr {
    if (this.isOp('-')) {
      this.next();
      return { t: 'neg', e: this.parseUnary() };
    }
    return this.parseUnion();
  }

  private parseUnion(): Expr {
    let l = this.parsePathExpr();
    while (this.isOp('|')) {
      const t = this.next();
      const r = this.parsePathExpr();
      for (const side of [l, r]) {
        const st = staticType(side);
        if (st !== 'nodes' && st !== 'any') {
          throw syntaxError(this.text, t.pos, 'the operands of "|" must be node-sets');
        }
      }
      l = { t: 'union', l, r };
    }
    return l;
  }

  private parsePathExpr(): Expr {
    const t = this.peek();
    if (t.k === 'var' || t.k === '(' || t.k === 'lit' || t.k === 'num' || t.k === 'func') {
      let e = this.parsePrimary();
      const preds = this.parsePredicates();
      if (preds.length > 0) {
        this.requireNodes(e, t);
        e = { t: 'filter', e, preds };
      }
      if (this.isOp('/') || this.isOp('//')) {
        this.requireNodes(e, t);
        const steps: Step[] = [];
        this.parseRelative(steps, true);
        return finishPath({ t: 'path', abs: false, start: e, steps });
      }
      return e;
    }
    if (this.isOp('/')) {
      this.next();
      const steps: Step[] = [];
      if (this.startsStep()) this.parseRelative(steps, false);
      return finishPath({ t: 'path', abs: true, start: null, steps });
    }
    if (this.isOp('//')) {
      const steps: Step[] = [];
      this.parseRelative(steps, true);
      return finishPath({ t: 'path', abs: true, start: null, steps });
    }
    if (this.startsStep()) {
      const steps: Step[] = [];
      this.parseRelative(steps, false);
      return finishPath({ t: 'path', abs: false, start: null, steps });
    }
    this.fail(t, 'expected an expression');
  }

  private requireNodes(e: Expr, at: Token): void {
    const st = staticType(e);
    if (st !== 'nodes' && st !== 'any') {
      throw syntaxError(this.text, at.pos, 'predicates and "/" apply only to node-sets');
    }
  }

  private startsStep(): boolean {
    const t = this.peek();
    return t.k === 'nametest' || t.k === 'nodetype' || t.k === 'axis' || t.k === '@' || t.k === '.' || t.k === '..';
  }

  /** RelativeLocationPath; when `leadingSep` the next token is "/" or "//" */
  private parseRelative(steps: Step[], leadingSep: boolean): void {
    if (!leadingSep) steps.push(this.parseStep());
    while (this.isOp('/') || this.isOp('//')) {
      const sep = this.next();
      if (sep.v === '//') steps.push({ axis: 'descendant-or-self', test: { k: 'node' }, preds: [], posDep: false });
      if (!this.startsStep()) this.fail(this.peek(), 'expected a location step');
      steps.push(this.parseStep());
    }
  }

  private parseStep(): Step {
    const t = this.next();
    if (t.k === '.') return { axis: 'self', test: { k: 'node' }, preds: [], posDep: false };
    if (t.k === '..') return { axis: 'parent', test: { k: 'node' }, preds: [], posDep: false };
    let axis: Axis = 'child';
    let tt = t;
    if (t.k === '@') {
      axis = 'attribute';
      tt = this.next();
    } else if (t.k === 'axis') {
      if (!AXES.has(t.v)) throw syntaxError(this.text, t.pos, `unknown axis "${t.v}"`);
      axis = t.v as Axis;
      this.expect('::', '"::"');
      tt = this.next();
    }
    const test = this.parseNodeTest(tt);
    const preds = this.parsePredicates();
    return { axis, test, preds, posDep: predicatesPositional(preds) };
  }

  private parseNodeTest(t: Token): NodeTest {
    if (t.k === 'nametest') {
      if (t.v === '*') {
        if (t.prefix === null) return { k: 'any', module: undefined };
        return { k: 'any', module: this.prefixModule(t.prefix) };
      }
      const module = t.prefix === null ? this.defaultModule : this.prefixModule(t.prefix);
      return module === undefined ? { k: 'name', module, name: t.v } : { k: 'name', module, name: t.v, key: `${module}:${t.v}` };
    }
    if (t.k === 'nodetype') {
      this.expect('(', '"("');
      if (t.v === 'processing-instruction' && this.peek().k === 'lit') this.next();
      this.expect(')', '")"');
      if (t.v === 'node') return { k: 'node' };
      return { k: 'none', type: t.v };
    }
    this.fail(t, 'expected a node test');
  }

  private prefixModule(prefix: string): string {
    let m: string | undefined;
    try {
      m = this.resolve(prefix);
    } catch {
      m = undefined;
    }
    if (m === undefined) {
      throw new AgentError('invalid-value', `unknown prefix "${prefix}" in XPath expression "${this.text}"`);
    }
    return m;
  }

  private parsePredicates(): Expr[] {
    const preds: Expr[] = [];
    while (this.peek().k === '[') {
      this.next();
      preds.push(this.parseOr());
      this.expect(']', '"]"');
    }
    return preds;
  }

  private parsePrimary(): Expr {
    const t = this.next();
    switch (t.k) {
      case 'var':
        return { t: 'var', name: t.prefix === null ? t.v : `${t.prefix}:${t.v}` };
      case '(': {
        const e = this.parseOr();
        this.expect(')', '")"');
        return e;
      }
      case 'lit':
        return this.literal(t.v);
      case 'num':
        return { t: 'num', v: Number(t.v) };
      case 'func':
        return this.parseCall(t);
      default:
        this.fail(t, 'expected an expression');
    }
  }

  private literal(v: string): Expr {
    const e: Expr & { t: 'str' } = { t: 'str', v, num: stringToNumber(v) };
    const m = QNAME_LITERAL.exec(v);
    if (m) {
      let mod: string | undefined;
      try {
        mod = this.resolve(m[1]);
      } catch {
        mod = undefined;
      }
      if (mod !== undefined) e.qname = { module: mod, name: m[2] };
    }
    return e;
  }

  private parseCall(t: Token): Expr {
    const name = t.prefix === null ? t.v : `${t.prefix}:${t.v}`;
    const sig = t.prefix === null ? FUNCTIONS[t.v] : undefined;
    if (!sig || !Object.prototype.hasOwnProperty.call(FUNCTIONS, t.v)) {
      throw new AgentError('invalid-value', `unknown XPath function "${name}()" at position ${t.pos + 1} in "${this.text}"`);
    }
    this.expect('(', '"("');
    const args: Expr[] = [];
    if (this.peek().k !== ')') {
      args.push(this.parseOr());
      while (this.peek().k === ',') {
        this.next();
        args.push(this.parseOr());
      }
    }
    this.expect(')', '")" or ","');
    if (args.length < sig.min || args.length > sig.max) {
      const want = sig.min === sig.max ? `${sig.min}` : sig.max === Infinity ? `at least ${sig.min}` : `${sig.min} to ${sig.max}`;
      throw new AgentError(
        'invalid-value',
        `XPath function "${name}()" takes ${want} argument(s), ${args.length} given, at position ${t.pos + 1} in "${this.text}"`,
      );
    }
    for (const ix of sig.nodeArgs ?? []) {
      if (ix < args.length) {
        const st = staticType(args[ix]);
        if (st !== 'nodes' && st !== 'any') {
          throw new AgentError(
            'invalid-value',
            `argument ${ix + 1} of XPath function "${name}()" must be a node-set, at position ${t.pos + 1} in "${this.text}"`,
          );
        }
      }
    }
    if ((t.v === 'derived-from' || t.v === 'derived-from-or-self') && args[1].t === 'str') {
      const lit = args[1];
      const m = QNAME_LITERAL.exec(lit.v);
      if (m && !lit.qname) {
        throw new AgentError('invalid-value', `unknown prefix "${m[1]}" in identity "${lit.v}" of XPath expression "${this.text}"`);
      }
    }
    if (t.v === 're-match' && args[1].t === 'str') {
      const lit = args[1];
      try {
        lit.regex = xsdToRegExp(lit.v);
      } catch (err) {
        throw new AgentError('invalid-value', `invalid pattern in re-match() of XPath expression "${this.text}": ${(err as Error).message}`);
      }
    }
    return { t: 'call', name, args };
  }
}

/**
 * Path rewrites that keep XPath semantics:
 * descendant-or-self::node()/child::X (X without positional predicates)
 * becomes descendant::X (the `//X` of abbreviated syntax), which needs no
 * document-order sort.
 */
function finishPath(p: Expr & { t: 'path' }): Expr {
  const out: Step[] = [];
  for (const s of p.steps) {
    const prev = out[out.length - 1];
    if (
      prev &&
      prev.axis === 'descendant-or-self' &&
      prev.test.k === 'node' &&
      prev.preds.length === 0 &&
      s.axis === 'child' &&
      !s.posDep
    ) {
      out[out.length - 1] = { axis: 'descendant', test: s.test, preds: s.preds, posDep: false };
      continue;
    }
    out.push(s);
  }
  p.steps = out;
  for (const s of out) {
    const k = keyedOf(s);
    if (k) s.keyed = k;
  }
  p.ctxFree = p.abs && !p.steps.some((s) => s.preds.some(usesCurrentOrVar));
  // "simple": relative (or from current()), only child name steps, parent::node()
  // and self::node(), no predicates: comparisons walk it without building node-sets
  p.simple =
    !p.abs &&
    (p.start === null || (p.start.t === 'call' && p.start.name === 'current')) &&
    out.every(
      (s) =>
        s.preds.length === 0 &&
        ((s.axis === 'child' && s.test.k === 'name') || ((s.axis === 'parent' || s.axis === 'self') && s.test.k === 'node')),
    );
  return p;
}

/** does the expression call current() or use a variable anywhere (predicates included)? */
function usesCurrentOrVar(e: Expr): boolean {
  switch (e.t) {
    case 'num':
    case 'str':
      return false;
    case 'var':
      return true;
    case 'call':
      return e.name === 'current' || e.args.some(usesCurrentOrVar);
    case 'neg':
      return usesCurrentOrVar(e.e);
    case 'filter':
      return usesCurrentOrVar(e.e) || e.preds.some(usesCurrentOrVar);
    case 'path':
      return (e.start !== null && usesCurrentOrVar(e.start)) || e.steps.some((s) => s.preds.some(usesCurrentOrVar));
    default:
      return usesCurrentOrVar(e.l) || usesCurrentOrVar(e.r);
  }
}

/** a value that is the same for every predicate context node (compared by string-value) */
function predicateConstant(e: Expr): boolean {
  if (e.t === 'str') return true;
  if (e.t === 'call' && e.name === 'current') return true;
  if (e.t === 'path') {
    if (e.abs) return true;
    return e.start !== null && e.start.t === 'call' && e.start.name === 'current';
  }
  return false;
}

function keyedOf(s: Step): Step['keyed'] {
  if (s.axis !== 'child' || s.test.k !== 'name' || s.preds.length === 0) return undefined;
  const p = s.preds[0];
  if (p.t !== 'cmp' || p.op !== '=') return undefined;
  for (const [a, b] of [
    [p.l, p.r],
    [p.r, p.l],
  ]) {
    if (
      a.t === 'path' &&
      !a.abs &&
      a.start === null &&
      a.steps.length === 1 &&
      a.steps[0].axis === 'child' &&
      a.steps[0].preds.length === 0 &&
      a.steps[0].test.k === 'name' &&
      a.steps[0].test.key !== undefined &&
      predicateConstant(b)
    ) {
      const leaf = a.steps[0].test as NodeTest & { k: 'name'; key: string };
      return { leaf, other: b, rest: s.preds.slice(1) };
    }
  }
  return undefined;
}

export function parse(text: string, resolve: PrefixResolver): Ast {
  if (typeof text !== 'string') throw new AgentError('invalid-value', 'XPath expression is not a string');
  let defaultModule: string | undefined;
  try {
    defaultModule = resolve(null);
  } catch {
    defaultModule = undefined;
  }
  let root: Expr;
  try {
    root = new Parser(text, resolve, defaultModule).parseTop();
  } catch (err) {
    if (err instanceof RangeError) {
      throw new AgentError('invalid-value', `XPath expression nested too deeply: "${text.length > 80 ? text.slice(0, 80) + '...' : text}"`);
    }
    throw err;
  }
  return { root, resolve, defaultModule };
}
