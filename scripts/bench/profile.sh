#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# profile.sh [--rounds N] [--period N] [--scale N] [--set NAME=VALUE]...
# KVER METRIC...:
# where a pair metric's instructions go, vpair against veth. Builds
# vpair.ko and the benchmark programs like bench.sh, boots KVER once with
# guest time counting instructions (QEMU -icount, 1 ns = 1 instruction)
# and for each METRIC of the pair group (pktgen, udp1, xdp_drop_pair,
# ...) and each kind (vpair, then veth) runs N unprofiled rounds of the
# metric's own round function (CPU 0 sends), then two profiled ones under
#	perf record -e cpu-clock -c PERIOD -g
# (the host's perf, over the guest's 9p root), sampling only while
# pktgen sends, or for life and life_ns while the pairs are deleted (per
# pair, not per packet, there). Under icount cpu-clock samples every
# PERIOD guest instructions, so the samples are an instruction profile;
# the second profiled round uses PERIOD + 2027, against aliasing with a
# loop of constant length. Prints per metric and kind the median rate,
# the instructions per packet (1/rate), the top functions by self and by
# inclusive samples scaled to instructions per packet, and the functions
# whose cost differs between the kinds (profile.py).
#
#	--rounds N	unprofiled rounds per kind (default 3)
#	--period N	instructions between samples (default 20011)
#	--scale N	profiled rounds send N times the metric's count
#			(default 3)
#	--set N=V	a count of a metric file, as for bench.sh
#
# Halted vCPUs are sampled too (guest time passes while the other one
# works) and perf's own process runs in the guest: both are left out.
# Trust the per-function split only where one vCPU works (pktgen,
# xdp_*_pair: the receiving end's NAPI runs on the sending CPU): when
# both do (udp*), single-threaded TCG runs them in turns and a vCPU takes
# its timer interrupt where its turn ended, not where its timer expired,
# so whole functions go unsampled; the rates stay exact.
# Example: scripts/bench/profile.sh 6.12 pktgen udp1
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)

# --- guest side -----------------------------------------------------------

# prof_ctl CMD: enable or disable the running perf record (no-op without).
prof_ctl()
{
	[ -n "${PROF_CTL:-}" ] || return 0
	echo "$1" >&"$PROF_CTL"
	read -r -t 600 -u "$PROF_ACK" _	# perf's "ack": it is done
}

# prof_start DATA PERIOD CPUS TOOLCPUS: perf record in the background,
# disabled.
prof_start()
{
	local fifo=$BENCH_TMP/prof
	rm -f "$fifo.ctl" "$fifo.ack"
	mkfifo "$fifo.ctl" "$fifo.ack"
	exec {PROF_CTL}<>"$fifo.ctl" {PROF_ACK}<>"$fifo.ack"
	# the tool on the CPU that pktgen leaves alone; buffers big enough
	# that it wakes a few times per round
	taskset -c "$4" perf record -q -e cpu-clock -c "$2" -g -C "$3" -m 4096 \
		-D -1 --control "fifo:$fifo.ctl,$fifo.ack" -o "$1" 2>"$1.log" &
	PROF_PID=$!
}

prof_stop()
{
	kill -INT "$PROF_PID"
	wait "$PROF_PID"
	exec {PROF_CTL}>&- {PROF_ACK}>&-
	PROF_CTL=""
}

# run_round ID KIND: one round of metric ID, CPU 0 sending; its values.
run_round()
{
	local -a run
	read -ra run <<<"${BENCH_RUN[$1]}"
	"${run[0]}" "$2" 0 "${run[@]:1}"
}

