# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# 64-byte UDP through one end, counted at the other: pktgen on the A end
# (clone_skb 0, burst 1), frames for the B end's MAC and a non-local IP,
# so the B side drops them right after the route lookup. The rate is the
# B end's rx_packets growth over pktgen's own elapsed time.

PKTGEN_COUNT=${PKTGEN_COUNT:-30000}

pktgen_round()
{
	local kind=$1 cpu=$2 gro=$3 rx usec

	pair_make "$kind" "$gro" || return 1
	usec=$(pktgen_send bpa "$cpu" "$PKTGEN_COUNT" "$IP_NOWHERE" "$MAC_B" 9 9) ||
		{ pair_del; return 1; }
	rx=$(peer_rx)
	pair_del
	rate "$rx" $((usec * 1000))
}

bench_add pktgen pair "64B UDP through one end, pktgen, counted at the peer" \
	pps:pps:up -- pktgen_round off
bench_add pktgen_gro pair "64B UDP through one end, pktgen, counted at the peer, GRO on" \
	pps:pps:up -- pktgen_round on
