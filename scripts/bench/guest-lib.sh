# shellcheck shell=bash disable=SC2034 # used by guest.sh and metrics/
# SPDX-License-Identifier: GPL-2.0
#
# guest-lib.sh: what the benchmark's metrics share inside the VM (sourced
# by guest.sh): the two namespaces, pairs of either kind, pktgen, servers
# that live for a whole metric, and the registry of metrics.
#
# The A end of a pair lives in the VM's initial namespace (where pktgen
# and the clients run), the B end in namespace $NS_B; the char-device
# wire uses $NS_A and $NS_B.
#
# Adding a metric: a file scripts/bench/metrics/NN-name.sh (run in the
# order of NN) defines a round function and registers it with bench_add
# (below). The round function gets KIND (vpair, veth or tun) and CPU (the
# sending side's CPU; the receiving side goes on $(other_cpu CPU)), makes
# fresh devices, does a fixed amount of work (a count, overridable with a
# NAME=VALUE word of make bench), deletes what it made and prints its
# values on one line; it fails (no output or non-zero) if a round is not
# valid. It runs in a subshell: what must outlive one round (a server) is
# started with bench_daemon and ends with the metric. Each process costs
# guest time (about 0.1 s under TCG): prefer bash builtins, "ip -batch"
# and $BENCH_TMP files to sed, awk, mktemp and sleep.

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

# now_ns: the guest's clock (instructions under icount), without a process.
now_ns()
{
	local t=${EPOCHREALTIME/[.,]/}
	echo "${t}000"
}

# Scratch files of the running metric; emptied after each metric.
BENCH_TMP=/tmp/bench
mkdir -p "$BENCH_TMP"

# A pipe nobody writes to: "read -t" on it is a sleep without a process.
mkfifo /tmp/bench-sleep
exec {SLEEP_FD}<>/tmp/bench-sleep
rm /tmp/bench-sleep

# nap SECONDS: sleep (fractions allowed) without starting sleep(1).
nap() { read -rt "$1" -u "$SLEEP_FD" || true; }

# bench_daemon NAME CMD...: start CMD in the background unless a daemon
# NAME of this metric runs already (a server that all rounds share). Its
# output goes to $BENCH_TMP/NAME.out. Returns 0 if it was started now, so
# that the caller waits for it to be ready once.
bench_daemon()
{
	local name=$1 pid
	shift
	if [ -f "$BENCH_TMP/$name.pid" ]; then
		read -r pid <"$BENCH_TMP/$name.pid"
		kill -0 "$pid" 2>/dev/null && return 1
	fi
	"$@" >"$BENCH_TMP/$name.out" 2>&1 </dev/null &
	echo $! >"$BENCH_TMP/$name.pid"
	return 0
}

