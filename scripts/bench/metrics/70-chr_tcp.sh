# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# TCP through the char device with IFF_VNET_HDR and TSO offloads: two
# interfaces joined by tun_wire (GSO frames read from one are written to
# the other; tun_wire gives them their addresses), iperf3 between their
# namespaces.

chr_tcp_round()
{
	local kind=$1 cpu=$2 tmode=$3 ready pid out=""

	ready=$BENCH_TMP/wire.$BASHPID
	"$BIN/tun_wire" "$(chardev "$kind")" "$tmode" bw1 "$NS_A" 10.78.0.1 \
		bw2 "$NS_B" 10.78.0.2 "$ready" &
	pid=$!
	wait_file "$ready" $pid && out=$(iperf3_mbs "$NS_A" 10.78.0.2 "$cpu")
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	[ -n "$out" ] && echo "$out"
}

bench_add tun_tcp chr "TCP through two TUN interfaces, vnet_hdr + TSO, iperf3" \
	tput:MB/s:up -- chr_tcp_round tun
bench_add tap_tcp chr "TCP through two TAP interfaces, vnet_hdr + TSO, iperf3" \
	tput:MB/s:up -- chr_tcp_round tap
