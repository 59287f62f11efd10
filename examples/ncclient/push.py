#!/usr/bin/python3
"""Push edit-config documents into flowtapd's candidate datastore and commit.

    FLOWTAPD_USER=admin FLOWTAPD_PASSWORD=secret \
      /usr/bin/python3 examples/ncclient/push.py --host 127.0.0.1 --port 830 \
      examples/netconf/0*.xml

Each FILE is one <config> element as sent in <edit-config>. All of them go
into the candidate under one lock, then one <validate> and one <commit>:
the configuration becomes running all at once or not at all. Any rpc-error
(the agent names the path and the rule) discards the candidate and exits 1.
Without files, prints the running LI configuration.
"""
import argparse
import os
import sys

from ncclient import manager
from ncclient.operations import RPCError

LI_FILTER = """
<services xmlns="urn:flowtapd:yang:services"/>
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=830)
    ap.add_argument("--user", default=os.environ.get("FLOWTAPD_USER", "admin"))
    ap.add_argument("--password", default=os.environ.get("FLOWTAPD_PASSWORD"))
    ap.add_argument("--confirmed", type=int, metavar="SECONDS",
                    help="confirmed commit: rolls back unless confirmed within SECONDS")
    ap.add_argument("files", nargs="*", help="edit-config <config> documents, applied in order")
    a = ap.parse_args()
    if a.password is None:
        ap.error("give --password or set FLOWTAPD_PASSWORD")

    with manager.connect(host=a.host, port=a.port, username=a.user, password=a.password,
                         hostkey_verify=False, allow_agent=False, look_for_keys=False,
                         timeout=30) as m:
        if not a.files:
            print(m.get_config(source="running", filter=("subtree", LI_FILTER)).data_xml)
            return 0
        with m.locked("candidate"):
            try:
                m.discard_changes()
                for f in a.files:
                    with open(f, encoding="utf-8") as fh:
                        m.edit_config(target="candidate", config=fh.read())
                    print(f"edit-config {f}: ok")
                m.validate(source="candidate")
                if a.confirmed:
                    m.commit(confirmed=True, timeout=str(a.confirmed))
                else:
                    m.commit()
                print("commit: ok")
            except RPCError as e:
                m.discard_changes()
                # one line per <rpc-error>: tag, error-path, message
                for err in (getattr(e, "errors", None) or [e]):
                    print(f"rpc-error: {err.tag} {err.path or ''} {(err.message or '').strip()}".rstrip(), file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
