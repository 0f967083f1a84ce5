#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the raw lines of a benchmark VM (guest.sh) into result files.

report.py run --raw RAW --clock wall|icount --mode ab|aa --rounds N
              --seconds S --results DIR --index FILE
    writes DIR/<date>-<kernel>-<clock>-<mode>.{tsv,md,png}, rewrites the
    index (bench/RESULTS.md) and prints the table.
report.py index --results DIR --index FILE
    rewrites the index only.

Per metric: the medians of A and B over the counted rounds, their ratio,
the median, minimum and maximum of the per-round ratios A/B. The A/A
floor of a metric is the min-max band of its per-round ratios in the
newest A/A run on the same kernel and clock that measured it; an A/B
median ratio inside it is "no difference". The index takes each metric
from the newest run that measured it, so a METRICS=... run replaces only
its own rows.
"""
import argparse
import datetime
import glob
import os
import statistics
import subprocess
import sys

ANCHOR = {"pair": "veth", "chr": "tun"}
CLIP = 2            # the chart shows ratios from 1/CLIP to CLIP


class Metric:
    def __init__(self, mid, label, unit, better, group, desc):
        self.id, self.label, self.unit = mid, label, unit
        self.better, self.group, self.desc = better, group, desc
        self.vals = {}      # (round, slot) -> (kind, value)
        self.fails = 0
        self.source = None  # the result file it was read from

    @property
    def key(self):
        return self.id if self.label in ("pps", "tput") else \
            f"{self.id}.{self.label}"

    def rounds(self):
        return sorted({r for r, _ in self.vals if r > 0})

    def series(self, slot):
        return [self.vals[(r, slot)][1] for r in self.rounds()
                if (r, "A") in self.vals and (r, "B") in self.vals]

    def ratios(self):
        return [a / b for a, b in zip(self.series("A"), self.series("B"))
                if b]

    def kinds(self):
        k = {slot: kind for (_, slot), (kind, _) in self.vals.items()}
        return k.get("A", "?"), k.get("B", "?")


class Run:
    """One result: its facts (kernel, clock, ...) and its metrics."""

    def __init__(self):
        self.facts = {}
        self.metrics = {}   # key -> Metric, in the order they ran

    def add_metric(self, mid, group, desc, specs):
        for spec in specs:
            label, unit, better = spec.split(":")
            m = Metric(mid, label, unit, better, group, desc)
            self.metrics[m.key] = m

    def by_id(self, mid):
        return [m for m in self.metrics.values() if m.id == mid]


def parse_raw(path):
    run = Run()
    took, last = [], None
    for line in open(path, errors="replace"):
        w = line.split()
        if not w:
            continue
        if w[0] == "#" and len(w) > 3 and w[2] == "took":
            last = w[1]
        elif w[:2] == ["#", "host:"] and last:
            took.append(f"{last} {w[2]}")
            run.facts["host seconds per metric"] = ", ".join(took)
        elif w[0] == "INFO" and len(w) > 2:
            run.facts[w[1]] = " ".join(w[2:])
        elif w[0] == "METRIC" and "|" in w:
            bar = w.index("|")
            run.add_metric(w[1], w[2], " ".join(w[3:bar]), w[bar + 1:])
        elif w[0] == "VAL" and len(w) == 7:
            _, mid, label, rnd, slot, kind, val = w
            for m in run.by_id(mid):
                if m.label == label:
                    try:
                        m.vals[(int(rnd), slot)] = (kind, float(val))
                    except ValueError:
                        m.fails += 1
        elif w[0] == "FAIL" and len(w) == 5:
            for m in run.by_id(w[1]):
                m.fails += 1
    return run


def write_tsv(run, path):
    with open(path, "w") as f:
        for k, v in run.facts.items():
            f.write(f"# {k}: {v}\n")
        for m in run.metrics.values():
            f.write(f"# metric\t{m.id}\t{m.label}\t{m.unit}\t{m.better}"
                    f"\t{m.group}\t{m.fails}\t{m.desc}\n")
        f.write("id\tlabel\tround\tslot\tkind\tvalue\n")
        for m in run.metrics.values():
            for (r, slot), (kind, v) in sorted(m.vals.items()):
                f.write(f"{m.id}\t{m.label}\t{r}\t{slot}\t{kind}\t{v:g}\n")


def read_tsv(path):
    run = Run()
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("# metric\t"):
            _, mid, label, unit, better, group, fails, desc = line.split("\t")
            m = Metric(mid, label, unit, better, group, desc)
            m.fails = int(fails)
            run.metrics[m.key] = m
        elif line.startswith("# "):
            k, _, v = line[2:].partition(": ")
            run.facts[k] = v
        elif not line.startswith("id\t"):
            mid, label, r, slot, kind, v = line.split("\t")
            for m in run.by_id(mid):
                if m.label == label:
                    m.vals[(int(r), slot)] = (kind, float(v))
    return run


def runs_of(results, kernel, clock, mode):
    """The result files of a kernel, clock and mode, oldest first."""
    return sorted(glob.glob(os.path.join(
        results, f"*-{kernel}-{clock}-{mode}.tsv")))


def current(results, kernel, clock, mode):
    """Each metric from the newest run that measured it (a run with
    METRICS=... replaces only its own rows), and the files used."""
    cur, used = Run(), []
    for path in runs_of(results, kernel, clock, mode):
        run = read_tsv(path)
        for k, m in run.metrics.items():
            cur.metrics[k] = m
            m.source = path
        cur.facts = run.facts
    for m in cur.metrics.values():
        if m.source not in used:
            used.append(m.source)
    return cur, used


def floors(results, kernel, clock):
    """key -> (min, max) of the per-round ratios of the newest A/A run."""
    out = {}
    for k, m in current(results, kernel, clock, "aa")[0].metrics.items():
        q = m.ratios()
        if q:
            out[k] = (min(q), max(q))
    return out


def fmt(v):
    if v is None:
        return "–"
    if abs(v) >= 1000:
        return f"{v:,.0f}".replace(",", " ")
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def band(fl):
    return f"{fl[0]:.3f}–{fl[1]:.3f}" if fl else "–"


def verdict(m, s, fl):
    """Inside the floor: none. Outside: a difference, called marginal
    while some round's ratio still falls inside the floor."""
    if not fl:
        return "no A/A floor yet"
    q = s["q"]
    if fl[0] <= q <= fl[1]:
        return "no difference"
    better = (q > fl[1]) == (m.better == "up")
    pct = abs(q - 1) * 100
    v = f"vpair {'better' if better else 'worse'} by {pct:.1f}%"
    if s["min"] <= fl[1] and s["max"] >= fl[0]:
        v += " (marginal: rounds overlap the floor)"
    return v


