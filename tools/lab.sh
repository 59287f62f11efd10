#!/usr/bin/env bash
# The test lab of DESIGN.md section 8, in network namespaces:
#
#   sub (192.0.2.10, .11; 2001:db8:1::10) -- bng -- core (198.51.100.20; 2001:db8:2::20)
#                                             |
#                                             md (203.0.113.99)
#
# Usage: tools/lab.sh up [PREFIX]     (prints the namespace names)
#        tools/lab.sh down PREFIX
# PREFIX defaults to ftlab<PID>; namespaces are PREFIX-sub, PREFIX-bng, PREFIX-core, PREFIX-md.
# bng's interfaces: bsub (subscriber side), bcore, bmd. Documentation ranges only.
set -euo pipefail
cmd=${1:-}
P=${2:-ftlab$$}
ns() { ip netns exec "$P-$1" "${@:2}"; }

down() {
  for n in sub bng core md; do ip netns del "$P-$n" 2>/dev/null || true; done
}

up() {
  trap 'down; exit 1' ERR
  for n in sub bng core md; do ip netns add "$P-$n"; ns "$n" ip link set lo up; done
  ip link add "${P:0:8}a" netns "$P-sub" type veth peer name bsub netns "$P-bng"
  ip link add "${P:0:8}b" netns "$P-core" type veth peer name bcore netns "$P-bng"
  ip link add "${P:0:8}c" netns "$P-md" type veth peer name bmd netns "$P-bng"
  ns sub ip link set "${P:0:8}a" name s0
  ns core ip link set "${P:0:8}b" name c0
  ns md ip link set "${P:0:8}c" name m0
  ns sub ip addr add 192.0.2.10/24 dev s0
  ns sub ip addr add 192.0.2.11/24 dev s0
  ns sub ip -6 addr add 2001:db8:1::10/64 dev s0 nodad
  ns bng ip addr add 192.0.2.1/24 dev bsub
  ns bng ip -6 addr add 2001:db8:1::1/64 dev bsub nodad
  ns bng ip addr add 198.51.100.1/24 dev bcore
  ns bng ip -6 addr add 2001:db8:2::1/64 dev bcore nodad
  ns bng ip addr add 203.0.113.1/24 dev bmd
  ns core ip addr add 198.51.100.20/24 dev c0
  ns core ip -6 addr add 2001:db8:2::20/64 dev c0 nodad
  ns md ip addr add 203.0.113.99/24 dev m0
  for n in sub bng core md; do for l in $(ns $n ls /sys/class/net); do ns $n ip link set "$l" up; done; done
  ns sub ip route add default via 192.0.2.1
  ns sub ip -6 route add default via 2001:db8:1::1
  ns core ip route add default via 198.51.100.1
  ns core ip -6 route add default via 2001:db8:2::1
  ns md ip route add default via 203.0.113.1
  ns bng sysctl -qw net.ipv4.ip_forward=1
  ns bng sysctl -qw net.ipv6.conf.all.forwarding=1
  echo "$P-sub $P-bng $P-core $P-md"
}

case "$cmd" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up [PREFIX] | down PREFIX" >&2; exit 2 ;;
esac
