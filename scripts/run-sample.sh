#!/usr/bin/env bash
# Publishes samples/HelloFcgi as a NativeAOT executable and serves it behind nginx on
# http://127.0.0.1:${PORT:-8080}, installing with apt-get what it lacks (nginx; gcc and libc6-dev,
# which the NativeAOT link needs; curl). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${PORT:-8080}"
work="$(mktemp -d /tmp/hellofcgi.XXXXXX)"
app_pid=""
nginx_pid=""

cleanup() {
  trap - EXIT INT TERM
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  [ -n "$app_pid" ] && kill -TERM "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
  rm -rf "$work"
  echo "stopped"
}
trap cleanup EXIT INT TERM

need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
# NativeAOT links the executable with the system C compiler (gcc here), and a static executable
# needs libc's static archives (libc6-dev).
command -v gcc >/dev/null 2>&1 || need+=(gcc)
[ "$(dpkg-query -W -f='${db:Status-Status}' libc6-dev 2>/dev/null)" = installed ] || need+=(libc6-dev)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing ${need[*]}..."
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

echo "publishing samples/HelloFcgi (NativeAOT)..."
dotnet publish samples/HelloFcgi -r linux-x64 -o "$work/bin" -nologo -v quiet
exe="$work/bin/HelloFcgi"
ls -l "$exe" | awk '{printf "executable: %s (%.1f MiB)\n", $9, $5/1048576}'

mkdir -p "$work/nginx"
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"
cat > "$work/nginx.conf" <<CONF
$user_line
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  fastcgi_temp_path $work/nginx/fastcgi;
  proxy_temp_path $work/nginx/proxy;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  client_max_body_size 32m;
  upstream hellofcgi {
    server unix:$work/hello.sock;
    keepalive 32;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      include /etc/nginx/fastcgi_params;
      fastcgi_keep_conn on;
      fastcgi_pass hellofcgi;
    }
  }
}
CONF

HELLO_TOKEN="${HELLO_TOKEN:-secret}" "$exe" --socket "$work/hello.sock" &
app_pid=$!
for _ in $(seq 100); do [ -S "$work/hello.sock" ] && break; sleep 0.05; done
"$nginx_bin" -c "$work/nginx.conf" -e "$work/nginx/error.log" &
nginx_pid=$!

# Print the URLs only once the sample really answers through nginx (retried for up to 10 s).
answered=""
deadline=$((SECONDS + 10))
while [ "$SECONDS" -lt "$deadline" ]; do
  if curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/hello"; then answered=1; break; fi
  kill -0 "$app_pid" 2>/dev/null && kill -0 "$nginx_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$answered" ]; then
  kill -0 "$app_pid" 2>/dev/null || echo "error: HelloFcgi exited" >&2
  kill -0 "$nginx_pid" 2>/dev/null || echo "error: nginx exited (is port $port free? PORT=... chooses another)" >&2
  echo "error: http://127.0.0.1:$port/hello did not answer through nginx; nginx's error log ends with:" >&2
  tail -n 20 "$work/nginx/error.log" >&2 2>/dev/null || echo "  (no error log)" >&2
  exit 1
fi

cat <<URLS

HelloFcgi is behind nginx. Try:
  curl http://127.0.0.1:$port/hello
  curl 'http://127.0.0.1:$port/add?a=1&b=2'
  curl http://127.0.0.1:$port/users/7
  curl -d 'some body' http://127.0.0.1:$port/echo
  curl 'http://127.0.0.1:$port/slow?ms=200'
  curl http://127.0.0.1:$port/params
Press Ctrl-C to stop.
URLS
wait "$app_pid"
