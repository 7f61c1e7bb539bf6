#!/usr/bin/env bash
# End-to-end load matrix: FastCgi.Aot against the other FastCGI stacks and Kestrel, over the
# request shapes real applications send, in one run.
#
#   benchmarks/load/run.sh                          # everything: installs what it lacks, builds, runs, reports
#   SHAPES="hello json" CONTENDERS="fastcgi-aot libfcgi" benchmarks/load/run.sh
#   PROFILE=strace SHAPES=upload CONTENDERS=fastcgi-aot benchmarks/load/run.sh
#
# Shapes (SHAPES, default all, in this order):
#   hello             GET /hello, "Hello, World!"
#   blocking-hello    GET /blocking/hello, the same from a Blocking = true handler (ours only): the
#                     cost of running a handler on the worker pool instead of the I/O thread
#   users             GET /users/42, a small JSON object
#   json              POST /json, a 1 KiB JSON order, answered with a JSON summary of it
#   form              POST /form, 10 urlencoded fields, answered with them as JSON
#   large             both of: large-64k (GET /bytes/65536) and large-1m (GET /bytes/1048576)
#   upload            POST /upload, 1 MiB, answered with its length and the plain sum of its bytes
#   mem               GET /hello with MEM_CONNECTIONS (256) connections: peak RSS under many connections
#   haproxy           GET /hello through HAProxy's fcgi-app (option mpxs-conns, get-values, keep-conn)
#   conn-per-request  GET /hello through lighttpd, which opens a connection to the app per request
# Every shape but haproxy and conn-per-request goes through the same nginx (one worker, Unix
# socket upstream, keepalive pool, fastcgi_keep_conn on); Kestrel sits behind proxy_pass (HTTP/1.1
# keep-alive) in nginx and HAProxy, and behind lighttpd's mod_proxy (a connection per request).
#
# Contenders (CONTENDERS, default "ceiling fastcgi-aot go libfcgi php-fpm kestrel"):
#   ceiling       the front answering itself, no app (hello and haproxy only)
#   fastcgi-aot   benchmarks/FastCgi.Aot.LoadApp, NativeAOT; fastcgi-aot-sockets (only when named):
#                 the same executable with --io-engine sockets
#   go            net/http/fcgi          (contenders/go)
#   libfcgi       C, libfcgi, N threads  (contenders/c)
#   php-fpm       PHP-FPM, static pool   (contenders/php)
#   kestrel       ASP.NET Core minimal API, NativeAOT, same target framework as ours (contenders/kestrel)
#
# Each (shape, contender) cell starts a fresh front and app, checks the answer byte for byte
# against tools/shapes.py's expected body (a wrong answer fails the cell and it is not loaded),
# warms up, runs wrk, checks the answer again, and records wrk's figures, the CPU time of the
# app's and the front's process trees and the app's peak RSS. Cells run shape by shape,
# contenders in turn, over ROUNDS rounds, so noise spreads over all of them; report.py takes
# medians and writes the per-shape tables, the ratios and the targets.
#
# Settings (environment): ROUNDS=3 DURATION=3 (s) WARMUP=1 (s) CONNECTIONS=32 MEM_CONNECTIONS=256
# WRK_THREADS=2 PORT=8089 PHP_CHILDREN=32 LIBFCGI_THREADS=64 OUT=benchmarks/load/results/latest.json
# TFM=net10.0 (default: FcgiTargetFramework from Directory.Build.props, for ours and Kestrel alike)
# BUILD_DIR=dir (keep the builds there and reuse them on the next run; default: a fresh temp dir)
# ERROR_TOLERANCE=0.01 (socket errors above this fraction of requests fail a cell; any non-2xx does)
# APP_ARGS="--max-body-memory-bytes 4194304" (more options for ours, to try a setting under load)
#
# Profiling: PROFILE=strace or PROFILE=perf runs one round of the selected shapes and contenders
# and wraps the app's process tree during the timed run only: `strace -c -f` (system calls
# counted per type) or `perf record -g` (call stacks; ours and Kestrel published with symbols).
# Output: PROFILE_DIR (default benchmarks/load/results/profiles/<time>/), one file per cell;
# the figures of a profiled run are distorted by the tracer and are not written to OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"
here="$repo/benchmarks/load"
started_at="$(date +%s)"

