/** Small XML builders for the differential documents (gen.ts, fuzz.ts). */

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** <name>text</name> */
export function leaf(name: string, value: string, attrs = ''): string {
  return `<${name}${attrs ? ' ' + attrs : ''}>${esc(value)}</${name}>`;
}

export function el(name: string, ...children: string[]): string {
  return children.length ? `<${name}>${children.join('')}</${name}>` : `<${name}/>`;
}

/** a top-level element in its module's namespace */
export function top(ns: string, name: string, ...children: string[]): string {
  return children.length ? `<${name} xmlns="${ns}">${children.join('')}</${name}>` : `<${name} xmlns="${ns}"/>`;
}
