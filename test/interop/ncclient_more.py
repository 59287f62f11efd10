"""Drive flowtapd with ncclient beyond the base operations; print one JSON object.

usage: ncclient_more.py PORT USER PASSWORD OUTDIR KNOWN_HOSTS

Writes every module of the monitoring schema list (get-schema) as
OUTDIR/schemas/NAME@REVISION.yang, and the <data> of <get> replies and of a
<get-config> of running as OUTDIR/*.xml, for yanglint to check; the features
of each module (yang-library) in the JSON.
"""
import datetime
import json
import os
import sys
import time

import ncclient
import ncclient.transport.ssh as nssh
from lxml import etree
from ncclient import manager
from ncclient.operations import RPCError
from ncclient.xml_ import to_ele

nssh.TICK = 0.005

port, user, password, outdir, known_hosts = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
COS = 'urn:flowtapd:yang:class-of-service'
MON = 'urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring'
YLIB = 'urn:ietf:params:xml:ns:yang:ietf-yang-library'
WD = 'urn:ietf:params:xml:ns:netconf:default:1.0'
out = {'ncclient': ncclient.__version__, 'checks': {}, 'features': {}}


def check(name, cond, detail=''):
    out['checks'][name] = bool(cond)
    if not cond:
        out.setdefault('failures', []).append('%s: %s' % (name, str(detail)[:800]))


def connect(**kw):
    args = dict(host='127.0.0.1', port=port, username=user, password=password,
                allow_agent=False, look_for_keys=False, timeout=20)
    args.update(kw)
    if 'hostkey_verify' not in kw:
        args['hostkey_verify'] = False
    return manager.connect(**args)


def error_of(f):
    try:
        f()
    except RPCError as e:
        return e
    return None


def cls(name, q):
    return ('<config><class-of-service xmlns="%s"><forwarding-classes><class><name>%s</name>'
            '<queue-num>%d</queue-num></class></forwarding-classes></class-of-service></config>' % (COS, name, q))


def classes(m, source='running'):
    r = m.get_config(source=source, filter=('subtree', '<class-of-service xmlns="%s"/>' % COS))
    return [n.text for n in r.data_ele.findall('.//{%s}class/{%s}name' % (COS, COS))]


def inner(data_ele):
    return ''.join(etree.tostring(c).decode() for c in data_ele)


# host key verification against a known_hosts file (ssh-keyscan of the agent), not only hostkey_verify=False
cfg = os.path.join(outdir, 'ssh_config')
with open(cfg, 'w') as f:
    f.write('Host *\n  UserKnownHostsFile %s\n' % known_hosts)
m = connect(hostkey_verify=True, ssh_config=cfg)
check('known_hosts', m.connected)

# every module of the schema list, with get-schema; the features each has in yang-library
os.makedirs(os.path.join(outdir, 'schemas'), exist_ok=True)
r = m.get(filter=('subtree', '<netconf-state xmlns="%s"><schemas/></netconf-state>' % MON))
schemas = r.data_ele.findall('.//{%s}schema' % MON)
fetched = []
for s in schemas:
    ident = s.find('{%s}identifier' % MON).text
    version = s.find('{%s}version' % MON).text
    fmt = s.find('{%s}format' % MON).text
    try:
        text = m.get_schema(ident, version=version, format=fmt).data
    except RPCError as e:
        check('get_schema %s' % ident, False, e.message)
        continue
    with open(os.path.join(outdir, 'schemas', '%s@%s.yang' % (ident, version)), 'w') as f:
        f.write(text)
    fetched.append(ident)
check('get_schema every module', len(schemas) > 10 and len(fetched) == len(schemas), fetched)
out['modules'] = fetched
r = m.get(filter=('subtree', '<modules-state xmlns="%s"><module><name/><feature/></module></modules-state>' % YLIB))
for mod in r.data_ele.findall('.//{%s}module' % YLIB):
    feats = [f.text for f in mod.findall('{%s}feature' % YLIB)]
    if feats:
        out['features'][mod.find('{%s}name' % YLIB).text] = feats

# the whole <get> without flow-tap, then with it (radius-flow-tap and its state), and running, for yanglint
with open(os.path.join(outdir, 'get-without-flow-tap.xml'), 'w') as f:
    f.write(inner(m.get().data_ele))
m.edit_config(target='candidate', config='<config><services xmlns="urn:flowtapd:yang:services"><flow-tap/></services>%s</config>'
              % cls('nc-more', 1)[len('<config>'):-len('</config>')])
m.commit()
with open(os.path.join(outdir, 'get.xml'), 'w') as f:
    f.write(inner(m.get().data_ele))
with open(os.path.join(outdir, 'get-config.xml'), 'w') as f:
    f.write(inner(m.get_config(source='running').data_ele))

