#!/usr/bin/python3
"""Push edit-config documents into flowtapd's candidate datastore and commit.

    FLOWTAPD_USER=admin FLOWTAPD_PASSWORD=secret \\
      /usr/bin/python3 examples/ncclient/push.py --host 127.0.0.1 --port 830 \\
      examples/netconf/0*.xml

Each FILE is one <config> element as sent in <edit-config>. All of them go
into the candidate under one lock, then one <validate> and one <commit>:
the configuration becomes running all at once or not at all. Any rpc-error
(the agent names the path and the rule) discards the candidate and exits 1.
Without files, prints the running LI configuration.

A confirmed commit (RFC 6241 8.4, :confirmed-commit:1.1) survives this
script's session: --confirmed SECONDS commits with a persist id, prints it
and exits. The agent rolls the change back after SECONDS (or when it
restarts before that) unless a later run with --confirm ID confirms it
(from any session); --cancel ID rolls it back at once. While it is pending, other commits are
refused until it is confirmed or cancelled.

    push.py --port 830 --confirmed 120 change.xml   # prints persist-id: ID
    push.py --port 830 --confirm ID                 # keep the change
    push.py --port 830 --cancel ID                  # or undo it now

Exit 0 done, 1 refused (rpc-error) or agent unreachable / login failed
(one line on stderr), 2 usage.
"""
import argparse
import os
import re
import secrets
import sys

from lxml import etree
from ncclient import NCClientError, manager
from ncclient.operations import RPCError
from ncclient.transport.errors import AuthenticationError, SSHError

LI_FILTER = """
<services xmlns="urn:flowtapd:yang:services"/>
"""


def positive(text):
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of seconds")
    return n


def print_rpc_error(e):
    # one line per <rpc-error>: tag, error-path, message
    for err in (getattr(e, "errors", None) or [e]):
        print(f"rpc-error: {err.tag} {err.path or ''} {(err.message or '').strip()}".rstrip(), file=sys.stderr)


def not_a_config(text):
    """why a file is not an edit-config <config> document ("LINE:COL: ..."), or None"""
    try:
        root = etree.fromstring(text.encode("utf-8"))
    except etree.XMLSyntaxError as e:
        line, col = e.position
        msg = re.sub(r"(, )?line \d+, column \d+$", "", e.msg or "").strip()
        return f"{line}:{col}: not well-formed XML: {msg}"
    if root.tag not in ("config", "{urn:ietf:params:xml:ns:netconf:base:1.0}config"):
        return f"{root.sourceline}: the document is <{etree.QName(root).localname}>, not a NETCONF <config> " \
               f"(xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\") holding the configuration to push"
    return None


def push(m, a, docs):
    """edit-config each document into the candidate, validate, commit; 0 or 1"""
    with m.locked("candidate"):
        try:
            m.discard_changes()
            for f, text in docs:
                m.edit_config(target="candidate", config=text)
                print(f"edit-config {f}: ok")
            m.validate(source="candidate")
            if a.confirmed:
                pid = a.persist or secrets.token_hex(8)
                m.commit(confirmed=True, timeout=str(a.confirmed), persist=pid)
                where = f"--host {a.host} --port {a.port}"
                print(f"commit: ok, confirmed: rolled back in {a.confirmed} s unless confirmed")
                print(f"persist-id: {pid}")
                print(f"  confirm: {sys.argv[0]} {where} --confirm {pid}")
                print(f"  cancel:  {sys.argv[0]} {where} --cancel {pid}")
            else:
                m.commit()
                print("commit: ok")
        except RPCError as e:
            m.discard_changes()
            print_rpc_error(e)
            return 1
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog="\n".join(__doc__.split("\n")[1:]),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=830)
    ap.add_argument("--user", default=os.environ.get("FLOWTAPD_USER", "admin"))
    ap.add_argument("--password", default=os.environ.get("FLOWTAPD_PASSWORD"),
                    help="default: $FLOWTAPD_PASSWORD")
    how = ap.add_mutually_exclusive_group()
    how.add_argument("--confirmed", type=positive, metavar="SECONDS",
                     help="confirmed commit with a persist id, which is printed: the agent keeps the change "
                          "after this script exits and rolls it back after SECONDS unless --confirm ID is run")
    how.add_argument("--confirm", metavar="ID",
                     help="confirm the pending confirmed commit with persist id ID (no FILEs): it stays")
    how.add_argument("--cancel", metavar="ID",
                     help="cancel the pending confirmed commit with persist id ID (no FILEs): rolled back now")
    ap.add_argument("--persist", metavar="ID", help="with --confirmed: use ID as the persist id instead of a random one")
    ap.add_argument("files", nargs="*", metavar="FILE", help="edit-config <config> documents, applied in order")
    a = ap.parse_args()
    if a.password is None:
        ap.error("give --password or set FLOWTAPD_PASSWORD")
    if (a.confirm or a.cancel) and a.files:
        ap.error("--confirm and --cancel take no FILEs")
    if a.persist and not a.confirmed:
        ap.error("--persist needs --confirmed")
    if a.confirmed and not a.files:
        ap.error("--confirmed needs FILEs")
    docs = []
    for f in a.files:
        try:
            with open(f, encoding="utf-8") as fh:
                docs.append((f, fh.read()))
        except OSError as e:
            print(f"push.py: {f}: {e.strerror}", file=sys.stderr)
            return 1
        problem = not_a_config(docs[-1][1])
        if problem:
            print(f"push.py: {f}:{problem}", file=sys.stderr)
            return 1

    peer = f"{a.user}@{a.host}:{a.port}"
    try:
        with manager.connect(host=a.host, port=a.port, username=a.user, password=a.password,
                             hostkey_verify=False, allow_agent=False, look_for_keys=False,
                             timeout=30) as m:
            if a.confirm:
                # the confirming commit commits the candidate: locked, so nobody's edits slip in
                with m.locked("candidate"):
                    m.commit(persist_id=a.confirm)
                print(f"commit: ok, confirmed commit {a.confirm} confirmed")
                return 0
            if a.cancel:
                m.cancel_commit(persist_id=a.cancel)
                print(f"cancel-commit: ok, confirmed commit {a.cancel} rolled back")
                return 0
            if not docs:
                print(m.get_config(source="running", filter=("subtree", LI_FILTER)).data_xml)
                return 0
            return push(m, a, docs)
    except RPCError as e:
        print_rpc_error(e)
        return 1
    except AuthenticationError:
        print(f"push.py: {peer}: login failed (user or password refused)", file=sys.stderr)
        return 1
    except SSHError as e:
        # "Could not open socket to HOST:PORT" (refused, no route, timeout) or a broken SSH handshake
        hint = " (is the agent running? `npm start` listens on port 8830: --port 8830)" if a.port == 830 else ""
        print(f"push.py: cannot connect to {a.host}:{a.port}: {str(e).strip() or 'SSH failed'}{hint}", file=sys.stderr)
        return 1
    except (NCClientError, OSError) as e:
        msg = str(e).strip() or type(e).__name__
        print(f"push.py: {peer}: {msg}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
