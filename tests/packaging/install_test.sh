#!/usr/bin/env bash
# `cmake --install BUILD --prefix P` installs the binary (which runs from there), a man page per
# command, the bash completion and the systemd unit, whose ExecStart names P's binary.
#   tests/packaging/install_test.sh BUILD_DIR
set -euo pipefail
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
(cd /tmp && "$prefix/bin/growthlens" --version) | grep -qx "growthlens [0-9.]*" ||
  fail "$prefix/bin/growthlens --version"
for page in growthlens growthlens-serve growthlens-kpis growthlens-experiment-plan; do
  [ -f "$prefix/share/man/man1/$page.1.gz" ] || fail "no man page $page"
done
pages=$(find "$prefix/share/man/man1" -name 'growthlens*.1.gz' | wc -l)
commands=$("$prefix/bin/growthlens" --help | awk '/^Subcommands:/ { on = 1; next } on && /^  [^ ]/ { n++ } END { print n }')
[ "$pages" -gt "$commands" ] || fail "$pages man pages for $commands commands (and their subcommands)"
grep -q "^complete -F _growthlens growthlens$" "$prefix/share/bash-completion/completions/growthlens" ||
  fail "no bash completion"
unit="$prefix/lib/systemd/system/growthlens.service"
[ -f "$unit" ] || fail "no systemd unit"
grep -qx "ExecStart=$prefix/bin/growthlens serve --data-dir /var/lib/growthlens \$GROWTHLENS_OPTS" "$unit" ||
  fail "the unit does not start $prefix/bin/growthlens: $(grep ExecStart "$unit")"
echo "install_prefix: binary, $pages man pages, completion and unit under the prefix"
