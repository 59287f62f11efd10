/**
 * Factory defaults (DESIGN.md section 2): written to a new data directory.
 * NACM on; group admin may do everything; flow-tap may read the LI
 * subtrees, the mirror sessions, the CoA counters and the mirror notifications;
 * flow-tap-control may also change them and run clear-mirror-session.
 * Every user other than admin (the last rule-list, group '*') may neither
 * run rollback (it would load old intercepts) nor read password hashes,
 * nor the counts of notifications sent (mirror-session-events among them).
 */
import { escapeText } from '../xml/dom';
import { hashPassword } from '../auth';

const NACM = 'urn:ietf:params:xml:ns:yang:ietf-netconf-acm';
const FTS = 'urn:flowtapd:yang:services';
const SYS = 'urn:ietf:params:xml:ns:yang:ietf-system';
const ACCESS = 'urn:flowtapd:yang:access';
const MON = 'urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring';

export interface Bootstrap {
  user: string;
  password: string;
}

/** Parse FLOWTAPD_BOOTSTRAP_USER=name:password (throws a one-line message when malformed). */
export function parseBootstrap(v: string | undefined): Bootstrap | undefined {
  if (v === undefined || v === '') return undefined;
  const i = v.indexOf(':');
  const user = i > 0 ? v.slice(0, i) : '';
  const password = i > 0 ? v.slice(i + 1) : '';
  if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/.test(user) || password === '') {
    throw new Error('FLOWTAPD_BOOTSTRAP_USER must be name:password (name: letters, digits, _ . -; password not empty)');
  }
  return { user, password };
}

/**
 * The bootstrap user added to a configuration with no local user (a data
 * directory started once without FLOWTAPD_BOOTSTRAP_USER): the user, its
 * password hashed, and its membership of group admin, merged into running.
 */
export function bootstrapUserConfig(bootstrap: Bootstrap): string {
  const name = escapeText(bootstrap.user);
  return `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><system xmlns="${SYS}"><authentication><user><name>${name}</name><password>${escapeText(
    hashPassword(bootstrap.password, '$6$'),
  )}</password></user></authentication></system><nacm xmlns="${NACM}"><groups><group><name>admin</name><user-name>${name}</user-name></group></groups></nacm></config>`;
}

export function factoryConfig(bootstrap?: Bootstrap): string {
  const adminMember = bootstrap ? `<user-name>${escapeText(bootstrap.user)}</user-name>` : '';
  const users = bootstrap
    ? `<system xmlns="${SYS}"><authentication><user><name>${escapeText(bootstrap.user)}</name><password>${escapeText(
        hashPassword(bootstrap.password, '$6$'),
      )}</password></user></authentication></system>`
    : '';
  const li = (name: string, ops: string, path: string): string =>
    `<rule><name>${name}</name><module-name>flowtapd-services</module-name><path xmlns:fts="${FTS}">${path}</path><access-operations>${ops}</access-operations><action>permit</action></rule>`;
  // the CoA and Disconnect counters (nacm:default-deny-all: they tell whether intercepts are being set up)
  const radiusCounters = `<rule><name>radius-counters</name><module-name>flowtapd-access</module-name><path xmlns:fta="${ACCESS}">/fta:radius-statistics</path><access-operations>read</access-operations><action>permit</action></rule>`;
  return `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
<nacm xmlns="${NACM}">
  <enable-nacm>true</enable-nacm>
  <read-default>permit</read-default>
  <write-default>deny</write-default>
  <exec-default>permit</exec-default>
  <groups>
    <group><name>admin</name>${adminMember}</group>
    <group><name>flow-tap</name></group>
    <group><name>flow-tap-control</name></group>
  </groups>
  <rule-list>
    <name>admin</name>
    <group>admin</group>
    <rule><name>permit-all</name><module-name>*</module-name><access-operations>*</access-operations><action>permit</action></rule>
  </rule-list>
  <rule-list>
    <name>flow-tap-control</name>
    <group>flow-tap-control</group>
    ${li('change-flow-tap', 'create read update delete', '/fts:services/fts:flow-tap')}
    ${li('change-radius-flow-tap', 'create read update delete', '/fts:services/fts:radius-flow-tap')}
    ${li('services-container', 'create update delete', '/fts:services')}
    ${radiusCounters}
    <rule><name>clear-mirror-session</name><module-name>flowtapd-services</module-name><rpc-name>clear-mirror-session</rpc-name><access-operations>exec</access-operations><action>permit</action></rule>
    <rule><name>mirror-events</name><module-name>flowtapd-services</module-name><notification-name>mirror-session-event</notification-name><access-operations>read</access-operations><action>permit</action></rule>
  </rule-list>
  <rule-list>
    <name>flow-tap</name>
    <group>flow-tap</group>
    ${li('read-flow-tap', 'read', '/fts:services/fts:flow-tap')}
    ${li('read-radius-flow-tap', 'read', '/fts:services/fts:radius-flow-tap')}
    ${radiusCounters}
    <rule><name>mirror-events</name><module-name>flowtapd-services</module-name><notification-name>mirror-session-event</notification-name><access-operations>read</access-operations><action>permit</action></rule>
  </rule-list>
  <rule-list>
    <name>all-users</name>
    <group>*</group>
    <rule><name>no-rollback</name><module-name>flowtapd-system</module-name><rpc-name>rollback</rpc-name><access-operations>exec</access-operations><action>deny</action><comment>rollback loads a whole old configuration (intercepts included) into the candidate</comment></rule>
    <rule><name>no-session-notification-counts</name><module-name>ietf-netconf-monitoring</module-name><path xmlns:ncm="${MON}">/ncm:netconf-state/ncm:sessions/ncm:session/ncm:out-notifications</path><access-operations>read</access-operations><action>deny</action><comment>a session subscribed to mirror-session-event counts intercepts started and stopped</comment></rule>
    <rule><name>no-notification-count</name><module-name>ietf-netconf-monitoring</module-name><path xmlns:ncm="${MON}">/ncm:netconf-state/ncm:statistics/ncm:out-notifications</path><access-operations>read</access-operations><action>deny</action><comment>the same, summed over the sessions</comment></rule>
    <rule><name>no-password-hashes</name><module-name>ietf-system</module-name><path xmlns:sys="${SYS}">/sys:system/sys:authentication/sys:user/sys:password</path><access-operations>read</access-operations><action>deny</action></rule>
  </rule-list>
</nacm>
<access xmlns="${ACCESS}"/>
${users}
</config>
`;
}
