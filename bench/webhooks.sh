#!/usr/bin/env bash
# Measures webhook ingestion: signed GitHub deliveries per second that
# `chief serve` stores and acknowledges, each durable when acknowledged.
# Builds chief and bench/webhooks, makes a fresh SQLite data folder with an
# admin and an API token (chief user add, chief token create), starts
# `chief serve` on 127.0.0.1, creates through the API a component that
# declares the repository bench/repo and a GitHub source, then posts
# deliveries from CLIENTS concurrent clients for DURATION: 60 % pushes of 1
# to 3 chained commits, 20 % successful production deployment_status
# events of the latest acknowledged push, 10 % merged pull requests, 10 %
# workflow_run events (answered, not read). When the run ends chief is
# killed with SIGKILL, deliveries still in flight, and the database is
# checked for every acknowledged delivery.
#
#   bench/webhooks.sh                      # 64 clients for 60 s
#   CLIENTS=16 DURATION=10s bench/webhooks.sh
#   REPOS=100 bench/webhooks.sh            # spread over 100 repositories and components
#   KEEP=1 bench/webhooks.sh               # keep the folder (logs, data, acks)
#   PROFILE=1 bench/webhooks.sh            # chief with pprof (bench/monitors/profiled): CPU profile of the run
#
# Everything listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-64}
DURATION=${DURATION:-60s}
REPOS=${REPOS:-1}
PROFILE=${PROFILE:-0}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/chief-webhooks.XXXXXX")
SERVER_PID=""
PROFILER_PID=""
# shellcheck source=bench/lib.sh
. bench/lib.sh
cleanup() {
  local rc=$?
  stop_pid "$PROFILER_PID"
  stop_pid "$SERVER_PID"
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
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

say "Machine"
echo "date:      $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "cores:     $(nproc)"
echo "cpu:       $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "memory:    $(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "go:        $(go version)"
echo "load avg:  $(loadavg) (1, 5, 15 min) at start"
echo "settings:  CLIENTS=$CLIENTS DURATION=$DURATION REPOS=$REPOS PROFILE=$PROFILE"

say "Build"
if [ "$PROFILE" = 1 ]; then
  go build -o "$WORK/chief" ./bench/monitors/profiled
  echo "chief:     built from bench/monitors/profiled (chief with pprof on a second loopback port); figures include profiling"
else
  go build -o "$WORK/chief" ./cmd/chief
fi
go build -o "$WORK/webhooks" ./bench/webhooks
ls -l "$WORK/chief" "$WORK/webhooks"

say "Admin and token"
DATA="$WORK/data"
echo "bench-password-$$-$RANDOM" | "$WORK/chief" user add admin@example.com --role admin --password-stdin --data "$DATA"
TOKEN=$("$WORK/chief" token create --user admin@example.com --name webhooks-bench --scope write --data "$DATA")

say "Serve"
: >"$WORK/serve.out"
"$WORK/chief" serve --addr 127.0.0.1:0 --data "$DATA" >>"$WORK/serve.out" 2>"$WORK/serve.err" &
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
echo "chief serve (pid $SERVER_PID) at $SERVER_URL"
SECRET=$("$WORK/webhooks" setup -url "$SERVER_URL" -token "$TOKEN" -source bench-github -repo bench/repo -component bench-repo -repos "$REPOS")
if [ "$REPOS" = 1 ]; then
  echo "component component:default/bench-repo (github.com/project-slug: bench/repo) and source bench-github created"
else
  echo "$REPOS components component:default/bench-repo-NNN (github.com/project-slug: bench/repo-NNN) and source bench-github created"
fi
if [ "$PROFILE" = 1 ]; then
  PPROF=$(sed -n 's/^pprof on \(http:[^ ]*\)$/\1/p' "$WORK/serve.err" | head -1)
  secs=$(awk -v d="$DURATION" 'BEGIN { sub(/s$/, "", d); print int(d) }')
  echo "pprof at $PPROF; CPU profile of the whole run ($secs s)"
  curl -fsS -o "$WORK/cpu.prof" "$PPROF/debug/pprof/profile?seconds=$((secs - 1))" &
  PROFILER_PID=$!
fi

say "Load: $CLIENTS clients for $DURATION, then SIGKILL (load avg $(loadavg))"
CHIEF_BENCH_SECRET="$SECRET" "$WORK/webhooks" load -url "$SERVER_URL" -source bench-github -c "$CLIENTS" -d "$DURATION" -repos "$REPOS" \
  -pid "$SERVER_PID" -kill -clk-tck "$(getconf CLK_TCK)" -acks "$WORK/acks.tsv" | tee "$WORK/load.txt"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
echo "load avg:  $(loadavg) at the end of the run"
if [ "$PROFILE" = 1 ]; then
  wait "$PROFILER_PID" || echo "the profile did not finish before the kill"
  PROFILER_PID=""
  if [ -s "$WORK/cpu.prof" ]; then
    say "CPU profile"
    go tool pprof -top -nodecount 35 "$WORK/chief" "$WORK/cpu.prof" 2>/dev/null | head -45
    say "CPU profile, cumulative"
    go tool pprof -top -cum -nodecount 45 "$WORK/chief" "$WORK/cpu.prof" 2>/dev/null | head -55
  fi
fi
if grep -E 'level=(WARN|ERROR)' "$WORK/serve.err" | head -5 | grep -q .; then
  echo "chief logged warnings or errors ($(grep -cE 'level=(WARN|ERROR)' "$WORK/serve.err") lines), the first:"
  grep -E 'level=(WARN|ERROR)' "$WORK/serve.err" | head -5
fi

say "Durability after SIGKILL"
ls -l "$DATA"
status=0
"$WORK/webhooks" verify -db "$DATA/chief.db" -source bench-github -component component:default/bench-repo -acks "$WORK/acks.tsv" |
  tee "$WORK/verify.txt" || status=$?

say "Summary"
grep '^RESULT' "$WORK/load.txt" "$WORK/verify.txt" | sed 's/^[^:]*://'
rate=$(sed -n 's/^RESULT events_per_s=\([0-9.]*\).*/\1/p' "$WORK/load.txt")
awk -v r="$rate" 'BEGIN { printf "target >= 2000 events/s acknowledged: %s (%s events/s)\n", (r + 0 >= 2000 ? "met" : "NOT met"), r }'
if [ "$status" = 0 ]; then
  echo "durability: every acknowledged delivery was on disk after SIGKILL"
else
  echo "durability: FAILED (see above)"
fi
exit "$status"
