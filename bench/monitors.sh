#!/usr/bin/env bash
# Measures the monitoring targets: 10,000 HTTP monitors at a 30 s interval
# against loopback targets. Builds chief and the tools in bench/monitors/,
# starts the targets (own process), imports a catalog and the monitors into
# a fresh data folder, runs `chief serve` on 127.0.0.1:0, samples it over a
# steady window (checks per second, first checks, CPU, memory, start delay),
# stops it, measures storage growth from the run's real results, runs the
# condition benchmarks, measures what a bare HTTP client costs per request
# on this machine for comparison, and prints a summary. See
# bench/monitors/README.md.
#
#   bench/monitors.sh                          # about 7 minutes on 2 cores
#   MONITORS=1000 DURATION=40s bench/monitors.sh   # a quick smoke run
#   PROFILE=1 bench/monitors.sh                # also a 60 s CPU profile and a heap profile
#
# Settings (environment): MONITORS (10000), COMPONENTS (100), INTERVAL
# (30s), WARMUP before the steady window (35s), DURATION of the window
# (200s), CHECKS in flight (256), PORTS the targets listen on (4), DELAY of
# each target's answer (0s), RAW_RETENTION (48h), STORAGE=0 to skip the
# storage measurement, GOBENCH=0 to skip the condition benchmarks, FLOOR=0
# to skip the bare-client comparison, PROFILE=1 to run a chief with pprof
# and profile it, KEEP=1 to keep the temporary folder. Everything listens on
# 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

MONITORS=${MONITORS:-10000}
COMPONENTS=${COMPONENTS:-100}
INTERVAL=${INTERVAL:-30s}
WARMUP=${WARMUP:-35s}
DURATION=${DURATION:-200s}
CHECKS=${CHECKS:-256}
PORTS=${PORTS:-4}
DELAY=${DELAY:-0s}
RAW_RETENTION=${RAW_RETENTION:-48h}
STORAGE=${STORAGE:-1}
GOBENCH=${GOBENCH:-1}
FLOOR=${FLOOR:-1}
PROFILE=${PROFILE:-0}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/chief-monitors.XXXXXX")
SUMMARY="$WORK/summary.txt"
: >"$SUMMARY"
SERVER_PID=""
TARGETS_PID=""
PROFILER_PID=""

# shellcheck source=bench/lib.sh
. bench/lib.sh
cleanup() {
  local rc=$?
  stop_pid "$PROFILER_PID"
  stop_pid "$SERVER_PID"
  stop_pid "$TARGETS_PID"
  if [ "${KEEP:-0}" = 1 ]; then
    echo "Kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }
note() { printf '%s\n' "$*" | tee -a "$SUMMARY"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
secs() { # 200s or 3m20s -> seconds
  local d=$1
  awk -v d="$d" 'BEGIN { s = 0; n = ""; for (i = 1; i <= length(d); i++) { c = substr(d, i, 1);
    if (c ~ /[0-9.]/) n = n c; else if (c == "h") { s += n * 3600; n = "" } else if (c == "m") { s += n * 60; n = "" } else if (c == "s") { s += n; n = "" } }
    print s + n }'
}

# Fresh connections per check leave sockets in TIME_WAIT; give the
# processes as many descriptors as the hard limit allows (65536 at most).
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -gt 65536 ]; then hard=65536; fi
ulimit -n "$hard"

