#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vpairctl, the userspace tool: pairs made with peer names, namespaces
# (by name, pid and path), MTU, queues and mode; show in text and JSON;
# deletion; tap/tun interfaces with persist, owner and group; packets
# pumped through a tun (an echo request in, the kernel's reply out) and a
# tap (a ping answered by "pump echo"); bad input (exit 2 for usage, 1 for
# a failed operation, one line on stderr, never a crash).
#
# VPAIR_KIND=veth VPAIR_DEV=/dev/net/tun runs it against Linux's drivers.
# vpairctl must be built first (make -C tools/vpairctl; make -C selftests
# does it).

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header

HERE=$(cd "$(dirname "$0")" && pwd)
VPAIRCTL=${VPAIRCTL:-$HERE/../tools/vpairctl/vpairctl}
KIND=$VPAIR_KIND
PREFIX=$(kind_name_prefix "$KIND")
NOBODY=65534

# An ICMP echo request 10.23.7.2 -> 10.23.7.1, id 0x1234 seq 1.
ECHO_REQ=4500002c424200004001165f0a1707020a1707010800f300
ECHO_REQ+=12340001767061697263746c2d70756d70212121

require_root
require_cmd ip ping python3 setpriv readlink
require_module "$(kind_module "$KIND")"
require_module "$(kind_module "$VPAIR_DEV")"
[ -x "$VPAIRCTL" ] || ktap_exit_fail_msg "vpairctl not built: make -C tools/vpairctl"
ktap_set_plan 18
log_info "link kind: $KIND, char device: $VPAIR_DEV"

setup_ns NS1 NS2 NS3 || exit_skip "cannot create network namespaces"
# Only NS1 carries tun/tap traffic; keep IPv6 chatter off its wires.
ns_disable_ipv6 "$NS1"

vc() { "$VPAIRCTL" "$@"; }
# vcn NS ARGS...: vpairctl inside NS, through its own -n option.
vcn() { local ns=$1; shift; "$VPAIRCTL" -n "$ns" "$@"; }

