#!/usr/bin/env python3
"""Turn the results of bench/startup.sh, bench/reap.sh, bench/latency.sh and
bench/profile.sh into Markdown tables: medians, and ratios to a peer measured in the same run.

usage: report_init.py startup|reap|latency|profile RESULTS_DIR"""
import glob
import json
import os
import re
import statistics
import sys

OURS = "stepdown"


def median(xs):
    return statistics.median(xs)


def pct(xs, p):
    """p-th percentile, nearest rank."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def load_machine(d):
    m = {}
    path = os.path.join(d, "machine.txt")
    if os.path.exists(path):
        for line in open(path):
            k, _, v = line.rstrip("\n").partition("=")
            m[k] = v
    return m


def machine_line(m):
    peers = ", ".join(f"{p} {m.get('pkg_' + p, '?')}"
                      for p in ("tini", "dumb-init", "gosu", "catatonit", "util-linux"))
    return (f"Machine: {m.get('nproc')} CPUs ({m.get('cpu')}), {m.get('mem_mib')} MiB RAM, "
            f"kernel {m.get('kernel')}; "
            f"hyperfine {m.get('hyperfine')}; stepdown {m.get('stepdown')} ({m.get('git')}, "
            f"sha256 {m.get('stepdown_sha256', '?')}…); "
            f"Debian packages {peers}; {m.get('date')}.")


def linkage_line(m):
    names = ["tini", "tini-static", "catatonit", "dumb-init", "gosu", "setpriv", "true"]
    return "Linkage as shipped: " + ", ".join(
        f"{n} {m.get('link_' + n, '?')}" for n in names) + "."


def bold(name):
    return f"**{name}**" if name.startswith(OURS) else name


def ms(x):
    return f"{x * 1e3:.2f}"


def ratio_cell(rs):
    """median of per-round ratios, and their range when there are several."""
    if len(rs) == 1:
        return f"{rs[0]:.2f}", ""
    return f"{median(rs):.2f}", f"{min(rs):.2f}–{max(rs):.2f}"


# --- start-up ------------------------------------------------------------------

def hyperfine_rounds(d, prefix):
    rounds = []
    for path in sorted(glob.glob(os.path.join(d, f"{prefix}-*.json")),
                       key=lambda p: int(re.search(r"-(\d+)\.json$", p).group(1))):
        with open(path) as f:
            rounds.append({r["command"]: r for r in json.load(f)["results"]})
    return rounds


def startup(d):
    out = []
    p = lambda s="": out.append(s)
    m = load_machine(d)
    verdicts = []
    PEER = "tini-static"
    FLOOR = "true (floor)"
    if m:
        p(machine_line(m))
        p()
        p(linkage_line(m))
        p()
    for prefix, title in (("plain", "plain process"),
                          ("pid1", "PID 1 of a new PID namespace (`unshare -fp ...`)")):
        rounds = hyperfine_rounds(d, prefix)
        if not rounds:
            continue
        names = list(rounds[0])
        runs = len(rounds[0][names[0]]["times"])
        p(f"### Start-up time, {title}")
        p()
        p(f"hyperfine `-N`, {m.get('warmup', '?')} warm-up runs and {runs} runs per command "
          f"in each of {len(rounds)} rounds. \"median ms\" is the median of the rounds' "
          f"medians; the ratio is median / median of `{PEER}` in the same round (median "
          f"over rounds, and the range); \"above floor\" subtracts the median of "
          f"{'bare `true`' if prefix == 'plain' else '`unshare -fp true`'} in the same round. "
          f"\"CPU ms\" is user + system time (hyperfine's means, the command and what it "
          f"waited for), median over rounds.")
        p()
        p(f"| command | median ms | min ms | vs {PEER} | range over rounds | above floor ms "
          f"| CPU ms |")
        p("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name in names:
            meds = [r[name]["median"] for r in rounds]
            ratios = [r[name]["median"] / r[PEER]["median"] for r in rounds]
            above = [r[name]["median"] - r[FLOOR]["median"] for r in rounds]
            rc, rr = ratio_cell(ratios)
            shown = name
            if name == FLOOR:
                shown = "`true` (floor)" if prefix == "plain" else "`unshare -fp true` (floor)"
            cpu = [r[name]["user"] + r[name]["system"] for r in rounds]
            p(f"| {bold(shown)} | {ms(median(meds))} | {ms(min(r[name]['min'] for r in rounds))} "
              f"| {rc} | {rr} | {ms(median(above))} | {ms(median(cpu))} |")
        p()
        peers = [n for n in names if not n.startswith(OURS) and n != FLOOR]
        for peer in peers:
            ratios = [r[OURS]["median"] / r[peer]["median"] for r in rounds]
            wins = sum(x < 1 for x in ratios)
            ok = median(ratios) < 1
            verdicts.append((
                f"{prefix}: `stepdown --user nobody -- true` starts faster than {peer}", ok,
                f"stepdown / {peer} = {median(ratios):.2f} (rounds {min(ratios):.2f}–"
                f"{max(ratios):.2f}; faster in {wins} of {len(ratios)} rounds); "
                f"{ms(median([r[OURS]['median'] for r in rounds]))} vs "
                f"{ms(median([r[peer]['median'] for r in rounds]))} ms"))
        # the entrypoint against its equivalent
        ep = [n for n in names if n.startswith("entrypoint")]
        if ep and "stepdown -w DATA" in names:
            ratios = [r["stepdown -w DATA"]["median"] / r[ep[0]]["median"] for r in rounds]
            verdicts.append((
                f"{prefix}: `stepdown --user nobody -w DATA -- true` faster than the "
                f"equivalent entrypoint.sh", median(ratios) < 1,
                f"ratio {median(ratios):.2f} (rounds {min(ratios):.2f}–{max(ratios):.2f})"))

    rss_path = os.path.join(d, "rss.txt")
    if os.path.exists(rss_path):
        rss = {}
        order = []
        for line in open(rss_path):
            name, wl, vals = line.rstrip("\n").split("\t")
            v = [int(x) for x in vals.split()]
            rss[(name, wl)] = v
            if name not in order:
                order.append(name)
        n = len(next(iter(rss.values())))
        p("### Peak RSS (`/usr/bin/time -v`, maximum resident set size)")
        p()
        p(f"Median of {n} runs, KiB, address-space randomisation off (`setarch -R`) for "
          "every command so the figure repeats. It is the maximum over the command and every "
          "process it waited for, across exec, so it is never below the workload's own or "
          "below what `/usr/bin/time` itself had mapped when it forked (the `nop` floor). "
          "With `true` (dynamic glibc, about 1 MiB) the workload dominates; with `nop` (no "
          "C library, bench/nop.c) the figure is the entrypoint's own peak.")
        p()
        p(f"| command | with `true` | vs {PEER} | with `nop` | vs {PEER} |")
        p("| --- | ---: | ---: | ---: | ---: |")
        for name in order:
            t = median(rss[(name, "true")])
            z = median(rss[(name, "nop")])
            tp = median(rss[(PEER, "true")])
            zp = median(rss[(PEER, "nop")])
            shown = "the workload alone (floor)" if name == FLOOR else name
            p(f"| {bold(shown)} | {t:,.0f} | {t / tp:.2f} | {z:,.0f} | {z / zp:.2f} |")
        p()
        for wl in ("true", "nop"):
            a, b = median(rss[(OURS, wl)]), median(rss[(PEER, wl)])
            f = median(rss[(FLOOR, wl)])
            verdicts.append((f"peak RSS of stepdown no higher than tini-static's (workload "
                             f"`{wl}`)", a <= b,
                             f"{a:,.0f} vs {b:,.0f} KiB (ratio {a / b:.2f}); the workload "
                             f"alone under /usr/bin/time: {f:,.0f} KiB"))

    mem_path = os.path.join(d, "pid1-mem.txt")
    if os.path.exists(mem_path):
        mem = {}
        for line in open(mem_path):
            name, *vals = line.rstrip("\n").split("\t")
            mem.setdefault(name, []).append([int(v) for v in vals])
        n = len(next(iter(mem.values())))
        p("### PID 1's memory while the workload (`sleep`) runs")
        p()
        p(f"From `/proc/<PID 1>/status` 0.3 s after the workload started, as PID 1 under "
          f"`unshare -fp`; median of {n} starts, KiB. VmHWM is PID 1's own high-water mark "
          "(set-up included).")
        p()
        p(f"| PID 1 | VmRSS | VmHWM | RssAnon | RssFile | VmRSS vs {PEER} |")
        p("| --- | ---: | ---: | ---: | ---: | ---: |")
        base = median([v[0] for v in mem[PEER]])
        for name, rows in mem.items():
            cols = [median([r[i] for r in rows]) for i in range(4)]
            p(f"| {bold(name)} | " + " | ".join(f"{c:,.0f}" for c in cols) +
              f" | {cols[0] / base:.2f} |")
        p()
        ours = median([v[0] for v in mem[OURS]])
        inits = [k for k in mem if k not in (OURS,) and "no init" not in k]
        smallest = min(inits, key=lambda k: median([v[0] for v in mem[k]]))
        verdicts.append(("PID 1 resident memory while the workload sleeps: stepdown no "
                         "higher than tini-static's", ours <= base,
                         f"VmRSS {ours:,.0f} vs {base:,.0f} KiB; smallest init: {smallest} "
                         f"{median([v[0] for v in mem[smallest]]):,.0f} KiB"))
    targets(p, verdicts)
    return out


# --- reaping -------------------------------------------------------------------

def paired(rs, peer_rs):
    """Per-round ratios reap_s / the peer's reap_s in the same round."""
    by_round = {r["round"]: r["reap_s"] for r in peer_rs if r["round"] is not None}
    return [r["reap_s"] / by_round[r["round"]] for r in rs
            if r["round"] is not None and r["round"] in by_round]


