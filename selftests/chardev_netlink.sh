#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Persistent char-device interfaces created over rtnetlink (kind vtun),
# which tun refuses: "ip link add ... type vtun" with ip tuntap's words
# and tun's IFLA_TUN_* attributes, a later TUNSETIFF attaching under
# tun's rules (type, multi_queue, owner and group), every refused request
# with its errno and extack message and nothing left behind, changelink
# refused, creation from a user namespace that owns the network namespace
# (and refusal from one that does not), deletion while attached, dumps
# equal to those of interfaces made with TUNSETIFF, and vpairctl's
# creation over rtnetlink.
#
# The feature is vpair's own: with VPAIR_DEV other than /dev/net/vpair
# the test skips. Needs link_vtun.so and vpairctl (make -C selftests).

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header

HERE=$(cd "$(dirname "$0")" && pwd)
VPAIRCTL=${VPAIRCTL:-$HERE/../tools/vpairctl/vpairctl}
export IP_LIB_DIR=${VPAIR_IP_LIB_DIR:-$HERE/../tools/iproute2}
NOBODY=65534
OWNER=4242
GROUP=4343
# IFLA_TUN_*
T_OWNER=1 T_GROUP=2 TYPE=3 PERSIST=6 NUM_QUEUES=8 NUM_DISABLED=9

require_root
require_cmd ip python3 setpriv unshare
require_module vpair
[ "$VPAIR_DEV" = /dev/net/vpair ] ||
	exit_skip "creation over rtnetlink is vpair's own (VPAIR_DEV=$VPAIR_DEV)"
[ -f "$IP_LIB_DIR/link_vtun.so" ] ||
	ktap_exit_fail_msg "no link_vtun.so in $IP_LIB_DIR (make -C tools/iproute2)"
[ -x "$VPAIRCTL" ] || ktap_exit_fail_msg "vpairctl not built: make -C tools/vpairctl"
ktap_set_plan 11

setup_ns NS NSB || exit_skip "cannot create network namespaces"

# tunf ARGS...: vpair_tun.py (TUNSETIFF on /dev/net/vpair) inside $NS.
tunf()
{
	ip netns exec "$NS" python3 "$SELFTESTS_DIR/vpair_tun.py" "$@"
}

# as UID GID [SETPRIV ARGS...] -- CMD...: CMD inside $NS as UID:GID,
# without capabilities.
as()
{
	local uid=$1 gid=$2

	shift 2
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	ip netns exec "$NS" setpriv --reuid "$uid" --regid "$gid" \
		"${opts[@]}" "$@"
}

# userns CMD...: CMD as nobody in a new user namespace mapping it to root
# there, in the network namespace it was started in (the initial one).
userns()
{
	setpriv --reuid "$NOBODY" --regid "$NOBODY" --clear-groups \
		unshare -Ur "$@"
}

# details NS DEV: "ip -d link show" of DEV in NS without its index, name
# and MAC, one line.
details()
{
	ip -n "$1" -o -d link show dev "$2" |
		sed -e "s/^[0-9]*: $2:/DEV:/" -e 's/link\/ether [0-9a-f:]*/MAC/' \
		    -e 's/\\ */ /g'
}

# has TEXT PATTERN: TEXT matches the glob PATTERN, else say so.
has()
{
	# shellcheck disable=SC2053 # $2 is a glob pattern
	[[ "$1" == $2 ]] && return 0
	log_info "wanted $2 in: $1"
	return 1
}

refcnt() { cat /sys/module/vpair/refcnt; }

test_tun_refuses()
{
	local name="Linux's tun refuses creation over rtnetlink: EOPNOTSUPP"
	local out

	if ! modprobe -q tun 2>/dev/null && ! [ -c /dev/net/tun ]; then
		ktap_test_skip "$name (no tun)"
		return
	fi
	out=$(reply add tx0 --kind tun --u8 "$TYPE=2")
	has "$out" "EOPNOTSUPP: tun/tap creation via rtnetlink is not supported*"
	check_err $?
	link_gone "$NS" tx0
	check_err $? "tun left tx0 behind"
	log_test "$name"
}

