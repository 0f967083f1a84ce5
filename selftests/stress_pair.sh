#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stress of the pair (vpair, or veth as the reference) with traffic in
# flight:
#
# - create/delete cycles (one ip -batch, deleting through either end)
#   while a UDP sender pinned to each CPU sends through both ends;
# - namespace teardown with flood pings through a pair between two
#   namespaces and frames queued on a char-device TAP (vtun; tun's tap for
#   veth) in one of them, the namespaces deleted before or after their
#   processes are killed;
# - channel counts (ethtool -L, refused ones leave the counts as they
#   were), MTU and generic XDP programs changed under flood pings, after
#   which the pair still carries a ping.
#
# After each, no link is left and the slab usage of the skbuff and kmalloc
# caches returns to where it was (lib.sh: check_slab); the run's end checks
# that the module unloads.
#
# VPAIR_STRESS: unset, a few seconds under TCG; "full": 10000 cycles, 200
# namespace rounds, 1000 changes; a number: that many of each.

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header

KIND=$VPAIR_KIND
CYCLES=$(stress_count 100 10000)
NS_ROUNDS=$(stress_count 3 200)
CHANGES=$(stress_count 24 1000)

require_root
require_cmd ip ping taskset python3 ethtool awk
require_module "$(kind_module "$KIND")"

# ip(8) learns "peer name" of kind vpair from the plugin (tools/iproute2).
export IP_LIB_DIR=${VPAIR_IP_LIB_DIR:-$SELFTESTS_DIR/../tools/iproute2}
if [ "$KIND" = vpair ] && [ ! -f "$IP_LIB_DIR/link_vpair.so" ]; then
	exit_skip "no link_vpair.so in $IP_LIB_DIR: run make"
fi
TUN_KIND=vtun
[ "$KIND" = veth ] && TUN_KIND=tun

ktap_set_plan 3
log_info "link kind: $KIND, $CYCLES cycles, $NS_ROUNDS namespace rounds, $CHANGES changes"

tmp=$(mktemp -d) || exit_skip "mktemp failed"
defer rm -rf "$tmp"

# A UDP sender: datagrams to every address given until SIGTERM, then the
# number that went out (sendto() fails while no pair routes them).
cat >"$tmp/sender.py" <<'EOF'
import signal, socket, sys
stop = False
def on_term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
open(sys.argv[1] + ".ready", "w").close()
sent = 0
while not stop:
    for dst in sys.argv[2:]:
        try:
            sk.sendto(b"x" * 64, (dst, 4789))
            sent += 1
        except OSError:
            pass
with open(sys.argv[1], "w") as f:
    f.write(f"{sent}\n")
EOF

PIDS=()

# start NS CPU|- CMD...: run CMD in NS in the background (pinned to CPU).
start()
{
	local ns=$1 cpu=$2

	shift 2
	if [ "$cpu" = - ]; then
		ip netns exec "$ns" "$@" >/dev/null 2>&1 &
	else
		taskset -c "$cpu" ip netns exec "$ns" "$@" >/dev/null 2>&1 &
	fi
	PIDS+=("$!")
}

# stop_all [SIGNAL]: stop the background commands and wait for them.
stop_all()
{
	local pid

	for pid in "${PIDS[@]}"; do
		kill "-${1:-TERM}" "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	PIDS=()
}
defer stop_all KILL

# cycle_batch N: the ip -batch lines of N create/delete cycles.
cycle_batch()
{
	local i end

	for ((i = 0; i < $1; i++)); do
		end=vsa
		((i & 1)) && end=vsb
		cat <<EOF
link add name vsa numtxqueues 2 numrxqueues 2 type $KIND peer name vsb numtxqueues 2 numrxqueues 2
addr add 10.23.5.1/24 dev vsa
addr add 10.23.6.1/24 dev vsb
neigh add 10.23.5.2 lladdr 02:00:00:00:05:02 dev vsa
neigh add 10.23.6.2 lladdr 02:00:00:00:06:02 dev vsb
link set vsa up
link set vsb up
link set vsa mtu 1400
link set vsb mtu 1400
link del $end
EOF
	done
}