rounds="${ROUNDS:-3}"
duration="${DURATION:-3}"
warmup="${WARMUP:-1}"
connections="${CONNECTIONS:-32}"
mem_connections="${MEM_CONNECTIONS:-256}"
wrk_threads="${WRK_THREADS:-2}"
port="${PORT:-8089}"
php_children="${PHP_CHILDREN:-32}"
libfcgi_threads="${LIBFCGI_THREADS:-64}"
error_tolerance="${ERROR_TOLERANCE:-0.01}"
app_args="${APP_ARGS:-}"
profile="${PROFILE:-}"
contenders="${CONTENDERS:-ceiling fastcgi-aot go libfcgi php-fpm kestrel}"
shapes_in="${SHAPES:-hello blocking-hello users json form large upload mem haproxy conn-per-request}"
out="${OUT:-$here/results/latest.json}"

shapes=""
for s in $shapes_in; do
  case "$s" in
    large) shapes+=" large-64k large-1m" ;;
    hello|blocking-hello|users|json|form|large-64k|large-1m|upload|mem|haproxy|conn-per-request) shapes+=" $s" ;;
    *) echo "unknown shape: $s" >&2; exit 2 ;;
  esac
done
for c in $contenders; do
  case "$c" in
    ceiling|fastcgi-aot|fastcgi-aot-sockets|go|libfcgi|php-fpm|kestrel) ;;
    *) echo "unknown contender: $c" >&2; exit 2 ;;
  esac
done
case "$profile" in
  "") ;;
  strace|perf)
    rounds=1
    profile_dir="${PROFILE_DIR:-$here/results/profiles/$(date -u +%Y%m%dT%H%M%SZ)}"
    out="${OUT:-$profile_dir/profile-run.json}"
    ;;
  *) echo "PROFILE must be strace or perf" >&2; exit 2 ;;
esac

# Idle upstream connections the fronts keep: enough for the mem shape, so that its 256
# connections stay open (are really concurrent) instead of being opened and closed per request.
keepalive=$(( connections > mem_connections ? connections : mem_connections ))

log() { printf '%s\n' "$*" >&2; }

# --- the cells and what they cost ------------------------------------------------------------
supports() {  # $1 = contender, $2 = shape
  case "$1" in
    ceiling) case "$2" in hello|haproxy) return 0 ;; *) return 1 ;; esac ;;
    fastcgi-aot*) return 0 ;;
    *) [ "$2" != blocking-hello ] ;;
  esac
}
cells=0
for s in $shapes; do for c in $contenders; do supports "$c" "$s" && cells=$((cells + 1)); done; done
# Per cell, besides warm-up and the timed run: starting and stopping the front and the app, two
# answer checks (about 1.5 s here). Builds: two NativeAOT publishes and Go, about 3 minutes here
# from a warm NuGet cache.
per_cell=$(awk -v w="$warmup" -v d="$duration" 'BEGIN { printf "%.1f", w + d + 1.5 }')
build_s=180
[ -n "${BUILD_DIR:-}" ] && [ -f "${BUILD_DIR}/.complete" ] && build_s=10
estimate_s=$(awk -v c="$cells" -v r="$rounds" -v p="$per_cell" -v b="$build_s" 'BEGIN { printf "%d", c * r * p + b }')
log "load matrix: $cells cells x $rounds rounds (shapes:$shapes; contenders: $contenders)"
log "estimated duration: $((estimate_s / 60)) min $((estimate_s % 60)) s (builds ~${build_s} s, ${per_cell} s a cell: ${warmup} s warm-up + ${duration} s timed + ~1.5 s start, checks, stop)"
[ -n "$profile" ] && log "PROFILE=$profile: one round, app traced during the timed run; output in $profile_dir"

