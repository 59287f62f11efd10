#!/usr/bin/env bash
# Installs the Debian packages flowtapd's tests and standard YANG modules need,
# when they are missing. Runs as root (the machines do); otherwise it only
# reports what is missing. Called by `npm test` (pretest) and `npm run setup`.
set -euo pipefail
quiet=0; [[ ${1:-} == --quiet ]] && quiet=1
# package -> a file or command that shows it is installed
declare -A need=(
  [libyuma-base]=/usr/share/yuma/modules/ietf/ietf-interfaces@2014-05-08.yang
  [libyang-tools]=yanglint
  [freeradius-utils]=radclient
  [tshark]=tshark
  [python3-ncclient]=/usr/lib/python3/dist-packages/ncclient/__init__.py
  [python3-scapy]=/usr/lib/python3/dist-packages/scapy/__init__.py
  [ansible]=ansible-playbook
  [netconfd]=netconfd
  [yangcli]=yangcli
  [iproute2]=ip
  [openssh-server]=/usr/sbin/sshd
)
missing=()
for pkg in "${!need[@]}"; do
  probe=${need[$pkg]}
  if [[ $probe == /* ]]; then [[ -e $probe ]] || missing+=("$pkg")
  else command -v "$probe" >/dev/null 2>&1 || missing+=("$pkg"); fi
done
((${#missing[@]} == 0)) && { ((quiet)) || echo "setup: all Debian packages present"; exit 0; }
if [[ $(id -u) -ne 0 ]]; then
  echo "setup: missing Debian packages (run as root to install): ${missing[*]}" >&2
  exit 0
fi
echo "setup: installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
