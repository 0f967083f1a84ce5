#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Native XDP on the pair (ip link ... xdpdrv: ndo_bpf, ndo_xdp_xmit),
# after Linux's selftests/net/veth.sh: the xdp-features an end
# advertises; XDP_PASS, XDP_DROP and XDP_ABORTED on an end's receive;
# XDP_TX back through the peer; XDP_REDIRECT into nowhere (counted as
# drops), from a veth into an end and from an end into a veth; frames
# sent into an end whose peer is down; only IP redirected into an l3 end; the peer's MTU capped and its GSO
# off while a program is attached; the channel rules; programs swapped
# under a TCP stream; deletion with programs attached; the page pools
# of the copies programs run on, in ethtool -S. The programs are
# the selftests' xdp_*.bpf.o, built from xdp_act.bpf.c.
#
# Set VPAIR_KIND=veth to run the same against veth, which takes frames
# (XDP_TX, redirects) only at an end whose peer has a program or GRO:
# the tests give it one where veth needs it. Per-queue XDP counters and
# the paths veth lacks are checked on vpair only.

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header
KIND=$VPAIR_KIND
require_root
require_module "$(kind_module "$KIND")"
require_module veth
require_cmd python3 ethtool
require_built xdp_pass.bpf.o xdp_drop.bpf.o xdp_tx.bpf.o xdp_aborted.bpf.o \
	xdp_redirect.bpf.o
ktap_set_plan 13
log_info "link kind: $KIND"

# the index xdp_redirect.bpf.o sends every frame to
REDIRECT_IFINDEX=$(awk '/define XDP_REDIRECT_IFINDEX/ { print $3 }' \
	"$SELFTESTS_DIR/xdp_act.h")
N=50

setup_ns NS1 NS2 NS3 NS4 NS5 NS6 NS7 NS8 NS9 NS10 NS11 NS12 NS13 ||
	exit_skip "cannot create network namespaces"
ns_disable_ipv6 "${NS_LIST[@]}"
TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
QSTATS="$SELFTESTS_DIR/vpair_qstats.py"

is_vpair() { [ "$KIND" = vpair ]; }
xdp_on() { ip -n "$1" -force link set dev "$2" xdpdrv obj "$SELFTESTS_DIR/xdp_$3.bpf.o" sec xdp; }
xdp_off() { ip -n "$1" link set dev "$2" xdpdrv off; }
has_xdp() { ip -n "$1" -d link show dev "$2" | grep -q "prog/xdp"; }

# link_up NS DEV ADDR PEER_ADDR PEER_MAC: address, up, a static neighbour
# (no ARP: counters move only for the traffic a test sends)
link_up()
{
	ns_addr_up "$1" "$2" "$3/24" &&
		ip -n "$1" neigh replace "$4" dev "$2" nud permanent lladdr "$5"
}

# recv_start NS ADDR PORT: a UDP socket at ADDR:PORT in NS that counts
# datagrams until one says END; recv_wait waits for it and sets GOT to
# how many (not in a command substitution: a subshell cannot wait for
# its parent's child, and the next receiver would find the port taken).
recv_start()
{
	rm -f "$TMPD/ready"
	nsx "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# a frame from XDP is a page of truesize: 51 of them overflow the default
# buffer (RcvbufErrors) when a slow guest lets the reader lag
s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)    # SO_RCVBUFFORCE
s.bind((sys.argv[1], int(sys.argv[2])))
open(sys.argv[3], "w").close()
s.settimeout(30)
n = 0
try:
    while s.recv(2048) != b"END":
        n += 1
    print(n)
except socket.timeout:
    print("no END after", n)' "$2" "$3" "$TMPD/ready" >"$TMPD/count" &
	RECV=$!
	busywait 10 test -f "$TMPD/ready"
}
recv_wait() { wait "$RECV"; GOT=$(cat "$TMPD/count"); }


# The main pair: va in NS1, vb in NS2, two queues each way.
nl_add() { NS=$1 nl add "${@:2}"; }
nl_add "$NS1" va --peer vb --peer-netns "/run/netns/$NS2" --txq 2 --rxq 2 \
	--peer-txq 2 --peer-rxq 2 || ktap_exit_fail_msg "cannot create the pair"
