# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# UDP request/response latency between the namespaces (udp_rr): client
# on the A end, server in the peer namespace on the other CPU.

RR_COUNT=${RR_COUNT:-2000}

rr_round()
{
	local kind=$1 cpu=$2 gro=$3 spid out

	pair_make "$kind" "$gro" || return 1
	"${IN_B[@]}" "$BIN/udp_rr" server 7000 "$(other_cpu "$cpu")" &
	spid=$!
	sleep 0.2
	out=$("$BIN/udp_rr" client "$IP_B" 7000 "$RR_COUNT" "$cpu")
	kill $spid
	wait $spid 2>/dev/null
	pair_del
	sed -n 's/^p50_us=\([0-9.]*\) p99_us=\([0-9.]*\).*/\1 \2/p' <<<"$out"
}

bench_add rr pair "UDP request/response between the namespaces" \
	"p50:us:down p99:us:down" -- rr_round off
bench_add rr_gro pair "UDP request/response between the namespaces, GRO on" \
	"p50:us:down p99:us:down" -- rr_round on
