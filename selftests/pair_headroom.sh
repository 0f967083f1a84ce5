#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rx headroom propagation across a pair, as on veth: ndo_set_rx_headroom(A, N)
# makes the PEER B reserve N bytes of headroom (needed_headroom), and a reset
# (N = -1) gives it back.
#
# The only userspace trigger is the Open vSwitch kernel datapath: whenever a
# port is added, it computes the largest needed_headroom of its ports and
# calls netdev_set_rx_headroom() on every port with it. So end A of a pair is
# added to a datapath together with a tunnel port (vxlan, else geneve, else
# gre), whose netdev needs a large headroom; B must then report that
# headroom. Deleting the port A (OVS_VPORT_CMD_DEL) resets its rx headroom
# (netdev_reset_rx_headroom()), so B must drop back to 0; adding A again,
# after the tunnel, must give B the datapath's headroom again (the other
# path of ovs_vport_cmd_new()). Deleting the datapath must leave nothing of
# it behind and the pair intact. (It does not reset the headroom of its
# former netdev ports, on veth either: the test only logs it.)
#
# needed_headroom is read through IFLA_HEADROOM (rtnetlink); kernels that do
# not report it are skipped. veth runs first as the reference (it proves the
# harness), then $VPAIR_KIND.

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header

KINDS=veth
[ "$VPAIR_KIND" != veth ] && KINDS="veth $VPAIR_KIND"

DP=vph-dp	# datapath (and its internal netdev)
A=vph-a		# end added to the datapath
TUN=vph-tun	# tunnel vport netdev
TUN_PORT=4789	# udp port of vxlan/geneve vports

OVS_PID=""
OVS_IN=""
OVS_OUT=""

# ovs_start NS: start ovs_headroom.py in namespace NS as a coprocess (one
# at a time), so that python starts only once: one request a line to it,
# one reply line back.
ovs_start()
{
	coproc OVS_HELPER {
		exec ip netns exec "$1" \
			python3 "$SELFTESTS_DIR/ovs_headroom.py" "$TUN_PORT"
	}
	OVS_PID=$OVS_HELPER_PID
	# Plain copies of the coprocess pipes, usable from subshells.
	exec {OVS_IN}>&"${OVS_HELPER[1]}" {OVS_OUT}<&"${OVS_HELPER[0]}"
	eval "exec ${OVS_HELPER[1]}>&- ${OVS_HELPER[0]}<&-"
}

# ovs_stop: end the helper (it exits at the end of its input).
ovs_stop()
{
	[ -n "$OVS_PID" ] || return 0
	exec {OVS_IN}>&- {OVS_OUT}<&-
	wait "$OVS_PID" 2>/dev/null
	OVS_PID=""
}

# ovs REQUEST...: one request to ovs_headroom.py; prints its result, or
# its error on stderr and returns 1.
ovs()
{
	local reply

	# The subshell takes the SIGPIPE if the helper is gone.
	if ! (echo "$*" >&"$OVS_IN") 2>/dev/null ||
	   ! IFS= read -r reply <&"$OVS_OUT"; then
		echo "EPIPE: the helper is gone" >&2
		return 1
	fi
	case "$reply" in
	"OK ")	return 0 ;;
	"OK "*)	echo "${reply#OK }"; return 0 ;;
	*)	echo "${reply#ERR }" >&2; return 1 ;;
	esac
}

# headrooms DEV...: IFLA_HEADROOM of each DEV, space separated.
headrooms()
{
	ovs headroom "$@"
}

# new_links NS: netdevs of NS but lo and those it was created with.
new_links()
{
	ns_links "$1" | grep -vxF -e lo ${BASE_LINKS:+-e "$BASE_LINKS"}
}

# add_tunnel: add a tunnel vport named $TUN to $DP, print its type.
add_tunnel()
{
	local type

	for type in vxlan geneve gre; do
		if ovs port-add "$DP" "$type" "$TUN" >/dev/null 2>&1; then
			echo "$type"
			return 0
		fi
	done
	return 1
}

