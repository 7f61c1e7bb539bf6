#!/usr/bin/env bash
# End-to-end load benchmark: FastCgi.Aot's sample against the other FastCGI stacks, in one run.
#
#   benchmarks/load/run.sh            # installs what it lacks, builds, runs, prints the table
#
# Every contender sits behind the same nginx (one worker, Unix socket upstream, upstream
# keepalive, fastcgi_keep_conn on) and is loaded by wrk on loopback. Contenders run in turn,
# interleaved over ROUNDS rounds, so noise from other work on the machine spreads over all of
# them; the report takes the median of the rounds and the ratios to the best peer.
#
# Settings (environment): ROUNDS=3 DURATION=10 (s) CONNECTIONS=32 WRK_THREADS=2 WARMUP=2 (s)
# MEM_CONNECTIONS=256 MEM_DURATION=3 (s) PORT=8089 CONTENDERS="ceiling fastcgi-aot go libfcgi
# php-fpm kestrel" OUT=benchmarks/load/results/latest.json
# One more contender may be named in CONTENDERS: fastcgi-aot-sockets, the same executable with
# --io-engine sockets (System.Net.Sockets instead of the server's epoll loop).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"
here="$repo/benchmarks/load"

rounds="${ROUNDS:-3}"
duration="${DURATION:-10}"
connections="${CONNECTIONS:-32}"
wrk_threads="${WRK_THREADS:-2}"
warmup="${WARMUP:-2}"
mem_connections="${MEM_CONNECTIONS:-256}"
mem_duration="${MEM_DURATION:-3}"
port="${PORT:-8089}"
contenders="${CONTENDERS:-ceiling fastcgi-aot go libfcgi php-fpm kestrel}"
out="${OUT:-$here/results/latest.json}"
php_children="${PHP_CHILDREN:-32}"
libfcgi_threads="${LIBFCGI_THREADS:-64}"

# Idle upstream connections nginx keeps: enough for the memory run too, so that its 256
# connections stay open (are really concurrent) instead of being opened and closed per request.
keepalive=$(( connections > mem_connections ? connections : mem_connections ))

work="$(mktemp -d /tmp/fcgi-load.XXXXXX)"
running=()
cleanup() {
  for pid in "${running[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 0.2
  for pid in "${running[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
log() { printf '%s\n' "$*" >&2; }

# --- tools ----------------------------------------------------------------------------------
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v go >/dev/null 2>&1 || need+=(golang-go)
[ -f /usr/include/fcgiapp.h ] || need+=(libfcgi-dev)
ls /usr/sbin/php-fpm* >/dev/null 2>&1 || need+=(php-fpm)
# gcc builds the C contenders and links the NativeAOT executables, whose static link (the
# sample's) needs libc's static archives (libc6-dev).
command -v gcc >/dev/null 2>&1 || need+=(gcc)
[ "$(dpkg-query -W -f='${db:Status-Status}' libc6-dev 2>/dev/null)" = installed ] || need+=(libc6-dev)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ "${#need[@]}" -gt 0 ]; then
  log "installing ${need[*]}..."
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
php_fpm_bin="$(ls /usr/sbin/php-fpm* | head -1)"

# --- builds (products in the temp dir) ------------------------------------------------------
bin="$work/bin"
mkdir -p "$bin"
log "building: startwait, libfcgi (gcc), go (net/http/fcgi)..."
gcc -O2 -o "$bin/startwait" "$here/tools/startwait.c"
gcc -O2 -o "$bin/hello-libfcgi" "$here/contenders/c/hello.c" -lfcgi -lpthread
cp -r "$here/contenders/go" "$work/go-src"
(cd "$work/go-src" && GOFLAGS=-mod=mod GOPROXY=off GOCACHE="$work/go-cache" CGO_ENABLED=0 go build -trimpath -o "$bin/hello-go" .)
log "building: FastCgi.Aot sample (NativeAOT)..."
dotnet publish "$repo/samples/HelloFcgi" -r linux-x64 -o "$bin/fastcgi-aot" -nologo -v quiet
log "building: Kestrel minimal API (NativeAOT)..."
# Built from a copy outside the repository so that the repository's build settings do not apply.
cp -r "$here/contenders/kestrel" "$work/kestrel-src"
dotnet publish "$work/kestrel-src" -r linux-x64 -o "$bin/kestrel" -nologo -v quiet
cp "$here/contenders/php/hello.php" "$work/hello.php"

exe_for() {
  case "$1" in
    ceiling) echo "$nginx_bin" ;;
    fastcgi-aot|fastcgi-aot-sockets) echo "$bin/fastcgi-aot/HelloFcgi" ;;
    go) echo "$bin/hello-go" ;;
    libfcgi) echo "$bin/hello-libfcgi" ;;
    php-fpm) echo "$php_fpm_bin" ;;
    kestrel) echo "$bin/kestrel/KestrelHello" ;;
  esac
}

# --- nginx and the contenders ---------------------------------------------------------------
sock="$work/app.sock"
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"

