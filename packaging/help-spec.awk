# Reads one `growthlens ... --help` page (CLI11's layout: sections headed "Name:", entries
# indented by two spaces, the entry's names and type in a 30-column field, then its description)
# and prints one tab-separated record per entry:
#   sub   NAME     DESCRIPTION    a subcommand
#   opt   NAMES    KIND           an option; NAMES comma-separated (-h,--help)
#   pos   NAME     KIND           a positional argument
# KIND: flag (takes no value), file, dir, choices:a|b|c, or value (any other value).
function kind_of(type) {
  if (type == "") return "flag"
  if (type ~ /:FILE$/ || type == "FILE") return "file"
  if (type ~ /:DIR$/ || type == "DIR") return "dir"
  if (type ~ /\|/) return "choices:" type
  if (match(type, /\{[^}]*\}/)) {
    choices = substr(type, RSTART + 1, RLENGTH - 2)
    gsub(/,/, "|", choices)
    return "choices:" choices
  }
  return "value"
}
/^[^ ].*:$/ { section = $0; next }
/^  [^ ]/ {
  spec = (length($0) > 30 && substr($0, 30, 1) == " ") ? substr($0, 1, 30) : $0
  description = (spec == $0) ? "" : substr($0, 31)
  n = split(spec, token, " ")
  if (section == "Subcommands:") {
    sub(/^ +/, "", description)
    printf "sub\t%s\t%s\n", token[1], description
  } else if (token[1] ~ /^-/) {
    type = (n >= 2 && token[2] != "..." && token[2] != "REQUIRED") ? token[2] : ""
    printf "opt\t%s\t%s\n", token[1], kind_of(type)
  } else if (section == "Positionals:") {
    printf "pos\t%s\t%s\n", token[1], kind_of(n >= 2 ? token[2] : "")
  }
}