# Process starts are slow in an emulated VM: read every link of a
# namespace with one "ip -o -d link show" into IDX[name] (ifindex) and
# LINE[name] (the whole line, "N: name@peer: <FLAGS> mtu M ...").
declare -A IDX LINE
load_links()
{
	local line name

	IDX=()
	LINE=()
	while IFS= read -r line; do
		name=${line#*: }
		name=${name%%: *}
		name=${name%%@*}
		IDX[$name]=${line%%:*}
		LINE[$name]=$line
	done <<<"$(ip -n "$1" -o -d link show)"	# no /dev/fd in a minimal VM
}

# has NAME PATTERN: LINE[NAME] matches the glob PATTERN.
# shellcheck disable=SC2053 # $2 is a glob pattern
has() { [[ "${LINE[$1]:-}" == $2 ]]; }

# json_check JSON PYTHON: evaluate PYTHON with the parsed JSON as "j".
json_check()
{
	python3 -c '
import json, sys
j = json.loads(sys.argv[1])
ok = eval("(" + sys.argv[2] + ")")
if not ok:
    print("# json: " + sys.argv[1])
sys.exit(0 if ok else 1)' "$1" "$2"
}

test_add_peer()
{
	vcn "$NS1" add pa peer pb
	check_err $? "add pa peer pb failed"
	vcn "$NS1" add pc
	check_err $? "add pc failed"
	vcn "$NS1" add pc 2>/dev/null
	[ $? -eq 1 ]
	check_err $? "a second pc did not fail with exit 1"
	load_links "$NS1"
	has pa "*: pa@pb: *" && has pb "*: pb@pa: *"
	check_err $? "pa and pb are not each other's peer: ${LINE[pa]:-} / ${LINE[pb]:-}"
	log_test "add NAME peer PEER makes two ends that name each other"

	[[ "${LINE[pc]:-}" =~ ^[0-9]+:\ pc@${PREFIX}[0-9]+: ]]
	check_err $? "peer of pc is not named ${PREFIX}%d: ${LINE[pc]:-}"
	log_test "add NAME without a peer names the peer by the kind's template"
}

# shellcheck disable=SC2317 # called through busywait
pid_in_ns3() { [ "$(readlink "/proc/$1/ns/net")" = "$NS3_ID" ]; }

test_add_netns()
{
	local pid

	# First end by path, peer by the pid of a process in NS3.
	ip netns exec "$NS3" sleep 30 &
	pid=$!
	defer kill "$pid"
	NS3_ID=$(ip netns exec "$NS3" readlink /proc/self/ns/net)
	busywait "$BUSYWAIT_TIMEOUT" pid_in_ns3 "$pid"
	vcn "$NS1" add na netns "/run/netns/$NS2" peer nb peer-netns "$pid"
	check_err $? "add with netns path and peer-netns pid failed"
	kill "$pid" 2>/dev/null
	# By name; the peer stays where vpairctl runs.
	vcn "$NS1" add nc netns "$NS2" peer nd
	check_err $? "add with netns name failed"

	load_links "$NS3"
	has nb "*: nb@if*link-netns $NS2 *"
	check_err $? "nb not in $NS3 or its peer not in $NS2: ${LINE[nb]:-}"
	load_links "$NS1"
	[ -z "${LINE[na]:-}${LINE[nb]:-}${LINE[nc]:-}" ] && has nd "*link-netns $NS2 *"
	check_err $? "wrong ends in $NS1: ${!LINE[*]}"
	load_links "$NS2"
	has na "*: na@if*link-netns $NS3 *" && has nc "*link-netns $NS1 *"
	check_err $? "na or nc wrong in $NS2: ${LINE[na]:-} / ${LINE[nc]:-}"
	log_test "add places the ends in namespaces given by name, pid and path"
}

test_add_mtu_queues()
{
	vcn "$NS1" add ma peer mb mtu 9000 queues 3
	check_err $? "add with mtu and queues failed"
	vcn "$NS1" add mc peer md mtu 2000 peer-mtu 3000
	check_err $? "add with peer-mtu failed"
	load_links "$NS1"
	for d in ma mb; do
		has "$d" "* mtu 9000 *numtxqueues 3 numrxqueues 3 *"
		check_err $? "$d: ${LINE[$d]:-}"
	done
	has mc "* mtu 2000 *" && has md "* mtu 3000 *"
	check_err $? "mc/md: ${LINE[mc]:-} / ${LINE[md]:-}"
	log_test "add sets the MTU of both ends, the peer's own MTU, and queues"
}

test_add_mode()
{
	local la lp name="add ... mode l3 makes an l3 pair, l2 stays the default"

	if [ "$KIND" != vpair ]; then
		log_info "vpair only"
		ktap_test_skip "$name"
		return
	fi
	vcn "$NS1" add la peer lb mode l3
	check_err $? "add mode l3 failed"
	load_links "$NS1"
	has lb "*NOARP*"
	check_err $? "lb is not NOARP: ${LINE[lb]:-}"
	la=$(vcn "$NS1" show la)
	lp=$(vcn "$NS1" show pa)
	[[ "$la" == *" mode l3 "* ]] && [[ "$lp" == *" mode l2 "* ]]
	check_err $? "show: $la / $lp"
	log_test "$name"
}

test_show()
{
	local out js

	load_links "$NS1"
	out=$(vcn "$NS1" show)
	check_err $? "show failed"
	grep -q "^pa ifindex ${IDX[pa]} kind $KIND peer pb peer-ifindex ${IDX[pb]} " <<<"$out"
	check_err $? "no line for pa: $out"
	grep -q "^pb .* peer pa " <<<"$out"
	check_err $? "no line for pb: $out"
	grep -q "^nd .* peer nc peer-ifindex [0-9]* peer-netns $NS2 peer-netnsid [0-9]" <<<"$out"
	check_err $? "nd's peer in $NS2 not shown: $out"
	! grep -q "^lo " <<<"$out"
	check_err $? "show lists lo"
	[ "$(grep -c '^pa ' <<<"$out")" = 1 ]
	check_err $? "pa is not one line"
	log_test "show prints one line a link with its peer, ifindexes and netns"

	# One python run checks both: "show NAME" in NS2, "show" in NS1.
	js=$(vcn "$NS2" --json show na)
	check_err $? "show --json na failed"
	out=$(vcn "$NS1" show --json)
	check_err $? "show --json failed"
	load_links "$NS3"
	json_check "[$js, $out]" "
j[0][0]['ifname'] == 'na' and len(j[0]) == 1 and
j[0][0]['kind'] == '$KIND' and j[0][0]['carrier'] is False and
j[0][0]['mtu'] == 1500 and j[0][0]['operstate'] == 'down' and
j[0][0]['peer']['ifname'] == 'nb' and j[0][0]['peer']['netns'] == '$NS3' and
j[0][0]['peer']['ifindex'] == ${IDX[nb]:-0} and
type(j[0][0]['peer']['netnsid']) is int and
sorted(l['ifname'] for l in j[1] if l['ifname'] in ('pa','pb','ma','mb')) == ['ma','mb','pa','pb'] and
all(l['num_tx_queues'] == 3 for l in j[1] if l['ifname'] in ('ma','mb')) and
all(l['kind'] == '$KIND' for l in j[1])"
	check_err $? "show --json"
	log_test "show --json prints the same as JSON"
}

# shellcheck disable=SC2317 # called through busywait
both_up()
{
	[[ "$(vcn "$NS1" show pa)" == *" carrier on state up" ]] &&
		[[ "$(vcn "$NS1" show pb)" == *" carrier on state up" ]]
}

test_carrier()
{
	local out

	out=$(vcn "$NS1" show pa)
	[[ "$out" == *" carrier off state down" ]]
	check_err $? "pa down: $out"
	ip -n "$NS1" link set pa up
	out=$(vcn "$NS1" show pa)
	[[ "$out" == *" carrier off state "@(down|lowerlayerdown) ]]
	check_err $? "pa up, pb down: $out"
	ip -n "$NS1" link set pb up
	busywait "$BUSYWAIT_TIMEOUT" both_up
	check_err $? "pa/pb up: $(vcn "$NS1" show)"
	log_test "show follows carrier and operstate as the ends go up"
}

test_del()
{
	vcn "$NS1" del pb
	check_err $? "del pb failed"
	vcn "$NS2" del na
	check_err $? "del na failed"
	vcn "$NS1" del lo 2>/dev/null
	[ $? -eq 1 ]
	check_err $? "del lo was not refused"
	load_links "$NS1"
	[ -z "${LINE[pa]:-}${LINE[pb]:-}" ] && [ -n "${LINE[lo]:-}" ]
	check_err $? "pa or pb still there (or lo gone)"
	link_gone "$NS3" nb
	check_err $? "nb (in $NS3) survived the deletion of na"
	log_test "del of one end deletes both, and del lo is refused"
}

test_extack()
{
	local out rc

	out=$(vcn "$NS1" add xa mtu 67 2>&1)
	rc=$?
	[ "$rc" = 1 ] && [[ "$out" == "vpairctl: Error: "*"(Invalid argument)" ]] &&
		[[ "$out" != *$'\n'* ]]
	check_err $? "mtu 67: rc $rc: $out"
	if [ "$KIND" = vpair ]; then
		out=$(vcn "$NS1" add xa mode l3 address 02:00:00:00:00:01 2>&1)
		rc=$?
		[ "$rc" = 1 ] && [ "$out" = "vpairctl: Error: Devices in l3 mode have no MAC address (Operation not supported)" ]
		check_err $? "l3 + address: rc $rc: $out"
	fi
	link_gone "$NS1" xa
	check_err $? "a failed add left xa behind"
	log_test "a refused add prints the kernel's extack message on one line"
}

test_tap_persist()
{
	local name

	vcn "$NS1" tap ta persist >/dev/null
	check_err $? "tap ta persist failed"
	name=$(vcn "$NS1" tun 'tn%d' persist)
	check_err $? "tun tn%d persist failed"
	load_links "$NS1"
	has ta "*link/ether*"
	check_err $? "persistent ta is gone or not a tap: ${LINE[ta]:-}"
	[[ "$name" =~ ^tn[0-9]+$ ]] && has "$name" "*link/none*"
	check_err $? "tun template gave '$name': ${LINE[$name]:-}"

	vcn "$NS1" tap ta nopersist >/dev/null
	check_err $? "tap ta nopersist failed"
	vcn "$NS1" del "$name"
	check_err $? "del $name failed"
	busywait "$BUSYWAIT_TIMEOUT" link_gone "$NS1" ta
	check_err $? "ta survived nopersist"
	link_gone "$NS1" "$name"
	check_err $? "$name survived del"
	log_test "tap and tun persist, a name template, nopersist and del"
}

test_tap_owner_group()
{
	local out

	out=$(vcn "$NS1" --json tap to1 persist owner "$NOBODY")
	[[ "$out" == '{"ifname":"to1","type":"tap","persist":true,"queues":1,"owner":65534}' ]]
	check_err $? "tap --json: $out"
	vcn "$NS1" tap to2 persist owner 0 >/dev/null &&
		vcn "$NS1" tap tg1 persist group "$NOBODY" >/dev/null &&
		vcn "$NS1" tap tg2 persist group 0 >/dev/null
	check_err $? "cannot create the taps"

	# As uid/gid 65534 without capabilities, in NS1: one netns exec.
	# shellcheck disable=SC2016 # expanded by the inner shell
	out=$(ip netns exec "$NS1" sh -c '
		for t in to1 tg1 to2 tg2; do
			setpriv --reuid "$1" --regid "$1" --clear-groups \
				"$2" tap "$t" persist >/dev/null 2>&1
			echo "$t=$?"
		done' sh "$NOBODY" "$VPAIRCTL" | tr '\n' ' ')
	[ "$out" = "to1=0 tg1=0 to2=1 tg2=1 " ]
	check_err $? "attach as $NOBODY (want to1=0 tg1=0 to2=1 tg2=1): $out"
	out=$(ip netns exec "$NS1" setpriv --reuid "$NOBODY" --regid "$NOBODY" \
		--clear-groups "$VPAIRCTL" tap to2 persist 2>&1)
	[ "$out" = 'vpairctl: Error: cannot attach to "to2" (Operation not permitted)' ]
	check_err $? "refused attach: $out"
	for t in to1 to2 tg1 tg2; do
		vcn "$NS1" del "$t"
	done
	log_test "tap owner and group decide who may attach"
}

test_multi_queue()
{
	local pid q name="tap ... multi-queue 2 holds two queues until vpairctl exits"

	if [[ "$(vc features)" != *" multi-queue "* ]]; then
		log_info "$VPAIR_DEV lacks IFF_MULTI_QUEUE"
		ktap_test_skip "$name"
		return
	fi
	# Not through vcn: $! must be vpairctl itself.
	"$VPAIRCTL" -n "$NS1" tap tq multi-queue 2 >/dev/null &
	pid=$!
	defer kill "$pid"
	busywait "$BUSYWAIT_TIMEOUT" link_exists "$NS1" tq
	check_err $? "tq did not appear"
	q=$(ip netns exec "$NS1" ls /sys/class/net/tq/queues 2>/dev/null | grep -c '^tx-')
	[ "$q" = 2 ]
	check_err $? "tq has $q tx queues, expected 2"
	kill "$pid"
	wait "$pid"
	check_err $? "vpairctl tap (holding) did not exit 0 on SIGTERM"
	busywait "$BUSYWAIT_TIMEOUT" link_gone "$NS1" tq
	check_err $? "tq survived its holder"
	log_test "$name"
}

test_pump_tun()
{
	local out reply

	vcn "$NS1" tun pt persist >/dev/null
	check_err $? "tun pt persist failed"
	ip -n "$NS1" addr add 10.23.7.1/24 dev pt
	out=$(vcn "$NS1" pump pt tun --timeout 5 send "$ECHO_REQ" recv 1)
	check_err $? "pump send/recv failed"
	reply=$(tail -n1 <<<"$out")
	# version/ihl 45, ICMP, 10.23.7.1 -> 10.23.7.2, echo reply, same id/seq
	[ "${reply:0:2}" = 45 ] && [ "${reply:18:2}" = 01 ] &&
		[ "${reply:24:16}" = 0a1707010a170702 ] &&
		[ "${reply:40:2}" = 00 ] && [ "${reply:48:8}" = 12340001 ] &&
		[ "${reply:56}" = "${ECHO_REQ:56}" ]
	check_err $? "not the echo reply: $reply"
	# Again on the same interface, after a detach: JSON this time.
	out=$(vcn "$NS1" --json pump pt tun --timeout 5 send "$ECHO_REQ" recv 1)
	[[ "$out" == '{"ifname":"pt","type":"tun","sent":1,"received":1,"packets":["45'*'"],"echoed":0,"arp_replies":0,"forwarded":0,"refused":0}' ]]
	check_err $? "pump --json: $out"
	out=$(vcn "$NS1" pump pt tun --timeout 0.5 recv 1 2>&1)
	[ $? = 1 ] && [[ "$out" == "vpairctl: Error: timeout"* ]]
	check_err $? "recv without traffic: $out"
	vcn "$NS1" del pt
	log_test "pump sends an echo request into a tun and reads the reply"
}

test_pump_tap_echo()
{
	local pid rc

	# shellcheck disable=SC2317 # called through busywait
	tap_up() { ip -n "$NS1" link show pe 2>/dev/null | grep -q '<.*UP.*>'; }

	# Not through vcn: $! must be vpairctl itself.
	"$VPAIRCTL" -n "$NS1" pump pe tap --timeout 15 echo 3 >/dev/null &
	pid=$!
	defer kill "$pid"
	busywait "$BUSYWAIT_TIMEOUT" tap_up
	check_err $? "pump did not create and set up pe"
	ip -n "$NS1" addr add 10.23.8.1/24 dev pe
	ip netns exec "$NS1" ping -n -c 3 -i 0.3 -W 3 10.23.8.2 >/dev/null
	check_err $? "ping through the tap got no replies"
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ]
	check_err $? "pump echo 3 exited $rc"
	link_gone "$NS1" pe
	check_err $? "transient pe survived the pump"
	log_test "pump echo answers pings through a tap, then the tap goes"
}

test_pump_forward()
{
	local pid rc tx

	# shellcheck disable=SC2317 # called through busywait
	both_up() {
		ip -n "$NS1" link show fb 2>/dev/null | grep -q '<.*UP.*>'
	}

	vcn "$NS1" tap fa persist >/dev/null
	check_err $? "tap fa persist failed"
	ip -n "$NS1" addr add 10.23.9.1/24 dev fa
	ip -n "$NS1" neigh add 10.23.9.2 lladdr 02:00:00:00:00:09 dev fa
	# Not through vcn: $! must be vpairctl itself.
	"$VPAIRCTL" -n "$NS1" pump fa tap --timeout 15 forward fb 5 >/dev/null &
	pid=$!
	defer kill "$pid"
	busywait "$BUSYWAIT_TIMEOUT" both_up
	check_err $? "pump forward did not create and set up fb"
	ip netns exec "$NS1" ping -n -c 5 -i 0.2 -W 1 10.23.9.2 >/dev/null
	# exit 0: at least 5 packets went from fa (or fb) into the other
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ]
	check_err $? "pump forward 5 exited $rc"
	tx=$(ip netns exec "$NS1" cat /sys/class/net/fa/statistics/tx_packets)
	[ "$tx" -ge 5 ]
	check_err $? "fa transmitted $tx packets, expected at least 5"
	vcn "$NS1" del fa
	log_test "pump forward moves packets from one tap into another"
}

