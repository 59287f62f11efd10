/**
 * The access context: an explicit, immutable value that travels with every
 * request (never ambient state). NETCONF operations, filters, error paths
 * and notification delivery all ask it; the NACM engine (nacm/) makes one
 * per session from the groups and rules in running.
 */
import type { DataNode } from '../yang/data/node';
import type { SchemaNode } from '../yang/schema';

export type WriteOp = 'create' | 'update' | 'delete';

export interface Access {
  readonly user: string;
  readonly groups: readonly string[];
  /** false for the recovery session and when NACM is off */
  readonly restricted: boolean;
  canExec(module: string, rpc: string): boolean;
  canRead(node: DataNode): boolean;
  /** schema-level read check (for error paths of nodes that may not exist) */
  canReadSchema(schema: SchemaNode): boolean;
  /**
   * schema-level: false only when no instance of the node can be readable
   * (it or an ancestor denied whatever the data): a state provider need not
   * compute what the user could never see
   */
  mayReadSchema(schema: SchemaNode): boolean;
  canWrite(node: DataNode, op: WriteOp): boolean;
  canNotify(module: string, name: string, content?: DataNode): boolean;
  /** a copy of `root` without what may not be read (or `root` itself when nothing is hidden) */
  pruneRead(root: DataNode): DataNode;
  /**
   * As pruneRead, for output that only walks downwards (toXml, subtree
   * filter): the result may share subtrees with `root` (their parent
   * pointers lead into `root`), so never evaluate XPath on it.
   */
  readView(root: DataNode): DataNode;
  /** may the user read the node an instance-identifier names (XML form with `ns`, else RFC 7951 form)? */
  canReadPath(path: string, ns?: Record<string, string>): boolean;
  /**
   * `edited` is a modified copy of pruneRead(original): put back what the
   * user could not see, so a restricted user changes only what they see.
   */
  restoreHidden(original: DataNode, edited: DataNode): DataNode;
}

/** Everything permitted (NACM disabled, or the recovery session). */
export function unrestricted(user: string, groups: readonly string[] = []): Access {
  return {
    user,
    groups,
    restricted: false,
    canExec: () => true,
    canRead: () => true,
    canReadSchema: () => true,
    mayReadSchema: () => true,
    canWrite: () => true,
    canNotify: () => true,
    pruneRead: (root) => root,
    readView: (root) => root,
    canReadPath: () => true,
    restoreHidden: (_original, edited) => edited,
  };
}
