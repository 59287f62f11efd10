/** The base operations by name (ietf-netconf), plus get-schema and create-subscription. */
import type { OpHandler } from '../core';
import { get, getConfig } from './get';
import { editConfig } from './edit-config';
import { copyConfig, deleteConfig } from './copy-config';
import { closeSession, killSession, lock, unlock } from './lock';
import { cancelCommit, commit, discardChanges, validate } from './commit';
import { getSchema } from './get-schema';
import { createSubscription } from './subscription';

export const BASE_OPS: Record<string, OpHandler> = {
  get,
  'get-config': getConfig,
  'edit-config': editConfig,
  'copy-config': copyConfig,
  'delete-config': deleteConfig,
  lock,
  unlock,
  'close-session': closeSession,
  'kill-session': killSession,
  commit,
  'cancel-commit': cancelCommit,
  'discard-changes': discardChanges,
  validate,
  'get-schema': getSchema,
  'create-subscription': createSubscription,
};
