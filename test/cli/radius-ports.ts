/**
 * Agents that tests start as processes listen for RADIUS on ports free a
 * moment before, not on 3799 and 1813: another agent on this machine (an
 * `npm start` beside `npm test`, a parallel run) may hold those.
 */
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as path from 'path';

/** a UDP port that was free a moment ago */
export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '0.0.0.0', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** `dir` (created if missing) with a running.xml that puts the RADIUS listeners on these ports, or on free ones */
export async function radiusOn(dir: string, coa?: number, acct?: number): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'running.xml'),
    `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><access xmlns="urn:flowtapd:yang:access">` +
      `<radius-disconnect-port>${coa ?? (await freeUdpPort())}</radius-disconnect-port><radius-accounting-port>${acct ?? (await freeUdpPort())}</radius-accounting-port>` +
      `</access></config>\n`,
  );
  return dir;
}
