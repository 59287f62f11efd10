/**
 * if-feature expressions (RFC 7950 7.20.2): feature names combined with
 * not / and / or and parentheses; not binds tighter than and, and than or.
 */

export type IfFeatureExpr =
  | { op: 'ref'; name: string }
  | { op: 'not'; a: IfFeatureExpr }
  | { op: 'and' | 'or'; a: IfFeatureExpr; b: IfFeatureExpr };

/** Parse an if-feature argument; throws Error with a message on bad syntax. */
export function parseIfFeature(text: string): IfFeatureExpr {
  const toks = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const primary = (): IfFeatureExpr => {
    const t = toks[i++];
    if (t === undefined) throw new Error(`if-feature expression "${text}" ends too early`);
    if (t === '(') {
      const e = orExpr();
      if (toks[i++] !== ')') throw new Error(`if-feature expression "${text}": missing ')'`);
      return e;
    }
    if (t === 'not') return { op: 'not', a: primary() };
    if (t === ')' || t === 'and' || t === 'or') throw new Error(`if-feature expression "${text}": unexpected '${t}'`);
    if (!/^(?:[A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*$/.test(t)) throw new Error(`if-feature expression "${text}": invalid feature name '${t}'`);
    return { op: 'ref', name: t };
  };
  const andExpr = (): IfFeatureExpr => {
    let a = primary();
    while (peek() === 'and') {
      i++;
      a = { op: 'and', a, b: primary() };
    }
    return a;
  };
  const orExpr = (): IfFeatureExpr => {
    let a = andExpr();
    while (peek() === 'or') {
      i++;
      a = { op: 'or', a, b: andExpr() };
    }
    return a;
  };
  const e = orExpr();
  if (i !== toks.length) throw new Error(`if-feature expression "${text}": unexpected '${toks[i]}'`);
  return e;
}

export function evalIfFeature(e: IfFeatureExpr, lookup: (name: string) => boolean): boolean {
  switch (e.op) {
    case 'ref':
      return lookup(e.name);
    case 'not':
      return !evalIfFeature(e.a, lookup);
    case 'and':
      return evalIfFeature(e.a, lookup) && evalIfFeature(e.b, lookup);
    case 'or':
      return evalIfFeature(e.a, lookup) || evalIfFeature(e.b, lookup);
  }
}