work="$(mktemp -d /tmp/fcgi-load.XXXXXX)"
running=()
cleanup() {
  for pid in "${running[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 0.2
  for pid in "${running[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# --- tools ----------------------------------------------------------------------------------
has_front() { case " $shapes " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
has_contender() { case " $contenders " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
if has_front haproxy; then command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy); fi
if has_front conn-per-request; then command -v lighttpd >/dev/null 2>&1 || [ -x /usr/sbin/lighttpd ] || need+=(lighttpd); fi
command -v wrk >/dev/null 2>&1 || need+=(wrk)
if has_contender go; then command -v go >/dev/null 2>&1 || need+=(golang-go); fi
if has_contender libfcgi; then [ -f /usr/include/fcgiapp.h ] || need+=(libfcgi-dev); fi
if has_contender php-fpm; then ls /usr/sbin/php-fpm* >/dev/null 2>&1 || need+=(php-fpm); fi
# gcc builds the C contender and the tools and links the NativeAOT executables, whose static
# link (ours) needs libc's static archives (libc6-dev).
command -v gcc >/dev/null 2>&1 || need+=(gcc)
[ "$(dpkg-query -W -f='${db:Status-Status}' libc6-dev 2>/dev/null)" = installed ] || need+=(libc6-dev)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
[ "$profile" = strace ] && { command -v strace >/dev/null 2>&1 || need+=(strace); }
[ "$profile" = perf ] && { command -v perf >/dev/null 2>&1 || need+=(linux-perf); }
if [ "${#need[@]}" -gt 0 ]; then
  log "installing ${need[*]}..."
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
haproxy_bin="$(command -v haproxy || echo /usr/sbin/haproxy)"
lighttpd_bin="$(command -v lighttpd || echo /usr/sbin/lighttpd)"
php_fpm_bin="$(ls /usr/sbin/php-fpm* 2>/dev/null | head -1 || true)"

# --- builds ---------------------------------------------------------------------------------
# Ours and Kestrel target the framework the repository builds NativeAOT executables for
# (FcgiTargetFramework in Directory.Build.props), or TFM when set: the same .NET generation.
loadapp="$repo/benchmarks/FastCgi.Aot.LoadApp/FastCgi.Aot.LoadApp.csproj"
tfm_args=()
[ -n "${TFM:-}" ] && tfm_args=("-p:FcgiTargetFramework=$TFM")
tfm="$(dotnet msbuild "$loadapp" -nologo "${tfm_args[@]}" -getProperty:TargetFramework)"
publish_args=(-r linux-x64 -nologo -v quiet "-p:FcgiTargetFramework=$tfm")
# perf names functions only in an executable that keeps its symbols.
[ "$profile" = perf ] && publish_args+=(-p:StripSymbols=false)

build_started="$(date +%s)"
bin="${BUILD_DIR:-$work/bin}"
mkdir -p "$bin"
gcc -O2 -o "$bin/startwait" "$here/tools/startwait.c"
flavour="$tfm $([ "$profile" = perf ] && echo symbols || echo stripped)"
if [ -f "$bin/.complete" ] && [ "$(cat "$bin/.complete")" = "$flavour" ]; then
  log "reusing the builds in $bin ($tfm)"
else
  rm -f "$bin/.complete"
  if has_contender libfcgi; then
    log "building: libfcgi contender (gcc)..."
    gcc -O2 -o "$bin/app-libfcgi" "$here/contenders/c/app.c" -lfcgi -lpthread
  fi
  if has_contender go; then
    log "building: go contender (net/http/fcgi)..."
    rm -rf "$work/go-src"; cp -r "$here/contenders/go" "$work/go-src"
    (cd "$work/go-src" && GOFLAGS=-mod=mod GOPROXY=off GOCACHE="$work/go-cache" CGO_ENABLED=0 go build -trimpath -o "$bin/app-go" .)
  fi
  if has_contender fastcgi-aot || has_contender fastcgi-aot-sockets; then
    log "building: FastCgi.Aot.LoadApp ($tfm, NativeAOT)..."
    # The link of an earlier build counts as up to date whatever StripSymbols says: after a build
    # of the other flavour, link afresh, or a profiling build comes out stripped (or a normal one
    # with symbols).
    native="$repo/benchmarks/FastCgi.Aot.LoadApp/obj/Release/$tfm/linux-x64/native"
    [ "$(cat "$native.flavour" 2>/dev/null)" = "$flavour" ] || rm -rf "$native"
    dotnet publish "$loadapp" "${publish_args[@]}" -o "$bin/fastcgi-aot"
    echo "$flavour" > "$native.flavour"
  fi
  if has_contender kestrel; then
    log "building: Kestrel minimal API ($tfm, NativeAOT)..."
    # Built from a copy outside the repository so that the repository's build settings do not apply.
    rm -rf "$work/kestrel-src"; cp -r "$here/contenders/kestrel" "$work/kestrel-src"
    dotnet publish "$work/kestrel-src" "${publish_args[@]}" -o "$bin/kestrel"
  fi
  # Only a BUILD_DIR that holds every contender's build is reused as complete.
  if [ "$contenders" = "ceiling fastcgi-aot go libfcgi php-fpm kestrel" ]; then echo "$flavour" > "$bin/.complete"; fi
fi
build_took=$(( $(date +%s) - build_started ))
mkdir -p "$work/www"
cp "$here/contenders/php/app.php" "$work/www/app.php"
python3 "$here/tools/shapes.py" "$work/shapes"

exe_for() {
  case "$1" in
    ceiling) echo "$nginx_bin" ;;
    fastcgi-aot|fastcgi-aot-sockets) echo "$bin/fastcgi-aot/FastCgi.Aot.LoadApp" ;;
    go) echo "$bin/app-go" ;;
    libfcgi) echo "$bin/app-libfcgi" ;;
    php-fpm) echo "$php_fpm_bin" ;;
    kestrel) echo "$bin/kestrel/KestrelLoad" ;;
  esac
}