def summary(m):
    a, b, q = m.series("A"), m.series("B"), m.ratios()
    if not q:
        return None
    ma, mb = statistics.median(a), statistics.median(b)
    return {"a": ma, "b": mb, "ratio": ma / mb if mb else None,
            "q": statistics.median(q), "min": min(q), "max": max(q),
            "n": len(q)}


def table(run, fl, aa_mode):
    head = ["metric", "unit", "A", "B", "A/B", "median of A/B per round",
            "min–max", "rounds", "A/A floor", "verdict"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for k, m in run.metrics.items():
        s = summary(m)
        ka, kb = m.kinds()
        if not s:
            rows.append(f"| {k} | {m.unit} | {ka} | {kb} | – | – | – | 0 "
                        f"| – | failed ({m.fails}) |")
            continue
        f = fl.get(k)
        v = "A/A run" if aa_mode else verdict(m, s, f)
        if m.fails:
            v += f" ({m.fails} failed runs)"
        rows.append(
            f"| {k} | {m.unit}{' ↓' if m.better == 'down' else ''} "
            f"| {ka} {fmt(s['a'])} | {kb} {fmt(s['b'])} "
            f"| {s['ratio']:.3f} | {s['q']:.3f} "
            f"| {s['min']:.3f}–{s['max']:.3f} | {s['n']} | {band(f)} | {v} |")
    return "\n".join(rows)


def per_round(run):
    out = []
    for k, m in run.metrics.items():
        ka, kb = m.kinds()
        out.append(f"\n**{k}** ({m.desc}; {m.unit}; round 0 is the "
                   f"warm-up)\n")
        out.append(f"| round | A {ka} | B {kb} | A/B |\n|---|---|---|---|")
        for r in sorted({r for r, _ in m.vals}):
            a = m.vals.get((r, "A"), (None, None))[1]
            b = m.vals.get((r, "B"), (None, None))[1]
            q = f"{a / b:.3f}" if a is not None and b else "–"
            out.append(f"| {r} | {fmt(a)} | {fmt(b)} | {q} |")
    return "\n".join(out)


def chart(run, fl, png, title):
    """Ratio per metric with its spread, the A/A band behind it."""
    keys = list(run.metrics)
    dat = png[:-4] + ".dat"
    with open(dat, "w") as f:
        for i, k in enumerate(keys):
            s = summary(run.metrics[k])
            if not s:
                continue
            lo, hi = fl.get(k, (1, 1))
            v = [min(max(x, 1 / CLIP), CLIP)
                 for x in (s["q"], s["min"], s["max"], lo, hi)]
            name = k + (" (off scale)" if v[0] != s["q"] else "")
            f.write(f"{i} \"{name}\" " + " ".join(map(str, v)) + "\n")
    script = f"""
set terminal pngcairo size 900,{140 + 22 * len(keys)} font "sans,10"
set output "{png}"
set title "{title}"
set xlabel "A/B per-round ratio (log scale, cut at {1 / CLIP}-{CLIP}): median (dot), min-max (bar); grey: A/A floor"
set termoption noenhanced
set ytics ()
set yrange [{len(keys)}:-1]
set logscale x 2
set xrange [{1 / CLIP}:{CLIP}]
set grid xtics
set key off
set arrow from 1, graph 0 to 1, graph 1 nohead dt 2 lc rgb "black"
plot "{dat}" using (($6+$7)/2):1:6:7:($1-0.35):($1+0.35) \\
	with boxxyerror fill solid 0.35 noborder lc rgb "#a0a0a0", \\
     "{dat}" using 3:1:4:5:ytic(2) with xerrorbars pt 7 ps 0.8 lc rgb "#1060c0"
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.unlink(dat)


def qemu_mode(run):
    if run.facts.get("clock") == "icount":
        return "TCG, single thread, -icount shift=0,sleep=off " \
               "(guest time = instructions, 1 ns each)"
    if "TCG" in run.facts.get("cpu", ""):
        return "TCG, multi-threaded, wall clock"
    return "KVM, wall clock"


def write_md(run, fl, path, png):
    aa = run.facts.get("mode") == "aa"
    f = run.facts
    with open(path, "w") as out:
        out.write(f"# {f.get('kernel')}: {f.get('clock')} clock, "
                  f"{'A/A (anchor against itself)' if aa else 'A/B'}\n\n")
        out.write(f"- date: {f.get('date')}, vpair {f.get('commit')}\n"
                  f"- kernel: {f.get('kernel')}\n- QEMU: {qemu_mode(run)}; "
                  f"guest CPU: {f.get('cpu')}, 2 vCPUs\n"
                  f"- rounds: {f.get('rounds')} counted after 1 warm-up; "
                  f"{f.get('seconds')} s in the VM\n"
                  f"- host seconds per metric: "
                  f"{f.get('host seconds per metric', '?')}\n"
                  f"- host load average (1 min) at start / end: "
                  f"{f.get('load')}\n"
                  f"- A: {'the anchor' if aa else 'vpair'}; B: the anchor "
                  f"(veth for the pair, tun for the char device)\n\n")
        out.write(f"![chart]({os.path.basename(png)})\n\n")
        out.write(table(run, fl, aa) + "\n\n## Every round\n")
        out.write(per_round(run) + "\n")


def rerender(path, results):
    """Rewrite an A/B run's page and chart with the current A/A floors."""
    run = read_tsv(path)
    fl = floors(results, run.facts.get("kernel"), run.facts.get("clock"))
    base = path[:-4]
    chart(run, fl, base + ".png", chart_title(run))
    write_md(run, fl, base + ".md", base + ".png")


def chart_title(run):
    f = run.facts
    return f"{f.get('kernel')}, {f.get('clock')} clock, " + \
        ("A/A: anchor vs anchor" if f.get("mode") == "aa"
         else "vpair vs veth / tun")


def write_index(results, index):
    kernels = sorted({os.path.basename(p).split("-", 3)[3].rsplit("-", 2)[0]
                      for p in glob.glob(os.path.join(results, "*.tsv"))})
    rel = os.path.relpath(results, os.path.dirname(index))
    out = ["# Benchmark results", "",
           "Generated by `make bench` (see the README's Benchmarks "
           "section). A is vpair, B is veth (pair metrics) or tun (char "
           "device). Ratios are A/B, per round; ↓ marks a metric where "
           "lower is better. The A/A floor is the min–max band of the "
           "per-round ratios of the anchor against itself in the same "
           "clock mode; a median ratio inside it is \"no difference\", "
           "one outside it a difference, \"marginal\" while some rounds "
           "still fall inside the floor.", ""]
    for k in kernels:
        for clock in ("icount", "wall"):
            run, used = current(results, k, clock, "ab")
            if not used:
                continue
            for path in used:
                rerender(path, results)
            fl = floors(results, k, clock)
            other = floors(results, k, "wall" if clock == "icount"
                           else "icount")
            png = os.path.join(results, f"current-{k}-{clock}.png")
            chart(run, fl, png, f"{k}, {clock} clock, vpair vs veth / tun")
            out += [f"## {k}, {clock} clock", "",
                    "Details and every round: " + ", ".join(
                        f"[{os.path.basename(p)[:-4]}]({rel}/"
                        f"{os.path.basename(p)[:-4]}.md)" for p in used),
                    "", f"![{k} {clock}]({rel}/{os.path.basename(png)})", "",
                    "| metric | unit | vpair | anchor | median A/B | "
                    "min–max | rounds | A/A floor | A/A floor, other clock "
                    "| verdict |", "|---|---|---|---|---|---|---|---|---|---|"]
            for key, m in run.metrics.items():
                s = summary(m)
                if not s:
                    out.append(f"| {key} | {m.unit} | – | – | – | – | 0 | – "
                               f"| – | failed |")
                    continue
                out.append(
                    f"| {key} | {m.unit}{' ↓' if m.better == 'down' else ''}"
                    f" | {fmt(s['a'])} | {m.kinds()[1]} {fmt(s['b'])} "
                    f"| {s['q']:.3f} | {s['min']:.3f}–{s['max']:.3f} "
                    f"| {s['n']} | {band(fl.get(key))} "
                    f"| {band(other.get(key))} "
                    f"| {verdict(m, s, fl.get(key))} |")
            out.append("")
        aa = [p for c in ("icount", "wall")
              for p in current(results, k, c, "aa")[1]]
        if aa:
            out += [f"A/A runs for {k}: " + ", ".join(
                f"[{os.path.basename(p)[:-4]}]({rel}/"
                f"{os.path.basename(p)[:-4]}.md)" for p in aa), ""]
    notes = kept_notes(index)
    with open(index, "w") as f:
        f.write("\n".join(out) + "\n" + notes)


NOTES = "## Notes"


def kept_notes(index):
    """The hand-written part of the index, from its NOTES heading on: a
    rewrite of the tables keeps it."""
    try:
        with open(index) as f:
            text = f.read()
    except OSError:
        return ""
    at = text.find("\n" + NOTES + "\n")
    return "\n" + text[at + 1:] if at >= 0 else ""


def cmd_run(a):
    run = parse_raw(a.raw)
    if not run.metrics:
        sys.exit("report: no metric in " + a.raw)
    kernel = run.facts.get("kernel", "unknown")
    now = datetime.datetime.now()
    run.facts.update(clock=a.clock, mode=a.mode, rounds=str(a.rounds),
                     seconds=str(a.seconds), commit=a.commit,
                     date=now.strftime("%Y-%m-%d %H:%M"), load=a.load)
    os.makedirs(a.results, exist_ok=True)
    base = os.path.join(a.results, f"{now:%Y-%m-%dT%H%M}-{kernel}-"
                        f"{a.clock}-{a.mode}")
    write_tsv(run, base + ".tsv")
    fl = floors(a.results, kernel, a.clock)
    chart(run, fl, base + ".png", chart_title(run))
    write_md(run, fl, base + ".md", base + ".png")
    write_index(a.results, a.index)
    print(table(run, fl, a.mode == "aa"))
    print(f"\nwritten: {os.path.relpath(base)}.{{md,tsv,png}}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--raw", required=True)
    r.add_argument("--clock", choices=("wall", "icount"), required=True)
    r.add_argument("--mode", choices=("ab", "aa"), required=True)
    r.add_argument("--rounds", type=int, required=True)
    r.add_argument("--seconds", type=int, default=0)
    r.add_argument("--load", default="?")
    r.add_argument("--commit", default="unknown")
    r.add_argument("--results", required=True)
    r.add_argument("--index", required=True)
    i = sub.add_parser("index")
    i.add_argument("--results", required=True)
    i.add_argument("--index", required=True)
    a = p.parse_args()
    if a.cmd == "run":
        cmd_run(a)
    else:
        write_index(a.results, a.index)


if __name__ == "__main__":
    main()
