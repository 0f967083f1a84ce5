# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# 64-byte UDP delivered to sockets in the peer namespace: pktgen on the A
# end sends to FLOWS ports of the B end's address (one after the other),
# udp_sink counts what its sockets receive. One flow: sender and sink on
# different CPUs; four flows: four sink threads anywhere on the 2 vCPUs.

UDP_SOCK_COUNT=${UDP_SOCK_COUNT:-30000}

udp_sock_round()
{
	local kind=$1 cpu=$2 gro=$3 flows=$4 ready pid out="" sinkcpu=-1

	[ "$flows" -eq 1 ] && sinkcpu=$(other_cpu "$cpu")
	pair_make "$kind" "$gro" || return 1
	ready=$BENCH_TMP/sink.$BASHPID
	"${IN_B[@]}" "$BIN/udp_sink" 9000 "$flows" "$UDP_SOCK_COUNT" \
		300 "$sinkcpu" "$ready" >"$ready.out" &
	pid=$!
	if wait_file "$ready" $pid &&
		pktgen_send bpa "$cpu" "$UDP_SOCK_COUNT" "$IP_B" "$MAC_B" \
			9000 $((9000 + flows - 1)) >/dev/null; then
		wait $pid
		slurp "$ready.out" && match "$TEXT" 'pps=([0-9]+)' && out=$MATCH
	else
		kill $pid 2>/dev/null
		wait $pid 2>/dev/null
	fi
	pair_del
	[ -n "$out" ] && echo "$out"
}

bench_add udp1 pair "64B UDP to a socket in the peer namespace, 1 flow" \
	pps:pps:up -- udp_sock_round off 1
bench_add udp4 pair "64B UDP to sockets in the peer namespace, 4 flows" \
	pps:pps:up -- udp_sock_round off 4
bench_add udp1_gro pair "64B UDP to a socket in the peer namespace, 1 flow, GRO on" \
	pps:pps:up -- udp_sock_round on 1
bench_add udp4_gro pair "64B UDP to sockets in the peer namespace, 4 flows, GRO on" \
	pps:pps:up -- udp_sock_round on 4