# --- shapes ---------------------------------------------------------------------------------
shape_front() { case "$1" in haproxy) echo haproxy ;; conn-per-request) echo lighttpd ;; *) echo nginx ;; esac; }
shape_path() {
  case "$1" in
    blocking-hello) echo /blocking/hello ;; users) echo /users/42 ;; json) echo /json ;; form) echo /form ;; upload) echo /upload ;;
    large-64k) echo /bytes/65536 ;; large-1m) echo /bytes/1048576 ;; *) echo /hello ;;
  esac
}
shape_lua() { case "$1" in json|form|upload) echo "$work/shapes/lua/$1.lua" ;; *) echo "" ;; esac; }
shape_request_body() {  # file and content type of the request body, or nothing
  case "$1" in
    json) echo "$work/shapes/requests/order.json application/json" ;;
    form) echo "$work/shapes/requests/form.txt application/x-www-form-urlencoded" ;;
    upload) echo "$work/shapes/requests/upload.bin application/octet-stream" ;;
  esac
}
shape_media_type() {
  case "$1" in
    hello|blocking-hello|mem|haproxy|conn-per-request) echo text/plain ;;
    large-64k|large-1m) echo application/octet-stream ;;
    *) echo application/json ;;
  esac
}
shape_expected() { case "$1" in blocking-hello|mem|haproxy|conn-per-request) echo "$work/shapes/expected/hello" ;; *) echo "$work/shapes/expected/$1" ;; esac; }
shape_connections() { [ "$1" = mem ] && echo "$mem_connections" || echo "$connections"; }

# --- fronts and contenders ------------------------------------------------------------------
sock="$work/app.sock"
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"

write_nginx_conf() {  # $1 = contender
  local location
  case "$1" in
    ceiling) location='return 200 "Hello, World!";' ;;
    kestrel) location='proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";' ;;
    *) location="include /etc/nginx/fastcgi_params; fastcgi_param SCRIPT_FILENAME $work/www/app.php; fastcgi_keep_conn on; fastcgi_pass app;" ;;
  esac
  mkdir -p "$work/nginx"
  # Bodies up to 2 MiB are kept in memory (client_body_buffer_size) and responses are passed on
  # as the client takes them, never spooled to a temp file (*_max_temp_file_size 0): the large
  # and upload shapes then measure the FastCGI (or HTTP) hop, not nginx's disk.
  cat > "$work/front.conf" <<CONF
$user_line
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/front-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_max_body_size 4m;
  client_body_buffer_size 2m;
  fastcgi_max_temp_file_size 0;
  proxy_max_temp_file_size 0;
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

write_haproxy_conf() {  # $1 = contender
  local backend options="option mpxs-conns
  option get-values"
  # libfcgi never answers a request on a connection where HAProxy first asked FCGI_GET_VALUES
  # (seen here with libfcgi 2.4.2 and HAProxy 2.6: the request hangs until the timeout), and it
  # cannot multiplex: it gets a plain kept connection.
  [ "$1" = libfcgi ] && options="# no mpxs-conns, no get-values: see write_haproxy_conf"
  case "$1" in
    ceiling) backend='http-request return status 200 content-type "text/plain" string "Hello, World!"' ;;
    kestrel) backend="http-reuse always
  server app unix@$sock" ;;
    *) backend="use-fcgi-app app
  http-reuse always
  server app unix@$sock proto fcgi" ;;
  esac
  # One thread, as nginx has one worker. The FastCGI application is asked for its limits
  # (get-values), connections are kept (keep-conn) and multiplexed when the app says it can
  # (mpxs-conns); SCRIPT_FILENAME points PHP-FPM at its front script, the others ignore it.
  cat > "$work/front.conf" <<CONF
