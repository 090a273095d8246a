#!/usr/bin/env bash
# The Debian package, end to end:
# - `cpack -G DEB` builds it; its Depends names the package of every shared library the binary
#   needs (dpkg-shlibdeps) and adduser (postinst);
# - `dpkg -i` installs it into an overlay of this machine's root file system (a private mount
#   namespace: nothing reaches the real system), so dpkg checks those dependencies against what
#   is installed here and runs the maintainer scripts for real, chrooted; the source and build
#   trees are hidden under empty folders in there;
# - postinst makes the unprivileged system user and enables nothing; a second install keeps the
#   user; `systemd-analyze verify` accepts the unit and `systemd-analyze security` rates its
#   hardening;
# - from /tmp, `growthlens demo` writes its tables, and `growthlens serve --demo --port 0`, run
#   as the service's user with no web folder around, serves the dashboard, its scripts and
#   styles, and /api/v1/kpis.
#   tests/packaging/deb_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1")
source_dir=$(realpath "$2")
if [ "$(id -u)" -ne 0 ]; then
  echo "debian_package: needs root (dpkg -i and a private mount namespace); skipped"
  exit 77
fi
if ! unshare --mount --propagation private true 2>/dev/null; then
  echo "debian_package: this machine allows no private mount namespace (a container without"
  echo "CAP_SYS_ADMIN?), where the package is installed; skipped"
  exit 77
fi
work=$(mktemp -d /tmp/growthlens-deb-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. The package and its control data.
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/cpack" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack -G DEB"; }
deb=$(find "$work/cpack" -maxdepth 1 -name 'growthlens_*.deb')
[ -n "$deb" ] || fail "cpack made no growthlens_*.deb"
depends=$(dpkg-deb --field "$deb" Depends)
echo "Depends: $depends"
grep -qw adduser <<<"$depends" || fail "Depends lacks adduser"
binary="$build/growthlens"
for library in $(objdump -p "$binary" | awk '$1 == "NEEDED" { print $2 }'); do
  # No early exit in a pipeline under pipefail: ldconfig would die of SIGPIPE and set -e end the
  # test without a word (it failed that way now and then).
  path=$(ldconfig -p | awk -v lib="$library" '$1 == lib && /x86-64/ && !found { print $NF; found = 1 }')
  owner=$(dpkg -S "$(realpath "$path")" 2>/dev/null || dpkg -S "$path") || fail "no package owns $path"
  owner=${owner%%:*}
  tr ',|' '\n\n' <<<"$depends" | awk '{ print $1 }' | grep -xF "$owner" >/dev/null ||
    fail "Depends lacks $owner (for $library)"
done
contents=$(dpkg-deb --contents "$deb" | awk '{ print $NF }')
for file in ./usr/bin/growthlens ./usr/lib/systemd/system/growthlens.service \
            ./usr/share/man/man1/growthlens.1.gz ./usr/share/man/man1/growthlens-serve.1.gz \
            ./usr/share/bash-completion/completions/growthlens; do
  grep -qx -- "$file" <<<"$contents" || fail "the package lacks $file"
done

# 2. Install into an overlay of / and use it, in a private mount namespace.
export deb source_dir build work
unshare --mount --propagation private bash -euo pipefail <<'INSIDE' || fail "see above"
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$work/overlay"
mount -t tmpfs tmpfs "$work/overlay"
mkdir -p "$work/overlay/upper" "$work/overlay/work" "$work/overlay/root"
root="$work/overlay/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$work/overlay/upper,workdir=$work/overlay/work" "$root"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount -t tmpfs tmpfs "$root/tmp"
mount -t tmpfs tmpfs "$root/run"  # no /run/systemd/system: postinst leaves systemd alone
for hidden in "$source_dir" "$build"; do
  [ ! -d "$root$hidden" ] || mount -t tmpfs tmpfs "$root$hidden"  # the build may be inside the source