link_up "$NS1" va 10.23.9.1 10.23.9.2 "$(mac_of "$NS2" vb)"
link_up "$NS2" vb 10.23.9.2 10.23.9.1 "$(mac_of "$NS1" va)"
nsx "$NS1" ping -q -c 1 -W 5 10.23.9.2 >/dev/null ||
	ktap_exit_fail_msg "no ping across the pair"

# 1: xdp-features (netdev netlink, 6.3 and later)
feat=$(nsx "$NS2" python3 "$QSTATS" "$(ns_sysfs "$NS2" vb ifindex)" xdp)
case "$feat" in
ENOENT|EOPNOTSUPP|EINVAL|"")
	ktap_test_skip "xdp-features: this kernel has none (6.3): '$feat'"
	;;
*)
	# basic 1, redirect 2, ndo-xmit 4: veth takes frames only at an end
	# whose peer has a program or GRO, vpair always
	want=3
	is_vpair && want=7
	[ $((feat & 7)) -eq "$want" ]
	check_err $? "xdp-features $feat, wanted the bits of $want"
	log_test "xdp-features: basic, redirect$(is_vpair && echo ", ndo-xmit") ($feat)"
	;;
esac

# 2: XDP_PASS delivers, and counts
xdp_on "$NS2" vb pass
check_err $? "attaching xdp_pass"
has_xdp "$NS2" vb
check_err $? "ip link shows no program on vb"
pass0=$(qsum "$NS2" vb xdp_pass)
recv_start "$NS2" 10.23.9.2 4001
send_datagrams "$NS1" 10.23.9.2 4001 "$N" end
recv_wait
[ "$GOT" = "$N" ]
check_err $? "XDP_PASS: $GOT of $N datagrams arrived"
if is_vpair; then
	[ $(($(qsum "$NS2" vb xdp_pass) - pass0)) -eq $((N + 1)) ]
	check_err $? "xdp_pass counted $(($(qsum "$NS2" vb xdp_pass) - pass0)), sent $((N + 1))"
fi
nsx "$NS1" ping -q -c 2 -W 5 10.23.9.2 >/dev/null
check_err $? "no ping through xdp_pass"
log_test "XDP_PASS on an end: every datagram arrives, counted per queue"

# 3: XDP_DROP and XDP_ABORTED: nothing arrives; ABORTED is a drop
for act in drop aborted; do
	xdp_on "$NS2" vb "$act"
	check_err $? "attaching xdp_$act"
	n0=$(qsum "$NS2" vb "xdp_$act")
	d0=$(stat_of "$NS2" vb rx_dropped)
	recv_start "$NS2" 10.23.9.2 4002
	send_datagrams "$NS1" 10.23.9.2 4002 "$N"
	xdp_on "$NS2" vb pass
	send_datagrams "$NS1" 10.23.9.2 4002 0 end
	recv_wait
	[ "$GOT" = 0 ]
	check_err $? "XDP_${act^^}: $GOT datagrams arrived"
	if is_vpair; then
		[ $(($(qsum "$NS2" vb "xdp_$act") - n0)) -eq "$N" ]
		check_err $? "xdp_$act counted $(($(qsum "$NS2" vb "xdp_$act") - n0)) of $N"
		want=0
		[ "$act" = aborted ] && want=$N
		[ $(($(stat_of "$NS2" vb rx_dropped) - d0)) -eq "$want" ]
		check_err $? "XDP_${act^^}: rx_dropped grew by $(($(stat_of "$NS2" vb rx_dropped) - d0)), not $want"
	fi
done
log_test "XDP_DROP and XDP_ABORTED: nothing arrives (ABORTED counts as a drop)"

