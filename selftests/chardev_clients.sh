#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unmodified tun clients pointed at the char device under test:
#
# - socat's TUN address with tun-device=$VPAIR_DEV, as a tun (with tun_pi)
#   and as a tap (without): two socat processes, each with its device in a
#   namespace of its own, bridged by a pair of unix datagram sockets; pings
#   go across both ways;
# - ip tuntap add/show/del (tun, tap, user/group, multi_queue, options)
#   with $VPAIR_DEV bind-mounted over /dev/net/tun: the device appears with
#   the right kind, flags, owner and group and is gone after del.
#
# The whole test runs in a private mount namespace (unshare -m), so the
# bind mount is seen by nothing else. Commands are kept few: under
# emulation every process costs a lot.
#
# Set VPAIR_DEV=/dev/net/tun to run the same checks against Linux's tun.

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# The test goes on in a second process (below); the first prints the header.
[ -n "${VPT_PRIVATE_MNTNS:-}" ] || ktap_print_header

DEV=$VPAIR_DEV
# Test addresses, only ever configured inside the test namespaces.
ADDR1=10.23.4.1
ADDR2=10.23.4.2
TT_USER=4242
TT_GROUP=4343
# TUNSETIFF flags as sysfs tun_flags shows them.
IFF_TUN=0x0001
IFF_TAP=0x0002
IFF_MULTI_QUEUE=0x0100
IFF_PERSIST=0x0800
IFF_NO_PI=0x1000
IFF_ONE_QUEUE=0x2000
IFF_VNET_HDR=0x4000

require_root
require_cmd ip socat ping unshare mount stat mknod mkfifo
require_module "$(kind_module "$DEV")"
[ -c "$DEV" ] || exit_skip "$DEV is not a character device"

# Go on in a private mount namespace.
if [ -z "${VPT_PRIVATE_MNTNS:-}" ]; then
	VPT_PRIVATE_MNTNS=1 exec unshare -m --propagation private "$0" "$@"
fi

# rtnl kind of the devices the char device makes.
if [ "${DEV##*/}" = tun ]; then
	KIND=tun
else
	KIND=vtun
	# link_vtun.so lets ip print vtun's details the way it prints tun's
	export IP_LIB_DIR=${VPAIR_IP_LIB_DIR:-$(cd "$(dirname "$0")/../tools/iproute2" && pwd)}
fi

ktap_set_plan 15
log_info "char device: $DEV (kind $KIND)"

setup_ns NS1 NS2 || exit_skip "cannot create network namespaces"
ns_disable_ipv6 "$NS1"
ns_disable_ipv6 "$NS2"
TMPD=$(mktemp -d) || ktap_exit_fail_msg "mktemp failed"
defer rm -rf "$TMPD"
# A fifo nobody writes to: "read -t" on it sleeps without a process.
mkfifo "$TMPD/nap" || ktap_exit_fail_msg "mkfifo failed"
exec {NAP_FD}<>"$TMPD/nap"

# wait_until CMD [ARGS...]: retry CMD every 0.1 s, BUSYWAIT_TIMEOUT s at most.
wait_until()
{
	local end=$((${EPOCHREALTIME/./} + BUSYWAIT_TIMEOUT * 1000000))

	until "$@"; do
		[ "${EPOCHREALTIME/./}" -lt "$end" ] || return 1
		read -r -t 0.1 -u "$NAP_FD" _
	done
	return 0
}

# link_details NS DEV: "ip -d link show" of DEV into LINK_DETAILS; fails
# when DEV does not exist.
link_details()
{
	LINK_DETAILS=$(ip -n "$1" -d link show dev "$2" 2>/dev/null)
}

# check_kind DEV: the details in LINK_DETAILS name DEV's kind, $KIND.
check_kind()
{
	local nl=$'\n'

	[[ "$LINK_DETAILS" == *"$nl    $KIND "* ||
	   "$LINK_DETAILS" == *"$nl    $KIND" ]]
	check_err $? "ip -d link show $1 does not show kind $KIND"
}

# fails_with TEXT CMD [ARGS...]: CMD fails and says TEXT (strerror()).
fails_with()
{
	local want=$1 out

	shift
	if out=$("$@" 2>&1); then
		log_info "unexpected success (wanted '$want'): $*"
		return 1
	fi
	[[ "$out" == *"$want"* ]] && return 0
	log_info "wanted '$want' from: $*"
	printf '%s\n' "$out" | sed 's/^/#   /'
	return 1
}

# --- socat --------------------------------------------------------------

# socat_up NS ADDR NAME TYPE OPTS ME PEER LOG: start socat with a device
# NAME in NS, bridged to the unix datagram socket PEER from socket ME.
socat_up()
{
	local ns=$1 addr=$2 name=$3 type=$4 opts=$5 me=$6 peer=$7 log=$8

	ip netns exec "$ns" socat -d -d \
		"TUN:$addr/24,tun-device=$DEV,tun-type=$type,tun-name=$name$opts,iff-up" \
		"UNIX-SENDTO:$peer,bind=$me" 2>"$log" &
	SOCAT_PID=$!
	defer kill "$SOCAT_PID"
}

