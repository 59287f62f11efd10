/**
 * Mediation-device receiver: listens on UDP (default port 30030), decodes
 * jmirror, prints one line per packet (mid, sid, outer src/dst, inner
 * summary) and writes a pcap of the inner packets.
 *
 *   npx tsx tools/md-receiver.ts [--port N] [--bind ADDR] [--pcap FILE] [--count N]
 *
 * Run it in the md namespace: ip netns exec NS npx tsx tools/md-receiver.ts
 */
import * as dgram from 'dgram';
import { decodeUdpPayload, summarizeInner } from '../src/relay/jmirror';
import { PcapWriter } from '../src/relay/pcap';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const port = Number(arg('--port') ?? 30030);
const bind = arg('--bind') ?? '0.0.0.0';
const pcapPath = arg('--pcap');
const count = arg('--count') ? Number(arg('--count')) : Infinity;
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write(`md-receiver: bad --port ${arg('--port')}\n`);
  process.exit(2);
}
const pcap = pcapPath ? new PcapWriter(pcapPath) : undefined;
const sock = dgram.createSocket('udp4');
let n = 0;
sock.on('message', (msg, rinfo) => {
  try {
    const p = decodeUdpPayload(msg);
    process.stdout.write(`mid=${p.interceptId} sid=${p.sessionId} outer=${rinfo.address}:${rinfo.port}>${bind}:${port} inner=${summarizeInner(p.inner)}\n`);
    pcap?.write(p.inner);
  } catch (e) {
    process.stdout.write(`bad packet from ${rinfo.address}: ${(e as Error).message}\n`);
  }
  if (++n >= count) stop();
});
function stop(): void {
  sock.close();
  pcap?.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
sock.bind(port, bind, () => process.stderr.write(`md-receiver: listening on ${bind}:${port}\n`));
