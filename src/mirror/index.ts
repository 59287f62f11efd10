/** Mirror sessions: subscribers, CoA handling, pool assignment, dataplane desired state. */
export { MirrorService } from './service';
export type { DataplanePort, RadiusPort, MirrorEvent } from './service';
export { StateStore } from './store';
export type { Subscriber, MirrorSession } from './store';
export { readMirrorConfig } from './config';
export type { MirrorConfig } from './config';
export { pickMember, rebalance } from './pool';
