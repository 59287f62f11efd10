import type { SchemaNode } from '../schema';

/**
 * One node of a data tree. The tree's root is a DataNode whose schema is the
 * context's root (kind 'root'). Leaves and leaf-lists carry `value`, the
 * canonical string in RFC 7951 form (see schema.ts). Containers and lists
 * carry children in document order (lists/leaf-lists ordered-by system are
 * kept in insertion order; order is significant only for ordered-by user).
 *
 * Change children only through the helpers of ./tree (insertChild,
 * removeChild, ...): they keep `index` and the `dflt` flags right. Code that
 * edits `children` directly must set `index = undefined` afterwards.
 *
 * The optional fields are `declare`d: a node gets them only when one is set
 * (parsed nodes get `line`, large nodes `index`), so the common node holds
 * five fields instead of ten (a copy of a 100,000-entry list takes 33.5 MB
 * instead of 42.7 MB).
 */
export class DataNode {
  schema: SchemaNode;
  parent: DataNode | null = null;
  children: DataNode[] = [];
  /** leaf/leaf-list: canonical value ('' for type empty); null otherwise */
  value: string | null = null;
  /** true for a node created implicitly from a schema default */
  dflt = false;
  /** anydata/anyxml: the raw content (serialised XML) */
  declare raw?: string;
  /** anydata/anyxml parsed from JSON: the content as JSON text */
  declare rawJson?: string;
  /**
   * optional index of children for fast lookup, maintained by the data
   * module (built lazily once a node has more than a few children): key
   * `${module}:${name}` for single instances,
   * `${module}:${name}[v1\u0001v2..]` for list entries (key values in key
   * order, joined by U+0001) and `${module}:${name}=value` for leaf-list
   * entries
   */
  declare index?: Map<string, DataNode>;
  /**
   * XML attributes the NETCONF layer needs (parseXml type 'edit' / 'filter'),
   * keyed `{namespace}localname`, e.g.
   * `{urn:ietf:params:xml:ns:netconf:base:1.0}operation`. For the yang:key
   * attribute the value is rewritten to JSON form (module names instead of
   * XML prefixes); for yang:value, to the canonical value of the leaf-list.
   */
  declare meta?: Map<string, string>;
  /** source line of the element or member this node was parsed from */
  declare line?: number;

  constructor(schema: SchemaNode, value: string | null = null) {
    this.schema = schema;
    this.value = value;
  }
}
