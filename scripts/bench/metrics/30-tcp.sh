# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# TCP stream between the two ends (iperf3, a fixed number of bytes,
# offloads on as both drivers default), client on the A end, one server
# in the peer namespace for all rounds.

TCP_BYTES=${TCP_BYTES:-64M}

# iperf3_mbs NS_CLIENT IP CPU [IPERF3-ARGS...]: one transfer from
# namespace NS_CLIENT ("" for this one) to the metric's iperf3 server in
# $NS_B, client on CPU and server on the other one (iperf3 -A sets both);
# print the receiver's MB/s (10^6 bytes/s).
iperf3_mbs()
{
	local cns=$1 ip=$2 cpu=$3 out bps="" try=0
	local -a cexec=()
	shift 3
	[ -n "$cns" ] && cexec=(nsenter --net="/run/netns/$cns")
	bench_daemon iperf3 "${IN_B[@]}" iperf3 -s && nap 0.5
	# A busy host can leave the server not yet listening: try again.
	while [ $((try += 1)) -le 3 ]; do
		out=$("${cexec[@]}" iperf3 -c "$ip" -n "$TCP_BYTES" \
			-A "$cpu,$(other_cpu "$cpu")" -J "$@")
		out=${out#*\"sum_received\"}
		match "$out" '"bits_per_second":[[:space:]]*([0-9]+)' && bps=$MATCH &&
			break
		nap 1
	done
	[ -n "$bps" ] || return 1
	# MB/s with one decimal, in integer arithmetic.
	bps=$((bps / 800000))
	echo "$((bps / 10)).$((bps % 10))"
}

tcp_round()
{
	local kind=$1 cpu=$2 gro=$3 streams=$4 out

	pair_make "$kind" "$gro" || return 1
	out=$(iperf3_mbs "" "$IP_B" "$cpu" -P "$streams")
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