global
  nbthread 1
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
fcgi-app app
  docroot $work/www
  option keep-conn
  $options
  set-param SCRIPT_FILENAME $work/www/app.php
frontend front
  bind 127.0.0.1:$port
  default_backend back
backend back
  $backend
CONF
}

write_lighttpd_conf() {  # $1 = contender
  local modules handler
  case "$1" in
    kestrel)
      modules='"mod_proxy"'
      handler="proxy.server = ( \"\" => (( \"host\" => \"$sock\" )) )" ;;
    php-fpm)
      # PHP-FPM runs the script SCRIPT_FILENAME names: route everything to the front script,
      # REQUEST_URI keeps the original path.
      modules='"mod_rewrite", "mod_fastcgi"'
      handler="url.rewrite-once = ( \"^(.*)\$\" => \"/app.php\$1\" )
fastcgi.server = ( \".php\" => (( \"socket\" => \"$sock\", \"check-local\" => \"disable\" )) )" ;;
    *)
      modules='"mod_fastcgi"'
      handler="fastcgi.server = ( \"/\" => (( \"socket\" => \"$sock\", \"check-local\" => \"disable\" )) )" ;;
  esac
  # lighttpd opens a new connection to the backend for every request (it has no backend
  # keep-alive): this shape measures the app's connect and accept costs. The app is started
  # apart, not with bin-path, so that its process tree is measured as in the other shapes.
  cat > "$work/front.conf" <<CONF
server.document-root = "$work/www"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$work/front-error.log"
server.max-fds = 16384
server.max-connections = 8192
server.max-keep-alive-requests = 1000000
server.modules += ( $modules )
$handler
CONF
}

write_php_conf() {
  cat > "$work/php-fpm.conf" <<CONF
[global]
pid = $work/php-fpm.pid
error_log = $work/php-fpm.log
daemonize = no
[app]
user = $(id -un)
group = $(id -gn)
listen = $sock
listen.mode = 0666
listen.backlog = 1024
pm = static
pm.max_children = $php_children
CONF
}

front_command() {  # $1 = front; one word a line
  case "$1" in
    nginx) printf '%s\n' "$nginx_bin" -c "$work/front.conf" ;;
    haproxy) printf '%s\n' "$haproxy_bin" -db -f "$work/front.conf" ;;
    lighttpd) printf '%s\n' "$lighttpd_bin" -D -f "$work/front.conf" ;;
  esac
}

app_command() {  # $1 = contender; one word a line
  case "$1" in
    fastcgi-aot) printf '%s\n' "$(exe_for "$1")" --socket "$sock" --socket-mode 0666 $app_args ;;
    fastcgi-aot-sockets) printf '%s\n' "$(exe_for "$1")" --socket "$sock" --socket-mode 0666 --io-engine sockets $app_args ;;
    go) printf '%s\n' "$(exe_for go)" "$sock" ;;
    libfcgi) printf '%s\n' "$(exe_for libfcgi)" "$sock" "$libfcgi_threads" ;;
    php-fpm) printf '%s\n' "$php_fpm_bin" --nodaemonize --allow-to-run-as-root --fpm-config "$work/php-fpm.conf" ;;
    kestrel) printf '%s\n' "$(exe_for kestrel)" "$sock" ;;
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

proc_stat() {  # $1 = pid; the fields of /proc/<pid>/stat after "pid (comm) ", state first; fails when gone
  local stat
  stat="$(cat /proc/"$1"/stat 2>/dev/null)" || return 1
  printf '%s\n' "${stat##*) }"
}

tree_cpu_ticks() {  # utime+stime of the tree, plus children it already reaped
  local total=0
  for p in $(tree_pids "$1"); do
    local stat
    stat="$(proc_stat "$p")" || continue
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
  local pid="$1" stat
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    # An app started through startwait is not our child: once it exits it stays a zombie until
    # the system's init reaps it, which in some containers takes over a second. Exited is enough.
    stat="$(proc_stat "$pid")" || return 0
    [ "${stat%% *}" = Z ] && return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
}

to_us() {  # wrk latency like 812.00us, 1.20ms, 2.01s -> microseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) m = 1; else if (v ~ /ms$/) m = 1000; else if (v ~ /s$/) m = 1000000; else m = 1; printf "%.1f", n * m }'
}

