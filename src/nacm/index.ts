/**
 * NACM (RFC 8341): builds the access context of a session from the groups
 * and rules in running. Placeholder until the engine lands: permits all.
 */
import type { AgentCore } from '../netconf/core';
import { Access, unrestricted } from './access';

export type { Access, WriteOp } from './access';
export { unrestricted } from './access';

/** The policy the agent asks for each request's access context. */
export function createNacmPolicy(_core: AgentCore): (user: string, groups: string[]) => Access {
  return (user, groups) => unrestricted(user, groups);
}
