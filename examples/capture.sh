#!/bin/sh
# Decode the jmirror copies at the mediation device (or anywhere on their path):
#   examples/capture.sh [INTERFACE] [PORT]
# prints one line per copy: intercept id, session id, outer source and
# destination, then the mirrored packet's own source and destination.
iface=${1:-any}
port=${2:-30030}
exec tshark -l -n -i "$iface" -f "udp dst port $port" -d "udp.port==$port,jmirror" \
  -T fields -E separator=/t -E aggregator=, \
  -e jmirror.mid -e jmirror.sid -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst
