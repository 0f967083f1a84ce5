#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interfaces of the char device under test against Linux's tun as the
# reference: for a tun and a tap made by "ip tuntap add ... multi_queue
# user U group G" through /dev/net/tun and the same made through
# $VPAIR_DEV (bind-mounted over /dev/net/tun in a private mount namespace),
# every sysfs attribute of the interface and its queues, and "ip -d link
# show" but for the kind, must read the same; so must every ethtool read
# below, before and after the same ethtool writes:
#
#   ethtool DEV            link settings, message level, link
#   ethtool -i DEV         bus-info and supports-* (driver and version differ)
#   ethtool -k / -T / -S   features, timestamping, (no) statistics
#   ethtool -c DEV         rx-frames, after -C rx-frames 100 (capped at 64)
#   ethtool -s DEV msglvl 0x15 speed 100 duplex half, then "ethtool DEV"
#   TUNSETDEBUG 0x7 on an attached fd, then the message level
#   ethtool -l DEV         channels (6.1's tun has none: then vpair's
#                          must show a maximum of 256)
#
# The comparison allows for three version differences: vpair reports
# 10000Mb/s by default (6.1's tun: 10Mb/s) and offers USO (6.1's tun does
# not), but not yet the UDP tunnel GSO of 7.2's tun.

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# The test goes on in two more processes (below); the first prints the header.
[ -n "${VPT_PRIVATE_MNTNS:-}" ] || ktap_print_header

DEV=$VPAIR_DEV

require_root
require_cmd ip ethtool python3 unshare mount
require_module tun
require_module "$(kind_module "$DEV")"
[ -c "$DEV" ] || exit_skip "$DEV is not a character device"
[ -c /dev/net/tun ] || exit_skip "no /dev/net/tun to compare with"

if [ -z "${VPT_PRIVATE_MNTNS:-}" ]; then
	VPT_PRIVATE_MNTNS=1 exec unshare -m --propagation private "$0" "$@"
fi

# The checks run in one process inside the test namespace: under
# emulation an "ip netns exec" per command costs seconds in all.
if [ -z "${VPT_NS:-}" ]; then
	setup_ns NS || exit_skip "cannot create a network namespace"
	VPT_NS=$NS ip netns exec "$NS" "$0" "$@"
	exit
fi

ktap_set_plan 20
log_info "char device: $DEV, reference: /dev/net/tun"

# ethtool_of DEV ARGS...: "ethtool ARGS" with DEV for the word DEV;
# its output with DEV's name as DEV, then its exit status.
ethtool_of()
{
	local dev=$1 out rc

	shift
	out=$(ethtool "${@//DEV/$dev}" 2>&1)
	rc=$?
	printf '%s\nrc=%d\n' "${out//$dev/DEV}" "$rc"
}

# same TYPE LABEL ARGS...: ethtool ARGS prints the same on the reference
# and on the device under test of TYPE (tun or tap).
same()
{
	local type=$1 label=$2 want got

	shift 2
	# Where 6.1's tun is older than vpair: it starts at 10Mb/s, not
	# 10000Mb/s, and has no UDP segmentation offload (USO, 6.2). Where
	# 7.2's is newer: UDP tunnel GSO (TUN_F_UDP_TUNNEL_GSO, 6.17).
	want=$(ethtool_of "ref$type" "$@" | grep -Ev '^(driver|version):' |
	       sed -e 's/Speed: 10Mb\/s$/Speed: 10000Mb\/s/' \
		   -e 's/^\(tx-udp-segmentation: off\) \[fixed\]$/\1 [requested on]/' \
		   -e 's/^\(tx-udp_tnl-[a-z-]*segmentation: off\) \[requested on\]$/\1 [fixed]/')
	got=$(ethtool_of "dut$type" "$@" | grep -Ev '^(driver|version):')
	differ "$label: ethtool $*" "$want" "$got"
}

# set_debug TYPE NAME LEVEL: TUNSETDEBUG LEVEL on a file attached to the
# multiqueue NAME: of the real tun for a reference device (through
# $TUN_FD, opened before the bind mount), else of $DEV.
# shellcheck disable=SC2317 # called through run_cmd
set_debug()
{
	local dev=$DEV

	[[ $2 == ref* ]] && dev=/proc/self/fd/$TUN_FD
	python3 "$SELFTESTS_DIR/vpair_tun.py" --dev "$dev" "$1" "$2" \
		--multi-queue --debug "$3"
}

# Reference devices through tun, then the same through $DEV.
for type in tun tap; do
	run_cmd ip tuntap add dev "ref$type" mode "$type" \
		multi_queue user 4242 group 4343 ||
		ktap_exit_fail_msg "ip tuntap add through /dev/net/tun failed"
done
exec {TUN_FD}</dev/net/tun
if ! [ "$DEV" -ef /dev/net/tun ]; then
	mount --bind "$DEV" /dev/net/tun ||
		ktap_exit_fail_msg "cannot bind-mount $DEV over /dev/net/tun"