# 4: XDP_TX sends the frame back through the peer. veth takes it only
# with a program on the peer; vpair with or without one.
xdp_tx_round()
{
	local rx0 tx0

	rx0=$(stat_of "$NS1" va rx_packets)
	tx0=$(qsum "$NS2" vb xdp_tx)
	send_datagrams "$NS1" 10.23.9.2 4003 "$N"
	busywait 10 stat_is "$NS1" va rx_packets $((rx0 + N))
	check_err $? "XDP_TX $1: va received $(($(stat_of "$NS1" va rx_packets) - rx0)) of $N"
	if is_vpair; then
		[ $(($(qsum "$NS2" vb xdp_tx) - tx0)) -eq "$N" ]
		check_err $? "XDP_TX $1: xdp_tx counted $(($(qsum "$NS2" vb xdp_tx) - tx0))"
	fi
}
if is_vpair; then
	xdp_on "$NS2" vb tx
	xdp_tx_round "without a program on the peer"
fi
xdp_on "$NS1" va pass
xdp_on "$NS2" vb tx
pass0=$(qsum "$NS1" va xdp_pass)
xdp_tx_round "with xdp_pass on the peer"
if is_vpair; then
	[ $(($(qsum "$NS1" va xdp_pass) - pass0)) -eq "$N" ]
	check_err $? "the peer's program saw $(($(qsum "$NS1" va xdp_pass) - pass0)) of $N frames"
fi
xdp_off "$NS1" va
log_test "XDP_TX: every frame comes back through the peer"

# 5: XDP_REDIRECT to an index nobody has: dropped, counted as drops
xdp_on "$NS2" vb redirect
d0=$(stat_of "$NS2" vb rx_dropped)
send_datagrams "$NS1" 10.23.9.2 4004 "$N"
busywait 10 stat_is "$NS2" vb rx_dropped $((d0 + N))
check_err $? "rx_dropped grew by $(($(stat_of "$NS2" vb rx_dropped) - d0)), not $N"
if is_vpair; then
	[ "$(qsum "$NS2" vb xdp_errors)" -ge "$N" ]
	check_err $? "xdp_errors $(qsum "$NS2" vb xdp_errors)"
fi
xdp_off "$NS2" vb
log_test "XDP_REDIRECT into nowhere: every frame counted as a receive drop"

# 6: a veth's program redirects into an end (ndo_xdp_xmit): the frames
# arrive at the end's peer. vx0 (NS4) -> vx1 (NS3, xdp_redirect) -> ra
# (NS3, the redirect index) -> rb (NS5, vx1's address and MAC).
ip -n "$NS4" link add vx0 type veth peer name vx1 netns "$NS3" &&
	nl_add "$NS3" vr0 --index "$REDIRECT_IFINDEX" --peer vr1 \
		--peer-netns "/run/netns/$NS5"
check_err $? "cannot create the links"
ip -n "$NS3" link set vx1 up && ip -n "$NS3" link set vr0 up
ip -n "$NS5" link set vr1 address "$(mac_of "$NS3" vx1)"
link_up "$NS5" vr1 10.23.10.2 10.23.10.1 "$(mac_of "$NS4" vx0)"
link_up "$NS4" vx0 10.23.10.1 10.23.10.2 "$(mac_of "$NS3" vx1)"
# veth's XDP sends a frame on as it is, with a checksum the sender left
# to the device unfinished: the sender finishes it
nsx "$NS4" ethtool -K vx0 tx off >/dev/null
xdp_on "$NS3" vx1 redirect
check_err $? "attaching xdp_redirect to the veth"
# path_stats: the counters along the path, where a frame went missing,
# and the IP and UDP counters of the last namespace (the header lines
# name them)
# shellcheck disable=SC2016 # awk fields, not shell variables
path_stats()
{
	echo "vx0 tx $(stat_of "$NS4" vx0 tx_packets)/$(stat_of "$NS4" vx0 tx_dropped)," \
		"vx1 rx $(stat_of "$NS3" vx1 rx_packets)/$(stat_of "$NS3" vx1 rx_dropped)" \
		"$(nsx "$NS3" ethtool -S vx1 | awk '/xdp_redirect:/ { s += $2 } END { print "redirected " s + 0 }'),"\
		"vr0 tx $(stat_of "$NS3" vr0 tx_packets)/$(stat_of "$NS3" vr0 tx_dropped)," \
		"vr1 rx $(stat_of "$NS5" vr1 rx_packets)/$(stat_of "$NS5" vr1 rx_dropped);" \
		"$(nsx "$NS5" awk '$1 == "Ip:" || $1 == "Udp:"' /proc/net/snmp | xargs)"
}
redirect_round()
{
	recv_start "$NS5" 10.23.10.2 4005
	send_datagrams "$NS4" 10.23.10.2 4005 "$N" end
	recv_wait
	[ "$GOT" = "$N" ]
	check_err $? "veth -> end, $1: $GOT of $N datagrams arrived (packets/drops: $(path_stats))"
}
if is_vpair; then
	redirect_round "no program on the end's peer"
