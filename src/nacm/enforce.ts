/**
 * NACM enforcement helpers for the NETCONF operations: a restricted user
 * edits the VIEW of a datastore (what pruneRead shows them) and the hidden
 * rest is put back afterwards, so every answer (ok, data-exists,
 * data-missing, access-denied) depends only on what the user can see; an
 * edit that names a node the user may not read is refused with the same
 * path-less access-denied whether or not the node exists (a node it may
 * write but not read: see precheckEdit); errors whose
 * error-path the user may not read are replaced by that same error.
 */
import { AgentError } from '../errors';
import type { DataNode } from '../yang/data/node';
import { clone, diff, pathOf, walk } from '../yang/data';
import type { Access, WriteOp } from './access';
import { hiddenDenied, NacmAccess } from './policy';

const OPERATION = '{urn:ietf:params:xml:ns:netconf:base:1.0}operation';

/**
 * Refuse an edit (or inline config) that names a node the user may not
 * read, unless the user may write it (RFC 8341 checks an edit's create,
 * update and delete, not read: write-only roles, e.g. a provisioning role
 * that sets secrets it cannot read back). Such a write-only node is
 * accepted only where the answer cannot depend on whether it exists: with
 * merge or replace (never create, delete or remove, whose data-exists or
 * data-missing would tell) and with both create and update permitted
 * (in the user's view it is always new; in the datastore it may not be).
 * Anything else on an unreadable node is the same path-less access-denied
 * whether or not the node exists. `defaultOperation`: edit-config's (inline
 * config of copy-config and validate: none given, nothing written-only).
 */
export function precheckEdit(access: Access, edit: DataNode, defaultOperation?: string): void {
  if (!access.restricted) return;
  const visit = (n: DataNode, inherited: string | undefined): void => {
    for (const c of n.children) {
      const op = c.meta?.get(OPERATION) ?? inherited;
      if (!access.canRead(c) && !writeOnly(access, c, op)) throw hiddenDenied();
      visit(c, op);
    }
  };
  visit(edit, defaultOperation);
}

function writeOnly(access: Access, n: DataNode, op: string | undefined): boolean {
  if (op !== 'merge' && op !== 'replace') return false;
  return access.canWrite(n, 'create') && access.canWrite(n, 'update');
}

/** A mutable copy of what the user sees of `base`. */
export function editableView(access: Access, base: DataNode): DataNode {
  const v = access.pruneRead(base);
  return v === base ? clone(base) : v;
}

function deniedAt(access: Access, n: DataNode): AgentError {
  if (!access.canRead(n)) return hiddenDenied();
  const p = pathOf(n);
  return new AgentError('access-denied', 'Access to the data node is denied.', { path: p.xml, pathNs: p.ns });
}

/** checkWrite for applyEdit: create/update per node; a delete needs delete access to the whole subtree. */
export function writeChecker(access: Access): ((node: DataNode, op: WriteOp) => void) | undefined {
  if (!access.restricted) return undefined;
  return (node, op) => {
    if (op !== 'delete') {
      if (!access.canWrite(node, op)) throw deniedAt(access, node);
      return;
    }
    walk(node, (n) => {
      if (!access.canWrite(n, 'delete')) throw deniedAt(access, n);
    });
  };
}

/** Replacing the view `before` by `after` (copy-config, delete-config): every changed node needs its access. */
export function checkReplace(access: Access, before: DataNode, after: DataNode): void {
  if (!access.restricted) return;
  // both trees come from the parsers and edits, which refuse two siblings with one key
  for (const c of diff(before, after, { expand: true, ignoreDefaults: true, unique: true })) {
    const op: WriteOp = c.op === 'create' ? 'create' : c.op === 'delete' ? 'delete' : 'update';
    const n = c.op === 'delete' ? (c.oldNode ?? c.node) : (c.newNode ?? c.node);
    if (!access.canWrite(n, op)) throw deniedAt(access, n);
  }
}

/**
 * Errors as the user may see them: an error whose error-path names a node
 * the user may not read becomes the path-less access-denied, and so does
 * one whose bad-element names an unreadable child of the error-path.
 */
export function sanitizeErrors(access: Access, errors: AgentError[]): AgentError[] {
  if (!access.restricted) return errors;
  let hidden = false;
  const out: AgentError[] = [];
  for (const e of errors) {
    let hide = false;
    // an operation's path (RFC 8341 3.4.4: /nc:rpc/nc:edit-config) names what the client asked for, no data node
    if (e.path && e.path !== '/' && !isOperationPath(e)) {
      hide = !access.canReadPath(e.path, e.pathNs ?? {});
      const bad = e.info?.['bad-element'];
      if (!hide && bad && e.pathNs) {
        const prefixes = Object.keys(e.pathNs);
        // a child named by bad-element, in any namespace of the path
        hide = prefixes.some((p) => {
          const child = `${e.path}/${p}:${bad}`;
          return !access.canReadPath(child, e.pathNs) && knownChild(access, child, e.pathNs!);
        });
      }
    }
    if (hide) {
      if (!hidden) out.push(hiddenDenied());
      hidden = true;
    } else out.push(e);
  }
  return out;
}

const NC_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';

function isOperationPath(e: AgentError): boolean {
  return e.path!.startsWith('/nc:rpc/') && e.pathNs?.nc === NC_NS;
}

/** canReadPath is false for unknown names too; only a real schema child counts as hidden. */
function knownChild(access: Access, path: string, ns: Record<string, string>): boolean {
  return access instanceof NacmAccess && access.schemaKnows(path, ns);
}
