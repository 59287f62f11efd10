#!/bin/bash
# Decode the jmirror copies at the mediation device (or anywhere on their path):
#   examples/capture.sh [INTERFACE] [PORT]
# prints one tab-separated line per copy: intercept id and session id (in
# decimal, as in the CoA's ERX-Med-Dev-Handle), the outer source and
# destination (the IAP's source-ipv4-address and the mediation device), then
# the mirrored packet's own source and destination (IPv4 or IPv6):
#   12345  67890  198.51.100.1  203.0.113.99  192.0.2.10  203.0.113.50
# tshark's own messages ("Capturing on ...", the packet count) go to stderr,
# without its warning about running as root.
set -o pipefail
iface=${1:-any}
port=${2:-30030}
# tshark shows jmirror.mid/sid in hex only and gives every occurrence of
# ip.src/ip.dst (outer, then inner) in one field, joined by ","; the loop
# below converts and splits them (a shell loop: it reads line by line).
{
  tshark -l -n -i "$iface" -f "udp dst port $port" -d "udp.port==$port,jmirror" \
    -T fields -E separator=';' -E occurrence=a -E aggregator=, \
    -e jmirror.mid -e jmirror.sid -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst \
    2>&1 >&3 3>&- |
    sed -u '/^Running as user ".*" and group ".*"\. This could be dangerous\.$/d' >&2 3>&-
} 3>&1 | while IFS=';' read -r mid sid src dst src6 dst6; do
  # the mirrored packet: the second IPv4 header, or else the (first) IPv6 one
  isrc=${src#*,} idst=${dst#*,}
  if [ "$isrc" = "$src" ]; then isrc=${src6%%,*} idst=${dst6%%,*}; fi
  printf '%d\t%d\t%s\t%s\t%s\t%s\n' "${mid:-0}" "${sid:-0}" "${src%%,*}" "${dst%%,*}" "${isrc%%,*}" "${idst%%,*}"
done