fi
xdp_on "$NS5" vr1 pass
pass0=$(qsum "$NS5" vr1 xdp_pass)
redirect_round "xdp_pass on the end's peer"
if is_vpair; then
	[ $(($(qsum "$NS5" vr1 xdp_pass) - pass0)) -eq $((N + 1)) ]
	check_err $? "the peer's program saw $(($(qsum "$NS5" vr1 xdp_pass) - pass0)) of $((N + 1))"
fi
# a peer that is down takes nothing: the frames are transmit drops
ip -n "$NS5" link set vr1 down
d0=$(stat_of "$NS3" vr0 tx_dropped)
send_datagrams "$NS4" 10.23.10.2 4005 "$N"
busywait 10 stat_is "$NS3" vr0 tx_dropped $((d0 + N))
check_err $? "peer down: tx_dropped grew by $(($(stat_of "$NS3" vr0 tx_dropped) - d0)), not $N"
log_test "XDP_REDIRECT veth -> end: the frames arrive at the end's peer"

# 7: an end's program redirects into a veth: pa (NS6) -> pb (NS7,
# xdp_redirect) -> vy0 (NS7, the redirect index) -> vy1 (NS8, pb's
# address and MAC, with the program veth needs to take frames).
nl_add "$NS6" vp0 --peer vp1 --peer-netns "/run/netns/$NS7" &&
	ip -n "$NS7" link add vy0 index "$REDIRECT_IFINDEX" type veth \
		peer name vy1 netns "$NS8"
check_err $? "cannot create the links"
ip -n "$NS7" link set vp1 up && ip -n "$NS7" link set vy0 up
ip -n "$NS8" link set vy1 address "$(mac_of "$NS7" vp1)"
link_up "$NS8" vy1 10.23.11.2 10.23.11.1 "$(mac_of "$NS6" vp0)"
link_up "$NS6" vp0 10.23.11.1 10.23.11.2 "$(mac_of "$NS7" vp1)"
xdp_on "$NS8" vy1 pass
# vpair finishes the checksums a frame that leaves needs (see 6)
is_vpair || nsx "$NS6" ethtool -K vp0 tx off >/dev/null
xdp_on "$NS7" vp1 redirect
check_err $? "attaching xdp_redirect to the end"
recv_start "$NS8" 10.23.11.2 4006
send_datagrams "$NS6" 10.23.11.2 4006 "$N" end
recv_wait
[ "$GOT" = "$N" ]
check_err $? "end -> veth: $GOT of $N datagrams arrived"
if is_vpair; then
	[ "$(qsum "$NS7" vp1 xdp_redirect)" -eq $((N + 1)) ]
	check_err $? "xdp_redirect counted $(qsum "$NS7" vp1 xdp_redirect)"
fi
log_test "XDP_REDIRECT end -> veth: the frames arrive at the veth's peer"

# 8: while vb has a program: va's MTU stays within a page, no GSO on va
ip -n "$NS1" link set va mtu 9000
out=$(NS=$NS2 reply xdp vb)
[ "${out%%:*}" = ERANGE ]
check_err $? "attaching with the peer's MTU at 9000: $out"
if is_vpair; then
	grep -q "one page" <<<"$out"
	check_err $? "no extack naming the page limit: $out"
