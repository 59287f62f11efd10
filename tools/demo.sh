#!/usr/bin/env bash
# flowtapd demo (as root): the lab of DESIGN.md section 8 in network
# namespaces, the agent inside bng, configuration by NETCONF (ncclient),
# accounting and CoA by radclient, traffic from the subscriber, and the
# jmirror copies decoded on screen by the mediation-device receiver.
# Everything is removed on exit (also on Ctrl-C or failure).
#
#   bash tools/demo.sh            (npm run demo)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then echo "demo: needs root (network namespaces)" >&2; exit 2; fi
for t in ip radclient /usr/bin/python3; do command -v "$t" >/dev/null || { echo "demo: $t is not installed (npm run setup)" >&2; exit 2; }; done

P=ftdemo$$
TMP=$(mktemp -d /tmp/ftdemo.XXXXXX)
PIDS=()
SECRET=demo-secret
ns() { ip netns exec "$P-$1" "${@:2}"; }
# a background process in a namespace: "ip netns exec" execs the command, so $! is the process itself
nsbg() { ip netns exec "$P-$1" "${@:2}" & PIDS+=($!); }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
cleanup() {
  set +e
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  sleep 0.5
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  tools/lab.sh down "$P" >/dev/null 2>&1
  rm -rf "$TMP"
  echo "demo: lab $P removed"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "lab: sub -- bng -- core, md behind bng ($P-*)"
tools/lab.sh up "$P"

say "agent: flowtapd inside $P-bng, NETCONF on 127.0.0.1:830 there"
nsbg bng env FLOWTAPD_BOOTSTRAP_USER=admin:pw bin/flowtapd.js \
  --data-dir "$TMP/data" --netconf-listen 127.0.0.1:830 2>"$TMP/agent.log"
for i in $(seq 100); do grep -q netconf-listening "$TMP/agent.log" 2>/dev/null && break; sleep 0.2; done
grep -q netconf-listening "$TMP/agent.log" || { cat "$TMP/agent.log"; exit 1; }

nc() { ns bng /usr/bin/python3 -c "$1"; }
NCPY="from ncclient import manager
m = manager.connect(host='127.0.0.1', port=830, username='admin', password='pw', hostkey_verify=False, allow_agent=False, look_for_keys=False)"

say "NETCONF (ncclient): tunnel pool vt0 vt1, flow-tap, radius-flow-tap, forwarding class li (DSCP 10), RADIUS client core"
nc "$NCPY
cfg = '''<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">
 <interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\" xmlns:ianaift=\"urn:ietf:params:xml:ns:yang:iana-if-type\">
  <interface><name>vt0</name><type>ianaift:tunnel</type></interface>
  <interface><name>vt1</name><type>ianaift:tunnel</type></interface>
 </interfaces>
 <class-of-service xmlns=\"urn:flowtapd:yang:class-of-service\"><forwarding-classes><class><name>li</name><queue-num>3</queue-num><dscp>10</dscp></class></forwarding-classes></class-of-service>
 <services xmlns=\"urn:flowtapd:yang:services\"><flow-tap/><radius-flow-tap>
  <interfaces>vt0</interfaces><interfaces>vt1</interfaces>
  <source-ipv4-address>203.0.113.1</source-ipv4-address><forwarding-class>li</forwarding-class>
  <subscriber-interfaces>bsub</subscriber-interfaces>
 </radius-flow-tap></services>
 <access xmlns=\"urn:flowtapd:yang:access\"><radius-client><address>198.51.100.20</address><secret>$SECRET</secret></radius-client></access>
</config>'''
m.edit_config(target='candidate', config=cfg)
m.commit()
print('committed')"

say "mediation device: md-receiver in $P-md on UDP 30030 (one line per decoded copy)"
nsbg md node --import tsx tools/md-receiver.ts --bind 203.0.113.99 --port 30030 --pcap "$TMP/inner.pcap"
nsbg core /usr/bin/python3 -c '
import socket
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("0.0.0.0",7777))
while True:
  d,a=s.recvfrom(4096); s.sendto(d,a)'
sleep 1

say "RADIUS accounting Start (radclient from core): alice 192.0.2.10, bob 192.0.2.11"
printf 'Acct-Status-Type = Start\nAcct-Session-Id = "1001"\nUser-Name = "alice"\nFramed-IP-Address = 192.0.2.10\n' | ns core radclient -t 2 198.51.100.1:1813 acct "$SECRET"
printf 'Acct-Status-Type = Start\nAcct-Session-Id = "1002"\nUser-Name = "bob"\nFramed-IP-Address = 192.0.2.11\n' | ns core radclient -t 2 198.51.100.1:1813 acct "$SECRET"

say "RADIUS CoA (radclient): start mirroring alice, intercept id 12345, session id 67890, to 203.0.113.99:30030"
printf 'Acct-Session-Id = "1001"\nERX-LI-Action = on\nERX-Med-Dev-Handle = 0x0000303900010932\nERX-Med-Ip-Address = 203.0.113.99\nERX-Med-Port-Number = 30030\n' \
  | ns core radclient -x -t 2 198.51.100.1:3799 coa "$SECRET" | grep -E 'Received|Error-Cause' || true

say "traffic: alice and bob each send 3 UDP datagrams to core (echoed back); only alice is copied"
traffic() {
  ns sub /usr/bin/python3 -c "
import socket
u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); u.bind(('$1',0)); u.settimeout(1)
for i in range(3):
  u.sendto(b'hello from $1 #%d'%i,('198.51.100.20',7777))
  try: u.recvfrom(4096)
  except Exception: pass"
}
traffic 192.0.2.10
traffic 192.0.2.11
sleep 1

say "session state over NETCONF (ncclient <get>)"
nc "$NCPY
import re
x = m.get(filter=('subtree', '<services xmlns=\"urn:flowtapd:yang:services\"><radius-flow-tap><sessions/></radius-flow-tap></services>')).data_xml
for n in ['acct-session-id','state','tunnel-interface','intercept-id','session-id','packets','bytes']:
  v = re.search('<%s>([^<]*)</%s>' % (n, n), x)
  print('  %-16s %s' % (n, v.group(1) if v else '-'))"

say "the same on the box, as an operator reads it: flowtapd show sessions, show tunnels"
ns bng env FLOWTAPD_PASSWORD=pw bin/flowtapd.js show sessions
ns bng env FLOWTAPD_PASSWORD=pw bin/flowtapd.js show tunnels

say "RADIUS CoA: stop mirroring alice; more traffic is not copied"
printf 'Acct-Session-Id = "1001"\nERX-LI-Action = off\nERX-Med-Dev-Handle = 0x0000303900010932\nERX-Med-Ip-Address = 203.0.113.99\nERX-Med-Port-Number = 30030\n' \
  | ns core radclient -x -t 2 198.51.100.1:3799 coa "$SECRET" | grep -E 'Received|Error-Cause' || true
traffic 192.0.2.10
sleep 1

say "done: the inner packets were also written to a pcap (removed with the lab); exiting"
