#!/usr/bin/env bash
# Publishes samples/HelloFcgi (NativeAOT) and prints the three figures the README quotes:
# the executable's size, its resident memory when idle after the first request, and the time
# from exec to the first answered request (RUNS starts, default 20; min / median / max).
# The probe is libfcgi's cgi-fcgi (libfcgi-bin), retried until it gets
# "Hello, World!", so the time includes creating the socket and one full request.
# EXE=path/to/HelloFcgi skips the publish and measures that executable. RID=linux-arm64
# cross-compiles for arm64 and runs the executable under qemu-aarch64: the figures are then those
# of the emulated process (qemu's own memory included), not of a real arm64 host. Installs with
# apt-get what it lacks: libfcgi-bin, and for the publish gcc and libc6-dev (for arm64: the cross
# toolchain the package's build targets name, and qemu-user).
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${RUNS:-20}"
rid="${RID:-linux-x64}"
need=()
installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }
command -v cgi-fcgi >/dev/null 2>&1 || need+=(libfcgi-bin)
if [ -z "${EXE:-}" ]; then
  # The NativeAOT publish links with gcc; the static executable needs libc's static archives.
  command -v gcc >/dev/null 2>&1 || need+=(gcc)
  installed libc6-dev || need+=(libc6-dev)
  if [ "$rid" = linux-arm64 ]; then
    for p in clang binutils-aarch64-linux-gnu libc6-dev-arm64-cross libgcc-12-dev-arm64-cross; do installed "$p" || need+=("$p"); done
  fi
fi
run=()
if [ "$rid" = linux-arm64 ]; then
  command -v qemu-aarch64 >/dev/null 2>&1 || need+=(qemu-user)
  run=(qemu-aarch64)
fi
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing ${need[*]}..." >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi
work="$(mktemp -d /tmp/measure-sample.XXXXXX)"
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

exe="${EXE:-}"
if [ -z "$exe" ]; then
  echo "publishing samples/HelloFcgi (NativeAOT, $rid)..." >&2
  dotnet publish samples/HelloFcgi -r "$rid" -o "$work/bin" -nologo -v quiet >&2
  exe="$work/bin/HelloFcgi"
fi

sock="$work/hello.sock"
starts=()
rss=()
for _ in $(seq "$runs"); do
  t0=$(date +%s%N)
  "${run[@]}" "$exe" --socket "$sock" 2>/dev/null &
  app_pid=$!
  until env -i REQUEST_METHOD=GET REQUEST_URI=/hello cgi-fcgi -bind -connect "$sock" 2>/dev/null | grep -q 'Hello, World!'; do
    kill -0 "$app_pid" 2>/dev/null || { echo "the executable exited before answering" >&2; exit 1; }
  done
  t1=$(date +%s%N)
  starts+=($(( (t1 - t0) / 1000 )))
  sleep 0.3
  rss+=($(awk '/^VmRSS:/ {print $2}' "/proc/$app_pid/status"))
  kill -TERM "$app_pid"
  wait "$app_pid" || true
  app_pid=""
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
min() { printf '%s\n' "$@" | sort -n | head -1; }
max() { printf '%s\n' "$@" | sort -n | tail -1; }
ms() { awk -v us="$1" 'BEGIN {printf "%.1f", us/1000}'; }

size=$(stat -c %s "$exe")
printf 'executable size:            %d bytes (%.2f MiB)\n' "$size" "$(awk -v s="$size" 'BEGIN {print s/1048576}')"
printf 'idle RSS after 1st request: %s KiB median (min %s, max %s) over %d runs\n' "$(median "${rss[@]}")" "$(min "${rss[@]}")" "$(max "${rss[@]}")" "$runs"
printf 'exec to first answer:       %s ms median (min %s, max %s) over %d runs, probe cgi-fcgi\n' \
  "$(ms "$(median "${starts[@]}")")" "$(ms "$(min "${starts[@]}")")" "$(ms "$(max "${starts[@]}")")" "$runs"
