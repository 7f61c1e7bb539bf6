#!/usr/bin/env bash
# The project's entry points. `./build.sh test` is the command the README and CI run.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

usage() {
  cat <<USAGE
usage: ./build.sh <command>
  run     publish samples/HelloFcgi (NativeAOT) and serve it behind nginx on 127.0.0.1:8080
  test    build the solution (warnings are errors) and run every test
USAGE
}

case "${1:-}" in
  run)
    exec ./scripts/run-sample.sh
    ;;
  test)
    dotnet build FastCgi.Aot.sln -c Release
    log="$(mktemp)"
    status=0
    dotnet test FastCgi.Aot.sln -c Release --no-build --logger "console;verbosity=minimal" 2>&1 | tee "$log" || status=$?
    # One closing line for the whole run, summed over the test projects.
    awk '/^(Passed|Failed)!/ {
           for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Passed:") p += $(i+1); if ($i == "Failed:") f += $(i+1); if ($i == "Skipped:") s += $(i+1) }
         }
         END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
    rm -f "$log"
    exit "$status"
    ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
