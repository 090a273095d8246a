#!/usr/bin/env bash
# Prints every command of a growthlens binary, one a line: its path (the words after
# "growthlens"; empty for the program itself), a tab, and its description, found by walking the
# "Subcommands:" sections of the binary's own --help pages.
#   packaging/cli-commands.sh path/to/growthlens
set -euo pipefail
binary=$1
here=$(cd "$(dirname "$0")" && pwd)

walk() {  # $1: a command path
  local path=$1 kind name description child
  # shellcheck disable=SC2086  # the path's words are separate arguments
  while IFS=$'\t' read -r kind name description; do
    [ "$kind" = sub ] || continue
    child=${path:+$path }$name
    printf '%s\t%s\n' "$child" "$description"
    walk "$child"
  done < <("$binary" $path --help | awk -f "$here/help-spec.awk")
}

printf '\t%s\n' "$("$binary" --help | head -n 1)"
walk ""