# socat_dump LOG...: show socat's logs after a failure.
socat_dump()
{
	local f

	for f in "$@"; do
		[ -s "$f" ] && sed 's/^/#   /' "$f" | tail -n 15
	done
	return 0
}

# test_socat TYPE OPTS TAG
test_socat()
{
	local type=$1 opts=$2 tag=$3 a=$TMPD/$3.a b=$TMPD/$3.b
	local d1=vpt-s1 d2=vpt-s2 pid1 pid2

	socat_up "$NS1" "$ADDR1" "$d1" "$type" "$opts" "$a" "$b" "$TMPD/$tag.1"
	pid1=$SOCAT_PID
	wait_until test -S "$a"
	check_err $? "socat in $NS1 did not start"
	socat_up "$NS2" "$ADDR2" "$d2" "$type" "$opts" "$b" "$a" "$TMPD/$tag.2"
	pid2=$SOCAT_PID
	wait_until test -S "$b"
	check_err $? "socat in $NS2 did not start"
	# socat binds its socket after configuring the device.
	link_details "$NS1" "$d1"
	check_err $? "socat did not create $d1"
	check_kind "$d1"

	run_cmd ip netns exec "$NS1" ping -n -c 2 -i 0.2 -W 3 "$ADDR2"
	check_err $? "ping $ADDR2 over socat ($type$opts) failed"
	run_cmd ip netns exec "$NS2" ping -n -c 1 -W 3 "$ADDR1"
	check_err $? "ping $ADDR1 over socat ($type$opts) failed"

	[ "$RET" -ne 0 ] && socat_dump "$TMPD/$tag.1" "$TMPD/$tag.2"
	kill "$pid1" "$pid2" 2>/dev/null
	wait "$pid1" "$pid2" 2>/dev/null
	# Their last close removed the (non-persistent) devices.
	link_gone "$NS1" "$d1" && link_gone "$NS2" "$d2"
	check_err $? "devices left behind by socat"
	log_test "a $tag through socat's TUN address carries pings both ways and goes with socat"
}

# --- ip tuntap ------------------------------------------------------------

