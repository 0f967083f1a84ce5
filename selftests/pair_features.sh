#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The pair beyond veth's basics: the peer block, what netlink reads back,
# l3 mode, immutable attributes, ethtool, and bad input. Every malformed
# request is also sent to Linux's veth and must fail with veth's errno
# (where veth knows the attribute), leaving no device behind.

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header
[ "$VPAIR_KIND" = vpair ] || exit_skip "vpair-only features"
require_root
require_module vpair
require_cmd python3 ethtool
modprobe -q veth 2>/dev/null
ktap_set_plan 14

setup_ns NS NS2 || exit_skip "cannot create network namespaces"

# bad NAME WANT ARGS...: vpair must fail with WANT and leave nothing;
# veth must agree when VETH_TOO is set.
bad()
{
	local name=$1 want=$2 got vgot
	shift 2
	got=$(err_of add bad0 "$@")
	if [ "$got" != "$want" ]; then
		check_err 1 "$name: got $got, wanted $want"
	fi
	if [ -n "${VETH_TOO:-}" ]; then
		vgot=$(err_of add bad0 --kind veth "$@")
		[ "$vgot" = "$want" ] || check_err 1 "$name: veth says $vgot, we want $want"
	fi
	if ! no_links "$NS"; then
		check_err 1 "$name: left behind: $(ns_links "$NS" | tr '\n' ' ')"
		ip -n "$NS" link del dev bad0 2>/dev/null
	fi
}

# 1: the peer block names the peer; both ends are linked to each other
nl add pa --peer pb
check_err $? "create with a peer block"
[ "$(ns_sysfs "$NS" pa iflink)" = "$(ns_sysfs "$NS" pb ifindex)" ]
check_err $? "pa's iflink is pb"
[ "$(ns_sysfs "$NS" pb iflink)" = "$(ns_sysfs "$NS" pa ifindex)" ]
check_err $? "pb's iflink is pa"
log_test "peer block names the peer (VPAIR_INFO_PEER, veth layout)"

# 2: fill_info reports the mode and the peer's ifindex
out=$(nl show pa)
[ "$out" = "kind vpair mode 0 peer_ifindex $(ns_sysfs "$NS" pb ifindex)" ]
check_err $? "show says: $out"
log_test "netlink dump carries mode and peer ifindex"

# 3: mode and peer are immutable after creation (EACCES, as netkit)
[ "$(err_of change pa --mode 1)" = EACCES ]
check_err $? "mode change"
[ "$(err_of change pa --peer zz)" = EACCES ]
check_err $? "peer change"
log_test "changelink refuses mode and peer changes with EACCES"

# 4: ethtool identity, peer_ifindex and channels
ip netns exec "$NS" ethtool -i pa | grep -q '^driver: vpair$'
check_err $? "ethtool -i driver"
ip netns exec "$NS" ethtool -S pa | grep -q "peer_ifindex: $(ns_sysfs "$NS" pb ifindex)\$"
check_err $? "ethtool -S peer_ifindex"
ip -n "$NS" link del dev pa
nl add qa --peer qb --txq 2 --rxq 2
check_err $? "create with 2 queues"
ip netns exec "$NS" ethtool -l qa | grep -A2 '^Current' | grep -q '^RX:[[:space:]]*2'
check_err $? "2 rx channels"
ip netns exec "$NS" ethtool -L qa rx 1 tx 1
check_err $? "shrink channels"
expect_fail ip netns exec "$NS" ethtool -L qa rx 0
check_err $? "rx 0 channels accepted"
expect_fail ip netns exec "$NS" ethtool -L qa rx 3
check_err $? "more rx channels than allocated accepted"
ip netns exec "$NS" ethtool -S qa | grep -q 'rx_queue_0_packets'
check_err $? "per-queue counters"
ip -n "$NS" link del dev qa
log_test "ethtool: driver, peer_ifindex, separate rx/tx channels, queue stats"

# 5: l3 mode: no MAC, NOARP, no MAC change
nl add la --peer lb --mode 1
check_err $? "create l3 pair"
for d in la lb; do
	ip -n "$NS" link show "$d" | grep -q NOARP
	check_err $? "$d is NOARP"
	[ "$(ns_sysfs "$NS" "$d" address)" = 00:00:00:00:00:00 ]
	check_err $? "$d has no MAC"
