#!/usr/bin/env python3
"""Turns the per-cell rows written by run.sh into per-shape tables, ratios and target checks.

    report.py ROUNDS.jsonl OUT.json --sizes JSON --machine TEXT --command TEXT --settings TEXT --versions TEXT

Each figure is the median over the rounds of one (shape, contender) cell. A cell that failed any
round (a wrong answer before or after load, a non-2xx under load, socket errors above the
tolerance) is marked FAILED and left out of the ratios and targets; socket errors below the
tolerance are counted in the errors column and flag the row with '!'.

Prints the markdown (the tables docs/performance.md takes, the ratios to C libfcgi and to
Kestrel per shape, the targets of issue 13 as met or missed by how much) and writes it beside
OUT as OUT with a .md suffix; OUT gets every row and the summaries as JSON."""
import argparse
import datetime
import json
import os
import statistics

OURS = "fastcgi-aot"
REFERENCES = ["libfcgi", "kestrel"]
SHAPE_ORDER = ["hello", "blocking-hello", "users", "json", "form", "large-64k", "large-1m", "upload", "mem", "haproxy", "conn-per-request"]
SHAPE_TITLES = {
    "hello": "hello: GET /hello",
    "blocking-hello": "blocking-hello: GET /blocking/hello, a Blocking = true handler (worker pool)",
    "users": "users: GET /users/42, a small JSON object",
    "json": "json: POST of a 1 KiB JSON body, answered with JSON",
    "form": "form: POST of 10 urlencoded fields, answered with JSON",
    "large-64k": "large-64k: GET of a 64 KiB response",
    "large-1m": "large-1m: GET of a 1 MiB response",
    "upload": "upload: POST of 1 MiB, answered with its sum",
    "mem": "mem: GET /hello with 256 connections",
    "haproxy": "haproxy: GET /hello through HAProxy fcgi-app (mpxs-conns, get-values)",
    "conn-per-request": "conn-per-request: GET /hello through lighttpd, a new app connection per request",
}
# Fewer requests than this in a round make the row's figures rough: CPU per request then counts
# a noticeable share of work still in flight when the timed run starts and ends.
FEW_REQUESTS = 100
# Shapes whose answer is small: the p99 target applies to them at 32 connections.
SMALL_RESPONSE_SHAPES = {"hello", "blocking-hello", "users", "json", "form", "haproxy", "conn-per-request"}
P99_LIMIT_MS = 3.0
P99_CONNECTIONS = 32
RSS_LIMIT_MIB = 12.0
RSS_CONNECTIONS = 256

# key, heading, scale, format, better ("max" or "min")
COLUMNS = [
    ("rps", "req/s", 1, "{:.0f}", "max"),
    ("p50_us", "p50 ms", 1e-3, "{:.2f}", "min"),
    ("p99_us", "p99 ms", 1e-3, "{:.2f}", "min"),
    ("app_cpu_us", "app CPU µs/req", 1, "{:.1f}", "min"),
    ("front_cpu_us", "{front} CPU µs/req", 1, "{:.1f}", "min"),
    ("peak_rss_kib", "peak RSS MiB", 1 / 1024, "{:.1f}", "min"),
]
FACT_COLUMNS = [
    ("exe_bytes", "executable MiB", 1 / 1048576, "{:.2f}"),
    ("idle_rss_kib", "idle RSS MiB", 1 / 1024, "{:.1f}"),
    ("start_us", "exec to first answer ms", 1e-3, "{:.1f}"),
]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, scale, pattern):
    return "-" if value is None else pattern.format(value * scale)