fi
has_xdp "$NS2" vb && check_err 1 "a refused program is attached"
ip -n "$NS1" link set va mtu 1500
xdp_on "$NS2" vb pass
check_err $? "attaching with the peer's MTU at 1500"
# the core refuses (EINVAL); ip(8) shows its extack, not the errno
out=$(ip -n "$NS1" link set va mtu 4000 2>&1)
check_fail $? "raising the peer's MTU above a page"
grep -q "mtu greater than device maximum" <<<"$out"
check_err $? "raising the peer's MTU above a page: $out"
maxmtu=$(ip -n "$NS1" -d link show va | grep -o 'maxmtu [0-9]*' | cut -d' ' -f2)
[ -n "$maxmtu" ] && [ "$maxmtu" -lt 4000 ] && ip -n "$NS1" link set va mtu "$maxmtu"
check_err $? "maxmtu '$maxmtu' cannot be set"
nsx "$NS1" ethtool -k va | grep -q "^tcp-segmentation-offload: off"
check_err $? "TSO still on towards a program"
# XDP_TX fills in an internet checksum, never an SCTP CRC (veth does not care)
if is_vpair; then
	nsx "$NS1" ethtool -k va | grep -q "tx-checksum-sctp: off"
	check_err $? "SCTP CRC offload still on towards a program"
fi
xdp_off "$NS2" vb
ip -n "$NS1" link set va mtu 9000
check_err $? "MTU 9000 refused after detaching"
nsx "$NS1" ethtool -k va | grep -q "^tcp-segmentation-offload: on"
check_err $? "TSO not back after detaching"
if is_vpair; then
	nsx "$NS1" ethtool -k va | grep -q "tx-checksum-sctp: on"
	check_err $? "SCTP CRC offload not back after detaching"
fi
ip -n "$NS1" link set va mtu 1500
log_test "a program caps the peer's MTU to a page (maxmtu $maxmtu), its GSO and SCTP CRC"

# 9: channels: every tx queue of the peer keeps an rx queue of the end
nsx "$NS2" ethtool -L vb rx 1 tx 2
out=$(NS=$NS2 reply xdp vb)
[ "${out%%:*}" = ENOSPC ]
check_err $? "attaching with 1 rx queue for 2 peer tx queues: $out"
nsx "$NS2" ethtool -L vb rx 2 tx 2
xdp_on "$NS2" vb pass
check_err $? "attaching with 2 rx queues"
nsx "$NS2" ethtool -L vb rx 1 tx 2 2>/dev/null
check_fail $? "vb went down to 1 rx queue under a program"
nsx "$NS1" ethtool -L va rx 2 tx 1 && nsx "$NS2" ethtool -L vb rx 1 tx 2
check_err $? "channel changes that keep the rule"
nsx "$NS1" ethtool -L va rx 2 tx 2 2>/dev/null
check_fail $? "va went up to 2 tx queues for 1 rx queue under a program"
recv_start "$NS2" 10.23.9.2 4007
send_datagrams "$NS1" 10.23.9.2 4007 "$N" end
recv_wait
[ "$GOT" = "$N" ]
check_err $? "after channel changes: $GOT of $N datagrams arrived"
xdp_off "$NS2" vb
nsx "$NS1" ethtool -L va rx 2 tx 2 && nsx "$NS2" ethtool -L vb rx 2 tx 2
check_err $? "restoring the channels"
log_test "channel changes keep a tx queue of the peer from losing its rx queue"

# 10: programs swapped and detached under a TCP stream (with GRO too)
tcp_xfer "$NS1" "$NS2" 10.23.9.2 4000000 >"$TMPD/bytes" &
xfer=$!
for i in 1 2 3 4 5 6 7 8; do
	xdp_on "$NS2" vb pass || check_err 1 "attach $i under traffic"
	xdp_on "$NS1" va pass || check_err 1 "attach on va $i under traffic"
	[ "$i" = 4 ] && nsx "$NS2" ethtool -K vb gro on
	xdp_off "$NS2" vb || check_err 1 "detach $i under traffic"
	xdp_off "$NS1" va || check_err 1 "detach on va $i under traffic"
done
nsx "$NS2" ethtool -K vb gro off
wait "$xfer"
[ "$(cat "$TMPD/bytes")" = 4000000 ]
check_err $? "$(cat "$TMPD/bytes") of 4000000 bytes arrived"
nsx "$NS1" ping -q -c 1 -W 5 10.23.9.2 >/dev/null
check_err $? "no ping after the swaps"
log_test "programs attached and detached under a TCP stream: it arrives whole"

