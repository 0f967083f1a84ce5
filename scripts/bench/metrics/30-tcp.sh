# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# TCP stream between the two ends (iperf3, a fixed number of bytes,
# offloads on as both drivers default), client on the A end.

TCP_BYTES=${TCP_BYTES:-64M}

# iperf3_mbs NS_CLIENT NS_SERVER IP CPU [IPERF3-ARGS...]: run one transfer,
# print the receiver's MB/s (10^6 bytes/s). "" as NS means this one.
iperf3_mbs()
{
	local cns=$1 sns=$2 ip=$3 cpu=$4 spid out bps="" try
	local -a cexec=() sexec=()
	shift 4
	[ -n "$cns" ] && cexec=(nsenter --net="/run/netns/$cns")
	[ -n "$sns" ] && sexec=(nsenter --net="/run/netns/$sns")
	# A busy host can leave the server not yet listening: try again.
	for try in 1 2 3; do
		"${sexec[@]}" iperf3 -s -1 -A "$(other_cpu "$cpu")" >/dev/null 2>&1 &
		spid=$!
		sleep $((try / 2)).5	# guest time: free under icount
		out=$("${cexec[@]}" iperf3 -c "$ip" -n "$TCP_BYTES" -A "$cpu" -J "$@")
		kill $spid 2>/dev/null
		wait $spid 2>/dev/null
		bps=$(awk '/"sum_received"/ { f = 1 } f && /"bits_per_second"/ {
			gsub(/[^0-9.e+]/, "", $2); print $2; exit }' <<<"$out")
		[ -n "$bps" ] && break
	done
	[ -n "$bps" ] || return 1
	awk -v b="$bps" 'BEGIN { printf "%.1f\n", b / 8 / 1e6 }'
}

tcp_round()
{
	local kind=$1 cpu=$2 gro=$3 streams=$4 out

	pair_make "$kind" "$gro" || return 1
	out=$(iperf3_mbs "" "$NS_B" "$IP_B" "$cpu" -P "$streams")
	pair_del
	[ -n "$out" ] && echo "$out"
}

bench_add tcp1 pair "TCP stream between the namespaces, iperf3, 1 stream" \
	tput:MB/s:up -- tcp_round off 1
bench_add tcp2 pair "TCP stream between the namespaces, iperf3, 2 streams" \
	tput:MB/s:up -- tcp_round off 2
bench_add tcp1_gro pair "TCP stream between the namespaces, iperf3, 1 stream, GRO on" \
	tput:MB/s:up -- tcp_round on 1
bench_add tcp2_gro pair "TCP stream between the namespaces, iperf3, 2 streams, GRO on" \
	tput:MB/s:up -- tcp_round on 2