def reap(d):
    out = []
    p = lambda s="": out.append(s)
    m = load_machine(d)
    PEER = "tini-static"
    verdicts = []
    if m:
        p(machine_line(m))
        p()
        p(linkage_line(m))
        p()
    runs = {}
    order = []
    for line in open(os.path.join(d, "runs.tsv")):
        f = line.rstrip("\n").split("\t", 3)
        if len(f) == 4:
            rnd, case, name, js = int(f[0]), f[1], f[2], f[3]
        else:
            rnd, (case, name, js) = None, f
        r = json.loads(js)
        r["round"] = rnd
        runs.setdefault(case, {}).setdefault(name, []).append(r)
        if name not in order:
            order.append(name)
    known = ["stepdown", "tini-static", "tini", "catatonit", "dumb-init"]
    order.sort(key=lambda n: known.index(n) if n in known else len(known))
    n_orphans = m.get("orphans", "?")
    titles = {
        "burst": f"burst: {int(n_orphans):,} orphans released at once; time until PID 1 "
                 "has reaped the last (their exits included)",
        "backlog": f"backlog: {int(n_orphans):,} zombies already there (PID 1 stopped while "
                   "they exited); time from SIGCONT until PID 1 has reaped them all",
    }
    for case in ("burst", "backlog"):
        if case not in runs:
            continue
        res = runs[case]
        base = median([r["reap_s"] for r in res[PEER]])
        p(f"### Reaping, {titles[case]}")
        p()
        p(f"PID 1 under `unshare -fp --mount-proc`; the same workload (bench/orphans.c, "
          f"uid 65534) under each init, every init once per round. \"vs {PEER}\" = median "
          f"/ median of `{PEER}` over all rounds; \"paired\" = the median over rounds of "
          f"the ratio within each round (range in brackets). \"left\" is the most "
          f"processes other than PID 1 and the workload found in /proc after the wait in "
          f"any run (zombies among them in brackets): it must be 0.")
        p()
        p(f"| PID 1 | median s | min–max s | runs | vs {PEER} | paired | µs per orphan | "
          f"creating them (not compared), median s | left (zombies) |")
        p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name in order:
            rs = res.get(name)
            if not rs:
                continue
            t = [r["reap_s"] for r in rs]
            left = max(r["left"] for r in rs)
            zomb = max(r["zombies"] for r in rs)
            pr = paired(rs, res[PEER])
            prs = f"{median(pr):.2f} ({min(pr):.2f}–{max(pr):.2f})" if pr else ""
            p(f"| {bold(name)} | {median(t):.3f} | {min(t):.3f}–{max(t):.3f} | {len(t)} | "
              f"{median(t) / base:.2f} | {prs} | {median(t) / rs[0]['n'] * 1e6:.1f} | "
              f"{median([r['create_s'] for r in rs]):.3f} | {left} ({zomb}) |")
        p()
        ours = median([r["reap_s"] for r in res[OURS]])
        pr = paired(res[OURS], res[PEER])
        extra = (f"; paired per-round ratio {median(pr):.2f} ({min(pr):.2f}–{max(pr):.2f}, "
                 f"no slower in {sum(x <= 1 for x in pr)} of {len(pr)} rounds)") if pr else ""
        ok = median(pr) <= 1 if pr else ours <= base
        verdicts.append((f"{case}: stepdown reaps no slower than tini-static", ok,
                         f"medians {ours:.3f} vs {base:.3f} s (ratio {ours / base:.2f}){extra}"))
        clean = all(r["left"] == 0 and r["zombies"] == 0 for rs in res.values() for r in rs)
        verdicts.append((f"{case}: no process left after any run, for any init", clean,
                         f"{sum(len(rs) for rs in res.values())} runs checked"))
    targets(p, verdicts)
    return out


