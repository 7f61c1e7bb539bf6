#!/usr/bin/env python3
"""Turns the per-round rows written by run.sh into the table, the ratios and the JSON file.

Each figure is the median over the rounds; a contender that failed any round (a wrong answer,
an error or a non-2xx under load) is marked failed and left out of the ratios."""
import argparse
import datetime
import json
import statistics

OURS = "fastcgi-aot"
PEERS = ["go", "libfcgi", "php-fpm", "kestrel"]
FASTCGI_PEERS = ["go", "libfcgi", "php-fpm"]
# Figures measured in the many-connection run, whose errors (errors_256) do not fail a contender.
MARKED_256 = {"peak_rss_256_kib"}

# key, heading, scale, format, better ("max" or "min")
COLUMNS = [
    ("rps", "req/s", 1, "{:.0f}", "max"),
    ("p50_us", "p50 ms", 1e-3, "{:.2f}", "min"),
    ("p99_us", "p99 ms", 1e-3, "{:.2f}", "min"),
    ("app_cpu_us", "app CPU µs/req", 1, "{:.1f}", "min"),
    ("nginx_cpu_us", "nginx CPU µs/req", 1, "{:.1f}", "min"),
    ("idle_rss_kib", "idle RSS MiB", 1 / 1024, "{:.1f}", "min"),
    ("peak_rss_kib", "peak RSS MiB (c32)", 1 / 1024, "{:.1f}", "min"),
    ("peak_rss_256_kib", "peak RSS MiB (c256)", 1 / 1024, "{:.1f}", "min"),
    ("exe_bytes", "executable MiB", 1 / 1048576, "{:.2f}", "min"),
    ("start_us", "exec to first answer ms", 1e-3, "{:.1f}", "min"),
]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


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
    names = list(dict.fromkeys(row["contender"] for row in rows))
    summary = {}
    errors_256_in_figures = {}
    for name in names:
        mine = [row for row in rows if row["contender"] == name]
        failures = [row["status"] for row in mine if row["status"] != "ok"]
        ok = [row for row in mine if row["status"] == "ok"]
        entry = {"status": "ok" if not failures else "failed", "failures": failures, "rounds": len(mine)}
        for key, *_ in COLUMNS:
            if key == "exe_bytes":
                entry[key] = sizes.get(name)
            else:
                entry[key] = median([row.get(key) for row in ok])
        entry["errors_256"] = sum(row.get("errors_256", 0) for row in mine)
        summary[name] = entry
        # The c256 run's errors do not fail a contender, but its peak RSS then comes from a run
        # that did not serve every request: the table marks that figure (see MARKED_256).
        errors_256_in_figures[name] = sum(row.get("errors_256", 0) for row in ok)

    def fmt(value, scale, pattern):
        return "-" if value is None else pattern.format(value * scale)

    def marked(name, key):
        entry = summary.get(name)
        return key in MARKED_256 and entry is not None and entry[key] is not None and errors_256_in_figures[name] > 0

    headings = ["contender"] + [c[1] for c in COLUMNS]
    table = [headings]
    footnotes = []
    for name in names:
        entry = summary[name]
        label = name if entry["status"] == "ok" else name + " (FAILED)"
        table.append([label] + [fmt(entry[c[0]], c[2], c[3]) + ("*" if marked(name, c[0]) else "") for c in COLUMNS])
        if any(marked(name, c[0]) for c in COLUMNS):
            footnotes.append(f"* {name}: wrk counted {errors_256_in_figures[name]} errors in the 256-connection runs")

    # Ratios: ours / the best peer that did not fail, per column (lower is better except req/s).
    ratios = {}
    ours = summary.get(OURS)
    if ours and ours["status"] == "ok":
        for key, heading, _, _, better in COLUMNS:
            candidates = [(summary[p][key], p) for p in PEERS if p in summary and summary[p]["status"] == "ok" and summary[p][key]]
            if not candidates or ours[key] is None:
                continue
            best_value, best_name = (max if better == "max" else min)(candidates)
            ratios[key] = {"best_peer": best_name, "best_value": best_value, "ratio": ours[key] / best_value}
        ratio_row = ["ours / best peer"] + [
            "{:.2f} ({}){}".format(ratios[c[0]]["ratio"], ratios[c[0]]["best_peer"],
                                   "*" if marked(OURS, c[0]) or marked(ratios[c[0]]["best_peer"], c[0]) else "")
            if c[0] in ratios else "-" for c in COLUMNS
        ]
        table.append(ratio_row)

    targets = []

    def peer(name, key):
        entry = summary.get(name)
        return entry[key] if entry and entry["status"] == "ok" else None

    if ours and ours["status"] == "ok":
        cpu = ours["app_cpu_us"]
        for name, factor, text in [("libfcgi", 1.0, "app CPU/request <= C libfcgi's"),
                                   ("go", 0.5, "app CPU/request < half of Go's"),
                                   ("kestrel", 0.5, "app CPU/request < half of Kestrel's")]:
            other = peer(name, "app_cpu_us")
            if other is not None:
                met = cpu <= other * factor if factor == 1.0 else cpu < other * factor
                targets.append({"target": text, "ours": cpu, "peer": other, "met": met})
        # Like the CPU targets, only against peers that ran: with none, there is nothing to beat.
        fastcgi_rps = [v for v in (peer(p, "rps") for p in FASTCGI_PEERS) if v is not None]
        if fastcgi_rps:
            fastcgi_best = max(fastcgi_rps)
            targets.append({"target": "req/s >= best FastCGI peer", "ours": ours["rps"], "peer": fastcgi_best, "met": ours["rps"] >= fastcgi_best})
        targets.append({"target": "p99 <= 5 ms", "ours": ours["p99_us"] / 1000, "peer": 5, "met": ours["p99_us"] <= 5000})
        peak = ours["peak_rss_256_kib"] / 1024 if ours["peak_rss_256_kib"] else None
        targets.append({"target": "peak RSS at 256 connections <= 12 MiB", "ours": peak, "peer": 12, "met": peak is not None and peak <= 12})
        if marked(OURS, "peak_rss_256_kib"):
            targets[-1]["note"] = f"* wrk counted {errors_256_in_figures[OURS]} errors in the 256-connection runs"

    widths = [max(len(str(row[i])) for row in table) for i in range(len(headings))]
    lines = []
    lines.append("| " + " | ".join(str(h).ljust(w) for h, w in zip(headings, widths)) + " |")
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in table[1:]:
        lines.append("| " + " | ".join(str(v).ljust(w) for v, w in zip(row, widths)) + " |")
    print()
    print("\n".join(lines))
    for footnote in footnotes:
        print(footnote)
    print()
    for t in targets:
        print("{} {}: ours {:.2f}, reference {:.2f}{}".format("MET   " if t["met"] else "MISSED", t["target"], t["ours"] or 0, t["peer"] or 0,
                                                          " (" + t["note"] + ")" if "note" in t else ""))
    for name in names:
        if summary[name]["status"] != "ok":
            print(f"FAILED {name}: {'; '.join(summary[name]['failures'])}")

    document = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": args.machine,
        "command": args.command,
        "settings": args.settings,
        "versions": args.versions,
        "summary": summary,
        "ratios_to_best_peer": ratios,
        "targets": targets,
        "table_markdown": "\n".join(lines),
        "table_footnotes": footnotes,
        "rounds": rows,
    }
    with open(args.out, "w") as f:
        json.dump(document, f, indent=2)
        f.write("\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
