#!/usr/bin/env bash
# The project's entry points. `./build.sh test` is the command the README and CI run.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

usage() {
  cat <<USAGE
usage: ./build.sh <command>
  test    build the solution (warnings are errors) and run every test
USAGE
}

case "${1:-}" in
  test)
    dotnet build FastCgi.Aot.sln -c Release
    # The library must also build for .NET 10 (see Directory.Build.props).
    dotnet build src/FastCgi.Aot/FastCgi.Aot.csproj -c Release -p:FcgiTargetFramework=net10.0
    dotnet test FastCgi.Aot.sln -c Release --no-build --logger "console;verbosity=normal"
    ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
