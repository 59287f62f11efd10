/**
 * Sends raw UDP datagrams from one socket (so retransmissions share the
 * source port) and prints the replies, one hex line each. Runs inside a
 * namespace. Input on stdin (JSON):
 *   {"host":"198.51.100.1","port":3799,"packets":["hex",...],"gapMs":50,"waitMs":500}
 */
import * as dgram from 'dgram';

let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const req = JSON.parse(input) as { host: string; port: number; packets: string[]; gapMs?: number; waitMs?: number };
  const sock = dgram.createSocket('udp4');
  const replies: string[] = [];
  sock.on('message', (m) => replies.push(m.toString('hex')));
  sock.bind(0, async () => {
    for (const p of req.packets) {
      sock.send(Buffer.from(p, 'hex'), req.port, req.host);
      await new Promise((r) => setTimeout(r, req.gapMs ?? 50));
    }
    setTimeout(() => {
      process.stdout.write(replies.join('\n') + '\n');
      sock.close();
    }, req.waitMs ?? 500);
  });
});