done
[ "$(nl show la)" = "kind vpair mode 1 peer_ifindex $(ns_sysfs "$NS" lb ifindex)" ]
check_err $? "mode 1 reported"
expect_errno EOPNOTSUPP ip -n "$NS" link set la address 02:11:22:33:44:55
check_err $? "MAC change on l3 end"
log_test "l3 mode: no MAC, IFF_NOARP, MAC change fails with EOPNOTSUPP"

# 6: l3 mode carries IP across namespaces
ip -n "$NS" link set lb netns "$NS2"
ns_addr_up "$NS" la 10.23.9.1/24
ns_addr_up "$NS2" lb 10.23.9.2/24
ip netns exec "$NS" ping -c 2 -W 2 10.23.9.2 >/dev/null
check_err $? "ping across an l3 pair"
ip -n "$NS" link del dev la
log_test "l3 pair carries IPv4 between namespaces"

# 7: l3 refuses a MAC at creation
bad "l3 + address" EOPNOTSUPP --mode 1 --addr 02:00:00:00:00:01
bad "l3 + peer address" EOPNOTSUPP --mode 1 --peer-addr 02:00:00:00:00:01
log_test "l3 mode refuses a MAC at creation with EOPNOTSUPP"

# 8: unknown mode
bad "mode 7" ERANGE --mode 7
log_test "unknown mode fails with ERANGE"

# 9: MTU bounds on both ends, as veth
# veth, the reference, built in or a module
have_module veth && VETH_TOO=1
bad "mtu 0" EINVAL --mtu 0
bad "mtu 67" EINVAL --mtu 67
bad "mtu 65536" EINVAL --mtu 65536
bad "peer mtu 67" EINVAL --peer-mtu 67
bad "peer mtu 65536" EINVAL --peer-mtu 65536
nl add ma --mtu 68 --peer mb --peer-mtu 65535
check_err $? "mtu 68/65535 accepted"
ip -n "$NS" link del dev ma 2>/dev/null
log_test "MTU outside 68..65535 fails with EINVAL on either end"

# 10: MAC validation, as veth
bad "short mac" EINVAL --addr 02:00:00:00:01
bad "multicast mac" EADDRNOTAVAIL --addr 01:00:5e:00:00:01
bad "zero mac" EADDRNOTAVAIL --addr 00:00:00:00:00:00
bad "peer multicast mac" EADDRNOTAVAIL --peer-addr 01:00:5e:00:00:01
log_test "bad MAC (length, multicast, zero) fails like veth"

# 11: names, as veth
bad "peer name taken" EEXIST --peer lo
bad "same name both ends" EEXIST --peer bad0
bad "peer name empty" EINVAL --peer ""
bad "peer name a/b" EINVAL --peer "a/b"
bad "peer name a b" EINVAL --peer "a b"
bad "peer name ." EINVAL --peer "."
log_test "bad or duplicate names fail like veth and leave nothing"

# 12: malformed peer block and namespace fd, as veth
bad "short peer block" ERANGE --peer-raw 0000
bad "netns fd not a netns" EINVAL --peer-netns /proc/self/stat
unset VETH_TOO
log_test "short peer block and non-netns fd fail like veth"

# 13: the peer may be created directly in another namespace
nl add na --peer nb --peer-netns "/run/netns/$NS2"
check_err $? "create with peer in another netns"
link_exists "$NS2" nb
check_err $? "peer is in the other namespace"
ip -n "$NS" link del dev na
busywait "$BUSYWAIT_TIMEOUT" link_gone "$NS2" nb
check_err $? "deleting one end deletes the other across namespaces"
log_test "peer created in another namespace; deleting one end deletes both"

# 14: an unprivileged user namespace cannot place the peer in init_net
USERNS_TEST="the peer's namespace needs CAP_NET_ADMIN over it (EPERM from a user namespace)"
if command -v unshare >/dev/null && command -v setpriv >/dev/null &&
   setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn true 2>/dev/null; then
	exec 9</proc/1/ns/net
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare -Urn python3 "$VPAIR_NL" add ua --peer ub --peer-netns-fd 9 2>&1)
	exec 9<&-
	[ "${out%%:*}" = EPERM ]
	check_err $? "peer into init_net from a user namespace: $out"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare -Urn python3 "$VPAIR_NL" add ua --peer ub >/dev/null 2>&1
	check_err $? "pair inside the user's own namespace"
	! ip link show ub >/dev/null 2>&1
	check_err $? "nothing appeared in init_net"
	log_test "$USERNS_TEST"
else
	log_info "no unprivileged user namespaces"
	ktap_test_skip "$USERNS_TEST"
fi

ktap_finished