guest_main()
{
	local ko=$1 rounds=$2 period=$3 scale=$4 id kind r out vals p data
	local cpus tool field
	local -a pps

	# shellcheck disable=SC2034 # BIN: the metrics run the programs there
	BIN=$5
	export IP_LIB_DIR=$6
	shift 6
	# shellcheck source-path=SCRIPTDIR source=guest-lib.sh
	. "$here/guest-lib.sh"
	for f in "$here"/metrics/*.sh; do
		# shellcheck disable=SC1090
		. "$f"
	done
	# perf samples exactly while pktgen sends (with its setup and
	# rem_device_all, whose sleep is idle time)
	eval "bench_$(declare -f pktgen_send)"
	pktgen_send()
	{
		local rc=0
		prof_ctl enable
		bench_pktgen_send "$@" || rc=$?
		prof_ctl disable
		return $rc
	}
	# and while a life* metric deletes its pairs (the settling nap
	# included: the deferred work of the delete runs then)
	eval "bench_$(declare -f busy_batch)"
	busy_batch()
	{
		local rc=0
		[[ $2 == *.del ]] && prof_ctl enable
		bench_busy_batch "$@" || rc=$?
		[[ $2 == *.del ]] && prof_ctl disable
		return $rc
	}

	# no throttling: under icount a sample's handler may look slow
	sysctl -qw kernel.perf_event_max_sample_rate=1000000 \
		kernel.perf_cpu_time_max_percent=0
	modprobe -q veth; modprobe -q pktgen
	insmod "$ko" || { echo "# insmod $ko failed"; return 1; }
	ns_create || { echo "# cannot create namespaces"; return 1; }
	echo "# kernel $(uname -r), $(nproc) CPUs, $(perf --version)"
	for id in "$@"; do
		[ "${BENCH_GROUP[$id]:-}" = pair ] ||
			{ echo "# $id: not a pair metric"; continue; }
		# pktgen alone keeps one vCPU busy (its NAPI runs there too,
		# so with xdp_*_pair); the rest also a receiver
		# life*: CPU 0 alone is online while it deletes; its rate
		# is the second value (pairs per CPU-second)
		cpus=0 tool=1 field=0
		case $id in
		pktgen* | xdp_*_pair) ;;
		life*) tool=0 field=1 ;;
		*) cpus=0,1 tool=0,1 ;;
		esac
		for kind in vpair veth; do
			run_round "$id" "$kind" >/dev/null	# warm-up
			pps=()
			for ((r = 0; r < rounds; r++)); do
				out=$(run_round "$id" "$kind")
				read -ra vals <<<"$out"
				pps+=("${vals[field]:-0}")
			done
			for p in "$period" $((period + 2027)); do
				data=/tmp/prof-$id-$kind-$p.data
				prof_start "$data" "$p" "$cpus" "$tool"
				out=$(PKTGEN_COUNT=$((PKTGEN_COUNT * scale)) \
					UDP_SOCK_COUNT=$((UDP_SOCK_COUNT * scale)) \
					PAIR_XDP_COUNT=$((PAIR_XDP_COUNT * scale)) \
					LIFE_PAIRS=$((LIFE_PAIRS * scale)) \
					LIFE_NS_PAIRS=$((LIFE_NS_PAIRS * scale)) \
					run_round "$id" "$kind")
				prof_stop
				read -ra vals <<<"$out"
				echo "# $id $kind: period $p, profiled round ${vals[field]:-0}/s"
				perf script -i "$data" -F comm,cpu,time,ip,sym 2>/dev/null |
					python3 "$here/profile.py" fold --period "$p" \
					>"/tmp/prof-$id-$kind-$p.json" ||
					{ echo "# perf script failed:"; cat "$data.log"; }
				grep -v '^$' "$data.log"
				rm -f "$data"
			done
			python3 "$here/profile.py" merge --metric "$id" --kind "$kind" \
				--pps "${pps[*]}" /tmp/prof-"$id-$kind"-*.json \
				>"/tmp/prof-$id-$kind.json"
		done
		python3 "$here/profile.py" report \
			"/tmp/prof-$id-vpair.json" "/tmp/prof-$id-veth.json"
		# the raw counts, for another look on the host
		echo "#json vpair $(tr -d '\n' <"/tmp/prof-$id-vpair.json")"
		echo "#json veth $(tr -d '\n' <"/tmp/prof-$id-veth.json")"
		bench_end_metric
	done
	ns_delete
	dmesg | grep -E 'perf|hrtimer' | sed 's/^/# /'
}

# --- host side ------------------------------------------------------------

usage()
{
	sed -n '4,34s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

main()
{
	local top dir kver rounds=3 period=20011 scale=3 rc
	local -a sets=()

	if [ "${1:-}" = --guest ]; then
		shift
		guest_main "$@"
		return
	fi
	while [ $# -gt 0 ]; do
		case $1 in
		--rounds) rounds=${2:-}; shift ;;
		--period) period=${2:-}; shift ;;
		--scale) scale=${2:-}; shift ;;
		--set) sets+=("${2:-}"); shift ;;
		-*) usage ;;
		*) break ;;
		esac
		shift
	done
	[ $# -ge 2 ] || usage
	[[ $rounds =~ ^[1-9][0-9]*$ && $period =~ ^[1-9][0-9]*$ &&
		$scale =~ ^[1-9][0-9]*$ ]] || usage
	kver=$1
	shift
	command -v perf >/dev/null ||
		{ echo "profile: no perf on the host (Debian: linux-perf)" >&2; exit 1; }
	top=$(cd "$here/../.." && pwd)
	dir=$(mktemp -d "${TMPDIR:-/tmp}/vpair-profile.XXXXXX")
	trap 'rm -rf "$dir"' EXIT
	chmod 755 "$dir"
	mkdir -p "$dir/tree/tools"
	cp -r "$top/Kbuild" "$top/Makefile" "$top/dkms.conf" "$top/driver" \
		"$top/uapi" "$dir/tree/"
	cp -r "$top/tools/iproute2" "$dir/tree/tools/"
	rm -rf "$dir/tree/driver/compat/generated"
	cp -r "$top/scripts/bench" "$dir/scripts"
	if ! { make -s -C "$dir/tree/tools/iproute2" &&
		make -s -C "$top/bench" O="$dir/bin" &&
		"$top/scripts/vm/kbuild.sh" "$kver" "$dir/tree" -j2; } \
		>"$dir/build.log" 2>&1; then
		tail -20 "$dir/build.log"
		exit 1
	fi
	# NAME=VALUE words are exported by the guest (as guest.sh does)
	VPAIR_ICOUNT=0 "$top/scripts/vm/run.sh" --timeout 3600 \
		--log "$dir/console.log" "$kver" -- \
		env "${sets[@]}" bash "$dir/scripts/profile.sh" --guest \
		"$dir/tree/vpair.ko" "$rounds" "$period" "$scale" "$dir/bin" \
		"$dir/tree/tools/iproute2" "$@"
	rc=$?
	[ $rc -eq 0 ] || tail -30 "$dir/console.log"
	exit $rc
}

main "$@"
