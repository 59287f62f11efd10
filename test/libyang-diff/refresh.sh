#!/usr/bin/env bash
# Refreshes libyang's verdicts on the differential corpus.
#
#   test/libyang-diff/refresh.sh            (regenerates corpus/gen first)
#   test/libyang-diff/refresh.sh --no-gen   (keeps corpus/gen as it is)
#
# For every corpus/*/NAME.TYPE.xml (TYPE config or data) it runs
#   yanglint -p /usr/share/yuma/modules/ietf -t TYPE MODULES... FILE
# with the modules of modules.txt (all features enabled, yanglint's default)
# and writes verdicts.tsv: path, valid|invalid, yanglint's first error line.
# The verdicts are committed; diff.test.ts checks our engine against them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ietf=/usr/share/yuma/modules/ietf
command -v yanglint >/dev/null || { echo "refresh.sh: yanglint missing (apt-get install libyang-tools)" >&2; exit 2; }
[[ -d $ietf ]] || { echo "refresh.sh: $ietf missing (apt-get install libyuma-base)" >&2; exit 2; }
if [[ ${1:-} != --no-gen ]]; then
  (cd "$root" && npx tsx test/libyang-diff/gen.ts)
fi
mods=()
while IFS= read -r m; do
  [[ -z $m || $m == \#* ]] && continue
  [[ $m == /* ]] || m=$root/$m
  mods+=("$m")
done <"$here/modules.txt"
out=$here/verdicts.tsv
tmp=$(mktemp)
err=$(mktemp)
trap 'rm -f "$tmp" "$err"' EXIT
echo "# $(yanglint --version) -p $ietf -t TYPE (modules.txt) FILE" >"$tmp"
n=0; nv=0
cd "$here"
for f in corpus/*/*.xml; do
  base=${f##*/}; type=${base%.xml}; type=${type##*.}
  case $type in config|data) ;; *) echo "refresh.sh: $f: name must end in .config.xml or .data.xml" >&2; exit 2;; esac
  if yanglint -D -p "$ietf" -t "$type" "${mods[@]}" "$f" >/dev/null 2>"$err"; then
    printf '%s\tvalid\t\n' "$f" >>"$tmp"; nv=$((nv + 1))
  else
    line=$(grep -m1 -E 'err|ERR|\[E\]' "$err" | tr '\t\r' '  ' || true)
    [[ -n $line ]] || line=$(head -n1 "$err" | tr '\t\r' '  ')
    printf '%s\tinvalid\t%s\n' "$f" "$line" >>"$tmp"
  fi
  n=$((n + 1))
done
mv "$tmp" "$out"
trap 'rm -f "$err"' EXIT
echo "refresh.sh: $n documents, $nv valid, $((n - nv)) invalid -> ${out#$root/}"