# with-defaults (RFC 6243) on get-config and get: access has three leaves with defaults, none set
ACC = '<access xmlns="urn:flowtapd:yang:access"/>'
wd = {}
for mode in ('report-all', 'trim', 'explicit', 'report-all-tagged'):
    wd[mode] = m.get_config(source='running', filter=('subtree', ACC), with_defaults=mode).xml
    check('with-defaults get %s' % mode, m.get(filter=('subtree', ACC), with_defaults=mode).ok)
check('with-defaults report-all', '<radius-disconnect-port>3799</radius-disconnect-port>' in wd['report-all'], wd['report-all'])
check('with-defaults trim', 'radius-disconnect-port' not in wd['trim'], wd['trim'])
check('with-defaults explicit', 'radius-disconnect-port' not in wd['explicit'], wd['explicit'])
tagged = etree.fromstring(wd['report-all-tagged'].encode())
port_el = tagged.find('.//{urn:flowtapd:yang:access}radius-disconnect-port')
check('with-defaults report-all-tagged', port_el is not None and port_el.get('{%s}default' % WD) == 'true', wd['report-all-tagged'])

# validate of the candidate, and of a whole configuration given inline
m.edit_config(target='candidate', config=cls('nc-valid', 2))
check('validate candidate', m.validate(source='candidate').ok)
e = error_of(lambda: m.validate(source=to_ele(cls('nc-invalid', 9))))
check('validate inline invalid', e is not None and e.tag == 'invalid-value' and e.path.endswith(':queue-num'), e and e.path)
m.discard_changes()

# copy-config running -> startup; a url is refused before it is sent (no :url capability)
check('copy_config running startup', m.copy_config(source='running', target='startup').ok)
check('startup has it', 'nc-more' in classes(m, 'startup'))
try:
    m.copy_config(source='running', target='file:///tmp/flowtapd-copy.xml')
    check('copy_config url refused', False, 'no error')
except Exception as e:  # ncclient's MissingCapabilityError: the :url capability is not announced
    check('copy_config url refused', 'url' in str(e), e)

# a persistent confirmed commit survives its session; a second session confirms or cancels it by persist-id
m.edit_config(target='candidate', config=cls('nc-persist', 3))
m.commit(confirmed=True, timeout='120', persist='token-1')
m.close_session()
m2 = connect()
check('persist survives session end', 'nc-persist' in classes(m2))
e = error_of(lambda: m2.commit(persist_id='wrong'))
check('persist-id wrong', e is not None and e.tag == 'invalid-value', e and e.tag)
check('confirm by persist-id', m2.commit(persist_id='token-1').ok)
e = error_of(lambda: m2.cancel_commit())
check('nothing to cancel after confirming', e is not None, 'no error')
m2.edit_config(target='candidate', config=cls('nc-cancel', 4))
m2.commit(confirmed=True, timeout='120', persist='token-2')
m3 = connect()
check('cancel by persist-id from another session', m3.cancel_commit(persist_id='token-2').ok)
names = classes(m3)
check('cancelled', 'nc-cancel' not in names and 'nc-persist' in names, names)

# flowtapd's own rpcs, with dispatch: rollback (flowtapd-system), clear-mirror-session (flowtapd-services)
r = m3.dispatch(to_ele('<rollback xmlns="urn:flowtapd:yang:system"><index>0</index></rollback>'))
check('dispatch rollback', r.ok)
e = error_of(lambda: m3.dispatch(to_ele('<rollback xmlns="urn:flowtapd:yang:system"><index>50</index></rollback>')))
check('dispatch rollback out of range', e is not None and e.tag == 'invalid-value', e and e.tag)
e = error_of(lambda: m3.dispatch(to_ele('<clear-mirror-session xmlns="urn:flowtapd:yang:services">'
                                        '<acct-session-id>none</acct-session-id></clear-mirror-session>')))
check('dispatch clear-mirror-session', e is not None and e.tag == 'data-missing', e and e.tag)
m3.discard_changes()

# replay (RFC 5277): start and stop time; the past events, replayComplete, then notificationComplete
start = (datetime.datetime.utcnow() - datetime.timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%SZ')
stop = (datetime.datetime.utcnow() + datetime.timedelta(seconds=2)).strftime('%Y-%m-%dT%H:%M:%SZ')
w = connect()
w.create_subscription(start_time=start, stop_time=stop)
got = []
n = w.take_notification(timeout=10)
while n is not None:
    got.append(etree.QName(n.notification_ele[1]).localname)
    if got[-1] == 'notificationComplete':
        break
    n = w.take_notification(timeout=10)
check('replay', 'netconf-confirmed-commit' in got and 'netconf-config-change' in got, got)
check('replayComplete then notificationComplete', got[-2:] == ['replayComplete', 'notificationComplete'], got)

# kill_session of another session
k = connect()
check('kill_session', m3.kill_session(k.session_id).ok)
deadline = time.time() + 5
while k.connected and time.time() < deadline:
    time.sleep(0.05)
check('killed', not k.connected)
m3.close_session()
out['ok'] = all(out['checks'].values())
print(json.dumps(out))
