/**
 * XPath 1.0 value conversions (sections 4.2 string(), 4.3 boolean(),
 * 4.4 number()) that do not need a data tree.
 */

const NUMBER_RE = /^[\x20\t\r\n]*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[\x20\t\r\n]*$/;

/** number(string): optional whitespace, optional minus, Number, whitespace; anything else is NaN */
export function stringToNumber(s: string): number {
  if (!NUMBER_RE.test(s)) return NaN;
  return Number(s.trim());
}

/** string(number), section 4.2: no exponent, integers without ".0", NaN, Infinity, -Infinity */
export function numberToString(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (n === 0) return '0'; // also -0
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  const s = String(n);
  if (!s.includes('e')) return s;
  return expandExponent(s);
}

/** "1.5e-7" -> "0.00000015", "1e+21" -> "1000000000000000000000" */
function expandExponent(s: string): string {
  let sign = '';
  if (s[0] === '-') {
    sign = '-';
    s = s.slice(1);
  }
  const [mant, expText] = s.split('e');
  const exp = Number(expText);
  const dot = mant.indexOf('.');
  const digits = mant.replace('.', '');
  const intLen = (dot < 0 ? mant.length : dot) + exp;
  let out: string;
  if (intLen <= 0) out = '0.' + '0'.repeat(-intLen) + digits;
  else if (intLen >= digits.length) out = digits + '0'.repeat(intLen - digits.length);
  else out = digits.slice(0, intLen) + '.' + digits.slice(intLen);
  return sign + out;
}

export function stringToBoolean(s: string): boolean {
  return s.length > 0;
}

export function numberToBoolean(n: number): boolean {
  return n !== 0 && !Number.isNaN(n);
}

/** round(), section 4.4: the closest integer, halves towards positive infinity, -0 kept */
export function xpathRound(n: number): number {
  // Math.round already rounds halves up and keeps -0 for [-0.5, -0]
  return Math.round(n);
}
