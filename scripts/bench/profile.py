#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""profile.py: the instruction profiles of profile.sh, in three steps.

fold --period N <perf-script-output
	"perf script -F comm,cpu,time,ip,sym" of a "perf record -g" under
	icount: per CPU, samples by the function they hit (self) and by
	every function on their call chain (inclusive), as JSON. A sample
	of a halted vCPU is idle and one of perf's own process is the tool's;
	neither is counted as work. Each work sample weighs 1/(vCPUs working
	at its time), a CPU working when its last sample was work: single
	threaded TCG shares guest time between the working vCPUs, so the
	weights follow instructions, not guest time.
merge --metric ID --kind KIND --pps "P1 P2..." FOLD.json...
	sums the folds of one metric and kind; the median rate (unprofiled
	rounds) gives the instructions per packet.
report A.json B.json
	Markdown tables: each kind's top functions, then the difference.
"""
import argparse
import json
import re
import statistics
import sys

# Where a halted vCPU is sampled (the instruction after HLT).
HALT = {"pv_native_safe_halt", "native_safe_halt", "default_idle",
        "acpi_safe_halt", "acpi_idle_do_entry", "mwait_idle_with_hints",
        "intel_idle", "poll_idle", "cpu_idle_poll", "arch_cpu_idle"}
TOOL = {"perf"}
HEAD = re.compile(r"^\s*(.*?)\s+\[(\d+)\]\s+([\d.]+):")
FRAME = re.compile(r"^\s+[0-9a-f]+\s+(\S+)")


def samples(lines):
    """(comm, cpu, time, [syms, innermost first]) per sample."""
    head, chain = None, []
    for line in lines:
        m = FRAME.match(line)
        if m and head:
            chain.append(m.group(1))
            continue
        m = HEAD.match(line)
        if m:
            if head:
                yield head + (chain,)
            head, chain = (m.group(1), int(m.group(2)), float(m.group(3))), []
    if head:
        yield head + (chain,)


def add(d, cpu, key, w):
    c = d.setdefault(str(cpu), {})
    c[key] = c.get(key, 0.0) + w


def fold(args):
    all_samples = sorted(samples(sys.stdin), key=lambda s: s[2])
    cpus = sorted({s[1] for s in all_samples})
    working = {c: False for c in cpus}
    out = {"period": args.period, "n": {}, "self": {}, "incl": {},
           "comm": {}, "tasks": {}}
    for comm, cpu, _, chain in all_samples:
        sym = chain[0] if chain else "[unknown]"
        if comm.startswith("swapper") and sym in HALT:
            kind = "idle"
        elif comm in TOOL:
            kind = "tool"
        else:
            kind = "work"
        working[cpu] = kind != "idle"
        add(out["n"], cpu, kind, 1)
        add(out["tasks"], cpu, kind + ":" + re.sub(r"[0-9]+", "N", comm), 1)
        if kind != "work":
            continue
        w = 1.0 / max(1, sum(working.values()))
        add(out["n"], cpu, "weight", w)
        add(out["self"], cpu, sym, w)
        add(out["comm"], cpu, re.sub(r"[0-9]+", "N", comm), w)
        for s in set(chain):
            add(out["incl"], cpu, s, w)
    json.dump(out, sys.stdout, indent=0)


def merge(args):
    tot = {"metric": args.metric, "kind": args.kind, "n": {}, "self": {},
           "incl": {}, "comm": {}, "tasks": {}, "periods": []}
    for f in args.files:
        with open(f) as fh:
            d = json.load(fh)
        tot["periods"].append(d["period"])
        for part in ("n", "self", "incl", "comm", "tasks"):
            for cpu, keys in d[part].items():
                for k, v in keys.items():
                    add(tot[part], cpu, k, v)
    pps = [float(p) for p in args.pps.split() if float(p) > 0]
    tot["pps"] = pps
    tot["median_pps"] = statistics.median(pps) if pps else 0
    json.dump(tot, sys.stdout, indent=0)


def per_packet(d):
    """{sym: instructions per packet} of self and inclusive, all CPUs."""
    ipp = 1e9 / d["median_pps"] if d["median_pps"] else 0
    work = sum(n.get("weight", 0) for n in d["n"].values())
    res = {}
    for part in ("self", "incl"):
        acc = {}
        for keys in d[part].values():
            for k, v in keys.items():
                acc[k] = acc.get(k, 0) + v
        res[part] = {k: v / work * ipp for k, v in acc.items()}
    return ipp, work, res


def cpu_split(d, part, sym):
    return " / ".join("%.1f" % (100 * d[part].get(c, {}).get(sym, 0) /
                                d["n"][c]["weight"])
                      for c in sorted(d["n"]) if d["n"][c].get("weight"))


def table(d, part, top):
    ipp, work, res = per_packet(d)
    cpus = [c for c in sorted(d["n"]) if d["n"][c].get("weight")]
    multi = len(cpus) > 1
    title = "self" if part == "self" else "inclusive (with callees)"
    print("\n%s %s, top %d by %s:\n" % (d["kind"], d["metric"], top, title))
    hdr = "| function | instr/packet | share |"
    sep = "|---|---|---|"
    if multi:
        hdr += " %% of CPU %s |" % " / ".join(cpus)
        sep += "---|"
    print(hdr)
    print(sep)
    rows = sorted(res[part].items(), key=lambda kv: -kv[1])[:top]
    for sym, v in rows:
        line = "| %s | %.0f | %.1f%% |" % (sym, v, 100 * v / ipp)
        if multi:
            line += " %s |" % cpu_split(d, part, sym)
        print(line)


def summary(d):
    ipp, work, _ = per_packet(d)
    n = d["n"]
    print("\n%s %s: median %.0f pps of %d unprofiled rounds (%s) = "
          "%.0f instructions per packet; profile periods %s" %
          (d["kind"], d["metric"], d["median_pps"], len(d["pps"]),
           " ".join("%.0f" % p for p in d["pps"]), ipp,
           ", ".join(str(p) for p in d["periods"])))
    for c in sorted(n):
        comms = sorted(d["comm"].get(c, {}).items(), key=lambda kv: -kv[1])
        print("  CPU %s: %d work samples (weight %.0f), %d idle, %d perf; "
              "by task: %s" %
              (c, n[c].get("work", 0), n[c].get("weight", 0),
               n[c].get("idle", 0), n[c].get("tool", 0),
               ", ".join("%s %.0f%%" % (k, 100 * v / n[c]["weight"])
                         for k, v in comms[:5])))
        tasks = sorted(d["tasks"].get(c, {}).items(), key=lambda kv: -kv[1])
        print("    samples by kind:task: %s" %
              ", ".join("%s %d" % kv for kv in tasks[:8]))


def report(args):
    with open(args.a) as fa, open(args.b) as fb:
        a, b = json.load(fa), json.load(fb)
    for d in (a, b):
        summary(d)
    for d in (a, b):
        table(d, "self", args.top)
        table(d, "incl", args.top)
    ia, _, ra = per_packet(a)
    ib, _, rb = per_packet(b)
    print("\n%s %s: %s %.0f, %s %.0f instructions per packet, "
          "%s/%s rate %.3f\n" % (a["metric"], "difference", a["kind"], ia,
                                 b["kind"], ib, a["kind"], b["kind"],
                                 ib / ia if ia else 0))
    for part in ("self", "incl"):
        print("\n%s: functions whose %s instructions per packet differ by "
              "%d or more:\n" % (a["metric"], part, args.min_diff))
        print("| function | %s | %s | %s - %s |" %
              (a["kind"], b["kind"], a["kind"], b["kind"]))
        print("|---|---|---|---|")
        keys = set(ra[part]) | set(rb[part])
        rows = [(k, ra[part].get(k, 0), rb[part].get(k, 0)) for k in keys]
        rows = [r for r in rows if abs(r[1] - r[2]) >= args.min_diff]
        for k, va, vb in sorted(rows, key=lambda r: -abs(r[1] - r[2])):
            print("| %s | %.0f | %.0f | %+.0f |" % (k, va, vb, va - vb))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fold")
    f.add_argument("--period", type=int, required=True)
    m = sub.add_parser("merge")
    m.add_argument("--metric", required=True)
    m.add_argument("--kind", required=True)
    m.add_argument("--pps", required=True)
    m.add_argument("files", nargs="+")
    r = sub.add_parser("report")
    r.add_argument("--top", type=int, default=25)
    r.add_argument("--min-diff", type=int, default=15)
    r.add_argument("a")
    r.add_argument("b")
    args = p.parse_args()
    {"fold": fold, "merge": merge, "report": report}[args.cmd](args)


if __name__ == "__main__":
    main()
