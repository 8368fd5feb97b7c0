#!/usr/bin/env python3
"""Turn the results of bench/walk.sh into Markdown tables.

usage: report.py RESULTS_DIR"""
import json
import os
import statistics
import sys

PEER = "chown -R"
OURS = "stepdown (default jobs)"
SIZES = [("100k", "100k"), ("1m", "1M")]
CASES = [("first", "first start (all 0:0)"), ("restart", "restart (all 1000:1000)")]


def load(path):
    with open(path) as f:
        return {r["command"]: r for r in json.load(f)["results"]}


def med(r):
    return r.get("median", statistics.median(r["times"]))


def fmt_s(x):
    return f"{x:.3f}" if x < 10 else f"{x:.2f}"


def main(d):
    out = []
    p = lambda s="": out.append(s)
    verdicts = []

    machine = {}
    if os.path.exists(os.path.join(d, "machine.txt")):
        for line in open(os.path.join(d, "machine.txt")):
            k, _, v = line.rstrip("\n").partition("=")
            machine[k] = v
    entries = {}
    if os.path.exists(os.path.join(d, "entries.txt")):
        for line in open(os.path.join(d, "entries.txt")):
            k, v = line.split()
            entries[k] = int(v)

    if machine:
        p(f"Machine: {machine.get('nproc')} CPUs ({machine.get('cpu')}), "
          f"{machine.get('mem_mib')} MiB RAM, kernel {machine.get('kernel')}, "
          f"trees on {machine.get('fstype')} ({machine.get('fs_source')}); "
          f"hyperfine {machine.get('hyperfine')}, coreutils {machine.get('coreutils')}, "
          f"findutils {machine.get('findutils')}; stepdown default --jobs = "
          f"{machine.get('default_jobs')}; {machine.get('date')}.")
        p()

    p("### Walk time (hyperfine medians; ratio = median / median of `chown -R` in the same run)")
    p()
    p("| tree | case | command | median s | min–max s | runs | vs chown -R |")
    p("| --- | --- | --- | ---: | ---: | ---: | ---: |")
    for size, label in SIZES:
        for case, clabel in CASES:
            path = os.path.join(d, f"{case}-{size}.json")
            if not os.path.exists(path):
                continue
            res = load(path)
            base = med(res[PEER])
            n = entries.get(size)
            tree = f"{label} ({n:,} entries)" if n else label
            for name, r in res.items():
                ratio = med(r) / base
                shown = f"**{name}**" if name.startswith("stepdown") else name
                p(f"| {tree} | {clabel} | {shown} | {fmt_s(med(r))} | "
                  f"{fmt_s(r['min'])}–{fmt_s(r['max'])} | {len(r['times'])} | {ratio:.2f} |")
            ours = med(res[OURS])
            if case == "restart":
                peers = {k: med(v) for k, v in res.items() if not k.startswith("stepdown")}
                worst = min(peers, key=peers.get)
                ok = all(ours < v for v in peers.values())
                verdicts.append((f"restart {label}: stepdown faster than every peer", ok,
                                 f"stepdown {fmt_s(ours)} s vs fastest peer `{worst}` "
                                 f"{fmt_s(peers[worst])} s (ratio {ours / peers[worst]:.2f})"))
            else:
                ok = ours <= base
                verdicts.append((f"first start {label}: stepdown no slower than chown -R", ok,
                                 f"stepdown {fmt_s(ours)} s vs chown -R {fmt_s(base)} s "
                                 f"(ratio {ours / base:.2f}; `--jobs 1`: "
                                 f"{med(res['stepdown --jobs 1']) / base:.2f})"))
    p()

    rss_path = os.path.join(d, "rss.txt")
    if os.path.exists(rss_path):
        p("### Peak RSS during the 1M first-start walk")
        p()
        p("`/usr/bin/time -v` maximum resident set size; for stepdown this is the maximum over "
          "stepdown and its workload (`true`), so the workload alone is listed too. "
          "\"own VmHWM\" is stepdown's own high-water mark, read from /proc by its workload "
          "after the walk.")
        p()
        p("| process | peak RSS KiB | MiB |")
        p("| --- | ---: | ---: |")
        peak = 0
        for line in open(rss_path):
            name, _, kib = line.rstrip("\n").partition("\t")
            kib = int(kib)
            if name.startswith("stepdown"):
                peak = max(peak, kib)
            p(f"| {name} | {kib:,} | {kib / 1024:.1f} |")
        p()
        verdicts.append(("peak RSS of stepdown during the 1M walk under 8 MiB", peak < 8192,
                         f"largest stepdown figure {peak:,} KiB ({peak / 1024:.1f} MiB)"))

    ovl = os.path.join(d, "overlay.json")
    if os.path.exists(ovl):
        res = load(ovl)
        base = med(res[PEER])
        nent = open(os.path.join(d, "overlay-entries.txt")).read().strip()
        written = {}
        for line in open(os.path.join(d, "overlay-bytes.txt")):
            name, empty, after, n = line.rstrip("\n").split("\t")
            written[name] = (int(after) - int(empty), int(n))
        p(f"### overlayfs: lower layer of 300 × 1 MiB + small files ({nent} entries), "
          "all already 1000:1000; fresh upper dir per run")
        p()
        p("| command | median s | min–max s | vs chown -R | written to upper (du -sb, minus the empty upper) | entries in upper |")
        p("| --- | ---: | ---: | ---: | ---: | ---: |")
        for name, r in res.items():
            w, n = written.get(name, (0, 0))
            shown = f"**{name}**" if name.startswith("stepdown") else name
            p(f"| {shown} | {fmt_s(med(r))} | {fmt_s(r['min'])}–{fmt_s(r['max'])} | "
              f"{med(r) / base:.2f} | {w:,} B ({w / 1048576:.1f} MiB) | {n:,} |")
        p()

    p("### Targets")
    p()
    p("| target | met | numbers |")
    p("| --- | --- | --- |")
    for name, ok, detail in verdicts:
        p(f"| {name} | {'yes' if ok else '**NO**'} | {detail} |")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
