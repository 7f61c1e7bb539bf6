#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz tests: request streams as real web servers send them,
and a few hand-made edge cases. Run it from this folder; the .bin files are checked in."""
import struct

def rec(t, rid, content=b"", pad=None, version=1):
    if pad is None:
        pad = -len(content) & 7
    return struct.pack(">BBHHBB", version, t, rid, len(content), pad, 0) + content + b"\0" * pad

def ln(n):
    return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)

def pairs(items):
    return b"".join(ln(len(k)) + ln(len(v)) + k + v for k, v in items)

def begin(rid, role=1, keep=1):
    return rec(1, rid, struct.pack(">HB5x", role, keep))

BEGIN, ABORT, END, PARAMS, STDIN, STDOUT, STDERR, DATA, GETV = 1, 2, 3, 4, 5, 6, 7, 8, 9

def nginx_params(method, uri, length=None, ctype=None, extra=()):
    path, _, query = uri.partition("?")
    p = [(b"QUERY_STRING", query.encode()), (b"REQUEST_METHOD", method.encode()),
         (b"CONTENT_TYPE", (ctype or "").encode()), (b"CONTENT_LENGTH", b"" if length is None else str(length).encode()),
         (b"SCRIPT_NAME", path.encode()), (b"REQUEST_URI", uri.encode()), (b"DOCUMENT_URI", path.encode()),
         (b"DOCUMENT_ROOT", b"/usr/share/nginx/html"), (b"SERVER_PROTOCOL", b"HTTP/1.1"), (b"REQUEST_SCHEME", b"http"),
         (b"GATEWAY_INTERFACE", b"CGI/1.1"), (b"SERVER_SOFTWARE", b"nginx/1.26.3"), (b"REMOTE_ADDR", b"127.0.0.1"),
         (b"REMOTE_PORT", b"51324"), (b"SERVER_ADDR", b"127.0.0.1"), (b"SERVER_PORT", b"8080"),
         (b"SERVER_NAME", b"localhost"), (b"REDIRECT_STATUS", b"200"), (b"HTTP_HOST", b"127.0.0.1:8080"),
         (b"HTTP_USER_AGENT", b"curl/8.14.1"), (b"HTTP_ACCEPT", b"*/*")]
    return pairs(p + list(extra))

def request(rid, method, uri, body=b"", keep=1, ctype=None, extra=()):
    out = begin(rid, keep=keep)
    out += rec(PARAMS, rid, nginx_params(method, uri, len(body) if body else None, ctype, extra)) + rec(PARAMS, rid)
    if body:
        out += rec(STDIN, rid, body)
    return out + rec(STDIN, rid)

files = {
    "nginx-get.bin": request(1, "GET", "/hello"),
    "nginx-get-close.bin": request(1, "GET", "/hello?name=x&n=1", keep=0),
    "nginx-post-echo.bin": request(1, "POST", "/echo", b"payload=" + b"x" * 300, ctype="application/x-www-form-urlencoded"),
    "nginx-keepalive-three.bin": request(1, "GET", "/hello") + request(1, "POST", "/echo", b"second") + request(1, "GET", "/params"),
    # One PARAMS record of exactly 65,535 content bytes (the most a record carries), with a 4-byte length.
    "params-65535.bin": (lambda base: begin(1) + rec(PARAMS, 1, base + pairs([(b"HTTP_COOKIE", b"c" * (65535 - len(base) - 1 - 4 - 11))])) + rec(PARAMS, 1) + rec(STDIN, 1))(nginx_params("GET", "/hello")),
    # A name-value pair split across PARAMS records in the middle of a 4-byte length.
    "params-split-pair.bin": (lambda p: begin(1) + rec(PARAMS, 1, p[:len(p) - 150]) + rec(PARAMS, 1, p[len(p) - 150:]) + rec(PARAMS, 1) + rec(STDIN, 1))(nginx_params("GET", "/hello", extra=[(b"HTTP_X_LONG", b"v" * 200)])),
    # HAProxy with mpxs-conns and get-values: GET_VALUES then two interleaved requests.
    "haproxy-multiplexed.bin": rec(GETV, 0, pairs([(b"FCGI_MAX_CONNS", b""), (b"FCGI_MAX_REQS", b""), (b"FCGI_MPXS_CONNS", b"")]))
        + begin(1) + begin(2) + rec(PARAMS, 2, nginx_params("POST", "/echo", 3)) + rec(PARAMS, 1, nginx_params("GET", "/hello"))
        + rec(PARAMS, 1) + rec(PARAMS, 2) + rec(STDIN, 2, b"two") + rec(STDIN, 1) + rec(STDIN, 2),
    "filter-data.bin": begin(3, role=3) + rec(PARAMS, 3, nginx_params("GET", "/f", extra=[(b"FCGI_DATA_LENGTH", b"5"), (b"FCGI_DATA_LAST_MOD", b"1700000000")]))
        + rec(PARAMS, 3) + rec(STDIN, 3, b"in") + rec(STDIN, 3) + rec(DATA, 3, b"hello") + rec(DATA, 3),
    "authorizer.bin": begin(4, role=2) + rec(PARAMS, 4, nginx_params("GET", "/private", extra=[(b"HTTP_AUTHORIZATION", b"letmein")])) + rec(PARAMS, 4),
    "abort-mid-request.bin": begin(1) + rec(PARAMS, 1, nginx_params("POST", "/echo", 10)) + rec(PARAMS, 1) + rec(STDIN, 1, b"01234") + rec(ABORT, 1) + request(2, "GET", "/hello"),
    # Padding of 255 bytes of garbage, an unknown management type, an unknown role.
    "odd-but-valid.bin": rec(PARAMS, 1, nginx_params("GET", "/hello"), pad=255) + rec(42, 0, b"xyz") + begin(7, role=9) + request(1, "GET", "/hello"),
    # Edge cases the fuzzer found worth keeping: a name length of 0x7FFFFFFF, a zero-length-name pair.
    "params-huge-length.bin": begin(1) + rec(PARAMS, 1, b"\xff\xff\xff\xff\x01x") + rec(PARAMS, 1) + rec(STDIN, 1),
    "params-empty-name.bin": begin(1) + rec(PARAMS, 1, pairs([(b"", b"v"), (b"REQUEST_METHOD", b"GET"), (b"REQUEST_URI", b"/hello")])) + rec(PARAMS, 1) + rec(STDIN, 1),
}
for name, data in files.items():
    with open(name, "wb") as f:
        f.write(data)
    print(f"{name}: {len(data)} bytes")
