#!/usr/bin/env python3
"""Writes the request bodies of the load matrix and the answer every contender must give.

    shapes.py DIR

DIR/requests/   order.json (a 1 KiB JSON order), form.txt (10 urlencoded fields), upload.bin (1 MiB)
DIR/expected/   one file per shape: the exact body of a correct answer
DIR/lua/        wrk scripts that send the POST shapes' bodies

The expected answers are computed here from the request data, independently of every
contender: run.sh compares each contender's answer with them byte for byte before loading it.
JSON answers are compact, keys in the order the contenders write them, ASCII only, and no value
contains a character that some encoder escapes and another does not (/, <, >, &, ', +, non-ASCII),
so that one byte string is the one correct answer."""
import json
import os
import sys
import urllib.parse

ALPHABET = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
USER_ID = 42
ORDER_BYTES = 1024
UPLOAD_BYTES = 1 << 20


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).encode()


def order_body():
    items = [
        {"sku": f"SKU-{1000 + i}", "name": f"Widget model {i} in blue", "quantity": 1 + i % 4, "price": 499 + 250 * i}
        for i in range(8)
    ]
    order = {"id": 1001, "customer": "Ada Lovelace", "email": "ada@example.com", "currency": "EUR", "items": items, "note": ""}
    # Pad the note so that the body is exactly ORDER_BYTES long.
    order["note"] = "x" * (ORDER_BYTES - len(compact(order)))
    body = compact(order)
    assert len(body) == ORDER_BYTES, len(body)
    return order, body


FORM_FIELDS = [
    ("name", "Ada Lovelace"),
    ("email", "ada@example.com"),
    ("age", "36"),
    ("city", "London"),
    ("country", "UK"),
    ("lang", "en-GB"),
    ("newsletter", "true"),
    ("plan", "pro"),
    ("seats", "12"),
    ("comment", "Hello, World! Forms are decoded: 100% of ten fields, spaces and escapes included."),
]


def upload_body():
    # Deterministic bytes covering every value; a plain sum of them is the checksum.
    return bytes((i * 131 + (i >> 9) * 7 + 3) & 0xFF for i in range(UPLOAD_BYTES))


def lua(content_type, body_file):
    return (
        "-- Written by tools/shapes.py: a POST of the file below, built once by wrk.\n"
        f'local f = assert(io.open("{body_file}", "rb"))\n'
        'wrk.method = "POST"\n'
        "wrk.body = f:read(\"*a\")\n"
        "f:close()\n"
        f'wrk.headers["Content-Type"] = "{content_type}"\n'
    )


def main():
    out = sys.argv[1]
    for sub in ("requests", "expected", "lua"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)

    def write(name, data):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    write("expected/hello", b"Hello, World!")
    name = f"user{USER_ID}"
    write("expected/users", compact({"id": USER_ID, "name": name, "email": name + "@example.com", "active": True}))

    order, body = order_body()
    write("requests/order.json", body)
    write("expected/json", compact({
        "id": order["id"], "customer": order["customer"], "items": len(order["items"]),
        "quantity": sum(i["quantity"] for i in order["items"]),
        "total": sum(i["quantity"] * i["price"] for i in order["items"]),
    }))

    form = urllib.parse.urlencode(FORM_FIELDS).encode()  # quote_plus: spaces as '+'
    write("requests/form.txt", form)
    fields = dict(urllib.parse.parse_qsl(form.decode(), strict_parsing=True))
    answer = {}
    for key, _ in FORM_FIELDS:
        value = fields[key]
        answer[key] = int(value) if key in ("age", "seats") else (value == "true" if key == "newsletter" else value)
    write("expected/form", compact(answer))

    for label, size in (("large-64k", 64 * 1024), ("large-1m", 1 << 20)):
        write(f"expected/{label}", bytes(ALPHABET[i & 63] for i in range(size)))

    upload = upload_body()
    write("requests/upload.bin", upload)
    write("expected/upload", compact({"bytes": len(upload), "sum": sum(upload)}))

    requests = os.path.abspath(os.path.join(out, "requests"))
    write("lua/json.lua", lua("application/json", f"{requests}/order.json").encode())
    write("lua/form.lua", lua("application/x-www-form-urlencoded", f"{requests}/form.txt").encode())
    write("lua/upload.lua", lua("application/octet-stream", f"{requests}/upload.bin").encode())


if __name__ == "__main__":
    main()
