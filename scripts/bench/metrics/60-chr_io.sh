# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Per-packet write() and read() rates of 64-byte packets on a char-device
# interface (tun_io), TUN and TAP. A write round must see the interface's
# rx_packets grow by every packet written.
#
# The batched metrics measure vpair's batched I/O (VPAIRSETBATCH,
# $CHR_BATCH packets per call) against tun's one packet per call, which
# is all tun has: the goal is a multiple of tun's per-syscall rate. In an
# A/A run both sides are tun's plain I/O.
#
# xdp_drop: writes to a TAP whose native XDP program drops every frame;
# rx_dropped must grow by every packet written and rx_packets not at all.
# Left out when the XDP object could not be built (no clang or libbpf-dev
# on the host).

CHR_COUNT=${CHR_COUNT:-30000}
CHR_BATCH=${CHR_BATCH:-64}
CHR_SEQ=0
XDP_DROP_OBJ=$BIN/xdp_drop.bpf.o

# chr_op KIND OP: what a round of KIND runs for OP, and its last argument.
chr_op()
{
	case $2 in
	bwrite | bread)
		if [ "$1" = vpair ]; then
			echo "$2 $CHR_BATCH"
		else
			echo "${2#b}"
		fi ;;
	xdpdrop) echo "$2 $XDP_DROP_OBJ" ;;
	*) echo "$2" ;;
	esac
}

# chr_check OP OUT N: the counters of a write round agree with N.
chr_check()
{
	local op=$1 out=$2 n=$3 rx drop

	match "$out" 'rx=([0-9]+)' || return 0
	rx=$MATCH
	match "$out" 'drop=([0-9]+)'; drop=$MATCH
	if [ "$op" = xdpdrop ]; then
		[ "$rx" = 0 ] && [ "$drop" = "$n" ] && return 0
		echo "# XDP_DROP: rx_packets grew by $rx, rx_dropped by $drop, not 0 and $n" >&2
		return 1
	fi
	[ "$rx" = "$n" ] && return 0
	echo "# $op: rx_packets grew by $rx, not $n" >&2
	return 1
}

chr_io_round()
{
	local kind=$1 cpu=$2 tmode=$3 out pps="" n=""
	local -a op

	read -ra op <<<"$(chr_op "$kind" "$4")"
	CHR_SEQ=$((CHR_SEQ + 1))
	out=$("$BIN/tun_io" "$(chardev "$kind")" "$tmode" "${op[0]}" \
		"bt$CHR_SEQ" "$CHR_COUNT" "$cpu" "${op[@]:1}") || return 1
	match "$out" 'pps=([0-9]+)' && pps=$MATCH
	match "$out" 'packets=([0-9]+)' && n=$MATCH
	chr_check "${op[0]}" "$out" "$n" || return 1
	[ -n "$pps" ] && echo "$pps"
}

bench_add tun_write chr "write() 64B packets, TUN, one thread" \
	pps:pps:up -- chr_io_round tun write
bench_add tun_read chr "read() 64B packets sent by the stack, TUN, one thread" \
	pps:pps:up -- chr_io_round tun read
bench_add tap_write chr "write() 64B frames, TAP, one thread" \
	pps:pps:up -- chr_io_round tap write
bench_add tap_read chr "read() 64B frames sent by the stack, TAP, one thread" \
	pps:pps:up -- chr_io_round tap read
bench_add tun_bwrite chr "batched write() 64B packets, TUN, $CHR_BATCH per call (tun: 1)" \
	pps:pps:up -- chr_io_round tun bwrite
bench_add tun_bread chr "batched read() 64B packets, TUN, $CHR_BATCH per call (tun: 1)" \
	pps:pps:up -- chr_io_round tun bread
bench_add tap_bwrite chr "batched write() 64B frames, TAP, $CHR_BATCH per call (tun: 1)" \
	pps:pps:up -- chr_io_round tap bwrite
bench_add tap_bread chr "batched read() 64B frames, TAP, $CHR_BATCH per call (tun: 1)" \
	pps:pps:up -- chr_io_round tap bread
if [ -f "$XDP_DROP_OBJ" ]; then
	bench_add xdp_drop chr "write() 64B frames to a TAP, native XDP_DROP" \
		pps:pps:up -- chr_io_round tap xdpdrop
else
	echo "# xdp_drop skipped: no $XDP_DROP_OBJ (clang or libbpf-dev missing)"
fi