# 11: deletion with programs attached, through an end and a namespace
xdp_on "$NS1" va pass && xdp_on "$NS2" vb tx
check_err $? "attaching before deletion"
send_datagrams "$NS1" 10.23.9.2 4008 "$N"
ip -n "$NS1" link del va
check_err $? "deleting va with programs on both ends"
busywait 10 link_gone "$NS2" vb
check_err $? "vb outlived va"
nl_add "$NS1" vc --peer vd --peer-netns "/run/netns/$NS2"
check_err $? "a new pair"
ip -n "$NS1" link set vc up && ip -n "$NS2" link set vd up
xdp_on "$NS1" vc pass && xdp_on "$NS2" vd pass
check_err $? "attaching to the new pair"
cleanup_ns "$NS2"
busywait 10 link_gone "$NS1" vc
check_err $? "vc outlived its peer's namespace"
log_test "deleting a pair with programs attached, through an end or a namespace"

# l3_redirect_round WHAT: N frames of a local experimental EtherType, then
# N datagrams, from wa: only the datagrams reach lb.
l3_redirect_round()
{
	local d0 rx0

	d0=$(stat_of "$NS10" la tx_dropped)
	rx0=$(stat_of "$NS11" lb rx_packets)
	recv_start "$NS11" 10.23.12.2 4012
	nsx "$NS9" python3 -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
for _ in range(int(sys.argv[2])):
    s.send(bytes(6) + bytes.fromhex("020000000001") + b"\x88\xb5" + bytes(46))
' wa "$N"
	check_err $? "$1: sending raw frames"
	send_datagrams "$NS9" 10.23.12.2 4012 "$N" end
	recv_wait
	[ "$GOT" = "$N" ]
	check_err $? "$1: $GOT of $N datagrams arrived"
	busywait 10 stat_is "$NS10" la tx_dropped $((d0 + N))
	check_err $? "$1: tx_dropped of la grew by $(($(stat_of "$NS10" la tx_dropped) - d0)), not $N"
	[ $(($(stat_of "$NS11" lb rx_packets) - rx0)) -eq $((N + 1)) ]
	check_err $? "$1: lb received $(($(stat_of "$NS11" lb rx_packets) - rx0)) frames, not the $((N + 1)) datagrams"
}

# 12: frames redirected into an l3 end obey its rule: only IP crosses.
# wa (NS9) -> wb (NS10, xdp_redirect) -> la (NS10, l3, the redirect
# index) -> lb (NS11). l3 ends have an all-zero MAC: wa addresses them so.
if is_vpair; then
	ip -n "$NS9" link add wa type veth peer name wb netns "$NS10" &&
		nl_add "$NS10" la --index "$REDIRECT_IFINDEX" --mode 1 --peer lb \
			--peer-netns "/run/netns/$NS11"
	check_err $? "cannot create the links"
	ip -n "$NS10" link set wb up && ip -n "$NS10" link set la up
	ip -n "$NS11" addr add 10.23.12.2/24 dev lb && ip -n "$NS11" link set lb up
	link_up "$NS9" wa 10.23.12.1 10.23.12.2 00:00:00:00:00:00
	nsx "$NS9" ethtool -K wa tx off >/dev/null
	xdp_on "$NS10" wb redirect
	check_err $? "attaching xdp_redirect to the veth"
	# lb takes the frames in its backlog, then on its rings (GRO)
	for gro in off on; do
		nsx "$NS11" ethtool -K lb gro "$gro" >/dev/null
		l3_redirect_round "lb gro $gro"
	done
	log_test "XDP_REDIRECT into an l3 end: only IP crosses, the rest are tx drops"
else
	ktap_test_skip "XDP_REDIRECT into an l3 end: veth has no l3 mode"
fi

# pp_sum NS DEV WHAT...: the sum of DEV's rx_pp_WHAT counters
pp_sum()
{
	local ns=$1 dev=$2

	shift 2
	nsx "$ns" ethtool -S "$dev" |
		awk -v re="^rx_pp_($(IFS='|'; echo "$*")):" \
			'$1 ~ re { s += $2 } END { print s + 0 }'
}
# pages out of pq1's pools, and back (recycled, or freed for good)
pp_out() { pp_sum "$NS13" pq1 alloc_fast alloc_slow; }
pp_home() { pp_sum "$NS13" pq1 recycle_cached recycle_ring recycle_released_ref; }
# at_least N CMD...: CMD prints N or more
at_least() { [ "$("${@:2}")" -ge "$1" ]; }