write_nginx_conf() {  # $1 = contender
  local location
  case "$1" in
    ceiling) location='return 200 "Hello, World!";' ;;
    kestrel) location='proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";' ;;
    *) location="include /etc/nginx/fastcgi_params; fastcgi_param SCRIPT_FILENAME $work/hello.php; fastcgi_keep_conn on; fastcgi_pass app;" ;;
  esac
  mkdir -p "$work/nginx"
  cat > "$work/nginx.conf" <<CONF
$user_line
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  fastcgi_temp_path $work/nginx/fastcgi;
  proxy_temp_path $work/nginx/proxy;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream app {
    server unix:$sock;
    keepalive $keepalive;
  }
  server {
    listen 127.0.0.1:$port;
    default_type text/plain;
    location / { $location }
  }
}
CONF
}

write_php_conf() {
  cat > "$work/php-fpm.conf" <<CONF
[global]
pid = $work/php-fpm.pid
error_log = $work/php-fpm.log
daemonize = no
[hello]
user = $(id -un)
group = $(id -gn)
listen = $sock
listen.mode = 0666
listen.backlog = 1024
pm = static
pm.max_children = $php_children
CONF
}

app_command() {  # $1 = contender; prints the command, one word a line
  case "$1" in
    fastcgi-aot) printf '%s\n' "$bin/fastcgi-aot/HelloFcgi" --socket "$sock" ;;
    fastcgi-aot-sockets) printf '%s\n' "$bin/fastcgi-aot/HelloFcgi" --socket "$sock" --io-engine sockets ;;
    go) printf '%s\n' "$bin/hello-go" "$sock" ;;
    libfcgi) printf '%s\n' "$bin/hello-libfcgi" "$sock" "$libfcgi_threads" ;;
    php-fpm) printf '%s\n' "$php_fpm_bin" --nodaemonize --allow-to-run-as-root --fpm-config "$work/php-fpm.conf" ;;
    kestrel) printf '%s\n' "$bin/kestrel/KestrelHello" "$sock" ;;
  esac
}

tree_pids() {  # $1 = root pid; the root and all its descendants
  local pids=("$1") i=0
  while [ "$i" -lt "${#pids[@]}" ]; do
    local children
    children="$(cat /proc/"${pids[$i]}"/task/*/children 2>/dev/null || true)"
    for c in $children; do pids+=("$c"); done
    i=$((i + 1))
  done
  echo "${pids[@]}"
}

tree_cpu_ticks() {  # utime+stime of the tree, plus children it already reaped
  local total=0
  for p in $(tree_pids "$1"); do
    local stat
    stat="$(cat /proc/"$p"/stat 2>/dev/null)" || continue
    stat="${stat##*) }"
    read -r -a f <<<"$stat"
    # after "pid (comm) ": f[0] is state (field 3); utime..cstime are fields 14..17.
    total=$((total + f[11] + f[12] + f[13] + f[14]))
  done
  echo "$total"
}

tree_kib() {  # $1 = root pid, $2 = VmRSS | VmHWM; summed over the tree
  local total=0
  for p in $(tree_pids "$1"); do
    local v
    v="$(awk -v k="$2:" '$1 == k { print $2 }' /proc/"$p"/status 2>/dev/null || true)"
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

stop_pid() {
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null || true
}

to_us() {  # wrk latency like 812.00us, 1.20ms, 2.01s -> microseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) m = 1; else if (v ~ /ms$/) m = 1000; else if (v ~ /s$/) m = 1000000; else m = 1; printf "%.1f", n * m }'
}

wrk_errors() {  # non-2xx plus socket errors in a wrk output file
  awk '/Non-2xx or 3xx responses:/ { e += $NF }
       /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) e += $i + 0 }
       END { print e + 0 }' "$1"
}

clk_tck="$(getconf CLK_TCK)"
results="$work/rounds.jsonl"
: > "$results"
url="http://127.0.0.1:$port/hello"

