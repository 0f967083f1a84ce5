#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Basic behaviour of a pair link (vpair, or veth as the reference):
# creation with an automatically named peer, iflink, carrier, moving the
# ends to other namespaces, traffic and counters, and deletion of the pair
# through either end or through the deletion of a namespace.
#
# Set VPAIR_KIND=veth to run the same checks against Linux's veth.

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header

KIND=$VPAIR_KIND
PREFIX=$(kind_name_prefix "$KIND")
# Test addresses, only ever configured inside the test namespaces.
ADDR_A=10.23.1.1
ADDR_B=10.23.1.2
PINGS=2

require_root
require_cmd ip ping awk
require_module "$(kind_module "$KIND")"

ktap_set_plan 15
log_info "link kind: $KIND"

setup_ns NS0 NS1 NS2 || exit_skip "cannot create network namespaces"
ns_disable_ipv6 "$NS0" "$NS1" "$NS2"

A=vpt-a
B=""

# Name of the ifindex DEV's iflink points to, in the same namespace.
peer_of()
{
	local ns=$1 dev=$2 idx

	idx=$(ns_sysfs "$ns" "$dev" iflink) || return 1
	ns_ifindex_name "$ns" "$idx"
}

# carrier NS DEV: print the carrier attribute, or "ERR" if it cannot be
# read (the kernel returns EINVAL while the device is down).
carrier()
{
	ns_sysfs "$1" "$2" carrier || echo ERR
}

# operstate_is NS DEV STATE (operstate is updated asynchronously)
# shellcheck disable=SC2317 # called through busywait
operstate_is()
{
	[ "$(ns_sysfs "$1" "$2" operstate)" = "$3" ]
}

# counter NS DEV COUNTER
counter()
{
	ns_sysfs "$1" "$2" "statistics/$3"
}

# Netdevs a new namespace starts with besides lo (fallback tunnels, ...).
BASE_LINKS=""

# new_links NS: netdevs of NS that are not in BASE_LINKS.
new_links()
{
	ns_links "$1" | grep -vxF -e lo ${BASE_LINKS:+-e "$BASE_LINKS"}
}

test_create()
{
	local links n

	BASE_LINKS=$(ns_links "$NS0")
	run_cmd ip -n "$NS0" link add name "$A" type "$KIND"
	check_err $? "ip link add name $A type $KIND failed"
	links=$(new_links "$NS0")
	n=$(printf '%s\n' "$links" | grep -c .)
	[ "$n" -eq 2 ]
	check_err $? "expected 2 netdevs, found $n: $(echo "$links" | tr '\n' ' ')"
	log_test "creating a pair makes exactly two netdevs"

	B=$(printf '%s\n' "$links" | grep -vx -- "$A" | head -n1)
	[ -n "$B" ] && [[ "$B" =~ ^${PREFIX}[0-9]+$ ]]
	check_err $? "peer name '$B' does not match ${PREFIX}%d"
	log_info "peer of $A is $B"
	log_test "the unnamed peer is named by the kind's template, ${PREFIX}N"

	expect_errno EEXIST ip -n "$NS0" link add name "$A" type "$KIND"
	check_err $? "creating a second $A did not fail with EEXIST"
	n=$(new_links "$NS0" | grep -c .)
	[ "$n" -eq 2 ]
	check_err $? "failed creation left $n netdevs"
	log_test "creating a pair with a taken name fails with EEXIST and leaves nothing"
}

test_iflink()
{
	local ia ib la lb

	ia=$(ns_sysfs "$NS0" "$A" ifindex)
	ib=$(ns_sysfs "$NS0" "$B" ifindex)
	la=$(ns_sysfs "$NS0" "$A" iflink)
	lb=$(ns_sysfs "$NS0" "$B" iflink)
	[ -n "$ia" ] && [ -n "$ib" ] && [ "$ia" != "$ib" ]
	check_err $? "bad ifindexes '$ia' '$ib'"
	[ "$la" = "$ib" ]
	check_err $? "iflink of $A is '$la', ifindex of $B is '$ib'"
	[ "$lb" = "$ia" ]
	check_err $? "iflink of $B is '$lb', ifindex of $A is '$ia'"
	[ "$(peer_of "$NS0" "$A")" = "$B" ]
	check_err $? "iflink of $A does not name $B"
	log_test "the iflink of each end is the ifindex of the other"
}