wrk_non2xx() { awk '/Non-2xx or 3xx responses:/ { e += $NF } END { print e + 0 }' "$1"; }
wrk_socket_errors() {  # "Socket errors: connect 0, read 0, write 0, timeout 0"
  awk '/Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) e += $i + 0 } END { print e + 0 }' "$1"
}

check_answer() {  # $1 = shape, $2 = label; prints nothing when right, else what is wrong
  local shape="$1" url="http://127.0.0.1:$port$(shape_path "$1")" body_spec file type got status media
  local args=(-s -o "$work/answer" -w '%{http_code} %{content_type}' --max-time 10)
  body_spec="$(shape_request_body "$shape")"
  if [ -n "$body_spec" ]; then
    file="${body_spec% *}"; type="${body_spec#* }"
    args+=(-H "Content-Type: $type" --data-binary "@$file")
  fi
  got="$(curl "${args[@]}" "$url" 2>/dev/null || echo "000 -")"
  status="${got%% *}"
  media="$(printf '%s' "${got#* }" | cut -d';' -f1 | tr 'A-Z' 'a-z' | tr -d ' ')"
  if [ "$status" != 200 ]; then
    echo "$2: status $status, body '$(head -c 120 "$work/answer" 2>/dev/null | tr -d '\r\n')'"
  elif [ "$media" != "$(shape_media_type "$shape")" ]; then
    echo "$2: Content-Type '$media', expected $(shape_media_type "$shape")"
  elif ! cmp -s "$work/answer" "$(shape_expected "$shape")"; then
    echo "$2: body differs from the expected one ($(stat -c %s "$work/answer") bytes, expected $(stat -c %s "$(shape_expected "$shape")")): '$(head -c 120 "$work/answer" | tr -d '\r\n')'"
  fi
}

profile_start() {  # $1 = app pid, $2 = output file stem; prints the profiler's pid
  # (the profiler's output goes elsewhere: it must not hold the caller's $(...) open)
  local pids
  read -r -a pids <<<"$(tree_pids "$1")"
  case "$profile" in
    strace)
      local args=()
      for p in "${pids[@]}"; do args+=(-p "$p"); done
      strace -c -f -o "$2.strace.txt" "${args[@]}" >/dev/null 2>&1 &
      ;;
    perf)
      perf record -q -g -F "${PERF_FREQUENCY:-999}" -o "$2.perf.data" -p "$(IFS=,; echo "${pids[*]}")" >/dev/null 2>&1 &
      ;;
  esac
  echo $!
}

profile_stop() {  # $1 = profiler pid, $2 = output file stem
  kill -INT "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  if [ "$profile" = perf ] && [ -f "$2.perf.data" ]; then
    perf report -i "$2.perf.data" --stdio --no-children -g none --sort comm,dso,sym --percent-limit 0.5 > "$2.perf.txt" 2>/dev/null || true
  fi
}

clk_tck="$(getconf CLK_TCK)"
results="$work/rounds.jsonl"
: > "$results"
[ -n "$profile" ] && mkdir -p "$profile_dir"

