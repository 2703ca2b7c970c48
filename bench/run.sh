#!/usr/bin/env bash
# Measures the performance targets of Chief's foundation issue end to end:
# build, generate a 50,000-entity Backstage catalog, import it (3 fresh runs
# and a re-import), serve it and load the catalog API and pages with 50
# clients, then measure binary size, idle and loaded memory and start-up time
# of the demo server. Prints a summary at the end. See bench/README.md.
#
#   bench/run.sh                   # everything, about 5 minutes on 2 cores
#   N=5000 DURATION=5s bench/run.sh  # a quick smoke run
#
# Settings (environment): N entities (50000), RUNS imports (3), CONC clients
# (50), DURATION of each load (20s), WARMUP before each load (2s),
# STARTUP_RUNS (5), GOBENCH=0 to skip the Go benchmark, KEEP=1 to keep the
# temporary folder. Every server it starts listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-50000}
RUNS=${RUNS:-3}
CONC=${CONC:-50}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-2s}
STARTUP_RUNS=${STARTUP_RUNS:-5}
GOBENCH=${GOBENCH:-1}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/chief-bench.XXXXXX")
SERVER_PID=""
SUMMARY="$WORK/summary.txt"
: >"$SUMMARY"

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      kill -TERM "$SERVER_PID" 2>/dev/null || true
      for _ in $(seq 1 150); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
      done
      if kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL "$SERVER_PID" 2>/dev/null || true; fi
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
cleanup() {
  local rc=$?
  stop_server
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
now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# start_server LOG ARGS...: starts chief serve in the background and sets
# SERVER_PID and SERVER_URL once it prints its address.
start_server() {
  local log=$1
  shift
  "$WORK/chief" serve --addr 127.0.0.1:0 "$@" >"$log.out" 2>"$log.err" &
  SERVER_PID=$!
  SERVER_URL=""
  for _ in $(seq 1 600); do
    SERVER_URL=$(sed -n 's/^Chief is listening on \(http:[^ ]*\).*/\1/p' "$log.out")
    [ -n "$SERVER_URL" ] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      cat "$log.out" "$log.err" >&2
      echo "server exited early" >&2
      return 1
    fi
    sleep 0.05
  done
  if [ -z "$SERVER_URL" ]; then
    echo "server did not start within 30 s" >&2
    return 1
  fi
  case "$SERVER_URL" in
  http://127.0.0.1:*) ;;
  *) echo "refusing non-loopback server address $SERVER_URL" >&2; return 1 ;;
  esac
}