# Make /dev/net/tun be $DEV in this (private) mount namespace: a bind mount
# over it or, without a /dev/net/tun, nodes with $DEV's numbers on a tmpfs.
tun_stand_in()
{
	local mm

	[ "$DEV" -ef /dev/net/tun ] && return 0
	if [ -e /dev/net/tun ]; then
		mount --bind "$DEV" /dev/net/tun
		return
	fi
	mm=$(stat -Lc '%t %T' "$DEV") || return 1
	mount -t tmpfs -o mode=0755 none /dev/net || return 1
	mknod -m 0666 /dev/net/tun c $((0x${mm% *})) $((0x${mm#* })) || return 1
	[ -e "$DEV" ] ||
		mknod -m 0666 "$DEV" c $((0x${mm% *})) $((0x${mm#* }))
}

# tuntap ARGS...: "ip tuntap ARGS" in NS1.
# shellcheck disable=SC2317 # called through run_cmd and fails_with
tuntap()
{
	ip -n "$NS1" tuntap "$@"
}

# check_tuntap DEV FLAGS USER GROUP [WORD...]: DEV in NS1 as "ip tuntap
# add" made it: kind, and tun_flags, owner and group in sysfs (what "ip
# tuntap show" reads). For tun, the WORDs "ip -d link show" must print.
check_tuntap()
{
	local dev=$1 flags=$2 user=$3 group=$4 v w
	local -a got=()

	shift 4
	link_details "$NS1" "$dev"
	check_err $? "$dev does not exist"
	check_kind "$dev"
	if [ "$KIND" = tun ] || [ -f "${IP_LIB_DIR:-}/link_vtun.so" ]; then
		# iproute2 prints tun's own attributes, and vtun's through
		# tools/iproute2/link_vtun.so
		for w in "$@"; do
			[[ "$LINK_DETAILS" == *" $w "* ]]
			check_err $? "ip -d link show $dev lacks '$w'"
		done
	fi
	v=$(ip netns exec "$NS1" cat "/sys/class/net/$dev/tun_flags" \
		"/sys/class/net/$dev/owner" "/sys/class/net/$dev/group" 2>/dev/null)
	for w in $v; do
		got+=("$(printf '%d' "$w")")
	done
	[ "${#got[@]}" -eq 3 ]
	check_err $? "$dev lacks tun_flags, owner or group in sysfs"
	[ "${got[0]:-}" = "$((flags))" ]
	check_err $? "$dev tun_flags $(printf 0x%x "${got[0]:-0}"), expected $(printf 0x%x "$flags")"
	[ "${got[1]:-}" = "$user" ]
	check_err $? "$dev owner '${got[1]:-}', expected $user"
	[ "${got[2]:-}" = "$group" ]
	check_err $? "$dev group '${got[2]:-}', expected $group"
}

test_tuntap_mode()
{
	local mode=$1 dev=vpt-tt-$1 flag out line="" l show

	flag=$IFF_TUN
	[ "$mode" = tap ] && flag=$IFF_TAP

	run_cmd tuntap add dev "$dev" mode "$mode" user "$TT_USER" \
		group "$TT_GROUP"
	check_err $? "ip tuntap add $dev mode $mode failed"
	check_tuntap "$dev" $((flag | IFF_NO_PI | IFF_PERSIST)) \
		"$TT_USER" "$TT_GROUP" "type $mode" "pi off" "persist on" \
		"user $TT_USER" "group $TT_GROUP"
	log_test "ip tuntap add makes a persistent $mode with its user and group"

	show="ip tuntap show lists the $mode with its user and group"
	if [ "$KIND" != tun ]; then
		# iproute2 lists only links of rtnl kind "tun" here (its own
		# filter, in ip/iptuntap.c); vpair's are kind "vtun".
		log_info "ip tuntap show lists rtnl kind tun only"
		ktap_test_skip "$show"
	else
		out=$(tuntap show 2>&1)
		while IFS= read -r l; do
			[[ "$l" == "$dev:"* ]] && line=$l
		done <<<"$out"
		log_info "ip tuntap show: ${line:-nothing for $dev}"
		[[ "$line" =~ ^$dev:\ $mode(\ |$) ]] &&
			[[ "$line" == *" user $TT_USER"* ]] &&
			[[ "$line" == *" group $TT_GROUP"* ]]
		check_err $? "ip tuntap show does not list $dev as '$mode ... user $TT_USER group $TT_GROUP'"
		log_test "$show"
	fi

	fails_with "Device or resource busy" tuntap add dev "$dev" mode "$mode"
	check_err $? "adding $dev again did not fail with EBUSY"
	link_exists "$NS1" "$dev"
	check_err $? "$dev vanished after a failed add"
	log_test "ip tuntap add of an existing $mode fails with EBUSY and keeps it"

	run_cmd tuntap del dev "$dev" mode "$mode"
	check_err $? "ip tuntap del $dev failed"
	link_gone "$NS1" "$dev"
	check_err $? "$dev still exists after ip tuntap del"
	# tun attaches by name or creates: deleting a missing device works.
	run_cmd tuntap del dev "$dev" mode "$mode"
	check_err $? "ip tuntap del of a missing $dev failed"
	link_gone "$NS1" "$dev"
	check_err $? "ip tuntap del of a missing $dev left a device"
	log_test "ip tuntap del deletes the $mode, and succeeds with none left"
}

test_tuntap_mq()
{
	local dev=vpt-tt-mq

	run_cmd tuntap add dev "$dev" mode tap multi_queue
	check_err $? "ip tuntap add $dev mode tap multi_queue failed"
	check_tuntap "$dev" \
		$((IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE | IFF_PERSIST)) -1 -1 \
		"type tap" multi_queue "persist on"
	log_test "ip tuntap add multi_queue makes a persistent multiqueue tap"

	# The queue mode must match to attach, so del must name it.
	fails_with "Invalid argument" tuntap del dev "$dev" mode tap
	check_err $? "del without multi_queue did not fail with EINVAL"
	link_exists "$NS1" "$dev"
	check_err $? "$dev vanished after a failed del"
	log_test "ip tuntap del without multi_queue fails with EINVAL and keeps it"

	run_cmd tuntap del dev "$dev" mode tap multi_queue
	check_err $? "ip tuntap del $dev multi_queue failed"
	link_gone "$NS1" "$dev"
	check_err $? "$dev still exists after ip tuntap del"
	log_test "ip tuntap del multi_queue deletes the multiqueue tap"
}

test_tuntap_options()
{
	local dev=vpt-tt-opt

	run_cmd tuntap add dev "$dev" mode tap pi vnet_hdr one_queue
	check_err $? "ip tuntap add $dev mode tap pi vnet_hdr one_queue failed"
	check_tuntap "$dev" \
		$((IFF_TAP | IFF_ONE_QUEUE | IFF_VNET_HDR | IFF_PERSIST)) -1 -1 \
		"type tap" "pi on" "vnet_hdr on" "persist on"
	run_cmd tuntap del dev "$dev" mode tap pi vnet_hdr one_queue
	check_err $? "ip tuntap del $dev failed"
	link_gone "$NS1" "$dev"
	check_err $? "$dev still exists after ip tuntap del"
	log_test "ip tuntap add pi vnet_hdr one_queue sets those flags"
}

test_socat tun "" tun
test_socat tap ",iff-no-pi" tap

tun_stand_in &&
	[ "$(stat -Lc %t:%T /dev/net/tun)" = "$(stat -Lc %t:%T "$DEV")" ]
rc=$?
check_err "$rc" "cannot make /dev/net/tun stand for $DEV"
log_test "/dev/net/tun stands for $DEV in the test's mount namespace"
[ "$rc" -eq 0 ] || ktap_exit_fail_msg "no /dev/net/tun for ip tuntap"

test_tuntap_mode tun
test_tuntap_mode tap
test_tuntap_mq
test_tuntap_options

ktap_finished