test_ip_add()
{
	local line

	run_cmd ip -n "$NS" link add vtap0 type vtun mode tap user "$OWNER" \
		group "$GROUP" pi vnet_hdr multi_queue
	check_err $? "ip link add vtap0 type vtun failed"
	line=$(details "$NS" vtap0)
	has "$line" "*MAC*vtun type tap pi on vnet_hdr on multi_queue numqueues 0 numdisabled 0 persist on user $OWNER group $GROUP *"
	check_err $?
	has "$line" "*numtxqueues 256 numrxqueues 256 *"
	check_err $?

	run_cmd ip -n "$NS" link add vtun0 type vtun mode tun
	check_err $? "ip link add vtun0 type vtun mode tun failed"
	line=$(details "$NS" vtun0)
	has "$line" "*<POINTOPOINT,MULTICAST,NOARP>*link/none *vtun type tun pi off vnet_hdr off persist on *"
	check_err $?
	[[ "$line" != *" persist on user "* && "$line" != *" persist on group "* ]]
	check_err $? "owner or group where none was given: $line"
	# no carrier until a queue is attached
	run_cmd ip -n "$NS" link set vtun0 up
	has "$(details "$NS" vtun0)" "*<NO-CARRIER,POINTOPOINT,MULTICAST,NOARP,UP>*"
	check_err $?

	# without a name: vtap%d and vtun%d, as TUNSETIFF names them
	nl add - --kind vtun --u8 "$TYPE=2" && nl add - --kind vtun --u8 "$TYPE=1"
	check_err $? "creation without a name failed"
	link_exists "$NS" vtap1 && link_exists "$NS" vtun1
	check_err $? "unnamed interfaces are not vtap1 and vtun1: $(ns_links "$NS")"
	run_cmd ip -n "$NS" link del vtap1 && run_cmd ip -n "$NS" link del vtun1
	check_err $? "cannot delete vtap1 and vtun1"
	log_test "ip link add type vtun creates persistent interfaces with tun's attributes"
}

test_attach()
{
	local out line

	out=$(tunf tap vtap0 --multi-queue --pi --vnet-hdr --flags -- \
		ip -n "$NS" -o -d link show vtap0)
	check_err $? "TUNSETIFF on vtap0 failed: $out"
	# IFF_TAP | IFF_MULTI_QUEUE | IFF_PERSIST | IFF_NOFILTER | IFF_VNET_HDR
	has "$out" "flags 0x5902*"
	check_err $?
	has "$out" "*multi_queue numqueues 1 numdisabled 0 persist on*"
	check_err $?
	line=$(details "$NS" vtap0)
	has "$line" "*multi_queue numqueues 0 numdisabled 0 persist on*"
	check_err $? "vtap0 not kept, without a queue, after the file closed"

	out=$(tunf tun vtun0 --flags)
	has "$out" "flags 0x1801"	# IFF_TUN | IFF_NO_PI | IFF_PERSIST
	check_err $?
	log_test "TUNSETIFF attaches to a created interface and gets its flags"
}

test_attach_mismatch()
{
	expect_errno EINVAL tunf tun vtap0 --multi-queue
	check_err $? "a tun queue attached to a tap"
	expect_errno EINVAL tunf tap vtap0
	check_err $? "a single-queue file attached to a multiqueue interface"
	expect_errno EINVAL tunf tap vtun0
	check_err $? "a tap queue attached to a tun"
	expect_errno EBUSY tunf tap vtap0 --multi-queue --excl
	check_err $? "IFF_TUN_EXCL attached to an existing interface"
	log_test "TUNSETIFF refuses a different type or multi_queue, and IFF_TUN_EXCL"
}

test_owner_group()
{
	as "$OWNER" "$GROUP" --groups "$GROUP" -- \
		python3 "$SELFTESTS_DIR/vpair_tun.py" tap vtap0 --multi-queue
	check_err $? "owner in the group cannot attach"
	expect_errno EPERM as "$OWNER" 1 --clear-groups -- \
		python3 "$SELFTESTS_DIR/vpair_tun.py" tap vtap0 --multi-queue
	check_err $? "owner outside the group attached"
	expect_errno EPERM as "$NOBODY" "$GROUP" --groups "$GROUP" -- \
		python3 "$SELFTESTS_DIR/vpair_tun.py" tap vtap0 --multi-queue
	check_err $? "a group member that is not the owner attached"

	run_cmd ip -n "$NS" link add vgrp type vtun mode tun group "$GROUP"
	check_err $? "cannot create vgrp"
	as "$NOBODY" "$NOBODY" --groups "$GROUP" -- \
		python3 "$SELFTESTS_DIR/vpair_tun.py" tun vgrp
	check_err $? "a member of vgrp's group cannot attach"
	expect_errno EPERM as "$NOBODY" "$NOBODY" --clear-groups -- \
		python3 "$SELFTESTS_DIR/vpair_tun.py" tun vgrp
	check_err $? "a stranger attached to vgrp"
	log_test "the created interface's owner and group decide who may attach"
}