test_carrier()
{
	local ca cb

	ca=$(carrier "$NS0" "$A")
	cb=$(carrier "$NS0" "$B")
	[ "$ca" = ERR ] && [ "$cb" = ERR ]
	check_err $? "both down: carrier $A=$ca $B=$cb, expected read errors"
	log_test "with both ends down, neither carrier can be read"

	run_cmd ip -n "$NS0" link set dev "$A" up
	check_err $? "cannot set $A up"
	ca=$(carrier "$NS0" "$A")
	cb=$(carrier "$NS0" "$B")
	[ "$ca" = 0 ] && [ "$cb" = ERR ]
	check_err $? "$A up, $B down: carrier $A=$ca $B=$cb, expected 0 and ERR"
	busywait "$BUSYWAIT_TIMEOUT" operstate_is "$NS0" "$A" lowerlayerdown
	check_err $? "operstate of $A is '$(ns_sysfs "$NS0" "$A" operstate)', expected lowerlayerdown"
	log_test "one end up alone has no carrier and is lowerlayerdown"

	run_cmd ip -n "$NS0" link set dev "$B" up
	check_err $? "cannot set $B up"
	ca=$(carrier "$NS0" "$A")
	cb=$(carrier "$NS0" "$B")
	[ "$ca" = 1 ] && [ "$cb" = 1 ]
	check_err $? "both up: carrier $A=$ca $B=$cb, expected 1 and 1"
	busywait "$BUSYWAIT_TIMEOUT" operstate_is "$NS0" "$A" up &&
		busywait "$BUSYWAIT_TIMEOUT" operstate_is "$NS0" "$B" up
	check_err $? "operstate $A=$(ns_sysfs "$NS0" "$A" operstate) $B=$(ns_sysfs "$NS0" "$B" operstate), expected up"
	log_test "with both ends up, both have carrier and are up"

	run_cmd ip -n "$NS0" link set dev "$B" down
	check_err $? "cannot set $B down"
	ca=$(carrier "$NS0" "$A")
	cb=$(carrier "$NS0" "$B")
	[ "$ca" = 0 ] && [ "$cb" = ERR ]
	check_err $? "$B down again: carrier $A=$ca $B=$cb, expected 0 and ERR"
	run_cmd ip -n "$NS0" link set dev "$A" down
	check_err $? "cannot set $A down"
	log_test "the peer going down takes the carrier of the end still up"
}

test_move()
{
	local ia ib

	ia=$(ns_sysfs "$NS0" "$A" ifindex)
	ib=$(ns_sysfs "$NS0" "$B" ifindex)
	run_cmd ip -n "$NS0" link set dev "$A" netns "$NS1"
	check_err $? "cannot move $A to $NS1"
	run_cmd ip -n "$NS0" link set dev "$B" netns "$NS2"
	check_err $? "cannot move $B to $NS2"
	link_exists "$NS1" "$A" && link_exists "$NS2" "$B"
	check_err $? "ends not found in their new namespaces"
	[ -z "$(new_links "$NS0")" ]
	check_err $? "netdevs left behind in $NS0: $(new_links "$NS0" | tr '\n' ' ')"
	# The ends keep pointing at each other across namespaces.
	ia=$(ns_sysfs "$NS1" "$A" ifindex)
	ib=$(ns_sysfs "$NS2" "$B" ifindex)
	[ "$(ns_sysfs "$NS1" "$A" iflink)" = "$ib" ] &&
		[ "$(ns_sysfs "$NS2" "$B" iflink)" = "$ia" ]
	check_err $? "iflink not mutual after the move"
	log_test "the ends move to two other namespaces and still name each other"
}