test_cycles()
{
	local base cpu sent=0 n

	setup_ns NS || exit_skip "cannot create network namespaces"
	ns_disable_ipv6 "$NS"
	cycle_batch 2 >"$tmp/warmup"
	cycle_batch "$CYCLES" >"$tmp/batch"
	run_cmd ip -n "$NS" -batch "$tmp/warmup"
	check_err $? "warm-up cycles failed"
	base=$(slab_bytes)

	for ((cpu = 0; cpu < $(nproc); cpu++)); do
		start "$NS" "$cpu" python3 "$tmp/sender.py" "$tmp/sent.$cpu" \
			10.23.5.2 10.23.6.2
	done
	for ((cpu = 0; cpu < $(nproc); cpu++)); do
		busywait 30 test -e "$tmp/sent.$cpu.ready"
		check_err $? "the sender on CPU $cpu did not start"
	done
	run_cmd ip -n "$NS" -batch "$tmp/batch"
	check_err $? "ip -batch of $CYCLES create/delete cycles failed"
	stop_all TERM
	for ((cpu = 0; cpu < $(nproc); cpu++)); do
		n=$(cat "$tmp/sent.$cpu" 2>/dev/null)
		sent=$((sent + ${n:-0}))
	done
	log_info "$CYCLES cycles, $sent datagrams sent through the pairs"
	[ "$sent" -gt 0 ]
	check_err $? "no datagram went through any pair"
	no_links "$NS"
	check_err $? "links left: $(ns_links "$NS" | tr '\n' ' ')"
	check_slab "$base"
	cleanup_ns "$NS"
	log_test "$CYCLES pairs created and deleted with traffic on every CPU"
}

# ns_round I: two namespaces, a pair between them, a TAP in the first,
# flood pings through both; then the namespaces go, before or after
# their processes are killed (by I).
ns_round()
{
	local a b pids

	a=stra-$(mktemp -u XXXXXX)
	b=strb-$(mktemp -u XXXXXX)
	ip netns add "$a" && ip netns add "$b" || return 1
	ip -n "$a" link add name vsa type "$KIND" peer name vsb netns "$b" &&
		ns_addr_up "$a" vsa 10.23.7.1/24 &&
		ns_addr_up "$b" vsb 10.23.7.2/24 || return 1
	start "$a" - python3 "$SELFTESTS_DIR/vpair_tun.py" tap vst -- sleep 600
	busywait 10 link_exists "$a" vst || return 1
	ns_addr_up "$a" vst 10.23.8.1/24 &&
		ip -n "$a" neigh add 10.23.8.2 lladdr 02:00:00:00:08:02 dev vst ||
		return 1
	start "$a" - ping -f -q 10.23.7.2
	start "$b" - ping -f -q 10.23.7.1
	start "$a" - ping -f -q 10.23.8.2
	sleep 0.2
	# Every process in them, also those the helpers started.
	pids=$(ip netns pids "$a"; ip netns pids "$b")
	if (($1 & 1)); then
		ip netns del "$a"
		ip netns del "$b"
		# shellcheck disable=SC2086 # word splitting of the pid list
		kill -9 $pids 2>/dev/null
		stop_all KILL
	else
		# shellcheck disable=SC2086 # word splitting of the pid list
		kill -9 $pids 2>/dev/null
		stop_all KILL
		ip netns del "$a"
		ip netns del "$b"
	fi
}

# The module's users (open files of the char device) as a number.
module_refs()
{
	cat "/sys/module/$(kind_module "$KIND")/refcnt" 2>/dev/null || echo 0
}

refs_back()
{
	[ "$(module_refs)" -le "$1" ]
}

