/**
 * The data-tree half of the YANG engine: instance data in and out (XML,
 * RFC 7951 JSON), validation with defaults, tree utilities and diff.
 *
 * Contract for the datastore and NETCONF layers:
 *
 * - parseXml(ctx, xml, { type, file?, rpc? }) -> DataNode root (kind 'root').
 *   `xml` is text or an element from src/xml/dom.ts (NETCONF wrappers
 *   <config>/<data>/<filter>/<rpc>/<notification>/yang:action are unwrapped).
 *   Throws AgentError: unknown-namespace {bad-element, bad-namespace} and
 *   unknown-element {bad-element} with the parent's error-path;
 *   invalid-value (or the type's tag) with the leaf's path and the type's
 *   message for a bad value; missing-element {bad-element: key} for a list
 *   entry without a key; invalid-value for duplicate leaves/entries and for
 *   state data in 'config'/'edit'; bad-element for text in a container or
 *   children in a leaf; malformed-message (type rpc) for XML syntax,
 *   DOCTYPE and entities. With `file`, messages start with file:line.
 *   type 'edit': partial trees; attributes kept in DataNode.meta keyed
 *   `{ns}local` (operation, insert, key (JSON form), value (canonical));
 *   a leaf with operation delete/remove may be empty (value null).
 *   type 'filter' (subtree filter): the filter as a DataNode tree; values
 *   not type-checked (canonical when they parse, else the trimmed text);
 *   selection leaves have value null, containers may be empty, list
 *   entries need no keys, repeated siblings are kept, elements without a
 *   namespace match any module, unknown elements are dropped (they select
 *   nothing); attributes in meta.
 * - toXml(node, { withDefaults, indent }) -> string (root: its children as
 *   sibling top-level elements).
 * - parseJson(ctx, text, opts), toJson(node, opts): RFC 7951.
 * - validate(ctx, root, { type, autoDeleteWhen?, present? }) -> AgentError[]
 *   (see validate.ts for every error-tag/app-tag); addDefaults().
 * - tree utilities: newTree, clone, findChild, findEntry,
 *   findLeafListEntry, instances, ensureChild, insertChild, removeChild,
 *   moveChild, pathOf (prefixed + pathNs, and JSON form), childPath,
 *   resolvePath (JSON instance-identifier -> node), walk, keyValues.
 * - syncTree(dst, src): dst made equal to src in place, its nodes reused.
 * - diff(old, new, { expand?, ignoreDefaults?, unique? }) -> Change[] (deletes first;
 *   unique: the caller vouches for no duplicate keys, as in every parsed or
 *   edited tree, and large nodes are walked aligned instead of key-mapped).
 */
export { DataNode } from './node';
export { parseXml, toXml, toXmlBytes, XmlPieces, reported, NC_NS, NOTIF_NS, YANG_NS, WD_NS } from './xml';
export type { DataErrorAt, DocType, ParseOptions, ToXmlOptions, WithDefaults } from './xml';
export { parseDocument, innerXml } from './xmldoc';
export type { XmlElementLike } from './xmldoc';
export { parseJson, toJson, toJsonValue } from './json';
export type { ParseJsonOptions, ToJsonOptions } from './json';
export { validate, addDefaults } from './validate';
export type { ValidateOptions } from './validate';
export { diff } from './diff';
export { syncTree } from './sync';
export type { Change, DiffOptions } from './diff';
export {
  newTree,
  clone,
  findChild,
  findChildByName,
  findEntry,
  findLeafListEntry,
  instances,
  ensureChild,
  insertChild,
  removeChild,
  moveChild,
  markExplicit,
  pathOf,
  childPath,
  resolvePath,
  walk,
  keyValues,
  indexKey,
  sameIndexKey,
  nameKey,
  quote,
} from './tree';
export type { NodePath } from './tree';
export { defaultValues, dataChildrenOf, childSchema } from './schemautil';
