# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# TCP through the char device with IFF_VNET_HDR and TSO offloads: two
# interfaces joined by tun_wire (GSO frames read from one are written to
# the other), iperf3 between their namespaces.

chr_tcp_round()
{
	local kind=$1 cpu=$2 tmode=$3 ready pid out

	ready=$(mktemp -u)
	"$BIN/tun_wire" "$(chardev "$kind")" "$tmode" bw1 "$NS_A" bw2 "$NS_B" \
		"$ready" &
	pid=$!
	if wait_file "$ready" $pid; then
		ip -n "$NS_A" addr add 10.78.0.1/24 dev bw1
		ip -n "$NS_B" addr add 10.78.0.2/24 dev bw2
		ip -n "$NS_A" link set bw1 up
		ip -n "$NS_B" link set bw2 up
		out=$(iperf3_mbs "$NS_A" "$NS_B" 10.78.0.2 "$cpu")
	fi
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	rm -f "$ready"
	[ -n "$out" ] && echo "$out"
}

bench_add tun_tcp chr "TCP through two TUN interfaces, vnet_hdr + TSO, iperf3" \
	tput:MB/s:up -- chr_tcp_round tun
bench_add tap_tcp chr "TCP through two TAP interfaces, vnet_hdr + TSO, iperf3" \
	tput:MB/s:up -- chr_tcp_round tap
