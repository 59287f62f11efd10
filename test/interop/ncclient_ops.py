"""Drive flowtapd with ncclient through every base operation; print one JSON object.

usage: ncclient_ops.py PORT USER PASSWORD
"""
import json
import sys
import time

import ncclient
import ncclient.transport.ssh as nssh
from ncclient import manager
from ncclient.operations import RPCError

nssh.TICK = 0.005  # ncclient polls its send queue every TICK seconds

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
COS = 'urn:flowtapd:yang:class-of-service'
NN = 'urn:ietf:params:xml:ns:yang:ietf-netconf-notifications'
out = {'ncclient': ncclient.__version__, 'checks': {}}


def check(name, cond, detail=''):
    out['checks'][name] = bool(cond)
    if not cond:
        out.setdefault('failures', []).append('%s: %s' % (name, str(detail)[:800]))


def connect():
    return manager.connect(host='127.0.0.1', port=port, username=user, password=password,
                           hostkey_verify=False, allow_agent=False, look_for_keys=False, timeout=20)


def cls(name, q, op=''):
    attr = ' xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="%s"' % op if op else ''
    return ('<config><class-of-service xmlns="%s"><forwarding-classes><class%s><name>%s</name>'
            '<queue-num>%d</queue-num></class></forwarding-classes></class-of-service></config>' % (COS, attr, name, q))


m = connect()
out['session_id'] = m.session_id
check('base11', 'urn:ietf:params:netconf:base:1.1' in m.server_capabilities)
check('candidate cap', ':candidate' in m.server_capabilities)

# get / get_config with filters
r = m.get(filter=('subtree', '<netconf-state xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"><sessions/></netconf-state>'))
check('get subtree', '<session-id>%s</session-id>' % m.session_id in r.xml, r.xml)
r = m.get_config(source='running', filter=('subtree', '<nacm xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-acm"><enable-nacm/></nacm>'))
check('get_config subtree', '<enable-nacm>true</enable-nacm>' in r.xml, r.xml)
r = m.get_config(source='running', filter=('xpath', ({'a': 'urn:ietf:params:xml:ns:yang:ietf-netconf-acm'}, '/a:nacm/a:groups/a:group[a:name="admin"]')))
check('get_config xpath', '<name>admin</name>' in r.xml and 'rule-list' not in r.xml, r.xml)

# a reply of several megabytes (made a part at a time, in chunks of 256 KiB): whole, with every entry
IFNS = 'urn:ietf:params:xml:ns:yang:ietf-interfaces'
m.edit_config(target='candidate', config='<config><interfaces xmlns="%s">%s</interfaces></config>' % (IFNS, ''.join(
    '<interface><name>bulk%d</name><description>%s</description>'
    '<type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type></interface>' % (i, 'd' * 400)
    for i in range(8000))))
m.commit()
r = m.get_config(source='running', filter=('subtree', '<interfaces xmlns="%s"/>' % IFNS))
names = r.data_ele.findall('.//{%s}name' % IFNS)
check('large get_config', len(r.xml) > 3500000 and [n.text for n in names] == ['bulk%d' % i for i in range(8000)], len(r.xml))
m.edit_config(target='candidate', config='<config><interfaces xmlns="%s" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" '
              'nc:operation="remove"/></config>' % IFNS)
m.commit()

# lock, edit_config, validate, commit, unlock
m.lock('candidate')
m.edit_config(target='candidate', config=cls('nc-be', 0))
r = m.validate(source='candidate')
check('validate', r.ok)
m.commit()
m.unlock('candidate')
r = m.get_config(source='running', filter=('subtree', '<class-of-service xmlns="%s"/>' % COS))
check('edit+commit', '<name>nc-be</name>' in r.xml, r.xml)

# errors come back as RPCError with the tag
try:
    m.edit_config(target='candidate', config=cls('nc-be', 1, 'create'))
    check('data-exists', False, 'no error')
except RPCError as e:
    check('data-exists', e.tag == 'data-exists', e.tag)

# discard_changes
m.edit_config(target='candidate', config=cls('nc-discard', 2))
m.discard_changes()
r = m.get_config(source='candidate', filter=('subtree', '<class-of-service xmlns="%s"/>' % COS))
check('discard_changes', 'nc-discard' not in r.xml, r.xml)

# copy_config running -> startup, delete_config startup
m.copy_config(source='running', target='startup')
r = m.get_config(source='startup', filter=('subtree', '<class-of-service xmlns="%s"/>' % COS))
check('copy_config', 'nc-be' in r.xml, r.xml)
m.delete_config(target='startup')
r = m.get_config(source='startup')
check('delete_config', 'nc-be' not in r.xml, r.xml)

# get_schema
r = m.get_schema('flowtapd-services')
check('get_schema', 'module flowtapd-services' in r.data, r.xml[:300])

# notifications: subscribe on a second session, commit confirmed on the first
w = connect()
w.create_subscription()
m.edit_config(target='candidate', config=cls('nc-confirmed', 3))
m.commit(confirmed=True, timeout='30')
n = w.take_notification(timeout=10)
got = []
deadline = time.time() + 10
while n is not None and time.time() < deadline:
    got.append(n.notification_xml)
    if 'netconf-config-change' in n.notification_xml:
        break
    n = w.take_notification(timeout=5)
check('take_notification config-change', any('netconf-config-change' in x for x in got), got)
m.commit()  # confirming commit
r = m.get_config(source='running', filter=('subtree', '<class-of-service xmlns="%s"/>' % COS))
check('commit confirmed + confirm', 'nc-confirmed' in r.xml, r.xml)

# cancel_commit
m.edit_config(target='candidate', config=cls('nc-cancelled', 4))
m.commit(confirmed=True, timeout='30')
m.cancel_commit()
r = m.get_config(source='running', filter=('subtree', '<class-of-service xmlns="%s"/>' % COS))
check('cancel_commit', 'nc-cancelled' not in r.xml and 'nc-confirmed' in r.xml, r.xml)

# kill_session of a third session
k = connect()
kid = k.session_id
m.kill_session(kid)
deadline = time.time() + 5
while k.connected and time.time() < deadline:
    time.sleep(0.05)
check('kill_session', not k.connected)

# close_session
w.close_session()
r = m.close_session()
check('close_session', r.ok)
out['ok'] = all(out['checks'].values())
print(json.dumps(out))