done
in_root() { chroot "$root" "$@"; }

# man-db's trigger would rebuild the whole manual database on each install: off in the overlay.
echo "man-db man-db/auto-update boolean false" | in_root debconf-set-selections
cp "$deb" "$root/tmp/growthlens.deb"
in_root dpkg -i /tmp/growthlens.deb >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
user=$(in_root getent passwd growthlens) || fail "postinst made no growthlens user"
IFS=: read -r _ _ uid _ _ home shell <<<"$user"
[ "$uid" -lt 1000 ] || fail "growthlens is not a system user (uid $uid)"
[ "$home" = /var/lib/growthlens ] || fail "growthlens's home is $home"
[ "$shell" = /usr/sbin/nologin ] || fail "growthlens can log in (shell $shell)"
in_root dpkg -i /tmp/growthlens.deb >"$work/dpkg2.log" 2>&1 || { cat "$work/dpkg2.log"; fail "second dpkg -i"; }
[ "$(in_root getent passwd growthlens)" = "$user" ] || fail "a second install changed the user"
[ -z "$(find "$root/etc/systemd/system" -name 'growthlens*' 2>/dev/null)" ] ||
  fail "the package enabled the unit"

unit=/usr/lib/systemd/system/growthlens.service
verify=$(in_root systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify warns: $verify"
in_root systemd-analyze security --offline=true --threshold=20 "$unit" >"$work/security.log" 2>&1 ||
  { cat "$work/security.log"; fail "the unit's exposure is above 2.0"; }
grep "Overall exposure" "$work/security.log"

# `growthlens demo` from /tmp.
in_root sh -c 'cd /tmp && growthlens demo --users 300 --customers 200' >"$work/demo.log" 2>&1 ||
  { cat "$work/demo.log"; fail "growthlens demo"; }
for table in usage_log_users.csv transactions_users.csv usage_log_analysis.json; do
  [ -s "$root/tmp/data/processed/$table" ] || fail "growthlens demo wrote no $table"
done

# `growthlens serve --demo` as the service's user, from a folder of its own in /tmp.
in_root install -d -o growthlens -g growthlens /tmp/serve
chroot --userspec=growthlens:growthlens "$root" sh -c \
  'cd /tmp/serve && exec growthlens serve --demo --users 300 --customers 200 --port 0 --no-warm-up' \
  >"$work/serve.log" 2>&1 &
server=$!
port=''
for _ in $(seq 1 300); do
  port=$(sed -nE 's|.*dashboard on http://127\.0\.0\.1:([0-9]+).*|\1|p' "$work/serve.log")
  [ -n "$port" ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.2
done
[ -n "$port" ] || { cat "$work/serve.log"; fail "growthlens serve did not start"; }
url="http://127.0.0.1:$port"
checks=0
fetch() {  # $1: path; prints the body, fails on anything but 200
  curl --silent --show-error --fail --max-time 60 "$url$1" || { cat "$work/serve.log"; fail "GET $1"; }
}
page=$(fetch /)
grep -q '<html' <<<"$page" || fail "GET / is not the dashboard"
for asset in $(grep -oE '(src|href)="/[^"]+"' <<<"$page" | sed -E 's/^[a-z]+="(.*)"$/\1/'); do
  [ -n "$(fetch "$asset")" ] || fail "GET $asset is empty"
  checks=$((checks + 1))
done
[ "$checks" -ge 3 ] || fail "the dashboard names only $checks assets"
fetch /api/v1/kpis | python3 -c '
import json, sys
kpis = json.load(sys.stdin)
assert kpis["kind"] in ("usage", "transactions"), kpis
assert kpis["users"] > 0, kpis
print("kpis:", kpis["kind"], kpis["users"], "users")'
kill "$server"
wait "$server" 2>/dev/null || true
echo "served / and $checks assets and /api/v1/kpis from the installed package"
INSIDE
echo "debian_package: $(basename "$deb") built, installed, verified and served"
