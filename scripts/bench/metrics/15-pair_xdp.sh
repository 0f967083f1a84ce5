# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Native XDP on a pair end (ip link ... xdpdrv, the selftests'
# xdp_act.bpf.c), fed with 64-byte UDP frames from pktgen as in pktgen.
# The rate is the frames a round counts per second of pktgen's elapsed
# time, once every frame is accounted for: a round whose counters do not
# add up to the frames sent fails.
#
# The kinds lose a frame before the program differently: veth drops it
# when the receiving end's ring is full (a tx drop of the sender), vpair
# stops the queue and pktgen retries. So the frames the program saw are
# the ones pktgen sent minus the sender's tx_dropped, for both.
#
# xdp_drop_pair: XDP_DROP on the B end; the frames its program dropped
# (ethtool -S, per rx queue: vpair's xdp_drop, veth's xdp_drops).
# xdp_tx_pair: XDP_TX on the B end, XDP_PASS on the A end; the frames
# back at the A end (its rx_packets). A frame XDP_TX could not send is an rx drop of one of the
# ends (vpair counts it at B, veth at A).
# xdp_drop_frags_pair: as xdp_drop_pair with 8000-byte frames, MTU 9000
# on both ends and a program that takes frags (xdp.frags): each frame is
# copied into pages of the receiving end's page pool, on both kinds.
# xdp_redirect_pair: pktgen on a veth whose peer's program redirects
# every frame into the A end (ifindex XDP_REDIRECT_IFINDEX); the frames
# at the B end (its rx_packets). A frame the A end could not take is its
# tx drop, for both kinds.
#
# veth takes frames from a redirect only at an end that runs NAPI, which
# a program or GRO on that end turns on: GRO is on on both ends for the
# redirect, for both kinds. XDP_TX frames wait in a veth end's ring until
# something else schedules its NAPI unless the end has a program (6.12's
# veth_xdp_flush() kicks only a peer with one): the A end runs XDP_PASS
# for xdp_tx_pair, for both kinds. Left out when the XDP objects could not
# be built (no clang or libbpf-dev on the host).

PAIR_XDP_COUNT=${PAIR_XDP_COUNT:-30000}
PAIR_XDP_INDEX=4242	# XDP_REDIRECT_IFINDEX in selftests/xdp_act.h
PAIR_XDP_FRAGS_SIZE=8000

# xdp_attach DEV ACT [NS]: xdp_ACT.bpf.o as DEV's native program.
xdp_attach()
{
	local sec=xdp

	[[ $2 == frags_* ]] && sec=xdp.frags
	ip ${3:+-n "$3"} link set dev "$1" xdpdrv obj "$BIN/xdp_$2.bpf.o" sec "$sec"
}

# xdp_make KIND ACT: the pair and the programs of a round of ACT.
xdp_make()
{
	case $2 in
	drop)
		pair_make "$1" off && xdp_attach bpb drop "$NS_B" ;;
	drop_frags)
		pair_make "$1" off && ip link set bpa mtu 9000 &&
			ip -n "$NS_B" link set bpb mtu 9000 &&
			xdp_attach bpb frags_drop "$NS_B" ;;
	tx)
		pair_make "$1" off && xdp_attach bpb tx "$NS_B" &&
			xdp_attach bpa pass ;;
	redirect)
		pair_make "$1" on "$PAIR_XDP_INDEX" &&
			ip link add vxa type veth peer name vxb &&
			ip -batch - <<-EOF &&
				link set vxa up
				link set vxb up
			EOF
			xdp_attach vxb redirect ;;
	esac
}

xdp_del()
{
	ip link del vxa 2>/dev/null
	pair_del
}

# xdp_queue_sum NAME: XDP_N is the B end's per-rx-queue counter NAME
# (a regex), summed.
xdp_queue_sum()
{
	local line text

	XDP_N=0
	text=$("${IN_B[@]}" ethtool -S bpb) || return 1
	while IFS= read -r line; do
		[[ $line =~ ^\ *rx_queue_[0-9]+_$1:\ *([0-9]+)$ ]] &&
			XDP_N=$((XDP_N + BASH_REMATCH[1]))
	done <<<"$text"
}

# drop_count, tx_count, redirect_count: XDP_N, the frames a round of the
# metric counts, and XDP_GOT, those and the ones lost after the program
# saw them.
drop_count()
{
	xdp_queue_sum 'xdp_drops?'
	XDP_GOT=$XDP_N
}

