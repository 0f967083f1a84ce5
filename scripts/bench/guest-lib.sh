# shellcheck shell=bash disable=SC2034 # used by guest.sh and metrics/
# SPDX-License-Identifier: GPL-2.0
#
# guest-lib.sh: what the benchmark's metrics share inside the VM (sourced
# by guest.sh): the two namespaces, pairs of either kind, pktgen, waiting
# for a helper to be ready, and the registry of metrics.
#
# The A end of a pair lives in the VM's initial namespace (where pktgen
# and the clients run), the B end in namespace $NS_B; the char-device
# wire uses $NS_A and $NS_B.

NS_A=bench-a
NS_B=bench-b
IP_A=10.70.0.1
IP_B=10.70.0.2
# Not local anywhere: pktgen's packets to it are dropped after the route
# lookup in $NS_B (forwarding is off), so only the pair is measured.
IP_NOWHERE=10.70.0.9
MAC_B=02:00:00:70:00:02

# --- registry -------------------------------------------------------------

# Filled by bench_add, in the order the metric files add them.
BENCH_IDS=()
declare -A BENCH_GROUP BENCH_DESC BENCH_VALUES BENCH_RUN

# bench_add ID GROUP DESC VALUES -- FUNC [ARGS...]: a metric. GROUP is
# pair (vpair against veth) or chr (the char device against tun). VALUES
# lists what FUNC prints on one line, as label:unit:better words (better
# is up or down). FUNC KIND CPU [ARGS...] runs one round on fresh devices
# of KIND, with the sending side on CPU and the receiving side on the
# other one.
bench_add()
{
	local id=$1 group=$2 desc=$3 values=$4

	[ "$5" = -- ] || { echo "bench_add $id: no --" >&2; return 1; }
	shift 5
	BENCH_IDS+=("$id")
	BENCH_GROUP[$id]=$group
	BENCH_DESC[$id]=$desc
	BENCH_VALUES[$id]=$values
	BENCH_RUN[$id]="$*"
}

other_cpu() { echo $((1 - $1)); }

# now_ns: the guest's clock (instructions under icount).
now_ns() { date +%s%N; }

# --- namespaces and pairs -------------------------------------------------

ns_create()
{
	local ns
	for ns in "$NS_A" "$NS_B"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
		nsenter --net="/run/netns/$ns" sysctl -qw \
			net.ipv6.conf.default.disable_ipv6=1 \
			net.ipv6.conf.all.disable_ipv6=1
	done
	sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
}

ns_delete()
{
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	return 0
}

# "${IN_B[@]}" CMD...: run CMD in namespace $NS_B. Lighter
# than "ip netns exec", which also remounts /sys; nsenter execs CMD, so
# $! of a background "${IN_B[@]}" CMD & is CMD's pid.
IN_B=(nsenter --net="/run/netns/$NS_B")

# pair_make KIND GRO: fresh ends bpa (here, $IP_A) and bpb ($NS_B, $IP_B,
# MAC $MAC_B), up. GRO on turns it on on both ends; off leaves the
# driver's default (off on both). Few processes: each costs ~100 ms of
# emulated time.
pair_make()
{
	local kind=$1 gro=$2

	ip link add bpa type "$kind" peer name bpb address "$MAC_B" || return 1
	if [ "$gro" = on ]; then
		ethtool -K bpa gro on && ethtool -K bpb gro on || return 1
	fi
	ip -batch - <<-EOF || return 1
		link set bpb netns $NS_B
		addr add $IP_A/24 dev bpa
		link set bpa up
	EOF
	ip -n "$NS_B" -batch - <<-EOF
		addr add $IP_B/24 dev bpb
		link set bpb up
	EOF
}

pair_del() { ip link del bpa 2>/dev/null; return 0; }

# peer_rx: packets the B end received (its counters start at 0), from
# "ip -s -o": the labels after "RX:" up to "\", then their values.
peer_rx()
{
	local -a w
	local i=0 j p=0

	read -ra w <<<"$(ip -n "$NS_B" -s -o link show bpb)"
	while [[ $i -lt ${#w[@]} && ${w[i]} != "RX:" ]]; do
		i=$((i + 1))
	done
	for ((j = i + 1; j < ${#w[@]}; j++)); do
		[[ ${w[j]} == "\\" ]] && break
		[[ ${w[j]} == packets ]] && p=$((j - i))
	done
	echo "${w[j + p]}"
}

# chardev KIND: the char device of a chr metric's KIND.
chardev()
{
	case $1 in
	vpair) echo /dev/net/vpair ;;
	*) echo /dev/net/tun ;;
	esac
}

# wait_file FILE PID: until FILE exists (a helper is ready) or PID died.
wait_file()
{
	local i
	for ((i = 0; i < 600; i++)); do
		[ -e "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# --- pktgen ---------------------------------------------------------------

PG=/proc/net/pktgen

pg_set() { echo "$2" >"$PG/$1" || echo "pktgen: '$2' refused by $1" >&2; }

# pktgen_send DEV CPU COUNT DST_IP DST_MAC PORT_MIN PORT_MAX: send COUNT
# 64-byte frames (60 + FCS) from DEV on CPU's pktgen thread, no skb
# sharing (veth refuses it); print the elapsed microseconds.
pktgen_send()
{
	local dev=$1 cpu=$2 count=$3 dst=$4 mac=$5 pmin=$6 pmax=$7 cmd usec

	pg_set "kpktgend_$cpu" rem_device_all
	pg_set "kpktgend_$cpu" "add_device $dev"
	for cmd in "count $count" "clone_skb 0" "burst 1" "pkt_size 60" \
		"delay 0" "dst $dst" "dst_mac $mac" "src_min $IP_A" "src_max $IP_A" \
		"udp_src_min 9" "udp_src_max 9" "udp_dst_min $pmin" "udp_dst_max $pmax"; do
		pg_set "$dev" "$cmd"
	done
	echo start >"$PG/pgctrl"
	usec=$(sed -n 's/^Result: OK: \([0-9]*\)(.*/\1/p' "$PG/$dev")
	pg_set "kpktgend_$cpu" rem_device_all
	[ -n "$usec" ] && [ "$usec" -gt 0 ] || return 1
	echo "$usec"
}

# rate COUNT NS: COUNT per second of NS nanoseconds, as an integer.
rate() { echo $(($1 * 1000000000 / $2)); }