# --- latency -------------------------------------------------------------------

def latency(d):
    out = []
    p = lambda s="": out.append(s)
    m = load_machine(d)
    PEER = "tini"
    verdicts = []
    if m:
        p(machine_line(m))
        p()
        p(linkage_line(m))
        p()
    placements = {}
    for path in glob.glob(os.path.join(d, "placement-*.name")):
        placements[int(re.search(r"placement-(\d+)", path).group(1))] = open(path).read().strip()
    # (placement, name, sig) -> samples; per round medians
    pooled, per_round, lost = {}, {}, {}
    order = []
    for path in sorted(glob.glob(os.path.join(d, "r*-c*.json"))):
        mm = re.search(r"r(\d+)-c\d+(?:-p(\d+))?\.json$", os.path.basename(path))
        rnd = int(mm.group(1))
        pl = placements.get(int(mm.group(2)), "spread") if mm.group(2) else "spread"
        with open(path) as f:
            j = json.load(f)
        name = j["name"]
        if name not in order:
            order.append(name)
        lost[(pl, name)] = lost.get((pl, name), 0) + j["lost"]
        for sig, xs in j["samples_us"].items():
            pooled.setdefault((pl, name, sig), []).extend(xs)
            per_round.setdefault((pl, name, sig), {})[rnd] = median(xs)
    order.sort(key=lambda n: (not n.startswith("direct"), not n.startswith(OURS), n))
    rounds = sorted({r for v in per_round.values() for r in v})
    pls = [placements[k] for k in sorted(placements)] or ["spread"]
    titles = {"spread": "free to use both CPUs (the realistic case)",
              "one CPU": "sender, PID 1 and workload pinned to CPU 0 (the code path and the "
                         "context switches, no cross-CPU wake-up)"}
    for pl in pls:
        p(f"### Signal-forwarding latency, {titles.get(pl, pl)}")
        p()
        p(f"µs from kill(PID 1) to the workload's handler: CLOCK_MONOTONIC read by the sender "
          f"just before kill() and by the handler as its first action (bench/latency.c). "
          f"Median, p90 and p99 of all samples of {len(rounds)} rounds pooled. \"vs {PEER}\" "
          f"is the median over rounds of each round's median / `{PEER}`'s median in that "
          f"round, with the range. \"direct\" sends the kill to the workload itself (PID 1, "
          f"no init).")
        p()
        p(f"| PID 1 | signal | median µs | p90 µs | p99 µs | samples | lost | vs {PEER} | "
          f"range over rounds |")
        p("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for sig in ("SIGTERM", "SIGUSR1"):
            for name in order:
                xs = pooled.get((pl, name, sig))
                if not xs:
                    continue
                rr = [per_round[(pl, name, sig)][r] / per_round[(pl, PEER, sig)][r]
                      for r in rounds if r in per_round[(pl, name, sig)]
                      and r in per_round[(pl, PEER, sig)]]
                p(f"| {bold(name)} | {sig} | {median(xs):.1f} | {pct(xs, 90):.1f} | "
                  f"{pct(xs, 99):.1f} | {len(xs):,} | {lost[(pl, name)]} | {median(rr):.2f} | "
                  f"{min(rr):.2f}–{max(rr):.2f} |")
            ours = pooled[(pl, OURS, sig)]
            theirs = pooled[(pl, PEER, sig)]
            rr = [per_round[(pl, OURS, sig)][r] / per_round[(pl, PEER, sig)][r] for r in rounds
                  if r in per_round[(pl, OURS, sig)] and r in per_round[(pl, PEER, sig)]]
            wins = sum(x <= 1 for x in rr)
            verdicts.append((f"{sig} ({pl}): stepdown's median latency no worse than tini's",
                             median(rr) <= 1,
                             f"per-round ratio {median(rr):.2f} (range {min(rr):.2f}–"
                             f"{max(rr):.2f}; no worse in {wins} of {len(rr)} rounds); pooled "
                             f"median {median(ours):.1f} vs {median(theirs):.1f} µs, p90 "
                             f"{pct(ours, 90):.1f} vs {pct(theirs, 90):.1f} µs"))
        p()
    targets(p, verdicts)
    return out


# --- profile -------------------------------------------------------------------

def strace_split(path):
    """Syscall counts of the traced command's own process (up to the exec of
    the workload, for those that exec in place), of its children before
    their successful execve, and of the workload after that exec."""
    own, pre, wl = {}, {}, {}
    first = None
    execs = {}  # successful execve per pid

    def workload(pid):
        return execs.get(pid, 0) >= (2 if pid == first else 1)

    for line in open(path):
        m = re.match(r"(\d+)\s+(.*)", line)
        if not m:
            continue
        pid, rest = int(m.group(1)), m.group(2)
        if first is None:
            first = pid
        if rest.startswith("<..."):
            if rest.startswith("<... execve resumed>") and re.search(r"= 0$", rest):
                execs[pid] = execs.get(pid, 0) + 1
            continue
        name = re.match(r"([a-z_0-9]+)\(", rest)
        if not name:
            continue
        name = name.group(1)
        bucket = wl if workload(pid) else own if pid == first else pre
        bucket[name] = bucket.get(name, 0) + 1
        if name == "execve" and re.search(r"= 0$", rest):
            execs[pid] = execs.get(pid, 0) + 1
    return own, pre, wl


def profile(d):
    out = []
    p = lambda s="": out.append(s)
    m = load_machine(d)
    if m:
        p(machine_line(m))
        p()
    names = {}
    for path in glob.glob(os.path.join(d, "strace-*.name")):
        i = int(re.search(r"strace-(\d+)", path).group(1))
        names[i] = open(path).read().strip()
    split = {names[i]: strace_split(os.path.join(d, f"strace-{i}.txt")) for i in sorted(names)}
    p("### System calls of one run (strace -f; workload `true`)")
    p()
    p("\"own\" is the entrypoint's process (for those that exec in place: everything before "
      "the exec of `true`, which is then counted as the workload); \"child before exec\" is "
      "the forked child up to its successful execve (failed execve of the PATH search "
      "included).")
    p()
    p("| command | own | child before exec | workload (`true`) |")
    p("| --- | ---: | ---: | ---: |")
    for name, (own, pre, wl) in split.items():
        p(f"| {bold(name)} | {sum(own.values())} | {sum(pre.values())} | {sum(wl.values())} |")
    p()
    if "stepdown" in split and "tini-static" in split:
        a = split["stepdown"]
        b = split["tini-static"]
        ca = {k: a[0].get(k, 0) + a[1].get(k, 0) for k in set(a[0]) | set(a[1])}
        cb = {k: b[0].get(k, 0) + b[1].get(k, 0) for k in set(b[0]) | set(b[1])}
        p("Per system call, own process + child before exec (the workload's own calls "
          "left out):")
        p()
        p("| system call | stepdown | tini-static |")
        p("| --- | ---: | ---: |")
        for k in sorted(set(ca) | set(cb), key=lambda k: (-ca.get(k, 0), -cb.get(k, 0), k)):
            p(f"| {k} | {ca.get(k, 0)} | {cb.get(k, 0)} |")
        p(f"| **total** | **{sum(ca.values())}** | **{sum(cb.values())}** |")
        p()
        # prctl options, the bulk
        opts = {}
        sd_strace = [i for i in names if names[i] == "stepdown"][0]
        for line in open(os.path.join(d, f"strace-{sd_strace}.txt")):
            mm = re.search(r"prctl\((PR_[A-Z_]+)(?:, (PR_CAP_AMBIENT_[A-Z_]+))?", line)
            if mm:
                k = mm.group(1) + (" " + mm.group(2) if mm.group(2) else "")
                opts[k] = opts.get(k, 0) + 1
        p("stepdown's prctl calls by option: " +
          ", ".join(f"{k} {v}" for k, v in sorted(opts.items(), key=lambda x: -x[1])) + ".")
        p()

    ph = os.path.join(d, "phases.txt")
    if os.path.exists(ph):
        rows = [list(map(float, l.split())) for l in open(ph) if len(l.split()) == 3]
        if rows:
            cols = [
                ("main() to identity resolved (options, environment, /etc/passwd, "
                 "/etc/group)", [r[0] for r in rows]),
                ("identity to privileges dropped and verified", [r[1] - r[0] for r in rows]),
                ("dropped to workload reaped (HOME check, environment, fork, exec of "
                 "`true`, `true` itself, reaping)", [r[2] - r[1] for r in rows]),
                ("main() to the end", [r[2] for r in rows]),
            ]
            p(f"### stepdown's own phase timings (`-v`, {len(rows)} runs; 10 µs resolution)")
            p()
            p("| phase | median µs | p10 µs |")
            p("| --- | ---: | ---: |")
            for name, v in cols:
                p(f"| {name} | {median(v) * 1e3:.0f} | {pct(v, 10) * 1e3:.0f} |")
            p()

    cg = {}
    for path in sorted(glob.glob(os.path.join(d, "callgrind-*.name"))):
        i = int(re.search(r"callgrind-(\d+)", path).group(1))
        tot = os.path.join(d, f"callgrind-{i}.total")
        cg[open(path).read().strip()] = (int(open(tot).read()) if os.path.exists(tot) else None, i)
    if cg:
        p("### User-space instructions of the entrypoint's own process (callgrind Ir; "
          "workload `nop`)")
        p()
        p("| command | instructions |")
        p("| --- | ---: |")
        for name, (n, _) in cg.items():
            p(f"| {bold(name)} | {f'{n:,}' if n else 'n/a (execs in place: callgrind writes nothing)'} |")
        p()
        if cg.get("stepdown", (None,))[0]:
            i = cg["stepdown"][1]
            lines = open(os.path.join(d, f"callgrind-{i}.txt")).read().splitlines()
            fn = [l for l in lines if re.match(r"\s*[\d,]+ \(", l) and "PROGRAM TOTALS" not in l]
            p("stepdown, inclusive, largest first (the startup stubs and `main` left out):")
            p()
            p("| instructions | function |")
            p("| ---: | --- |")
            shown = 0
            for l in fn:
                mm = re.match(r"\s*([\d,]+) \(\s*([\d.]+)%\)\s+(\S+)", l)
                if not mm:
                    continue
                func = mm.group(3).split(":", 1)[-1].split(" ")[0]
                if func in ("_start_c", "(below", "libc_start_main_stage2", "main") or \
                        func.startswith("0x"):
                    continue
                p(f"| {mm.group(1)} | {func} |")
                shown += 1
                if shown == 20:
                    break
            p()

    sc = os.path.join(d, "syscost.md")
    if os.path.exists(sc):
        p("### Native cost of stepdown's groups of system calls (bench/syscost.c)")
        p()
        p("Each group timed in a fresh root child, median and p90 of "
          f"{m.get('syscost_reps', 'many')} children.")
        p()
        p(open(sc).read().rstrip())
        p()
    return out


def targets(p, verdicts):
    if not verdicts:
        return
    p("### Targets")
    p()
    p("| target | met | numbers |")
    p("| --- | --- | --- |")
    for name, ok, detail in verdicts:
        p(f"| {name} | {'yes' if ok else '**NO**'} | {detail} |")


def main():
    kinds = {"startup": startup, "reap": reap, "latency": latency, "profile": profile}
    if len(sys.argv) != 3 or sys.argv[1] not in kinds:
        sys.exit(__doc__)
    print("\n".join(kinds[sys.argv[1]](sys.argv[2])))


if __name__ == "__main__":
    main()