fi
for type in tun tap; do
	run_cmd ip tuntap add dev "dut$type" mode "$type" \
		multi_queue user 4242 group 4343 ||
		ktap_exit_fail_msg "ip tuntap add through $DEV failed"
done

# sysfs_of DEV: every readable attribute of DEV and its queues as
# "path: value", DEV's name as DEV; not the ones that name the interface
# (ifindex, iflink, uevent) or its random MAC (address).
sysfs_of()
{
	# shellcheck disable=SC2016 # expanded by the inner bash
	bash -c '
		cd "/sys/class/net/$1" || exit 1
		for f in * queues/*/* queues/*/*/*; do
			case $f in
			ifindex|iflink|uevent|address) continue ;;
			esac
			[ -f "$f" ] && [ -r "$f" ] || continue
			printf "%s: %s\n" "$f" "$(cat "$f" 2>&1)"
		done' _ "$1" | sed "s/$1/DEV/g"
}

# ip_details_of DEV: "ip -d link show" of DEV without its index, name,
# MAC and kind.
ip_details_of()
{
	ip -d link show dev "$1" |
		sed -e "s/^[0-9]*: $1:/DEV:/" -e 's/link\/ether [0-9a-f:]*/MAC/' \
		    -e 's/^    v\{0,1\}tun type/    KIND type/'
}

# differ LABEL WANT GOT: log both and fail when WANT and GOT differ.
differ()
{
	[ "$2" = "$3" ] && return 0
	log_info "$1 on tun:"
	printf '%s\n' "$2" | sed 's/^/#   /'
	log_info "$1 on $DEV:"
	printf '%s\n' "$3" | sed 's/^/#   /'
	check_err 1 "$1 differs from tun"
}

export IP_LIB_DIR=${VPAIR_IP_LIB_DIR:-$(cd "$(dirname "$0")/../tools/iproute2" && pwd)}
for type in tun tap; do
	run_cmd ip link set dev "ref$type" up
	run_cmd ip link set dev "dut$type" up
	want=$(sysfs_of "ref$type" | sed 's/^speed: 10$/speed: 10000/')
	[[ $want == *"tun_flags: 0x"*"queues/tx-0/tx_maxrate: "* ]]
	check_err $? "sysfs of ref$type could not be read"
	differ "sysfs" "$want" "$(sysfs_of "dut$type")"
	log_test "$type: every sysfs attribute reads as on tun"
	differ "ip -d link show" "$(ip_details_of "ref$type")" \
		"$(ip_details_of "dut$type")"
	log_test "$type: ip -d link show prints what it prints for tun"
done

for type in tun tap; do
	same "$type" settings DEV
	log_test "$type: ethtool link settings are tun's"

	same "$type" info -i DEV
	log_test "$type: ethtool -i bus-info and supports fields are tun's"

	same "$type" features -k DEV
	same "$type" timestamping -T DEV
	same "$type" stats -S DEV
	log_test "$type: ethtool features, timestamping and statistics are tun's"

	for dev in "ref$type" "dut$type"; do
		run_cmd ethtool -C "$dev" rx-frames 100
	done
	same "$type" coalesce -c DEV
	log_test "$type: ethtool -C rx-frames 100 reads back as on tun"

	for dev in "ref$type" "dut$type"; do
		run_cmd ethtool -s "$dev" msglvl 0x15 \
			speed 100 duplex half
		check_err $? "ethtool -s $dev failed"
	done
	same "$type" "set settings" DEV
	log_test "$type: ethtool -s msglvl, speed and duplex read back as on tun"

	for dev in "ref$type" "dut$type"; do
		run_cmd set_debug "$type" "$dev" 0x7
		check_err $? "TUNSETDEBUG on $dev failed"
	done
	same "$type" "TUNSETDEBUG" DEV
	log_test "$type: TUNSETDEBUG sets the message level as on tun"

	if ethtool -l "ref$type" >/dev/null 2>&1; then
		same "$type" channels -l DEV
	else
		ethtool_of "dut$type" -l DEV | tr -s '\t ' ' ' |
			grep -q '^Combined: 256$'
		check_err $? "ethtool -l shows no maximum of 256 combined"
	fi
	log_test "$type: ethtool -l channels are tun's, else 256 at most"
done

# The settings live with the device: a new one starts from the defaults.
run_cmd ip tuntap del dev duttap mode tap multi_queue
run_cmd ip tuntap add dev duttap mode tap multi_queue
check_err $? "ip tuntap add failed"
ethtool_of duttap DEV | grep -q 'Speed: 10000Mb/s'
check_err $? "a new device does not start at 10000Mb/s"
ethtool_of duttap -c DEV | tr -s '\t ' ' ' | grep -q '^rx-frames: 0$'
check_err $? "a new device does not start with rx-frames 0"
log_test "a new device starts from the default speed and rx-frames"

# Bad input gets the errors tun's gets.
same tap "tx-frames" -C DEV tx-frames 5
same tap "speed 0" -s DEV speed 0
same tun "rx-usecs" -C DEV rx-usecs 7
same tun "no such msglvl" -s DEV msglvl nosuch
log_test "bad ethtool input fails as on tun"

ktap_finished