test_traffic()
{
	local txa0 rxb0 txb0 rxa0 txa rxa txb rxb

	run_cmd ip -n "$NS1" addr add "$ADDR_A/24" dev "$A" &&
		run_cmd ip -n "$NS2" addr add "$ADDR_B/24" dev "$B" &&
		run_cmd ip -n "$NS1" link set dev "$A" up &&
		run_cmd ip -n "$NS2" link set dev "$B" up
	check_err $? "cannot configure the ends"

	# Static neighbours: no ARP may slip between two counter reads.
	run_cmd ip -n "$NS1" neigh replace "$ADDR_B" dev "$A" nud permanent \
		lladdr "$(ns_sysfs "$NS2" "$B" address)"
	run_cmd ip -n "$NS2" neigh replace "$ADDR_A" dev "$B" nud permanent \
		lladdr "$(ns_sysfs "$NS1" "$A" address)"

	txa0=$(counter "$NS1" "$A" tx_packets)
	rxa0=$(counter "$NS1" "$A" rx_packets)
	txb0=$(counter "$NS2" "$B" tx_packets)
	rxb0=$(counter "$NS2" "$B" rx_packets)

	run_cmd ip netns exec "$NS1" ping -n -c "$PINGS" -W 2 "$ADDR_B"
	check_err $? "ping $ADDR_B from $NS1 failed"
	log_test "the first end pings the second across namespaces"

	run_cmd ip netns exec "$NS2" ping -n -c "$PINGS" -W 2 "$ADDR_A"
	check_err $? "ping $ADDR_A from $NS2 failed"
	log_test "the second end pings the first across namespaces"

	txa=$(counter "$NS1" "$A" tx_packets)
	rxa=$(counter "$NS1" "$A" rx_packets)
	txb=$(counter "$NS2" "$B" tx_packets)
	rxb=$(counter "$NS2" "$B" rx_packets)
	log_info "$A: tx $txa0->$txa rx $rxa0->$rxa; $B: tx $txb0->$txb rx $rxb0->$rxb"
	if [ -z "$txa0" ] || [ -z "$txa" ] || [ -z "$rxb0" ] || [ -z "$rxb" ] ||
	   [ -z "$txb0" ] || [ -z "$txb" ] || [ -z "$rxa0" ] || [ -z "$rxa" ]; then
		check_err 1 "cannot read statistics"
	else
		# Each side sent PINGS requests and PINGS replies at least.
		[ $((txa - txa0)) -ge $((2 * PINGS)) ]
		check_err $? "$A sent $((txa - txa0)) packets, expected >= $((2 * PINGS))"
		[ $((txb - txb0)) -ge $((2 * PINGS)) ]
		check_err $? "$B sent $((txb - txb0)) packets, expected >= $((2 * PINGS))"
		[ $((rxb - rxb0)) -eq $((txa - txa0)) ]
		check_err $? "$B received $((rxb - rxb0)) packets, $A sent $((txa - txa0))"
		[ $((rxa - rxa0)) -eq $((txb - txb0)) ]
		check_err $? "$A received $((rxa - rxa0)) packets, $B sent $((txb - txb0))"
	fi
	log_test "each end receives exactly the packets the other sent"
}

test_del()
{
	local c d

	run_cmd ip -n "$NS1" link del dev "$A"
	check_err $? "cannot delete $A"
	link_gone "$NS1" "$A"
	check_err $? "$A still exists"
	link_gone "$NS2" "$B"
	check_err $? "$B still exists after deleting $A"
	log_test "deleting the first end deletes its peer"

	# Same again, deleting the automatically named end.
	c=vpt-c
	run_cmd ip -n "$NS1" link add name "$c" type "$KIND"
	check_err $? "cannot create a second pair"
	d=$(peer_of "$NS1" "$c")
	if [ -z "$d" ]; then
		check_err 1 "cannot find the peer of $c"
	else
		run_cmd ip -n "$NS1" link set dev "$d" netns "$NS2"
		check_err $? "cannot move $d to $NS2"
		run_cmd ip -n "$NS2" link del dev "$d"
		check_err $? "cannot delete $d"
		link_gone "$NS2" "$d"
		check_err $? "$d still exists"
		link_gone "$NS1" "$c"
		check_err $? "$c still exists after deleting $d"
	fi
	log_test "deleting the automatically named end from its namespace deletes the other"
}

test_netns_del()
{
	local e f

	e=vpt-e
	run_cmd ip -n "$NS1" link add name "$e" type "$KIND"
	check_err $? "cannot create a third pair"
	f=$(peer_of "$NS1" "$e")
	if [ -z "$f" ]; then
		check_err 1 "cannot find the peer of $e"
	else
		run_cmd ip -n "$NS1" link set dev "$f" netns "$NS2"
		check_err $? "cannot move $f to $NS2"
		link_exists "$NS1" "$e"
		check_err $? "$e vanished before the namespace was deleted"
		run_cmd ip netns del "$NS2"
		check_err $? "cannot delete $NS2"
		# Namespace teardown is asynchronous.
		busywait "$BUSYWAIT_TIMEOUT" link_gone "$NS1" "$e"
		check_err $? "$e still exists after deleting the namespace of $f"
	fi
	log_test "deleting the namespace of one end deletes the other"
}

test_create
if [ -z "$B" ]; then
	ktap_exit_fail_msg "no pair to test"
fi
test_iflink
test_carrier
test_move
test_traffic
test_del
test_netns_del

ktap_finished