# bad WANT ARGS...: vpair_nl.py add ARGS... in $NSB fails with WANT
# ("ERRNO: extack", a glob) and leaves no interface there.
bad()
{
	local want=$1 out

	shift
	out=$(ip netns exec "$NSB" python3 "$VPAIR_NL" add bad0 --kind vtun \
		"$@" 2>&1 && echo OK)
	has "$out" "$want" || { log_info "  from: add bad0 --kind vtun $*"; return 1; }
	no_links "$NSB" || { log_info "left behind: $(ns_links "$NSB")"; return 1; }
}

test_bad_requests()
{
	local t=(--u8 "$TYPE=2") u=(--u8 "$TYPE=1")

	bad "EINVAL: Type required*"
	check_err $?
	bad "EINVAL: Unknown type*" --u8 "$TYPE=3"
	check_err $?
	bad "EINVAL: Unknown type*" --u8 "$TYPE=0"
	check_err $?
	bad "EINVAL: An interface created without a queue must be persistent" \
		"${t[@]}" --u8 "$PERSIST=0"
	check_err $?
	bad "EINVAL: Queues are attached through the char device, not set" \
		"${t[@]}" --u32 "$NUM_QUEUES=1"
	check_err $?
	bad "EINVAL: Queues are attached through the char device, not set" \
		"${t[@]}" --u32 "$NUM_DISABLED=0"
	check_err $?
	bad "EINVAL: Owner has no mapping in the caller's user namespace" \
		"${t[@]}" --u32 "$T_OWNER=4294967295"
	check_err $?
	bad "EINVAL: Group has no mapping in the caller's user namespace" \
		"${t[@]}" --u32 "$T_GROUP=4294967295"
	check_err $?
	bad "EINVAL: A tun interface has no link-layer address" \
		"${u[@]}" --addr 02:00:00:00:00:01
	check_err $?
	bad "EADDRNOTAVAIL: Invalid Ethernet address" "${t[@]}" --addr 01:00:00:00:00:01
	check_err $?
	bad "EINVAL: Invalid link-layer address length" "${t[@]}" --addr 0200000000
	check_err $?
	bad "EINVAL: MTU outside the interface's range" "${t[@]}" --mtu 67
	check_err $?
	bad "EINVAL: MTU outside the interface's range" "${t[@]}" --mtu 65522
	check_err $?
	bad "EINVAL: Transmit and receive queue counts must be equal" \
		"${t[@]}" --txq 2 --rxq 4
	check_err $?
	bad "EINVAL: At most 256 queues" "${t[@]}" --txq 257 --rxq 257
	check_err $?
	# what the type setup would reset is taken from the request
	ip netns exec "$NSB" python3 "$VPAIR_NL" add ok0 --kind vtun "${t[@]}" \
		--mtu 9000 --txqlen 77 --addr 02:00:00:00:00:07
	check_err $? "a tap with mtu, txqueuelen and address was refused"
	has "$(details "$NSB" ok0)" "*mtu 9000 *qlen 77*"
	check_err $?
	has "$(ip -n "$NSB" -o link show ok0)" "*link/ether 02:00:00:00:00:07 *"
	check_err $?
	has "$(ip netns exec "$NSB" python3 "$VPAIR_NL" add ok0 --kind vtun \
		"${t[@]}" 2>&1)" "EEXIST:*"
	check_err $? "a taken name was not refused with EEXIST"
	run_cmd ip -n "$NSB" link del ok0
	log_test "bad requests are refused with their errno and message, nothing left behind"
}

test_changelink()
{
	local before out

	before=$(details "$NS" vtap0)
	out=$(reply change vtap0 --kind vtun --u32 "$T_OWNER=0")
	has "$out" "EOPNOTSUPP: vtun attributes cannot be changed after creation"
	check_err $?
	out=$(reply change vtap0 --kind vtun --u8 "$TYPE=1")
	has "$out" "EOPNOTSUPP: vtun attributes cannot be changed after creation"
	check_err $?
	run_cmd ip -n "$NS" link set vtap0 type vtun
	check_err $? "a change without attributes was refused"
	[ "$(details "$NS" vtap0)" = "$before" ]
	check_err $? "vtap0 changed: $(details "$NS" vtap0)"
	log_test "changelink is refused with a message and changes nothing"
}