# bad RC ARGS...: vpairctl must exit RC with one line on stderr, nothing
# on stdout. (Builtins only besides vpairctl: process starts are slow in
# an emulated VM.)
bad()
{
	local want=$1 rc err out
	shift
	out=$(vc "$@" 2>"$ERRFILE")
	rc=$?
	err=$(<"$ERRFILE")
	if [ "$rc" != "$want" ] || [ -n "$out" ] || [ -z "$err" ] ||
	   [[ "$err" == *$'\n'* ]] || [[ "$err" != "vpairctl: "* ]]; then
		check_err 1 "vpairctl $*: rc $rc (want $want), stderr: $err"
	fi
}

test_bad_input()
{
	local v out

	ERRFILE=$(mktemp)
	defer rm -f "$ERRFILE"
	bad 2
	bad 2 frobnicate
	bad 2 --frobnicate show
	bad 2 -n
	bad 2 add pa mtu
	bad 2 add pa mtu 12x
	bad 2 add pa mode l4
	bad 2 add pa address 02:00:00
	bad 2 add pa bogus
	bad 2 add this-name-is-too-long
	bad 2 del
	bad 2 show a b
	bad 2 tap
	bad 2 pump
	bad 2 pump pt send
	bad 2 pump pt send abc
	bad 2 pump pt recv 1 --timeout never
	bad 2 pump pt forward
	bad 1 -n no-such-ns-vpairctl show
	bad 1 -n "$NS1" add pa netns no-such-ns-vpairctl
	bad 1 -n "$NS1" add pa peer-netns /nonexistent/ns
	bad 1 -n "$NS1" del no-such-dev
	bad 1 -n "$NS1" tap ta owner no-such-user-vpairctl
	bad 1 --dev /nonexistent/dev -n "$NS1" tap ta
	link_gone "$NS1" pa && link_gone "$NS1" ta
	check_err $? "bad input left a link"
	log_test "bad input exits 2 for usage, 1 for a failed operation, with one line"

	for v in add del show tap tun pump features ""; do
		out=$(vc $v --help)
		check_err $? "$v --help failed"
		[[ "$out" == "Usage: vpairctl"* ]]
		check_err $? "$v --help: $out"
	done
	log_test "every verb prints its usage for --help"
}

test_add_peer
test_add_netns
test_add_mtu_queues
test_add_mode
test_show
test_carrier
test_del
test_extack
test_tap_persist
test_tap_owner_group
test_multi_queue
test_pump_tun
test_pump_tap_echo
test_pump_forward
test_bad_input

ktap_finished
