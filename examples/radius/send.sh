#!/bin/sh
# radclient lines for flowtapd (FreeRADIUS radclient; Debian's dictionary
# includes dictionary.erx, which names Juniper's mirroring VSAs ERX-LI-Action,
# ERX-Med-Dev-Handle, ERX-Med-Ip-Address, ERX-Med-Port-Number; radclient
# salt-encrypts them as the dictionary says).
#
#   examples/radius/send.sh acct-start|coa-start|coa-stop|disconnect|acct-stop [AGENT] [SECRET]
#
# AGENT defaults to 127.0.0.1, SECRET to testing123 (examples/netconf/05-radius-client.xml).
# The Med-Dev-Handle 0x0000303900010932 is the 8-octet form: intercept id
# 0x3039 (12345), session id 0x10932 (67890); tshark shows them as
# jmirror.mid and jmirror.sid.
set -eu
here=$(dirname "$0")
what=${1:?usage: send.sh acct-start|coa-start|coa-stop|disconnect|acct-stop [AGENT] [SECRET]}
agent=${2:-127.0.0.1}
secret=${3:-testing123}
case "$what" in
  acct-start) radclient -x -f "$here/acct-start.txt" "$agent:1813" acct "$secret" ;;   # subscriber logs in (the BNG's accounting copy)
  coa-start)  radclient -x -f "$here/coa-start.txt"  "$agent:3799" coa "$secret" ;;    # start mirroring: CoA-ACK
  coa-stop)   radclient -x -f "$here/coa-stop.txt"   "$agent:3799" coa "$secret" ;;    # stop: same handle, address and port
  disconnect) radclient -x -f "$here/disconnect.txt" "$agent:3799" disconnect "$secret" ;; # subscriber gone, mirror ends
  acct-stop)  radclient -x -f "$here/acct-stop.txt"  "$agent:1813" acct "$secret" ;;   # subscriber logs out, mirror ends
  *) echo "send.sh: unknown request $what" >&2; exit 2 ;;
esac
