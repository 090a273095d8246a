#!/usr/bin/env bash
# Peak memory stage by stage: runs COMMAND under /usr/bin/time, samples its resident memory
# every 0.2 s beside its progress lines (stderr), each line stamped with the seconds since the
# start, so the highest sample of each stage can be read off (issue 23.4's memory table).
#   bash bench/rss_by_stage.sh LOG COMMAND...     e.g.
#   bash bench/rss_by_stage.sh /tmp/a.log build/growthlens analyze u1m.csv --k 4 --n-init 10
# LOG gets `uptime`, the stamped stderr lines, "RSS <KB>" samples and GNU time's line last.
set -euo pipefail
log=$1
shift
uptime > "$log"
start=$(date +%s%N)
stamp() { printf '%.1f' "$(echo "($(date +%s%N) - $start) / 1000000000" | bc -l)"; }
/usr/bin/time -f "TIME %e s wall, %U user + %S sys, %M KB peak" "$@" > /dev/null \
  2> >(while IFS= read -r line; do echo "$(stamp) $line" >> "$log"; done) &
timer=$!
# The command is /usr/bin/time's newest child (its older one reads the stderr lines).
sleep 0.2
child=$(pgrep -n -P "$timer" || true)
while kill -0 "$timer" 2> /dev/null; do
  rss=$(awk '/VmRSS/ { print $2 }' "/proc/$child/status" 2> /dev/null || true)
  [[ -n $rss ]] && echo "$(stamp) RSS $rss" >> "$log"
  sleep 0.2
done
wait "$timer" || true
sleep 0.3  # the stderr reader's last lines
tail -1 "$log"