say "Machine"
{
  echo "date:      $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cores:     $(nproc)"
  echo "cpu:       $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "memory:    $(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "go:        $(go version)"
  echo "load avg:  $(loadavg) (1, 5, 15 min) at start"
} | tee -a "$SUMMARY"

say "Build"
go build -o "$WORK/chief" ./cmd/chief
go build -ldflags="-s -w" -o "$WORK/chief-stripped" ./cmd/chief
go build -o "$WORK/gen" ./bench/gen
go build -o "$WORK/load" ./bench/load
size=$(stat -c %s "$WORK/chief")
size_s=$(stat -c %s "$WORK/chief-stripped")
ls -l "$WORK/chief" "$WORK/chief-stripped"
note "binary: $size bytes ($(awk -v b="$size" 'BEGIN {printf "%.1f MiB", b/1048576}')); with -ldflags=\"-s -w\": $size_s bytes ($(awk -v b="$size_s" 'BEGIN {printf "%.1f MiB", b/1048576}')); target <= 40 MB"

say "Generate $N entities"
"$WORK/gen" -n "$N" -out "$WORK/catalog"
du -sh "$WORK/catalog"

say "Import ($RUNS runs on fresh data folders)"
times=()
for i in $(seq 1 "$RUNS"); do
  t0=$(now_ns)
  "$WORK/chief" import backstage "$WORK/catalog/catalog-info.yaml" --data "$WORK/data-$i" >"$WORK/import-$i.out" 2>"$WORK/import-$i.err"
  ms=$(ms_since "$t0")
  times+=("$ms")
  echo "run $i: ${ms} ms (load avg $(loadavg)): $(head -1 "$WORK/import-$i.out")"
  if grep -q '^Skipped' "$WORK/import-$i.out"; then
    echo "import reported problems:" >&2
    head -20 "$WORK/import-$i.out" >&2
    exit 1
  fi
  # Keep the first data folder for the server; the others only cost disk.
  if [ "$i" -gt 1 ]; then rm -rf "$WORK/data-$i"; fi
done
med=$(printf '%s\n' "${times[@]}" | median)
note "import of $N entities: runs ${times[*]} ms; median $med ms; target <= 10000 ms"
t0=$(now_ns)
"$WORK/chief" import backstage "$WORK/catalog/catalog-info.yaml" --data "$WORK/data-1" >"$WORK/reimport.out" 2>"$WORK/reimport.err"
ms=$(ms_since "$t0")
echo "re-import: ${ms} ms: $(head -1 "$WORK/reimport.out")"
note "re-import (no changes): $ms ms ($(head -1 "$WORK/reimport.out"))"
note "database size after import: $(du -sh "$WORK/data-1" | cut -f1)"

if [ "$GOBENCH" = 1 ]; then
  say "Go benchmark (5,000 entities)"
  go test -run '^$' -bench Import -benchtime 1x ./internal/catalog/ | tee "$WORK/gobench.txt"
  grep '^BenchmarkImport' "$WORK/gobench.txt" | awk '{printf "go bench %s: %.0f ms (%s %s)\n", $1, $3/1e6, $5, $6}' | tee -a "$SUMMARY"
fi

say "Catalog list at $N entities: $CONC clients, $DURATION each (after $WARMUP warm-up)"
echo 'bench-password-123' | "$WORK/chief" user add bench@example.com --role admin --password-stdin --data "$WORK/data-1" >/dev/null
TOKEN=$("$WORK/chief" token create --user bench@example.com --name bench --scope read --data "$WORK/data-1" 2>/dev/null)
start_server "$WORK/server50k" --data "$WORK/data-1"
echo "server $SERVER_URL (pid $SERVER_PID), RSS $(rss_kb "$SERVER_PID") kB"
export CHIEF_BENCH_PASSWORD='bench-password-123'
loadrun() { # NAME AUTH-ARGS... -- PATH
  local name=$1
  shift
  echo "-- $name (load avg before $(loadavg))"
  "$WORK/load" -url "$SERVER_URL" -c "$CONC" -d "$DURATION" -warmup "$WARMUP" -name "$name" "$@" | tee "$WORK/load-$name.txt"
  grep '^RESULT' "$WORK/load-$name.txt" | sed 's/^RESULT /load: /' >>"$SUMMARY"
}
loadrun api-filtered -token "$TOKEN" -paths '/api/v1/entities?kind=component&lifecycle=production&limit=50'
loadrun page-filtered -email bench@example.com -paths '/catalog?kind=component&lifecycle=production'
loadrun page-unfiltered -email bench@example.com -paths '/catalog'
loadrun page-search -email bench@example.com -paths '/catalog?q=ledger'
loadrun api-unfiltered -token "$TOKEN" -paths '/api/v1/entities?limit=50'
loadrun api-search -token "$TOKEN" -paths '/api/v1/entities?q=ledger&limit=50'
note "server with $N entities: RSS after the loads $(rss_kb "$SERVER_PID") kB"
stop_server

say "Demo server: memory"
start_server "$WORK/demo" --demo
read -r DEMO_EMAIL DEMO_PASSWORD < <(sed -n 's/^Sign in as \([^ ]*\) with password \([^ ]*\).*/\1 \2/p' "$WORK/demo.out")
sleep 5
idle=$(rss_kb "$SERVER_PID")
echo "idle RSS after 5 s: $idle kB"
sleep 25
idle30=$(rss_kb "$SERVER_PID")
echo "idle RSS after 30 s: $idle30 kB"
CHIEF_BENCH_PASSWORD="$DEMO_PASSWORD" "$WORK/load" -url "$SERVER_URL" -email "$DEMO_EMAIL" -c 10 -d 30s -n 400 -name demo-pages \
  -paths '/,/catalog,/catalog?kind=component,/catalog?q=order,/teams,/readyz,/catalog/component/default/storefront-web' | tee "$WORK/load-demo.txt"
loaded=$(rss_kb "$SERVER_PID")
echo "RSS after the load: $loaded kB"
note "demo server RSS: idle after 5 s $idle kB ($(awk -v k="$idle" 'BEGIN {printf "%.1f MiB", k/1024}')); idle after 30 s $idle30 kB; after $(sed -n 's/^RESULT .* count=\([0-9]*\).*/\1/p' "$WORK/load-demo.txt") requests $loaded kB ($(awk -v k="$loaded" 'BEGIN {printf "%.1f MiB", k/1024}')); target <= 60 MB"
stop_server

say "Demo server: start-up ($STARTUP_RUNS runs)"
"$WORK/load" -startup -runs "$STARTUP_RUNS" -- "$WORK/chief" serve --demo --addr '{addr}' | tee "$WORK/startup.txt"
grep '^RESULT' "$WORK/startup.txt" | sed 's/^RESULT /start-up to first 200 from \/readyz: /; s/$/; target <= 300 ms/' >>"$SUMMARY"

echo "load avg:  $(loadavg) at the end" >>"$SUMMARY"
say "Summary"
cat "$SUMMARY"
