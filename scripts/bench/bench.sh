#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh [--icount] [--aa] [--rounds N] [--set NAME=VALUE]... [KVER...]
#	[-- METRIC...]: make bench. For each kernel (default 6.12) build
# vpair.ko and the benchmark programs in a staging directory outside the
# tree, boot the kernel once and run every metric (or the METRIC globs)
# on vpair and its anchor in interleaved rounds (guest.sh), then write
# bench/results/<date>-<kernel>-<clock>-<ab|aa>.{md,tsv,png} and
# bench/RESULTS.md and print the table (report.py).
#
#	--icount	guest time counts instructions (TCG, -icount), so the
#			rates do not depend on host load; default: wall clock
#			(KVM when it works, TCG otherwise)
#	--aa		A/A: the anchor against itself (the noise floor)
#	--rounds N	counted rounds after the warm-up (default 7)
#	--set N=V	a count of a metric file, for a quick run
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
icount="" mode=ab rounds=7 commit=unknown
kvers=() sets=() metrics=()

usage()
{
	sed -n '4,17s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

parse_args()
{
	while [ $# -gt 0 ]; do
		case $1 in
		--icount) icount=0 ;;
		--aa) mode=aa ;;
		--rounds) rounds=${2:-}; shift ;;
		--set) sets+=("${2:-}"); shift ;;
		--) shift; metrics=("$@"); break ;;
		-*) usage ;;
		*) kvers+=("$1") ;;
		esac
		shift
	done
	if ! [[ $rounds =~ ^[1-9][0-9]*$ ]]; then usage; fi
	[ ${#kvers[@]} -gt 0 ] || kvers=(6.12)
}

# stage DIR: the module sources, the iproute2 plugin and the programs,
# copied and built in DIR, readable by all (the 7.2 build runs in the sid
# root).
stage()
{
	local dir=$1
	mkdir -p "$dir/tree/tools"
	chmod 755 "$dir"
	cp -r "$top/Kbuild" "$top/Makefile" "$top/dkms.conf" "$top/driver" \
		"$top/uapi" "$dir/tree/"
	cp -r "$top/tools/iproute2" "$dir/tree/tools/"
	rm -rf "$dir/tree/driver/compat/generated"
	# The guest runs this copy: the tree may change during a long run.
	cp -r "$top/scripts/bench" "$dir/scripts"
	commit=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
	make -s -C "$dir/tree/tools/iproute2" >"$dir/tools.log" 2>&1 &&
		make -s -C "$top/bench" O="$dir/bin" >>"$dir/tools.log" 2>&1
}

build_module()
{
	local kver=$1 dir=$2
	cp -r "$dir/tree" "$dir/$kver"
	"$top/scripts/vm/kbuild.sh" "$kver" "$dir/$kver" -j2 \
		>"$dir/$kver.build.log" 2>&1 && [ -f "$dir/$kver/vpair.ko" ]
}

# clock_name: how guest time ran, for the result files.
clock_name()
{
	if [ -n "$icount" ]; then
		echo icount
	else
		echo wall
	fi
}

# keep_console KVER DIR: a failed guest's kernel log outlives the staging
# directory, in the cache next to the VM logs.
keep_console()
{
	local logs=${XDG_CACHE_HOME:-$HOME/.cache}/vpair/logs
	local f
	f="$logs/bench-$1-$(date +%Y%m%d-%H%M%S).console.log"
	mkdir -p "$logs" && cp "$2/$1.console.log" "$f" &&
		echo "# kernel console log kept: $f"
}

# host_times: the guest's lines, each metric's "took" line followed by
# the host's seconds for it (the time budget is the host's).
host_times()
{
	local line t0=$SECONDS

	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"METRIC "*) t0=$SECONDS ;;
		"# "*" took "*) echo "# host: $((SECONDS - t0)) s" ;;
		esac
	done
}

run_kernel()
{
	local kver=$1 dir=$2 raw="$2/$1.raw" t0 rc load
	echo "# ==== kernel $kver: building vpair.ko"
	if ! build_module "$kver" "$dir"; then
		tail -20 "$dir/$kver.build.log"
		return 1
	fi
	echo "# ==== kernel $kver: $(clock_name) clock, $mode, $rounds rounds"
	t0=$SECONDS
	load=$(cut -d' ' -f1 /proc/loadavg)
	VPAIR_ICOUNT=$icount "$top/scripts/vm/run.sh" --timeout 3600 \
		--log "$dir/$kver.console.log" "$kver" -- \
		"$dir/scripts/guest.sh" "$dir/$kver/vpair.ko" "$dir/bin" \
		"$dir/tree/tools/iproute2" "$mode" "$rounds" "${sets[@]}" \
		"${metrics[@]}" | host_times | tee "$raw" | grep --line-buffered -v '^VAL '
	rc=${PIPESTATUS[0]}
	echo "# ==== kernel $kver: $((SECONDS - t0)) s in the VM (exit $rc)"
	[ "$rc" -eq 0 ] || keep_console "$kver" "$dir"
	python3 "$top/scripts/bench/report.py" run --raw "$raw" \
		--clock "$(clock_name)" --mode "$mode" --rounds "$rounds" \
		--seconds $((SECONDS - t0)) \
		--load "$load / $(cut -d' ' -f1 /proc/loadavg)" --commit "$commit" \
		--results "$top/bench/results" \
		--index "$top/bench/RESULTS.md" || rc=1
	return "$rc"
}

main()
{
	local dir kver rc=0
	parse_args "$@"
	"$top/scripts/bench/deps.sh" >/dev/null 2>&1 ||
		{ echo "bench: could not install the dependencies" >&2; exit 1; }
	dir=$(mktemp -d "${TMPDIR:-/tmp}/vpair-bench.XXXXXX")
	trap 'rm -rf "$dir"' EXIT
	stage "$dir" || { cat "$dir/tools.log"; exit 1; }
	for kver in "${kvers[@]}"; do
		run_kernel "$kver" "$dir" || rc=1
	done
	exit $rc
}

main "$@"