say "Machine"
{
  echo "date:      $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "cores:     $(nproc)"
  echo "cpu:       $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "memory:    $(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "go:        $(go version)"
  echo "limits:    open files $(ulimit -n); local ports $(tr '\t' '-' </proc/sys/net/ipv4/ip_local_port_range); tcp_tw_reuse $(cat /proc/sys/net/ipv4/tcp_tw_reuse)"
  echo "load avg:  $(loadavg) (1, 5, 15 min) at start"
  echo "settings:  MONITORS=$MONITORS COMPONENTS=$COMPONENTS INTERVAL=$INTERVAL WARMUP=$WARMUP DURATION=$DURATION CHECKS=$CHECKS PORTS=$PORTS DELAY=$DELAY RAW_RETENTION=$RAW_RETENTION PROFILE=$PROFILE"
} | tee -a "$SUMMARY"

say "Build"
if [ "$PROFILE" = 1 ]; then
  go build -o "$WORK/chief" ./bench/monitors/profiled
  note "chief:     built from bench/monitors/profiled (chief with pprof on a second loopback port); figures include profiling"
else
  go build -o "$WORK/chief" ./cmd/chief
fi
for tool in targets setup measure storage floor; do
  go build -o "$WORK/$tool" "./bench/monitors/$tool"
done
ls -l "$WORK"

say "Targets and input files"
"$WORK/targets" -ports "$PORTS" -delay "$DELAY" >"$WORK/targets.out" 2>"$WORK/targets.err" &
TARGETS_PID=$!
TARGETS=""
for _ in $(seq 1 100); do
  TARGETS=$(sed -n 's/^Targets listening on \(.*\)$/\1/p' "$WORK/targets.out")
  [ -n "$TARGETS" ] && break
  kill -0 "$TARGETS_PID" 2>/dev/null || { cat "$WORK/targets.err" >&2; exit 1; }
  sleep 0.05
done
[ -n "$TARGETS" ] || { echo "targets did not start" >&2; exit 1; }
echo "targets (pid $TARGETS_PID): $TARGETS"
curl -fsS "http://${TARGETS%%,*}/t/0" && echo
"$WORK/setup" -monitors "$MONITORS" -components "$COMPONENTS" -interval "$INTERVAL" -targets "$TARGETS" -out "$WORK/in"

say "Import"
DATA="$WORK/data"
t0=$(date +%s%N)
"$WORK/chief" import backstage "$WORK/in/catalog.yaml" --data "$DATA" | head -3
t1=$(date +%s%N)
"$WORK/chief" import monitors "$WORK/in/monitors.yaml" --data "$DATA" >"$WORK/import-monitors.out"
t2=$(date +%s%N)
head -1 "$WORK/import-monitors.out"
note "import:    catalog $(( (t1 - t0) / 1000000 )) ms; $MONITORS monitors $(( (t2 - t1) / 1000000 )) ms ($(head -1 "$WORK/import-monitors.out"))"
BEFORE_BYTES=$(stat -c %s "$DATA/chief.db")

say "Serve and measure (warm-up $WARMUP, window $DURATION)"
PPROF=""
"$WORK/chief" serve --addr 127.0.0.1:0 --data "$DATA" --checks "$CHECKS" --raw-retention "$RAW_RETENTION" \
  >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
SERVER_URL=""
for _ in $(seq 1 600); do
  SERVER_URL=$(sed -n 's/^Chief is listening on \(http:[^ ]*\).*/\1/p' "$WORK/serve.out")
  [ -n "$SERVER_URL" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.out" "$WORK/serve.err" >&2; echo "serve exited early" >&2; exit 1; }
  sleep 0.05
done
[ -n "$SERVER_URL" ] || { echo "serve did not start within 30 s" >&2; exit 1; }
case "$SERVER_URL" in
http://127.0.0.1:*) ;;
*) echo "refusing non-loopback server address $SERVER_URL" >&2; exit 1 ;;
esac
echo "chief serve (pid $SERVER_PID) at $SERVER_URL; $(grep -c . "$WORK/serve.out") line(s) on its standard output"
if [ "$PROFILE" = 1 ]; then
  PPROF=$(sed -n 's/^pprof on \(http:[^ ]*\)$/\1/p' "$WORK/serve.err" | head -1)
  echo "pprof at $PPROF"
  # A 60 s CPU profile from 30 s into the window, then a heap profile.
  (sleep $(( $(secs "$WARMUP") + 30 ))
    curl -fsS -o "$WORK/cpu.prof" "$PPROF/debug/pprof/profile?seconds=60"
    curl -fsS -o "$WORK/heap.prof" "$PPROF/debug/pprof/heap") &
  PROFILER_PID=$!
fi
"$WORK/measure" -pid "$SERVER_PID" -targets-pid "$TARGETS_PID" -url "$SERVER_URL" -db "$DATA/chief.db" -log "$WORK/serve.err" \
  -monitors "$MONITORS" -interval "$INTERVAL" -warmup "$WARMUP" -duration "$DURATION" -clk-tck "$(getconf CLK_TCK)" | tee "$WORK/measure.txt"
sed -n '/^| target/,/^$/p' "$WORK/measure.txt" | grep '^|' | grep -v -e '^| target' -e '^| ---' >"$WORK/table.txt"
grep '^RESULT' "$WORK/measure.txt" >>"$SUMMARY"

if [ "$PROFILE" = 1 ]; then
  wait "$PROFILER_PID" || true
  PROFILER_PID=""
fi
t0=$(date +%s%N)
stop_pid "$SERVER_PID"
SERVER_PID=""
note "shutdown:  $(( ($(date +%s%N) - t0) / 1000000 )) ms from SIGTERM to exit"
if [ "$FLOOR" = 1 ]; then
  say "A bare client's CPU per request at the same rate (Chief stopped; load avg $(loadavg))"
  rate=$(awk -v m="$MONITORS" -v i="$(secs "$INTERVAL")" 'BEGIN {print m / i}')
  for burst in 0 100ms; do
    "$WORK/floor" -targets "$TARGETS" -rate "$rate" -d 20s -conc "$CHECKS" -burst "$burst" -mode both | tee -a "$WORK/floor.txt"
  done
  sed 's/^/floor:     /' "$WORK/floor.txt" | cut -d';' -f1,3 >>"$SUMMARY"
fi
stop_pid "$TARGETS_PID"
TARGETS_PID=""
cat "$WORK/targets.out"
[ "$FLOOR" = 1 ] && echo "(the count includes the bare-client comparison's requests)"
if grep -E 'level=(WARN|ERROR)' "$WORK/serve.err" | head -5 | grep -q .; then
  echo "chief logged warnings or errors ($(grep -cE 'level=(WARN|ERROR)' "$WORK/serve.err") lines), the first:"
  grep -E 'level=(WARN|ERROR)' "$WORK/serve.err" | head -5
fi
note "database:  $(stat -c %s "$DATA/chief.db") bytes after the run ($BEFORE_BYTES before serve); $(sqlite3 "file:$DATA/chief.db?mode=ro" 'SELECT COUNT(*) FROM check_results' 2>/dev/null || echo '?') raw results, $(sqlite3 "file:$DATA/chief.db?mode=ro" 'SELECT COUNT(*) FROM monitor_events' 2>/dev/null || echo '?') monitor events"

if [ "$PROFILE" = 1 ] && [ -s "$WORK/cpu.prof" ]; then
  say "CPU profile (60 s of the window)"
  go tool pprof -top -nodecount 40 "$WORK/chief" "$WORK/cpu.prof" 2>/dev/null | tee "$WORK/cpu-top.txt" | head -50
  say "CPU profile, cumulative"
  go tool pprof -top -cum -nodecount 50 "$WORK/chief" "$WORK/cpu.prof" 2>/dev/null | head -60
  say "Heap profile (in use)"
  go tool pprof -top -sample_index=inuse_space -nodecount 25 "$WORK/chief" "$WORK/heap.prof" 2>/dev/null | head -35
fi

if [ "$STORAGE" = 1 ]; then
  say "Storage"
  "$WORK/storage" -chief "$WORK/chief" -run-db "$DATA/chief.db" -work "$WORK/storage-db" -interval "$INTERVAL" \
    -raw-retention "$RAW_RETENTION" -before-bytes "$BEFORE_BYTES" | tee "$WORK/storage.txt"
  sed -n '/^| target/,/^$/p' "$WORK/storage.txt" | grep '^| storage' >>"$WORK/table.txt" || true
  grep '^RESULT' "$WORK/storage.txt" >>"$SUMMARY"
  rm -rf "$WORK/storage-db"
fi

if [ "$GOBENCH" = 1 ]; then
  say "Condition benchmarks"
  go test -run '^$' -bench . -benchtime 1s ./internal/reliability/condition/ | tee "$WORK/gobench.txt"
  status=$(awk '$1 ~ /^BenchmarkEvalStatus/ {print $3}' "$WORK/gobench.txt")
  body=$(awk '$1 ~ /^BenchmarkEvalBodyStatus/ {print $3}' "$WORK/gobench.txt")
  ok() { awk -v v="$1" -v t="$2" 'BEGIN { if (v != "" && v + 0 < t) print "yes"; else print "**no**" }'; }
  echo "| status condition \`[STATUS] == 200\` < 1 µs | ${status:-?} ns/op | $(ok "$status" 1000) |" >>"$WORK/table.txt"
  echo "| JSON body condition \`[BODY].status == UP\` < 5 µs | ${body:-?} ns/op (~200-byte body) | $(ok "$body" 5000) |" >>"$WORK/table.txt"
  grep '^Benchmark' "$WORK/gobench.txt" | awk '{printf "go bench %s: %s ns/op %s %s %s %s\n", $1, $3, $5, $6, $7, $8}' >>"$SUMMARY"
fi

echo "load avg:  $(loadavg) at the end" >>"$SUMMARY"
say "Summary"
cat "$SUMMARY"
echo
echo "| target | measured | met? |"
echo "| --- | --- | --- |"
cat "$WORK/table.txt"