# pp_round ACT: N datagrams from pq0 to pq1, whose program says ACT on
# copies from its pools: as many pages come out of the pools as
# datagrams go in, and at least as many go back.
pp_round()
{
	local a0 r0 n0

	xdp_on "$NS13" pq1 "$1"
	check_err $? "attaching xdp_$1 to pq1"
	a0=$(pp_out)
	r0=$(pp_home)
	n0=$(qsum "$NS13" pq1 "xdp_$1")
	send_datagrams "$NS12" 10.23.13.2 4013 "$N"
	busywait 10 at_least $((n0 + N)) qsum "$NS13" pq1 "xdp_$1"
	check_err $? "XDP_${1^^}: xdp_$1 counted $(($(qsum "$NS13" pq1 "xdp_$1") - n0)) of $N"
	at_least $((a0 + N)) pp_out
	check_err $? "XDP_${1^^}: the pools gave out $(($(pp_out) - a0)) pages for $N copies"
	busywait 10 at_least $((r0 + N)) pp_home
	check_err $? "XDP_${1^^}: $(($(pp_home) - r0)) of $N pages came back to the pools"
}

# 13: the copies a program runs on (a local UDP datagram has too little
# headroom to run in place) are pages of the rx queue's page pool:
# ethtool -S sums the pools' counters over the rx queues, with the
# core's names, on a kernel that counts for page pools. veth shows the
# same counters on such a kernel: it tells whether this one does.
if is_vpair; then
	ip -n "$NS12" link add vz0 type veth peer name vz1 &&
		nl_add "$NS12" pq0 --peer pq1 --peer-netns "/run/netns/$NS13"
	check_err $? "cannot create the links"
	link_up "$NS12" pq0 10.23.13.1 10.23.13.2 "$(mac_of "$NS13" pq1)"
	link_up "$NS13" pq1 10.23.13.2 10.23.13.1 "$(mac_of "$NS12" pq0)"
	nveth=$(nsx "$NS12" ethtool -S vz0 | grep -c "^ *rx_pp_")
	nours=$(nsx "$NS13" ethtool -S pq1 | grep -c "^ *rx_pp_")
	if [ "$nveth" -eq 0 ] && [ "$nours" -ne 0 ]; then
		check_err 1 "$nours rx_pp_* counters on a kernel without page pool stats"
		log_test "page pool counters: none on a kernel that counts none"
	elif [ "$nveth" -eq 0 ]; then
		msg="page pool counters: this kernel counts none"
		ktap_test_skip "$msg (no CONFIG_PAGE_POOL_STATS: veth shows none either)"
	else
		# the same names as veth's, once each, and the counters of
		# the queues are still all there
		nsx "$NS12" ethtool -S vz0 | awk '$1 ~ /^rx_pp_/ { print $1 }' >"$TMPD/pp_veth"
		nsx "$NS13" ethtool -S pq1 | awk '$1 ~ /^rx_pp_/ { print $1 }' >"$TMPD/pp_ours"
		cmp -s "$TMPD/pp_veth" "$TMPD/pp_ours"
		check_err $? "pq1's rx_pp_* counters are not veth's: $(xargs <"$TMPD/pp_ours")"
		nsx "$NS13" ethtool -S pq1 | grep -q "^ *tx_queue_0_drops:"
		check_err $? "the queue counters went missing"
		pp_round drop
		pp_round tx
		# a pool goes with its ring; a new one starts from zero
		xdp_off "$NS13" pq1
		[ "$(pp_out)" -eq 0 ]
		check_err $? "the pools' counters outlived the pools"
		msg="page pools of the copies: rx_pp_* in ethtool -S ($nours),"
		log_test "$msg growing with XDP_DROP and XDP_TX"
	fi
else
	ktap_test_skip "page pool counters in ethtool -S: vpair's per-queue rings only"
fi

ktap_finished