run_one() {  # $1 = contender, $2 = round
  local name="$1" round="$2" app_pid="" nginx_pid start_us startline
  rm -f "$sock"
  write_nginx_conf "$name"
  if [ "$name" = ceiling ]; then
    startline="$("$bin/startwait" "$port" /hello "$work/nginx/stderr.log" -- "$nginx_bin" -c "$work/nginx.conf")"
    nginx_pid="${startline% *}"
    running+=("$nginx_pid")
  else
    "$nginx_bin" -c "$work/nginx.conf" &
    nginx_pid=$!
    running+=("$nginx_pid")
    [ "$name" = php-fpm ] && write_php_conf
    mapfile -t cmd < <(app_command "$name")
    sleep 0.2
    startline="$("$bin/startwait" "$port" /hello "$work/$name.log" -- "${cmd[@]}")"
    app_pid="${startline% *}"
    running+=("$app_pid")
  fi
  start_us="${startline#* }"

  # The answer must be right before any load.
  local check status body
  check="$(curl -s -o "$work/body" -w '%{http_code}' "$url" || true)"
  body="$(cat "$work/body" 2>/dev/null || true)"
  status=ok
  if [ "$check" != 200 ] || [ "$body" != "Hello, World!" ] || [ "$start_us" = -1 ]; then
    status="failed: start ${start_us} us, GET /hello gave $check '${body:0:60}'"
    log "  $name: $status"
  fi

  local idle_kib=0 app_ticks0=0 app_ticks1=0 ngx_ticks0 ngx_ticks1 peak_kib=0 peak256_kib=0
  if [ "$status" = ok ]; then
    sleep 0.3
    [ -n "$app_pid" ] && idle_kib="$(tree_kib "$app_pid" VmRSS)"
    wrk -t"$wrk_threads" -c"$connections" -d"${warmup}s" "$url" > /dev/null
    [ -n "$app_pid" ] && app_ticks0="$(tree_cpu_ticks "$app_pid")"
    ngx_ticks0="$(tree_cpu_ticks "$nginx_pid")"
    wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" --latency "$url" > "$work/wrk.txt"
    [ -n "$app_pid" ] && app_ticks1="$(tree_cpu_ticks "$app_pid")"
    ngx_ticks1="$(tree_cpu_ticks "$nginx_pid")"
    [ -n "$app_pid" ] && peak_kib="$(tree_kib "$app_pid" VmHWM)"
    wrk -t"$wrk_threads" -c"$mem_connections" -d"${mem_duration}s" "$url" > "$work/wrk256.txt"
    [ -n "$app_pid" ] && peak256_kib="$(tree_kib "$app_pid" VmHWM)"
  else
    : > "$work/wrk.txt"; : > "$work/wrk256.txt"; ngx_ticks0=0; ngx_ticks1=0
  fi

  local requests rps p50 p99 errors errors256
  requests="$(awk '/requests in/ { print $1 }' "$work/wrk.txt")"
  rps="$(awk '/Requests\/sec:/ { print $2 }' "$work/wrk.txt")"
  p50="$(to_us "$(awk '$1 == "50%" { print $2 }' "$work/wrk.txt")")"
  p99="$(to_us "$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")")"
  errors="$(wrk_errors "$work/wrk.txt")"
  errors256="$(wrk_errors "$work/wrk256.txt")"
  if [ "$status" = ok ] && [ "${errors:-0}" -gt 0 ]; then
    status="failed: $errors errors or non-2xx answers under load"
  fi

  [ -n "$app_pid" ] && stop_pid "$app_pid"
  stop_pid "$nginx_pid"
  running=()

  python3 - "$results" <<PY
import json, sys
requests = int("${requests:-0}" or 0)
tck = $clk_tck
def per_request(ticks):
    return ticks / tck * 1e6 / requests if requests else None
row = {
    "contender": "$name", "round": $round, "status": "$status",
    "requests": requests, "rps": float("${rps:-0}" or 0),
    "p50_us": float("${p50:-0}" or 0), "p99_us": float("${p99:-0}" or 0),
    "app_cpu_us": per_request($app_ticks1 - $app_ticks0) if "$name" != "ceiling" else None,
    "nginx_cpu_us": per_request(${ngx_ticks1:-0} - ${ngx_ticks0:-0}),
    "idle_rss_kib": $idle_kib if "$name" != "ceiling" else None,
    "peak_rss_kib": $peak_kib if "$name" != "ceiling" else None,
    "peak_rss_256_kib": $peak256_kib if "$name" != "ceiling" else None,
    "errors_256": int("${errors256:-0}" or 0),
    "start_us": int("$start_us"),
}
with open(sys.argv[1], "a") as f:
    f.write(json.dumps(row) + "\n")
PY
  log "  $name: $(tail -1 "$results")"
}

log "running $rounds rounds of: $contenders (wrk -t$wrk_threads -c$connections ${duration}s, then -c$mem_connections ${mem_duration}s)"
for round in $(seq "$rounds"); do
  log "round $round"
  for name in $contenders; do
    run_one "$name" "$round"
  done
done

sizes="{"
for name in $contenders; do sizes+="\"$name\": $(stat -c %s "$(exe_for "$name")"),"; done
sizes="${sizes%,}}"
mkdir -p "$(dirname "$out")"
python3 "$here/report.py" "$results" "$out" \
  --sizes "$sizes" \
  --machine "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)" \
  --command "benchmarks/load/run.sh" \
  --settings "rounds=$rounds duration=${duration}s connections=$connections upstream_keepalive=$keepalive wrk_threads=$wrk_threads mem_connections=$mem_connections php_children=$php_children libfcgi_threads=$libfcgi_threads" \
  --versions "nginx $("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///'); $(go version | awk '{print $3}'); $("$php_fpm_bin" -v | head -1 | awk '{print "php-fpm", $2}'); libfcgi $(dpkg-query -W -f='${Version}' libfcgi-dev 2>/dev/null || echo '?'); dotnet $(dotnet --version)"
