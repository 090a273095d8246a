#!/usr/bin/env bash
# The man pages and the bash completion made at build time say what the binary's --help says:
# for every command (found by walking the "Subcommands:" sections here, independently of the
# generators), its page exists, renders, and lists each of its options; completing after the
# command offers exactly its subcommands and every one of its options; option values complete
# from their fixed sets and file arguments from the file system.
#   tests/packaging/cli_docs_test.sh path/to/growthlens DOC_DIR (build/share)
set -uo pipefail
binary=$1
docs=$2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# The words of a help page's section, the first word of each entry ("  name   description").
section_words() {  # $1: section heading, stdin: help page
  awk -v heading="$1" '/^[^ ].*:$/ { inside = ($0 == heading); next }
                       inside && /^  [^ ]/ { print $1 }'
}
# Every option name a help page lists, in any section: "-o,--output FILE" -> -o --output.
option_names() {
  grep -E '^  -' | awk '{ print $1 }' | tr ',' '\n' | grep -E '^-'
}

commands=("")
for ((i = 0; i < ${#commands[@]}; i++)); do
  # shellcheck disable=SC2086
  for word in $("$binary" ${commands[$i]} --help | section_words "Subcommands:"); do
    commands+=("${commands[$i]:+${commands[$i]} }$word")
  done
done
[ ${#commands[@]} -ge 20 ] || fail "only ${#commands[@]} commands found in --help"

# shellcheck source=/dev/null
source "$docs/bash-completion/growthlens" || fail "the completion script does not load"
complete_words() {  # the completions offered for the words given (the last one is completed)
  COMP_WORDS=(growthlens "$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _growthlens
  printf '%s\n' "${COMPREPLY[@]}" | sort
}

for command in "${commands[@]}"; do
  # shellcheck disable=SC2086
  help=$("$binary" $command --help)
  page="$docs/man/man1/growthlens${command:+-${command// /-}}.1.gz"
  label="growthlens${command:+ $command}"
  if [ ! -f "$page" ]; then
    fail "$label: no man page $page"
  else
    text=$(MANWIDTH=200 man -l "$page" 2>/dev/null | col -b)
    grep -q "^NAME" <<<"$text" || fail "$label: man page without NAME"
    grep -q "growthlens${command:+ $command} \[OPTIONS\]" <<<"$text" ||
      fail "$label: man page without its usage line"
    for option in $(option_names <<<"$help"); do
      grep -qe "$option" <<<"$text" || fail "$label: man page does not mention $option"
    done
  fi
  # shellcheck disable=SC2086
  expected=$(section_words "Subcommands:" <<<"$help" | sort)
  if [ -n "$expected" ]; then
    offered=$(complete_words $command "")
    [ "$offered" = "$expected" ] ||
      fail "$label: completion offers [$(echo $offered)], --help lists [$(echo $expected)]"
  fi
  # shellcheck disable=SC2086
  offered=$(complete_words $command -)
  for option in $(option_names <<<"$help"); do
    grep -qxe "$option" <<<"$offered" || fail "$label: completion does not offer $option"
  done
done

# Values and files.
[ "$(complete_words kpis --format "" | paste -sd ' ')" = "csv json table" ] ||
  fail "kpis --format does not complete to csv json table"
[ "$(complete_words kpis --format = j | paste -sd ' ')" = "json" ] ||
  fail "kpis --format=j does not complete to json"
[ -z "$(complete_words serve --port "")" ] || fail "serve --port offers completions"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
touch "$work/events.csv"
[ "$(cd "$work" && complete_words kpis ev)" = "events.csv" ] || fail "kpis FILE does not complete file names"

if [ "$failures" -ne 0 ]; then
  echo "cli_docs: $failures failures over ${#commands[@]} commands" >&2
  exit 1
fi
echo "cli_docs: man pages and completion agree with --help for ${#commands[@]} commands"
