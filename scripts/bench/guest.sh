#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh VPAIR_KO BINDIR IPLIBDIR MODE ROUNDS [NAME=VALUE...] [METRIC...]:
# runs inside a benchmark VM (see bench.sh). NAME=VALUE overrides a count
# set in a metric file (PKTGEN_COUNT=5000). Loads vpair, then for each
# metric (all by default; names may be globs) runs one warm-up round and
# ROUNDS counted ones. In each round both kinds run once on fresh devices, A then B in
# even rounds and B then A in odd ones; the sending side is on CPU 0 in
# even rounds and CPU 1 in odd ones, the same for both kinds.
#
# MODE ab: A is vpair, B its anchor (veth, tun). MODE aa: A and B are both
# the anchor, which shows the noise floor.
#
# Prints, one per line (anything else starts with "#"):
#	METRIC id group desc-words... | values
#	VAL id label round slot kind value
#	FAIL id round slot kind
set -u

# shellcheck disable=SC2034 # BIN: the metrics run the programs there
ko=$1 BIN=$2 mode=$4 rounds=$5
export IP_LIB_DIR=$3	# ip finds link_vpair.so there
shift 5
patterns=()
for arg in "$@"; do
	if [[ $arg =~ ^[A-Z_]+=[0-9A-Za-z]+$ ]]; then
		export "${arg?}"	# a count for a quick run, e.g. PKTGEN_COUNT=5000
	else
		patterns+=("$arg")
	fi
done
[ ${#patterns[@]} -gt 0 ] || patterns=('*')

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=guest-lib.sh
. "$here/guest-lib.sh"
for f in "$here"/metrics/*.sh; do
	# shellcheck disable=SC1090
	. "$f"
done

# kinds GROUP: the A and B kinds of a group in this mode.
kinds()
{
	local anchor=veth
	[ "$1" = chr ] && anchor=tun
	if [ "$mode" = aa ]; then
		echo "$anchor $anchor"
	else
		echo "vpair $anchor"
	fi
}

selected()
{
	local id=$1 p
	for p in "${patterns[@]}"; do
		# shellcheck disable=SC2053 # a glob on purpose
		[[ $id == $p ]] && return 0
	done
	return 1
}

# run_one ID ROUND SLOT KIND CPU: one round of one kind, VAL lines out.
run_one()
{
	local id=$1 round=$2 slot=$3 kind=$4 cpu=$5 out label spec i=0
	local -a run vals specs

	read -ra run <<<"${BENCH_RUN[$id]}"
	read -ra specs <<<"${BENCH_VALUES[$id]}"
	if ! out=$("${run[0]}" "$kind" "$cpu" "${run[@]:1}") || [ -z "$out" ]; then
		echo "FAIL $id $round $slot $kind"
		pair_del	# a failed round may have left its pair
		return
	fi
	read -ra vals <<<"$out"
	for spec in "${specs[@]}"; do
		label=${spec%%:*}
		echo "VAL $id $label $round $slot $kind ${vals[$i]:-nan}"
		i=$((i + 1))
	done
}

run_metric()
{
	local id=$1 r cpu a b
	read -r a b <<<"$(kinds "${BENCH_GROUP[$id]}")"
	echo "METRIC $id ${BENCH_GROUP[$id]} ${BENCH_DESC[$id]} | ${BENCH_VALUES[$id]}"
	for ((r = 0; r <= rounds; r++)); do
		cpu=$((r % 2))
		if [ $cpu -eq 0 ]; then
			run_one "$id" "$r" A "$a" "$cpu"
			run_one "$id" "$r" B "$b" "$cpu"
		else
			run_one "$id" "$r" B "$b" "$cpu"
			run_one "$id" "$r" A "$a" "$cpu"
		fi
	done
}

# BENCH_TRACE=1: every command with its guest time, dumped at the end
# as "#x" lines (where a round's time goes).
trace_on()
{
	[ "${BENCH_TRACE:-0}" = 1 ] || return 0
	exec {BASH_XTRACEFD}>/tmp/bench.trace
	PS4='+ $EPOCHREALTIME '
	set -x
}

trace_dump()
{
	[ "${BENCH_TRACE:-0}" = 1 ] || return 0
	set +x
	sed 's/^/#x /' /tmp/bench.trace
}

main()
{
	local id t0
	modprobe -q veth; modprobe -q tun; modprobe -q pktgen
	insmod "$ko" || { echo "# insmod $ko failed"; exit 1; }
	ns_create || { echo "# cannot create namespaces"; exit 1; }
	echo "INFO kernel $(uname -r)"
	echo "INFO cpu $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
	echo "# $(nproc) CPUs, mode $mode, $rounds rounds"
	for id in "${BENCH_IDS[@]}"; do
		selected "$id" || continue
		t0=$SECONDS
		trace_on
		run_metric "$id"
		bench_end_metric
		trace_dump
		echo "# $id took $((SECONDS - t0)) s of guest time"
	done
	ns_delete
}

main