# test_kind KIND: the whole scenario with a pair of KIND in $NS, whose
# helper runs.
test_kind()
{
	local kind=$1 ns=$NS b type hr_b hr_a hr_tun hr_dp left out

	BASE_LINKS=$(ns_links "$ns")

	run_cmd ip -n "$ns" link add name "$A" type "$kind"
	check_err $? "cannot create a $kind pair"
	b=$(new_links "$ns" | grep -vx -- "$A" | head -n1)
	[ -n "$b" ]
	check_err $? "cannot find the peer of $A"
	if [ "$RET" -eq 0 ]; then
		run_cmd ip -n "$ns" link set dev "$A" up &&
			run_cmd ip -n "$ns" link set dev "$b" up
		check_err $? "cannot set the $kind ends up"
	fi
	if [ "$RET" -eq 0 ]; then
		hr_b=$(headrooms "$b")
		[ "$hr_b" = 0 ]
		check_err $? "headroom of $b is '$hr_b' before any datapath, expected 0"
	fi
	if [ "$RET" -eq 0 ]; then
		out=$(ovs dp-add "$DP" 2>&1)
		check_err $? "cannot create datapath $DP: $out"
	fi
	if [ "$RET" -eq 0 ]; then
		out=$(ovs port-add "$DP" netdev "$A" 2>&1)
		check_err $? "cannot add $A to $DP: $out"
	fi
	if [ "$RET" -eq 0 ]; then
		type=$(add_tunnel)
		check_err $? "cannot add a vxlan, geneve or gre vport to $DP"
	fi
	if [ "$RET" -eq 0 ]; then
		read -r hr_a hr_b hr_tun hr_dp <<<"$(headrooms "$A" "$b" "$TUN" "$DP")"
		log_info "$kind: $type vport; headroom $TUN=$hr_tun $DP=$hr_dp $A=$hr_a $b=$hr_b"
		[ "${hr_tun:-0}" -gt 0 ] 2>/dev/null
		check_err $? "the $type vport needs headroom '$hr_tun', nothing to propagate"
		[ "$hr_b" = "$hr_tun" ]
		check_err $? "headroom of peer $b is '$hr_b', expected $hr_tun (that of $TUN)"
		[ "$hr_a" = "$hr_tun" ]
		check_err $? "headroom of $A is '$hr_a', expected $hr_tun"
	fi
	log_test "$kind: the rx headroom a datapath asks of one end is the peer's"

	# OVS_VPORT_CMD_DEL: netdev_reset_rx_headroom(A), i.e. -1.
	out=$(ovs port-del "$DP" "$A" 2>&1)
	check_err $? "cannot delete vport $A: $out"
	if [ "$RET" -eq 0 ]; then
		read -r hr_a hr_b <<<"$(headrooms "$A" "$b")"
		[ "$hr_a" = 0 ] && [ "$hr_b" = 0 ]
		check_err $? "headroom $A=$hr_a $b=$hr_b after deleting vport $A, expected 0"
	fi
	log_test "$kind: deleting the port resets the headroom of both ends"

	# A joins a datapath that already needs headroom:
	# netdev_set_rx_headroom(A, dp->max_headroom).
	out=$(ovs port-add "$DP" netdev "$A" 2>&1)
	check_err $? "cannot add $A to $DP again: $out"
	if [ "$RET" -eq 0 ]; then
		read -r hr_a hr_b hr_tun <<<"$(headrooms "$A" "$b" "$TUN")"
		[ "${hr_tun:-0}" -gt 0 ] 2>/dev/null && [ "$hr_b" = "$hr_tun" ] &&
			[ "$hr_a" = "$hr_tun" ]
		check_err $? "headroom $A=$hr_a $b=$hr_b after adding $A again, expected $hr_tun"
	fi
	log_test "$kind: adding the port again gives the peer the headroom again"

	out=$(ovs dp-del "$DP" 2>&1)
	check_err $? "cannot delete datapath $DP: $out"
	expect_fail ovs dp-get "$DP"
	check_err $? "datapath $DP still exists after its deletion"
	if [ -n "$b" ]; then
		# Netdevs are unregistered from the datapath's RCU callbacks.
		busywait "$BUSYWAIT_TIMEOUT" link_gone "$ns" "$TUN" &&
			busywait "$BUSYWAIT_TIMEOUT" link_gone "$ns" "$DP"
		left=$(new_links "$ns" | grep -vx -e "$A" -e "$b" | tr '\n' ' ')
		[ -z "$left" ]
		check_err $? "netdevs left behind: $left"
		link_exists "$ns" "$A" && link_exists "$ns" "$b"
		check_err $? "the $kind pair did not survive the datapath"
		out=$(ip -n "$ns" -o link show dev "$A" 2>&1)
		! grep -q " master " <<<"$out"
		check_err $? "$A still has a master: $out"
		# __dp_destroy() detaches its ports without resetting their
		# rx headroom (upstream behaviour): only log it.
		log_info "$kind: headroom after deleting $DP: $(headrooms "$A" "$b")"
	fi
	log_test "$kind: deleting the datapath leaves the pair and nothing else"

	# The next kind starts from a clean namespace.
	ip -n "$ns" link del dev "$A" >/dev/null 2>&1
	ip -n "$ns" link del dev "$DP" >/dev/null 2>&1
	ip -n "$ns" link del dev "$TUN" >/dev/null 2>&1
	ovs dp-del "$DP" >/dev/null 2>&1
}

require_root
require_cmd ip python3 awk
require_module "$(kind_module "$VPAIR_KIND")"
require_module veth
require_module openvswitch

setup_ns NS || exit_skip "cannot create network namespaces"
ovs_start "$NS"
hr=$(headrooms lo 2>&1)
case "$hr" in
none)	exit_skip "kernel $(uname -r) does not report IFLA_HEADROOM (needed_headroom)" ;;
[0-9]*)	;;
*)	exit_skip "cannot read the headroom of lo: $hr" ;;
esac
out=$(ovs dp-get "$DP" 2>&1)
case "$out" in
ENODEV*)	;;
*)	exit_skip "no Open vSwitch datapath generic netlink family: $out" ;;
esac

# shellcheck disable=SC2086 # word splitting of KINDS
set -- $KINDS
ktap_set_plan $((4 * $#))
for kind in $KINDS; do
	log_info "link kind: $kind"
	test_kind "$kind"
done
ovs_stop

ktap_finished
