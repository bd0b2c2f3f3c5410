#!/usr/bin/env bash
# scripts/measure-takeover.sh [KILLS] [INSTANCES]: the takeover time of BENCHMARKS.md. Starts INSTANCES (default 3)
# `gantry serve` processes on a fresh PostgreSQL database (GANTRY_TEST_POSTGRES, as scripts/start-postgres.sh prints
# it), then KILLS times (default 10): kill -9 of the leader, and the time until another instance logs
# "Leading the dispatcher" (logged once its dispatcher leads: workers started, active jobs reloaded). The killed
# instance is started again as a follower before the next round. Prints each time, then the median and the worst.
# GANTRY names the command to run (default ./gantry). Everything it starts is stopped at the end; the database is dropped.
# GANTRY_KEEP_LOGS=1 keeps the instances' logs and prints where.
set -euo pipefail

kills="${1:-10}"
instances="${2:-3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
gantry="${GANTRY:-$root/gantry}"
server="${GANTRY_TEST_POSTGRES:?export GANTRY_TEST_POSTGRES=\"\$(scripts/start-postgres.sh | tail -n1)\" first}"
database="gantry_takeover_$$"
store="$(sed -E "s/(^|;)Database=[^;]*/\1Database=$database/" <<<"$server")"
[[ "$store" == *"Database=$database"* ]] || store="$store;Database=$database"
work="$(mktemp -d)"
declare -a pids

start() { # start INSTANCE: a follower (or the first leader), logging to $work/INSTANCE.log; returns once it is ready and contends
  local i="$1" from
  # Only this life's lines count: a restarted instance's log still holds the last life's "ready" line, and a kill while
  # the survivors were still starting measured their start-up (30 s and more on a loaded machine), not the takeover.
  from=1; if [[ -f "$work/$i.log" ]]; then from=$(($(wc -l <"$work/$i.log") + 1)); fi
  GANTRY__WORKERS__EMBEDDED=0 $gantry serve --urls http://127.0.0.1:0 --data "$work/data" --store "$store" --no-auth \
    >>"$work/$i.log" 2>&1 &
  pids[$i]=$!
  until tail -n "+$from" "$work/$i.log" | grep -q "Gantry is ready on" && tail -n "+$from" "$work/$i.log" | grep -q "waiting to lead"; do
    sleep 0.05
  done
}

leaders() { # how many "Leading" lines all logs hold
  cat "$work"/*.log | grep -c "Leading the dispatcher" || true
}

cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "postgresql://$(sed -E 's/.*Username=([^;]*).*/\1/' <<<"$server"):$(sed -E 's/.*Password=([^;]*).*/\1/' <<<"$server")@$(sed -E 's/.*Host=([^;]*).*/\1/' <<<"$server"):$(sed -E 's/.*Port=([^;]*).*/\1/' <<<"$server")/postgres" \
    -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  if [[ "${GANTRY_KEEP_LOGS:-}" == 1 ]]; then echo "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

for ((i = 0; i < instances; i++)); do start "$i"; done
until [[ "$(leaders)" -ge 1 ]]; do sleep 0.05; done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

times=()
for ((round = 1; round <= kills; round++)); do
  leader=""
  for ((i = 0; i < instances; i++)); do
    if [[ "$(grep -c "Leading the dispatcher" "$work/$i.log" || true)" -gt "$(grep -c "^#restarted" "$work/$i.log" || true)" ]]; then leader="$i"; fi
  done
  before="$(leaders)"
  t0="$(date +%s%N)"
  kill -9 "${pids[$leader]}"
  until [[ "$(leaders)" -gt "$before" ]]; do sleep 0.01; done
  t1="$(date +%s%N)"
  ms=$(((t1 - t0) / 1000000))
  times+=("$ms")
  echo "kill $round: instance $leader killed, another led after $ms ms"
  wait "${pids[$leader]}" 2>/dev/null || true
  echo "#restarted" >>"$work/$leader.log"
  start "$leader"
done

sorted=($(printf '%s\n' "${times[@]}" | sort -n))
n=${#sorted[@]}
if ((n % 2)); then median=${sorted[n / 2]}; else median=$(((sorted[n / 2 - 1] + sorted[n / 2]) / 2)); fi
echo "takeover over $n kills: median $median ms, worst ${sorted[n - 1]} ms, best ${sorted[0]} ms"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