# bench_end_metric: stop the metric's daemons, empty $BENCH_TMP.
bench_end_metric()
{
	local f pid i
	for f in "$BENCH_TMP"/*.pid; do
		[ -f "$f" ] || continue
		read -r pid <"$f"
		kill "$pid" 2>/dev/null
	done
	for f in "$BENCH_TMP"/*.pid; do
		[ -f "$f" ] || continue
		read -r pid <"$f"
		for ((i = 0; i < 50; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			nap 0.02
		done
	done
	rm -rf "${BENCH_TMP:?}"/*
}

# match TEXT REGEX: MATCH is the first group of REGEX in TEXT, or fail.
match()
{
	MATCH=""
	[[ $1 =~ $2 ]] || return 1
	MATCH=${BASH_REMATCH[1]}
}

# slurp FILE: TEXT is FILE's content (no process, unlike $(<FILE)).
slurp()
{
	TEXT=""
	IFS= read -r -d '' TEXT <"$1"
	[ -n "$TEXT" ]
}

# --- namespaces and pairs -------------------------------------------------

# "${IN_B[@]}" CMD...: run CMD in namespace $NS_B. Lighter
# than "ip netns exec", which also remounts /sys; nsenter execs CMD, so
# $! of a background "${IN_B[@]}" CMD & is CMD's pid.
IN_B=(nsenter --net="/run/netns/$NS_B")
IN_A=(nsenter --net="/run/netns/$NS_A")

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
	# A process that stays in $NS_B: its /proc/PID/net shows $NS_B.
	"${IN_B[@]}" sleep infinity &
	NS_B_PID=$!
}

ns_delete()
{
	kill "$NS_B_PID" 2>/dev/null
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	return 0
}


# pair_make KIND GRO [INDEX]: fresh ends bpa (here, $IP_A, ifindex INDEX
# if given) and bpb ($NS_B, $IP_B, MAC $MAC_B), up. GRO on turns it on on
# both ends; off leaves the driver's default (off on both). Two processes
# (three more for GRO): the peer is created in $NS_B directly.
pair_make()
{
	local kind=$1 gro=$2 index=${3:+index $3} peer_ns="netns $NS_B" move=""

	if [ "$gro" = on ]; then
		peer_ns="" move="link set bpb netns $NS_B"
	fi
	# shellcheck disable=SC2086 # $index, $peer_ns: zero or two words
	ip link add bpa $index type "$kind" peer name bpb $peer_ns address "$MAC_B" ||
		return 1
	if [ "$gro" = on ]; then
		ethtool -K bpa gro on && ethtool -K bpb gro on || return 1
	fi
	ip -batch - <<-EOF || return 1
		$move
		addr add $IP_A/24 dev bpa
		link set bpa up
	EOF
	ip -n "$NS_B" -batch - <<-EOF
		addr add $IP_B/24 dev bpb
		link set bpb up
	EOF
}

pair_del() { ip link del bpa 2>/dev/null; return 0; }

# ns_dev_stats NS_PID DEV: DEVSTAT is DEV's line of /proc/NS_PID/net/dev
# in the namespace of process NS_PID, indexed by the DS_* names below.
DS_RX_PACKETS=1 DS_RX_DROP=3 DS_TX_PACKETS=9 DS_TX_DROP=11
ns_dev_stats()
{
	local line name
	DEVSTAT=()
	while IFS= read -r line; do
		name=${line%%:*}
		name=${name// /}
		[ "$name" = "$2" ] || continue
		read -ra DEVSTAT <<<"${line#*:}"
		return 0
	done <"/proc/$1/net/dev"
	return 1
}

# ns_rx_packets NS_PID DEV: rx_packets of DEV in the namespace of NS_PID.
ns_rx_packets()
{
	ns_dev_stats "$1" "$2" && echo "${DEVSTAT[$DS_RX_PACKETS]}"
}

# peer_rx: packets the B end received (its counters start at 0).
peer_rx() { ns_rx_packets "$NS_B_PID" bpb; }

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
		nap 0.02
	done
	return 1
}

# --- pktgen ---------------------------------------------------------------

PG=/proc/net/pktgen

pg_set() { echo "$2" >"$PG/$1" || echo "pktgen: '$2' refused by $1" >&2; }

# pktgen_send DEV CPU COUNT DST_IP DST_MAC PORT_MIN PORT_MAX [SIZE]: send
# COUNT frames of SIZE bytes (default 60: 64 with the FCS) from DEV on
# CPU's pktgen thread, no skb
# sharing (veth refuses it); print the elapsed microseconds. The thread
# has no device before (each one is removed after its run; each removal
# sleeps 125 ms in pktgen).
pktgen_send()
{
	local dev=$1 cpu=$2 count=$3 dst=$4 mac=$5 pmin=$6 pmax=$7 size=${8:-60}
	local cmd usec

	pg_set "kpktgend_$cpu" "add_device $dev"
	for cmd in "count $count" "clone_skb 0" "burst 1" "pkt_size $size" \
		"delay 0" "dst $dst" "dst_mac $mac" "src_min $IP_A" "src_max $IP_A" \
		"udp_src_min 9" "udp_src_max 9" "udp_dst_min $pmin" "udp_dst_max $pmax"; do
		pg_set "$dev" "$cmd"
	done
	echo start >"$PG/pgctrl"
	slurp "$PG/$dev"
	match "$TEXT" 'Result: OK: ([0-9]+)\('
	usec=$MATCH
	pg_set "kpktgend_$cpu" rem_device_all
	[ -n "$usec" ] && [ "$usec" -gt 0 ] || return 1
	echo "$usec"
}

# rate COUNT NS: COUNT per second of NS nanoseconds, as an integer.
rate() { echo $(($1 * 1000000000 / $2)); }