def markdown_table(headings, rows):
    widths = [max(len(str(row[i])) for row in [headings] + rows) for i in range(len(headings))]
    lines = ["| " + " | ".join(str(h).ljust(w) for h, w in zip(headings, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(v).ljust(w) for v, w in zip(row, widths)) + " |")
    return lines


def summarize(rows):
    """(shape, contender) -> medians of the rounds that passed, and what failed."""
    cells = {}
    for row in rows:
        cells.setdefault((row["shape"], row["contender"]), []).append(row)
    summary = {}
    for key, mine in cells.items():
        failures = [r["status"] for r in mine if r["status"] != "ok"]
        ok = [r for r in mine if r["status"] == "ok"]
        entry = {
            "status": "ok" if not failures else "failed",
            "failures": failures,
            "rounds": len(mine),
            "front": mine[0]["front"],
            "connections": mine[0]["connections"],
            "errors": sum(r["non2xx"] + r["socket_errors"] for r in mine),
            "requests": sum(r["requests"] for r in mine),
            "fewest_requests": min((r["requests"] for r in ok), default=0),
        }
        for column in ["rps", "p50_us", "p99_us", "app_cpu_us", "front_cpu_us", "peak_rss_kib", "idle_rss_kib", "start_us"]:
            entry[column] = median([r.get(column) for r in ok])
        summary[key] = entry
    return summary


def ok_value(summary, shape, contender, key):
    entry = summary.get((shape, contender))
    return entry[key] if entry and entry["status"] == "ok" else None


def check(target, ours, limit, relation):
    """A target: ours <= limit or ours >= limit; met, or missed by how much."""
    result = {"target": target, "ours": ours, "limit": limit}
    if ours is None or limit is None:
        result["met"] = None
        result["text"] = "n/a ({})".format("ours did not run or failed" if ours is None else "the reference did not run or failed")
        return result
    if relation == "<=":
        met = ours <= limit
        miss = (ours / limit - 1) * 100 if limit else float("inf")
    else:
        met = ours >= limit
        miss = (1 - ours / limit) * 100 if limit else 0.0
    result["met"] = met
    result["text"] = "met" if met else "MISSED by {:.{}f}%".format(miss, 0 if miss >= 10 else 1 if miss >= 1 else 2)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("rounds")
    parser.add_argument("out")
    parser.add_argument("--sizes", required=True)
    parser.add_argument("--machine", required=True)
    parser.add_argument("--command", required=True)
    parser.add_argument("--settings", required=True)
    parser.add_argument("--versions", required=True)
    args = parser.parse_args()

    rows = [json.loads(line) for line in open(args.rounds) if line.strip()]
    sizes = json.loads(args.sizes)
    summary = summarize(rows)
    shapes = [s for s in SHAPE_ORDER if any(r["shape"] == s for r in rows)]
    contenders = list(dict.fromkeys(r["contender"] for r in rows))
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    profiled = next((r["profiled"] for r in rows if r.get("profiled")), None)

    md = []
    if profiled:
        md += [f"**PROFILE RUN ({profiled}): the tracer distorts every figure below; use it for where the time goes, not for how much.**", ""]
    md += [f"- Date: {date}", f"- Machine: {args.machine}", f"- Versions: {args.versions}",
           f"- Settings: {args.settings}", f"- Command: `{args.command}`", ""]

    ratios = {}
    flagged_any = False
    few_any = False
    for shape in shapes:
        front = next(r["front"] for r in rows if r["shape"] == shape)
        connections = next(r["connections"] for r in rows if r["shape"] == shape)
        headings = ["contender"] + [c[1].format(front=front) for c in COLUMNS] + ["errors"]
        table = []
        for name in contenders:
            entry = summary.get((shape, name))
            if entry is None:
                continue
            flagged = entry["status"] == "ok" and entry["errors"] > 0
            few = entry["status"] == "ok" and entry["fewest_requests"] < FEW_REQUESTS
            flagged_any |= flagged
            few_any |= few
            label = name + (" (FAILED)" if entry["status"] != "ok" else "") + (" !" if flagged else "") + (" ~" if few else "")
            table.append([label] + [fmt(entry[c[0]], c[2], c[3]) for c in COLUMNS] + [str(entry["errors"])])
        shape_ratios = {}
        if ok_value(summary, shape, OURS, "rps") is not None:
            for reference in [r for r in REFERENCES if (shape, r) in summary]:
                row = [f"ours / {reference}"]
                for key, *_ in COLUMNS:
                    ours, theirs = ok_value(summary, shape, OURS, key), ok_value(summary, shape, reference, key)
                    if ours is not None and theirs:
                        shape_ratios.setdefault(reference, {})[key] = ours / theirs
                        row.append("{:.2f}".format(ours / theirs))
                    else:
                        row.append("-")
                table.append(row + [""])
        ratios[shape] = shape_ratios
        md += [f"### {SHAPE_TITLES[shape]} ({connections} connections, through {front})", ""]
        md += markdown_table(headings, table)
        md.append("")

    # Facts about each contender, from the hello shape (nginx): what it is at rest.
    facts = []
    for name in contenders:
        entry = summary.get(("hello", name)) or {}
        values = {"exe_bytes": sizes.get(name), "idle_rss_kib": entry.get("idle_rss_kib") if name != "ceiling" else None,
                  "start_us": entry.get("start_us")}
        facts.append([name] + [fmt(values[k], s, p) for k, _, s, p in FACT_COLUMNS])
    md += ["### The contenders at rest (executable; idle RSS and start time from the hello cells)", ""]
    md += markdown_table(["contender"] + [c[1] for c in FACT_COLUMNS], facts)
    md.append("")
    md += ["Ratios are ours divided by theirs: above 1 is better for req/s, below 1 for the rest.", ""]
    if few_any:
        md += [f"`~`: fewer than {FEW_REQUESTS} requests in a round of that cell; its figures are rough.", ""]
    if flagged_any:
        md += ["`!`: wrk counted socket errors (connect, read, write or timeout) in that cell, below the "
               "tolerance that fails it; the errors column has the count over all rounds.", ""]

    # Targets of issue 13, as ratios within this run.
    targets = []
    for shape in shapes:
        cpu = ok_value(summary, shape, OURS, "app_cpu_us")
        libfcgi_cpu = ok_value(summary, shape, "libfcgi", "app_cpu_us")
        kestrel_cpu = ok_value(summary, shape, "kestrel", "app_cpu_us")
        if shape == "hello":
            targets.append(check("hello: app CPU/request <= 0.5x libfcgi's", cpu, libfcgi_cpu and 0.5 * libfcgi_cpu, "<="))
            rps, libfcgi_rps = ok_value(summary, shape, OURS, "rps"), ok_value(summary, shape, "libfcgi", "rps")
            targets.append(check("hello: req/s >= 1.5x libfcgi's", rps, libfcgi_rps and 1.5 * libfcgi_rps, ">="))
        elif shape == "blocking-hello":
            # No target: the cost of Blocking = true, measured against our own hello in this run.
            hello_cpu = ok_value(summary, "hello", OURS, "app_cpu_us")
            if cpu is not None and hello_cpu:
                targets.append({"text": "measured", "met": None, "ours": cpu, "limit": None,
                                "target": "blocking-hello, the cost of Blocking = true: {:.1f} µs of app CPU per request "
                                          "against {:.1f} on the I/O thread ({:.2f}x)".format(cpu, hello_cpu, cpu / hello_cpu)})
        else:
            if (shape, "libfcgi") in summary:
                targets.append(check(f"{shape}: app CPU/request <= libfcgi's", cpu, libfcgi_cpu, "<="))
            if (shape, "kestrel") in summary:
                targets.append(check(f"{shape}: app CPU/request <= 0.5x Kestrel's", cpu, kestrel_cpu and 0.5 * kestrel_cpu, "<="))
        entry = summary.get((shape, OURS))
        if shape in SMALL_RESPONSE_SHAPES and entry and entry["connections"] == P99_CONNECTIONS:
            p99 = ok_value(summary, shape, OURS, "p99_us")
            targets.append(check(f"{shape}: p99 <= {P99_LIMIT_MS:g} ms at {P99_CONNECTIONS} connections",
                                 p99 / 1000 if p99 is not None else None, P99_LIMIT_MS, "<="))
        if entry and entry["connections"] == RSS_CONNECTIONS:
            peak = ok_value(summary, shape, OURS, "peak_rss_kib")
            targets.append(check(f"{shape}: peak RSS <= {RSS_LIMIT_MIB:g} MiB at {RSS_CONNECTIONS} connections",
                                 peak / 1024 if peak is not None else None, RSS_LIMIT_MIB, "<="))
    md += ["### Targets (ratios within this run)", ""]
    for t in targets:
        figures = "" if t["met"] is None else ": ours {:.2f}, limit {:.2f}".format(t["ours"], t["limit"])
        md.append(f"- {t['text']}: {t['target']}{figures}")
    failed = [(k, v) for k, v in summary.items() if v["status"] != "ok"]
    if failed:
        md += ["", "### Failed cells", ""]
        for (shape, name), entry in failed:
            md.append(f"- FAILED {shape} {name}: {'; '.join(entry['failures'])}")

    text = "\n".join(md)
    print()
    print(text)
    md_path = os.path.splitext(args.out)[0] + ".md"
    with open(md_path, "w") as f:
        f.write(text + "\n")
    document = {
        "date": date,
        "machine": args.machine,
        "command": args.command,
        "settings": args.settings,
        "versions": args.versions,
        "profiled": profiled,
        "sizes": sizes,
        "summary": [{"shape": s, "contender": c, **v} for (s, c), v in summary.items()],
        "ratios": ratios,
        "targets": targets,
        "markdown": text,
        "rounds": rows,
    }
    with open(args.out, "w") as f:
        json.dump(document, f, indent=2)
        f.write("\n")
    print(f"\nwrote {args.out} and {md_path}")


if __name__ == "__main__":
    main()