run_one() {  # $1 = shape, $2 = contender, $3 = round
  local shape="$1" name="$2" round="$3" front front_pid app_pid="" start_us startline url lua conns status problem
  front="$(shape_front "$shape")"
  url="http://127.0.0.1:$port$(shape_path "$shape")"
  lua="$(shape_lua "$shape")"
  conns="$(shape_connections "$shape")"
  rm -f "$sock" "$work/front-error.log" "$work/app.log"
  "write_${front}_conf" "$name"
  mapfile -t front_cmd < <(front_command "$front")
  if [ "$name" = ceiling ]; then
    startline="$("$bin/startwait" "$port" /hello "$work/front.log" -- "${front_cmd[@]}" || true)"
    front_pid="${startline% *}"
    running+=("$front_pid")
  else
    "${front_cmd[@]}" > "$work/front.log" 2>&1 &
    front_pid=$!
    running+=("$front_pid")
    [ "$name" = php-fpm ] && write_php_conf
    mapfile -t cmd < <(app_command "$name")
    # The hello cells time the app's start: the front must be up first. Elsewhere startwait's
    # polling covers the front's start too.
    [ "$shape" = hello ] && sleep 0.2
    startline="$("$bin/startwait" "$port" /hello "$work/app.log" -- "${cmd[@]}" || true)"
    app_pid="${startline% *}"
    running+=("$app_pid")
  fi
  start_us="${startline#* }"
  [[ "$start_us" =~ ^-?[0-9]+$ ]] || start_us=-1

  # The answer must be right before any load.
  status=ok
  problem="$([ "$start_us" = -1 ] && echo "no answer to /hello at start" || check_answer "$shape" "before load")"
  if [ -n "$problem" ]; then status="failed: $problem"; fi

  local idle_kib=0 app0=0 app1=0 front0=0 front1=0 peak_kib=0 prof_pid="" stem wrk_args=()
  : > "$work/wrk.txt"
  if [ "$status" = ok ]; then
    [ "$shape" = hello ] && sleep 0.3
    [ -n "$app_pid" ] && idle_kib="$(tree_kib "$app_pid" VmRSS)"
    wrk_args=(-t"$wrk_threads" -c"$conns")
    [ -n "$lua" ] && wrk_args+=(-s "$lua")
    # wrk refuses -d0s: WARMUP=0 means no warm-up run.
    [ "$warmup" != 0 ] && wrk "${wrk_args[@]}" -d"${warmup}s" "$url" > /dev/null
    stem="${profile_dir:-}/$shape.$name"
    [ -n "$profile" ] && [ -n "$app_pid" ] && prof_pid="$(profile_start "$app_pid" "$stem")"
    [ -n "$app_pid" ] && app0="$(tree_cpu_ticks "$app_pid")"
    front0="$(tree_cpu_ticks "$front_pid")"
    wrk "${wrk_args[@]}" -d"${duration}s" --latency "$url" > "$work/wrk.txt"
    [ -n "$app_pid" ] && app1="$(tree_cpu_ticks "$app_pid")"
    front1="$(tree_cpu_ticks "$front_pid")"
    [ -n "$prof_pid" ] && profile_stop "$prof_pid" "$stem"
    [ -n "$app_pid" ] && peak_kib="$(tree_kib "$app_pid" VmHWM)"
    # ... and still right after it.
    problem="$(check_answer "$shape" "after load")"
    [ -n "$problem" ] && status="failed: $problem"
  fi

  local requests rps p50 p99 non2xx sockerr
  requests="$(awk '/requests in/ { print $1 }' "$work/wrk.txt")"
  rps="$(awk '/Requests\/sec:/ { print $2 }' "$work/wrk.txt")"
  p50="$(to_us "$(awk '$1 == "50%" { print $2 }' "$work/wrk.txt")")"
  p99="$(to_us "$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")")"
  non2xx="$(wrk_non2xx "$work/wrk.txt")"
  sockerr="$(wrk_socket_errors "$work/wrk.txt")"
  if [ "$status" = ok ]; then
    if [ "${non2xx:-0}" -gt 0 ]; then
      status="failed: $non2xx non-2xx answers under load"
    elif awk -v e="${sockerr:-0}" -v r="${requests:-0}" -v t="$error_tolerance" 'BEGIN { exit !(r == 0 || e > t * r) }'; then
      status="failed: $sockerr socket errors in ${requests:-0} requests under load"
    fi
  fi
  if [ "$status" != ok ]; then
    [ -s "$work/front-error.log" ] && log "  front's error log: $(tail -3 "$work/front-error.log" | tr '\n' ' ')"
    [ -s "$work/app.log" ] && log "  app's output: $(tail -3 "$work/app.log" | tr '\n' ' ')"
  fi

  [ -n "$app_pid" ] && stop_pid "$app_pid"
  stop_pid "$front_pid"
  running=()

  # One JSON row per cell, and a line on the terminal. awk, not python: python's start costs
  # a third of a second here, which over a whole matrix is a minute.
  STATUS="$status" awk -v shape="$shape" -v name="$name" -v round="$round" -v front="$front" \
    -v conns="$conns" -v profiled="$profile" -v requests="${requests:-0}" -v rps="${rps:-0}" \
    -v p50="${p50:-0}" -v p99="${p99:-0}" -v app_ticks="$((app1 - app0))" -v front_ticks="$((front1 - front0))" \
    -v idle_kib="$idle_kib" -v peak_kib="$peak_kib" -v non2xx="${non2xx:-0}" -v sockerr="${sockerr:-0}" \
    -v start_us="$start_us" -v tck="$clk_tck" -v results="$results" '
    function str(v,   out, i, c) {
      out = ""
      for (i = 1; i <= length(v); i++) {
        c = substr(v, i, 1)
        out = out (c == "\\" || c == "\"" ? "\\" c : c < " " ? " " : c)
      }
      return "\"" out "\""
    }
    function num(v) { return sprintf("%.6g", v + 0) }
    function per_request(ticks) { return requests + 0 > 0 ? ticks / tck * 1e6 / requests : "" }
    function opt(v, f) { return v == "" ? "-" : sprintf(f, v) }
    BEGIN {
      app = name != "ceiling"
      status = ENVIRON["STATUS"]
      app_cpu = app ? per_request(app_ticks) : ""
      front_cpu = per_request(front_ticks)
      row = "{\"shape\": " str(shape) ", \"contender\": " str(name) ", \"round\": " round \
        ", \"status\": " str(status) ", \"front\": " str(front) ", \"connections\": " conns \
        ", \"profiled\": " (profiled == "" ? "null" : str(profiled)) \
        ", \"requests\": " (requests + 0) ", \"rps\": " num(rps) ", \"p50_us\": " num(p50) ", \"p99_us\": " num(p99) \
        ", \"app_cpu_us\": " (app_cpu == "" ? "null" : num(app_cpu)) \
        ", \"front_cpu_us\": " (front_cpu == "" ? "null" : num(front_cpu)) \
        ", \"idle_rss_kib\": " (app ? idle_kib + 0 : "null") ", \"peak_rss_kib\": " (app ? peak_kib + 0 : "null") \
        ", \"non2xx\": " (non2xx + 0) ", \"socket_errors\": " (sockerr + 0) ", \"start_us\": " (start_us + 0) "}"
      print row >> results
      printf "  %s %s: %s; %.0f req/s, p99 %.2f ms, app %s us/req, %s %s us/req, peak %s MiB, errors %d\n", \
        shape, name, status, rps, p99 / 1000, opt(app_cpu, "%.1f"), front, opt(front_cpu, "%.1f"), \
        (app && peak_kib + 0 > 0 ? sprintf("%.1f", peak_kib / 1024) : "-"), non2xx + sockerr > "/dev/stderr"
    }'
}