test_userns()
{
	local out

	# a user namespace owning the network namespace: allowed, and its
	# owner is the namespace's root, whom TUNSETIFF then lets in
	# shellcheck disable=SC2016 # expanded by the inner sh
	out=$(userns -n sh -c '
		ip link add vu0 type vtun mode tap user 0 &&
		ip -o -d link show vu0 &&
		python3 "$1/vpair_tun.py" tap vu0 --flags' _ "$SELFTESTS_DIR" 2>&1)
	check_err $? "creation in an owned namespace failed: $out"
	has "$out" "*vtun type tap pi off vnet_hdr off persist on user root *"
	check_err $?
	has "$out" "*flags 0x1802*"
	check_err $?
	out=$(userns -n ip link add vu1 type vtun mode tap user 5 2>&1)
	check_fail $? "an owner without a mapping was accepted"
	has "$out" "*Owner has no mapping in the caller's user namespace*"
	check_err $?
	out=$(userns -n "$VPAIRCTL" tap vu2 persist owner 5 2>&1)
	check_fail $? "vpairctl: an owner without a mapping was accepted"
	has "$out" "*Owner has no mapping in the caller's user namespace*"
	check_err $? "vpairctl did not create over rtnetlink"

	# a user namespace that does not own the network namespace
	expect_errno EPERM userns ip link add vu3 type vtun mode tap
	check_err $? "created from a user namespace not owning the netns"
	! ip link show vu3 >/dev/null 2>&1
	check_err $? "vu3 left behind"
	has "$(userns -n python3 "$VPAIR_NL" add vu4 --kind vtun \
		--u8 "$TYPE=2" --netns "/run/netns/$NS" 2>&1)" "EPERM:*"
	check_err $? "created in a namespace the caller does not administer"
	link_gone "$NS" vu4
	check_err $? "vu4 left behind"
	log_test "creation from a user namespace owning the netns, EPERM otherwise"
}

test_delete()
{
	local before out

	before=$(refcnt)
	run_cmd ip -n "$NS" link add vdel type vtun mode tap
	check_err $? "cannot create vdel"
	[ "$(refcnt)" -eq $((before + 1)) ]
	check_err $? "a persistent interface does not pin the module"
	out=$(tunf tap vdel --read-after -- ip -n "$NS" link del vdel)
	check_err $? "ip link del vdel while attached failed"
	has "$out" "read: EBADFD"
	check_err $?
	link_gone "$NS" vdel
	check_err $? "vdel still there"
	[ "$(refcnt)" -eq "$before" ]
	check_err $? "module references: $(refcnt), $before before"
	log_test "ip link del while attached: readers get EBADFD, the module is let go"
}

test_dump_parity()
{
	local a b

	run_cmd ip -n "$NS" link add dq1 type vtun mode tap multi_queue \
		user "$OWNER" group "$GROUP"
	run_cmd tunf tap dq2 --multi-queue --persist --owner "$OWNER" \
		--group "$GROUP"
	a=$(details "$NS" dq1)
	b=$(details "$NS" dq2)
	[ "$a" = "$b" ]
	check_err $? "multiqueue taps differ: netlink: $a; TUNSETIFF: $b"

	nl add ds1 --kind vtun --u8 "$TYPE=1" --txq 1 --rxq 1
	check_err $? "cannot create ds1"
	run_cmd tunf tun ds2 --persist
	a=$(details "$NS" ds1)
	b=$(details "$NS" ds2)
	[ "$a" = "$b" ]
	check_err $? "tuns differ: netlink: $a; TUNSETIFF: $b"
	log_test "ip -d link shows the same for netlink- and TUNSETIFF-made interfaces"
}

test_vpairctl()
{
	local line

	run_cmd "$VPAIRCTL" -n "$NS" tap vc0 persist owner "$OWNER" pi vnet-hdr \
		multi-queue 2
	check_err $? "vpairctl tap vc0 persist failed"
	line=$(details "$NS" vc0)
	has "$line" "*vtun type tap pi on vnet_hdr on multi_queue numqueues 0 numdisabled 0 persist on user $OWNER *"
	check_err $?
	run_cmd "$VPAIRCTL" -n "$NS" tun vc1 persist group "$GROUP"
	check_err $? "vpairctl tun vc1 persist failed"
	has "$(details "$NS" vc1)" "*vtun type tun pi off vnet_hdr off persist on group $GROUP *"
	check_err $?
	log_test "vpairctl tap|tun NAME persist creates the interface"
}

test_tun_refuses
test_ip_add
test_attach
test_attach_mismatch
test_owner_group
test_bad_requests
test_changelink
test_userns
test_delete
test_dump_parity
test_vpairctl

ktap_finished
