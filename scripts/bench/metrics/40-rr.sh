# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# UDP request/response latency between the namespaces (udp_rr): client
# on the A end, server in the peer namespace on the other CPU (the servers
# live for the whole metric).

RR_COUNT=${RR_COUNT:-2000}

# rr_servers: one server per CPU, shared by all rounds of the metric; the
# one on port 7000 + C runs on CPU C.
rr_servers()
{
	local c started=""
	for c in 0 1; do
		bench_daemon "rr$c" "${IN_B[@]}" "$BIN/udp_rr" server $((7000 + c)) "$c" &&
			started=1
	done
	[ -z "$started" ] || nap 0.5
}

rr_round()
{
	local kind=$1 cpu=$2 gro=$3 out

	rr_servers
	pair_make "$kind" "$gro" || return 1
	out=$("$BIN/udp_rr" client "$IP_B" $((7000 + $(other_cpu "$cpu"))) \
		"$RR_COUNT" "$cpu")
	pair_del
	[[ $out =~ ^p50_us=([0-9.]+)\ p99_us=([0-9.]+) ]] || return 1
	echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
}

bench_add rr pair "UDP request/response between the namespaces" \
	"p50:us:down p99:us:down" -- rr_round off
bench_add rr_gro pair "UDP request/response between the namespaces, GRO on" \
	"p50:us:down p99:us:down" -- rr_round on