drop_frags_count() { drop_count; }

tx_count()
{
	local lost

	ns_dev_stats "$NS_B_PID" bpb || return 1
	lost=${DEVSTAT[$DS_RX_DROP]}
	ns_dev_stats $$ bpa || return 1
	XDP_N=${DEVSTAT[$DS_RX_PACKETS]}
	XDP_GOT=$((XDP_N + DEVSTAT[DS_RX_DROP] + lost))
}

redirect_count()
{
	local lost

	ns_dev_stats $$ bpa || return 1
	lost=${DEVSTAT[$DS_TX_DROP]}
	ns_dev_stats "$NS_B_PID" bpb || return 1
	XDP_N=${DEVSTAT[$DS_RX_PACKETS]}
	XDP_GOT=$((XDP_N + lost))
}

# xdp_settle ACT SEEN: until ACT_count accounts for SEEN frames (those in
# flight when pktgen ends arrive), at most 2 s.
xdp_settle()
{
	local i

	for ((i = 0; i < 100; i++)); do
		"$1_count" || return 1
		[ "$XDP_GOT" = "$2" ] && return 0
		nap 0.02
	done
	return 1
}

# xdp_dump: every counter of the round's devices, on stderr (PAIR_XDP_DEBUG=1).
xdp_dump()
{
	local d

	for d in bpa vxa vxb; do
		ns_dev_stats $$ $d && echo "# $d: ${DEVSTAT[*]}"
	done
	ns_dev_stats "$NS_B_PID" bpb && echo "# bpb: ${DEVSTAT[*]}"
	"${IN_B[@]}" ethtool -S bpb | grep -v ': 0$' | sed 's/^ */# bpb -S /'
	ethtool -S bpa | grep -v ': 0$' | sed 's/^ */# bpa -S /'
} >&2

pair_xdp_round()
{
	local kind=$1 cpu=$2 act=$3 dev=bpa size=60 usec lost seen

	[ "$act" = redirect ] && dev=vxa
	[ "$act" = drop_frags ] && size=$PAIR_XDP_FRAGS_SIZE
	xdp_make "$kind" "$act" || { xdp_del; return 1; }
	if ! usec=$(pktgen_send "$dev" "$cpu" "$PAIR_XDP_COUNT" "$IP_NOWHERE" \
		"$MAC_B" 9 9 "$size"); then
		xdp_del
		return 1
	fi
	read -r lost <"/sys/class/net/$dev/statistics/tx_dropped"
	seen=$((PAIR_XDP_COUNT - lost))
	if ! xdp_settle "$act" "$seen"; then
		echo "# xdp_${act}_pair $kind: counted $XDP_N, $XDP_GOT with the losses after the program, not $seen ($PAIR_XDP_COUNT sent, $lost dropped by $dev)" >&2
		xdp_dump
		xdp_del
		return 1
	fi
	[ "${PAIR_XDP_DEBUG:-0}" = 1 ] && xdp_dump
	xdp_del
	rate "$XDP_N" $((usec * 1000))
}

if [ -f "$BIN/xdp_drop.bpf.o" ] && [ -f "$BIN/xdp_tx.bpf.o" ] &&
	[ -f "$BIN/xdp_pass.bpf.o" ] && [ -f "$BIN/xdp_redirect.bpf.o" ]; then
	bench_add xdp_drop_pair pair "64B UDP from pktgen into an end whose peer runs native XDP_DROP" \
		pps:pps:up -- pair_xdp_round drop
	bench_add xdp_tx_pair pair "64B UDP from pktgen bounced back by native XDP_TX on the peer, XDP_PASS on the end" \
		pps:pps:up -- pair_xdp_round tx
	if [ -f "$BIN/xdp_frags_drop.bpf.o" ]; then
		bench_add xdp_drop_frags_pair pair "8000B UDP from pktgen into an end whose peer runs XDP_DROP in a frags program, MTU 9000" \
			pps:pps:up -- pair_xdp_round drop_frags
	fi
	bench_add xdp_redirect_pair pair "64B UDP from pktgen on a veth, XDP_REDIRECT into an end, counted at its peer, GRO on" \
		pps:pps:up -- pair_xdp_round redirect
else
	echo "# xdp_*_pair skipped: no $BIN/xdp_{drop,tx,pass,redirect}.bpf.o (clang or libbpf-dev missing)"
fi
