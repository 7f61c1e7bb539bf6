#!/usr/bin/env bash
# Memory over time: publishes samples/HelloFcgi as NativeAOT, serves it on a Unix socket, and
# drives it directly over FastCGI with the soak driver (Program.cs) for a set time, sampling
# the server's VmRSS and status page. Exits non-zero on any error or mismatched answer.
#
#   benchmarks/soak/run.sh                                 # 600 s, 16 workers
#   benchmarks/soak/run.sh 120 8                           # 120 s, 8 workers
#   benchmarks/soak/run.sh 600 16 --max-pooled-buffer-bytes 0   # then options for the server
#
# Settings (environment): SAMPLE=30 (s between samples) MAX_BODY=1000000 (largest echoed body,
# bytes) IDLE=65 (s to wait after the run for a last sample: what an idle server lets go of)
# SEED=1 BUILD_DIR=dir (publish there and reuse it on the next run; default: a temp dir)
# OUT=file (also write the driver's output there)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"

seconds="${1:-600}"
workers="${2:-16}"
shift $(( $# > 2 ? 2 : $# ))
sample="${SAMPLE:-30}"
max_body="${MAX_BODY:-1000000}"
seed="${SEED:-1}"
idle="${IDLE:-65}"

work="$(mktemp -d /tmp/fcgi-soak.XXXXXX)"
build="${BUILD_DIR:-$work/build}"
socket="$work/app.sock"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [[ ! -x "$build/app/HelloFcgi" ]]; then
  echo "publishing samples/HelloFcgi (NativeAOT) to $build/app"
  dotnet publish samples/HelloFcgi -c Release -r linux-x64 -o "$build/app" -nologo -v quiet >"$work/publish.log" 2>&1 \
    || { cat "$work/publish.log"; exit 1; }
fi
if [[ ! -f "$build/driver/FastCgi.Aot.Soak.dll" ]]; then
  dotnet build benchmarks/soak -c Release -o "$build/driver" -nologo -v quiet >"$work/driver.log" 2>&1 \
    || { cat "$work/driver.log"; exit 1; }
fi

# A request timeout far above the slowest request (2 s), so that nothing here times out.
"$build/app/HelloFcgi" --socket "$socket" --status-path /status "$@" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do [[ -S "$socket" ]] && break; sleep 0.1; done
[[ -S "$socket" ]] || { echo "the server did not start:"; cat "$work/server.log"; exit 1; }

status=0
dotnet "$build/driver/FastCgi.Aot.Soak.dll" --socket "$socket" --pid "$server_pid" --seconds "$seconds" \
  --workers "$workers" --sample "$sample" --max-body "$max_body" --idle "$idle" --seed "$seed" | tee "${OUT:-/dev/null}" || status=$?

if [[ -s "$work/server.log" ]]; then
  echo
  echo "server log ($(wc -l <"$work/server.log") lines; the first 20):"
  head -20 "$work/server.log"
fi
exit "$status"