for round in $(seq "$rounds"); do
  log "round $round of $rounds"
  for shape in $shapes; do
    for name in $contenders; do
      supports "$name" "$shape" && run_one "$shape" "$name" "$round"
    done
  done
done

sizes="{"
for name in $contenders; do sizes+="\"$name\": $(stat -c %s "$(exe_for "$name")"),"; done
sizes="${sizes%,}}"
mkdir -p "$(dirname "$out")"
versions="nginx $("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///')"
has_front haproxy && versions+="; haproxy $("$haproxy_bin" -v | sed -n 1p | awk '{print $3}')"
has_front conn-per-request && versions+="; lighttpd $("$lighttpd_bin" -v | sed -n 1p | sed 's/^lighttpd\/\([^ ]*\).*/\1/')"
has_contender go && versions+="; $(go version | awk '{print $3}')"
has_contender php-fpm && versions+="; $("$php_fpm_bin" -v | sed -n 1p | awk '{print "php-fpm", $2}')"
has_contender libfcgi && versions+="; libfcgi $(dpkg-query -W -f='${Version}' libfcgi-dev 2>/dev/null || echo '?')"
versions+="; dotnet $(dotnet --version) ($tfm)"
python3 "$here/report.py" "$results" "$out" \
  --sizes "$sizes" \
  --machine "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)" \
  --command "benchmarks/load/run.sh" \
  --settings "rounds=$rounds duration=${duration}s warmup=${warmup}s connections=$connections mem_connections=$mem_connections upstream_keepalive=$keepalive wrk_threads=$wrk_threads php_children=$php_children libfcgi_threads=$libfcgi_threads${profile:+ profile=$profile}${app_args:+ app_args=\"$app_args\"}" \
  --versions "$versions"
elapsed=$(( $(date +%s) - started_at ))
log "took $((elapsed / 60)) min $((elapsed % 60)) s (estimated $((estimate_s / 60)) min $((estimate_s % 60)) s);" \
  "builds $build_took s; per cell $(awk -v t="$((elapsed - build_took))" -v n="$((cells * rounds))" -v w="$warmup" -v d="$duration" \
  'BEGIN { printf "%.1f s of which %.1f s beside warm-up and the timed run", t / n, t / n - w - d }')"
[ -n "$profile" ] && log "profiles in $profile_dir"
exit 0
