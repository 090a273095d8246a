#!/usr/bin/env bash
# Writes the bash completion of growthlens to OUT, generated from the binary's own --help pages:
# every command and subcommand, each command's options, the values of options with a fixed set
# (--format table|json|csv), and file names where a command or option takes a file.
#   packaging/make-completion.sh path/to/growthlens OUT
set -euo pipefail
binary=$(realpath "$1")
out=$2
here=$(cd "$(dirname "$0")" && pwd)

quote() { printf "'%s'" "$1"; }
commands=() subcommands=() options=() positionals=() kinds=()
while IFS= read -r line; do
  path=${line%%$'\t'*}
  words='' names='' positional=''
  # shellcheck disable=SC2086  # the path's words are separate arguments
  while IFS=$'\t' read -r kind name value; do
    case $kind in
      sub) words+="${words:+ }$name" ;;
      pos) [ "$value" = file ] || [ "$value" = dir ] && positional=$value ;;
      opt)
        for option in ${name//,/ }; do
          names+="${names:+ }$option"
          # Choices that are placeholders (NAME) are not offered.
          [ "${value#choices:}" != "$value" ] &&
            value="choices:$(tr '|' '\n' <<<"${value#choices:}" | grep -v '^[A-Z_]*$' | paste -sd ' ')"
          kinds+=("$(quote "$path $option")) REPLY=$(quote "$value") ;;")
        done
        ;;
    esac
  done < <("$binary" $path --help | awk -f "$here/help-spec.awk")
  commands+=("$(quote "$path")) _growthlens_subcommands=$(quote "$words") _growthlens_options=$(quote "$names") _growthlens_positional=$(quote "$positional") ;;")
done < <("$here/cli-commands.sh" "$binary")

{
  cat <<'HEAD'
# bash completion for growthlens. Generated from `growthlens ... --help` by
# packaging/make-completion.sh when growthlens is built: change the CLI, not this file.

# $1: a command path ("", "kpis", "experiment plan"). Sets its subcommands, its options and what
# its positional arguments are (file, dir or nothing to complete).
_growthlens_command() {
  case "$1" in
HEAD
  printf '    %s\n' "${commands[@]}"
  cat <<'MIDDLE'
    *) _growthlens_subcommands='' _growthlens_options='' _growthlens_positional='' ;;
  esac
}

# $1: a command path, $2: one of its options. Sets REPLY to what the option takes: flag, file,
# dir, value (anything) or "choices:a b c".
_growthlens_option() {
  case "$1 $2" in
MIDDLE
  printf '    %s\n' "${kinds[@]}"
  cat <<'TAIL'
    *) REPLY=flag ;;
  esac
}

_growthlens() {
  local cur=${COMP_WORDS[COMP_CWORD]} path='' option='' word i REPLY
  local _growthlens_subcommands _growthlens_options _growthlens_positional
  # The command path: the words before the cursor that name a subcommand of the path so far.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    _growthlens_command "$path"
    [[ " $_growthlens_subcommands " == *" $word "* ]] && path=${path:+$path }$word
  done
  _growthlens_command "$path"

  # The value of an option: "--format <TAB>" or "--format=<TAB>".
  if ((COMP_CWORD >= 2)) && [[ ${COMP_WORDS[COMP_CWORD - 1]} == -* ]]; then
    option=${COMP_WORDS[COMP_CWORD - 1]}
  elif ((COMP_CWORD >= 3)) && [[ ${COMP_WORDS[COMP_CWORD - 1]} == = ]]; then
    option=${COMP_WORDS[COMP_CWORD - 2]}
  fi
  if [[ -n $option ]]; then
    _growthlens_option "$path" "$option"
    case $REPLY in
      file) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
      dir) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
      choices:*) mapfile -t COMPREPLY < <(compgen -W "${REPLY#choices:}" -- "$cur"); return ;;
      value) COMPREPLY=(); return ;;
    esac
  fi

  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$_growthlens_options" -- "$cur")
    return
  fi
  mapfile -t COMPREPLY < <(compgen -W "$_growthlens_subcommands" -- "$cur")
  case $_growthlens_positional in
    file) compopt -o filenames 2>/dev/null; mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur") ;;
    dir) compopt -o filenames 2>/dev/null; mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$cur") ;;
  esac
}
complete -F _growthlens growthlens
TAIL
} >"$out"
echo "make-completion: ${#commands[@]} commands, ${#kinds[@]} options in $out"
