# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Per-packet write() and read() rates of 64-byte packets on a char-device
# interface (tun_io), TUN and TAP. A write round must see the interface's
# rx_packets grow by every packet written.

CHR_COUNT=${CHR_COUNT:-30000}
CHR_SEQ=0

chr_io_round()
{
	local kind=$1 cpu=$2 tmode=$3 op=$4 out pps="" n="" rx

	CHR_SEQ=$((CHR_SEQ + 1))
	out=$("$BIN/tun_io" "$(chardev "$kind")" "$tmode" "$op" "bt$CHR_SEQ" \
		"$CHR_COUNT" "$cpu") || return 1
	match "$out" 'pps=([0-9]+)' && pps=$MATCH
	match "$out" 'packets=([0-9]+)' && n=$MATCH
	match "$out" 'rx=([0-9]+)'; rx=$MATCH
	if [ "$op" = write ] && [ "$rx" != "$n" ]; then
		echo "# $kind $tmode write: rx_packets grew by $rx, not $n" >&2
		return 1
	fi
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