test_netns()
{
	local base refs i

	ns_round 0
	check_err $? "warm-up round failed"
	refs=$(module_refs)
	base=$(slab_bytes)
	for ((i = 1; i <= NS_ROUNDS; i++)); do
		ns_round "$i"
		check_err $? "round $i could not set up"
	done
	busywait 30 refs_back "$refs"
	check_err $? "module references left: $(module_refs), were $refs"
	check_slab "$base"
	log_test "$NS_ROUNDS namespaces torn down with traffic through a pair and a $TUN_KIND TAP"
}

# channels NS DEV: "rx tx" of ethtool -l's current settings.
channels()
{
	ip netns exec "$1" ethtool -l "$2" 2>/dev/null |
		awk '/^Current/ { cur = 1 } cur && /^RX:/ { rx = $2 }
		     cur && /^TX:/ { tx = $2 } END { print rx, tx }'
}

# change NS I: the I-th change of the pair's channels, MTU or XDP.
change()
{
	local ns=$1 i=$2 n dev acts=(pass drop tx off) mtus=(68 1500 9000 576)
	local obj

	dev=vsa
	((i / 4 & 1)) && dev=vsb
	n=$((i / 4 % 4 + 1))
	case $((i % 4)) in
	0)	ip netns exec "$ns" ethtool -L "$dev" rx "$n" tx $((5 - n)) ;;
	1)	ip -n "$ns" link set "$dev" mtu "${mtus[i / 4 % 4]}" ;;
	2)	[ -f "$SELFTESTS_DIR/xdp_pass.bpf.o" ] || return 0
		obj=${acts[i / 4 % 4]}
		if [ "$obj" = off ]; then
			ip -n "$ns" link set "$dev" xdpgeneric off
		else
			ip -n "$ns" -force link set "$dev" xdpgeneric \
				obj "$SELFTESTS_DIR/xdp_$obj.bpf.o" sec xdp
		fi ;;
	3)	# Refused: the counts stay as they were.
		local before
		before=$(channels "$ns" "$dev")
		! ip netns exec "$ns" ethtool -L "$dev" rx 0 tx 9 2>/dev/null &&
			[ "$(channels "$ns" "$dev")" = "$before" ] ;;
	esac
}

test_changes()
{
	local base i failed=0

	setup_ns NS1 NS2 || exit_skip "cannot create network namespaces"
	ns_disable_ipv6 "$NS1"
	ns_disable_ipv6 "$NS2"
	run_cmd ip -n "$NS1" link add name vsa numtxqueues 4 numrxqueues 4 \
		type "$KIND" peer name vsb numtxqueues 4 numrxqueues 4 &&
		run_cmd ip -n "$NS1" link set vsb netns "$NS2" &&
		ns_addr_up "$NS1" vsa 10.23.9.1/24 &&
		ns_addr_up "$NS2" vsb 10.23.9.2/24
	check_err $? "setting up the pair failed"
	base=$(slab_bytes)
	start "$NS1" 0 ping -f -q 10.23.9.2
	start "$NS2" 1 ping -f -q 10.23.9.1
	for ((i = 0; i < CHANGES; i++)); do
		local ns=$NS1
		((i / 4 & 1)) && ns=$NS2
		if ! change "$ns" "$i" >/dev/null 2>&1; then
			log_info "change $i failed"
			failed=$((failed + 1))
		fi
	done
	stop_all KILL
	check_err "$failed" "$failed changes failed"
	ip -n "$NS1" link set vsa mtu 1500 xdpgeneric off &&
		ip -n "$NS2" link set vsb mtu 1500 xdpgeneric off
	check_err $? "restoring MTU and XDP failed"
	ip netns exec "$NS1" ping -c 1 -W 5 10.23.9.2 >/dev/null
	check_err $? "no ping through the pair after the changes"
	ip -n "$NS1" link del vsa
	check_err $? "deleting the pair failed"
	check_slab "$base"
	log_test "$CHANGES channel, MTU and XDP changes under traffic"
}

test_cycles
test_netns
test_changes

ktap_finished
