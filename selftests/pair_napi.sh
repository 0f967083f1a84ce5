#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NAPI mode of the pair, after Linux's selftests/net/veth.sh: GRO off by
# default and TCP segments arriving one by one, GRO on merging them
# (the ring and its NAPI instance), threaded NAPI, the rx ring size set
# with ethtool -G (and refused sizes), ring resizes and channel changes
# under traffic, backpressure into a qdisc (nothing lost that the qdisc
# did not drop and count, BQL settled afterwards) and per-queue drops
# without one, and netdev netlink: per-queue statistics (qstats-get)
# agreeing with ip -s link and ethtool -S, rx queues linked to their
# NAPI instance.

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header
[ "$VPAIR_KIND" = vpair ] || exit_skip "vpair-only features (ethtool -G, qstats)"
require_root
require_module vpair
require_cmd python3 ethtool tc taskset chrt pgrep
ktap_set_plan 11

setup_ns NS NS2 || exit_skip "cannot create network namespaces"
TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
QSTATS="$(dirname "$(readlink -f "$0")")/vpair_qstats.py"

nl add va --peer vb --peer-netns "/run/netns/$NS2" ||
	ktap_exit_fail_msg "cannot create the pair"
ns_disable_ipv6 "$NS"
ns_disable_ipv6 "$NS2"
ns_addr_up "$NS" va 10.23.7.1/24
ns_addr_up "$NS2" vb 10.23.7.2/24
# no ARP either: counters move only for the traffic the test sends. An
# end taken down loses its neighbours, permanent ones too: pinned again.
pin_neighbours()
{
	ip -n "$NS" neigh replace 10.23.7.2 dev va nud permanent \
		lladdr "$(ns_sysfs "$NS2" vb address)" &&
		ip -n "$NS2" neigh replace 10.23.7.1 dev vb nud permanent \
			lladdr "$(ns_sysfs "$NS" va address)"
}
pin_neighbours
ip netns exec "$NS" ping -q -c 1 -W 5 10.23.7.2 >/dev/null ||
	ktap_exit_fail_msg "no ping across the pair"
# segments leave va one by one: GSO splits them, as with TSO off on veth
ip netns exec "$NS" ethtool -K va tso off >/dev/null

# shellcheck disable=SC2016 # awk fields, not shell variables
ip_in() { nsx "$1" awk '/^Ip: [0-9]/ { print $4 }' /proc/net/snmp; }
# ip_out NS: the IP packets NS's stack sent (OutRequests)
# shellcheck disable=SC2016 # awk fields, not shell variables
ip_out() { nsx "$1" awk '/^Ip: [0-9]/ { print $11 }' /proc/net/snmp; }
# flood_mark, flood_where: what the stack and the two ends counted
# between them, for a flood whose numbers do not add up
flood_mark()
{
	read -ra mark <<<"$(ip_out "$NS") $(stat_of "$NS" va tx_packets) \
$(stat_of "$NS2" vb rx_packets) $(ip_in "$NS2")"
}
flood_where()
{
	echo "IP sent $(($(ip_out "$NS") - mark[0])), va tx" \
		"$(($(stat_of "$NS" va tx_packets) - mark[1])), vb rx" \
		"$(($(stat_of "$NS2" vb rx_packets) - mark[2])), IP received" \
		"$(($(ip_in "$NS2") - mark[3]))"
}
# udp_in NS: datagrams NS's UDP took for a port without a socket (the
# tests' floods go to port 9): what arrived of a flood, and nothing else
# shellcheck disable=SC2016 # awk fields, not shell variables
udp_in() { nsx "$1" awk '/^Udp: [0-9]/ { print $3 }' /proc/net/snmp; }
flag() { nsx "$1" ethtool -k "$2" | awk -v f="$3:" '$1 == f { print $2 }'; }
estat() { nsx "$1" ethtool -S "$2" | awk -v k="$3:" '$1 == k { print $2 }'; }

# tcp_to_vb BYTES: BYTES over TCP from va to vb; prints what arrived.
tcp_to_vb() { tcp_xfer "$NS" "$NS2" 10.23.7.2 "$1"; }

# xfer_counts BYTES: the frames vb received and the IP packets its stack
# saw in one transfer, as "rx_frames ip_packets". Without GRO the two are
# about equal (>= 90 %); GRO merges at least a quarter away (<= 75 %),
# even on a slow debug kernel whose polls see few segments each.
xfer_counts()
{
	local rx0 ip0 got

	rx0=$(stat_of "$NS2" vb rx_packets)
	ip0=$(ip_in "$NS2")
	got=$(tcp_to_vb "$1")
	[ "$got" = "$1" ] || check_err 1 "only $got of $1 bytes arrived"
	echo $(($(stat_of "$NS2" vb rx_packets) - rx0)) $(($(ip_in "$NS2") - ip0))
}

# 1: veth's defaults, and no merging without GRO
[ "$(flag "$NS2" vb generic-receive-offload)" = off ] &&
	[ "$(flag "$NS" va generic-receive-offload)" = off ]
check_err $? "GRO is on by default"
[ "$(flag "$NS2" vb tcp-segmentation-offload)" = on ]
check_err $? "TSO is off by default"
read -r frames ippkts <<<"$(xfer_counts 1000000)"
[ $((ippkts * 10)) -ge $((frames * 9)) ]
check_err $? "GRO off: $frames frames became $ippkts IP packets"
log_test "GRO is off by default as on veth; segments arrive one by one"

# 2: GRO on: the ring and its NAPI instance merge segments
nsx "$NS2" ethtool -K vb gro on
check_err $? "ethtool -K gro on"
[ "$(flag "$NS2" vb generic-receive-offload)" = on ]
check_err $? "GRO flag not on"
[ "$(flag "$NS" va generic-receive-offload)" = off ]
check_err $? "the peer's GRO flag changed"
read -r frames ippkts <<<"$(xfer_counts 1000000)"
[ "$frames" -gt 0 ] && [ $((ippkts * 4)) -le $((frames * 3)) ]
check_err $? "GRO on: $frames frames became $ippkts IP packets"
log_test "GRO on merges TCP segments ($frames frames, $ippkts IP packets)"

# 3: threaded NAPI
nsx "$NS2" sh -c 'echo 1 > /sys/class/net/vb/threaded'
check_err $? "writing threaded"
[ "$(ns_sysfs "$NS2" vb threaded)" = 1 ]
check_err $? "threaded reads $(ns_sysfs "$NS2" vb threaded)"
pgrep '^napi/vb-' >/dev/null
check_err $? "no napi/vb-* thread"
read -r frames ippkts <<<"$(xfer_counts 1000000)"
[ "$frames" -gt 0 ] && [ $((ippkts * 4)) -le $((frames * 3)) ]
check_err $? "threaded: $frames frames became $ippkts IP packets"
log_test "threaded NAPI: a thread per rx queue, segments still merged"

# 4: ethtool -G rx: default, maximum, refused sizes leave it alone
ring() { nsx "$NS2" ethtool -g vb | awk '$1 == "RX:" { print $2 }' | sed -n "$1p"; }
[ "$(ring 1)" = 32768 ] && [ "$(ring 2)" = 256 ]
check_err $? "ethtool -g: max $(ring 1), current $(ring 2)"
for bad in "rx 0" "rx 32769" "tx 16"; do
	# shellcheck disable=SC2086 # the words are ethtool's arguments
	nsx "$NS2" ethtool -G vb $bad 2>/dev/null
	check_fail $? "ethtool -G $bad accepted"
done
[ "$(ring 2)" = 256 ]
check_err $? "a refused size changed the ring to $(ring 2)"
nsx "$NS2" ethtool -G vb rx 1024 && [ "$(ring 2)" = 1024 ]
check_err $? "ethtool -G rx 1024"
nsx "$NS2" ethtool -K vb gro off
nsx "$NS2" ethtool -G vb rx 512 && nsx "$NS2" ethtool -K vb gro on &&
	[ "$(ring 2)" = 512 ]
check_err $? "a size set while NAPI is off is kept"
log_test "ethtool -G rx sets the ring (256 default, 32768 max, 0 and more refused)"

# 5: resizes under traffic lose no TCP byte
tcp_to_vb 4000000 >"$TMPD/bytes" &
xfer=$!
for size in 16 4096 64 1024 1 256; do
	nsx "$NS2" ethtool -G vb rx "$size"
	check_err $? "resize to $size under traffic"
done
wait "$xfer"
[ "$(cat "$TMPD/bytes")" = 4000000 ]
check_err $? "$(cat "$TMPD/bytes") of 4000000 bytes arrived"
log_test "ring resizes under traffic: the stream arrives whole"

# 6: channel changes under traffic, on both ends
tcp_to_vb 4000000 >"$TMPD/bytes" &
xfer=$!
for n in 2 1 2 1; do
	nsx "$NS2" ethtool -L vb rx "$n" tx "$n" 2>/dev/null
	nsx "$NS" ethtool -L va rx "$n" tx "$n" 2>/dev/null
done
wait "$xfer"
[ "$(cat "$TMPD/bytes")" = 4000000 ]
check_err $? "$(cat "$TMPD/bytes") of 4000000 bytes arrived"
log_test "channel changes under traffic: the stream arrives whole"

# 7: GRO switched on while the end is down takes effect when it comes up
nsx "$NS2" ethtool -K vb gro off
ip -n "$NS2" link set vb down
nsx "$NS2" ethtool -K vb gro on
[ "$(flag "$NS2" vb generic-receive-offload)" = on ]
check_err $? "GRO flag not on while down"
ip -n "$NS2" link set vb up
pin_neighbours
busywait 10 nsx "$NS" ping -q -c 1 -W 1 10.23.7.2 >/dev/null
read -r frames ippkts <<<"$(xfer_counts 1000000)"
[ "$frames" -gt 0 ] && [ $((ippkts * 4)) -le $((frames * 3)) ]
check_err $? "GRO on after down/up: $frames frames became $ippkts IP packets"
log_test "GRO turned on while down merges segments once the end is up"

# vb's NAPI threads go to CPU 0 at idle priority: a sender on CPU 0
# fills their rings.
slow_napi()
{
	local pid

	for pid in $(pgrep '^napi/vb-'); do
		taskset -p 1 "$pid" >/dev/null && chrt -i -p 0 "$pid"
	done
}

# send_udp N [ts]: N UDP datagrams from va on CPU 0, as fast as it
# sends them. With ts, each asks for a software transmit timestamp with
# its own id; prints "timestamps duplicate-ids" once the ids stop coming.
send_udp()
{
	nsx "$NS" taskset -c 0 python3 -c '
import socket, struct, sys, time
n, ts = int(sys.argv[1]), len(sys.argv) > 2
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ids = []
def drain():
    while True:
        try:
            _, anc, _, _ = s.recvmsg(1, 512, socket.MSG_ERRQUEUE | socket.MSG_DONTWAIT)
        except BlockingIOError:
            return
        for level, kind, data in anc:
            if (level, kind) == (0, 11):   # SOL_IP, IP_RECVERR
                _, origin, _, _, _, info, key = struct.unpack("IBBBBII", data[:16])
                if origin == 4 and info == 0:   # SO_EE_ORIGIN_TIMESTAMPING, SND
                    ids.append(key)
if ts:
    s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)    # SO_RCVBUFFORCE
    # SO_TIMESTAMPING: TX_SOFTWARE | SOFTWARE | OPT_ID | OPT_TSONLY
    s.setsockopt(socket.SOL_SOCKET, 37, (1 << 1) | (1 << 4) | (1 << 7) | (1 << 11))
for _ in range(n):
    s.sendto(b"y" * 64, ("10.23.7.2", 9))
    if ts:
        drain()
if ts:
    seen = -1
    while seen != len(ids):
        seen = len(ids)
        time.sleep(1)
        drain()
    print(len(ids), len(ids) - len(set(ids)))' "$@"
}

# flood N: N datagrams into a slow NAPI thread; the ring fills up, then
# drains once the sender is done.
flood()
{
	slow_napi
	send_udp "$1"
	busywait 60 drained
}
drained()
{
	local a b
	a=$(stat_of "$NS2" vb rx_packets)
	sleep 0.3
	b=$(stat_of "$NS2" vb rx_packets)
	[ "$a" = "$b" ] && tc -n "$NS" -s qdisc show dev va | grep -q "backlog 0b 0p"
}
qdisc_stat() { tc -n "$NS" -s qdisc show dev va | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k || $i == "(" k) { sub(/,/, "", $(i + 1)); print $(i + 1) + 0; exit } }'; }

# 8: a full ring with a qdisc: the qdisc holds and drops, vpair does not
nsx "$NS2" ethtool -G vb rx 16
nsx "$NS" ethtool -L va rx 1 tx 1 2>/dev/null
nsx "$NS2" ethtool -L vb rx 1 tx 1 2>/dev/null
tc -n "$NS" qdisc add dev va root pfifo limit 200
rx0=$(udp_in "$NS2")
drop0=$(estat "$NS" va tx_queue_0_drops)
flood_mark
slow_napi
read -r stamps dups <<<"$(send_udp 3000 ts)"
busywait 60 drained
rx=$(($(udp_in "$NS2") - rx0))
qdrop=$(qdisc_stat dropped)
requeues=$(qdisc_stat requeues)
[ "$(estat "$NS" va tx_queue_0_drops)" = "$drop0" ]
check_err $? "vpair dropped $(($(estat "$NS" va tx_queue_0_drops) - drop0)) packets behind a qdisc"
[ $((rx + qdrop)) -eq 3000 ]
check_err $? "3000 sent, $rx received, $qdrop dropped by the qdisc ($(flood_where))"
[ $((qdrop + requeues)) -gt 0 ]
check_err $? "the qdisc never held a packet back"
[ "$dups" = 0 ] && [ "$stamps" = "$rx" ]
check_err $? "$rx received, $stamps transmit timestamps, $dups of them repeated"
# from 6.8 sysfs hides BQL for lltx devices; where it shows, it settles
bql=$(ns_sysfs "$NS" va queues/tx-0/byte_queue_limits/inflight)
[ -z "$bql" ] || [ "$bql" = 0 ]
check_err $? "BQL inflight $bql after the flood"
log_test "backpressure: the qdisc holds and drops ($qdrop dropped, $requeues requeued), nothing else is lost"

# 9: no qdisc: a full ring drops, counted on the sending queue
tc -n "$NS" qdisc del dev va root
rx0=$(udp_in "$NS2")
drop0=$(estat "$NS" va tx_queue_0_drops)
core0=$(stat_of "$NS" va tx_dropped)
flood_mark
flood 3000
rx=$(($(udp_in "$NS2") - rx0))
drops=$(($(estat "$NS" va tx_queue_0_drops) - drop0))
[ "$drops" -gt 0 ] && [ $((rx + drops)) -eq 3000 ]
check_err $? "3000 sent, $rx received, $drops counted as drops ($(flood_where))"
[ $(($(stat_of "$NS" va tx_dropped) - core0)) -eq "$drops" ]
check_err $? "ip -s link counts other drops than ethtool -S"
log_test "without a qdisc a full ring drops, counted per queue ($drops of 3000)"

# 10: a ring that goes under traffic (GRO off) counts what it held as
# drops of its rx queue, no longer as sent or received
nsx "$NS2" ethtool -G vb rx 4096
SENT=100000
ring_full() { [ "$(estat "$NS" va tx_queue_0_drops)" -gt "$1" ]; }
# within N: $2 and $3 differ by N at most
within() { [ $(($2 - $3)) -le "$1" ] && [ $(($3 - $2)) -le "$1" ]; }
purge_round()
{
	local sender drops0

	nsx "$NS2" ethtool -K vb gro on
	slow_napi
	drops0=$(estat "$NS" va tx_queue_0_drops)
	send_udp "$SENT" &
	sender=$!
	# va drops once the ring is full: GRO off takes the ring with it
	busywait 10 ring_full "$drops0" || sleep 1
	nsx "$NS2" ethtool -K vb gro off
	wait "$sender"
	busywait 60 drained
}
for _ in 1 2 3; do
	tx0=$(stat_of "$NS" va tx_packets)
	rx0=$(stat_of "$NS2" vb rx_packets)
	udp0=$(udp_in "$NS2")
	txd0=$(estat "$NS" va tx_queue_0_drops)
	purged0=$(estat "$NS2" vb rx_queue_0_drops)
	core0=$(stat_of "$NS2" vb rx_dropped)
	purge_round
	tx=$(($(stat_of "$NS" va tx_packets) - tx0))
	rx=$(($(stat_of "$NS2" vb rx_packets) - rx0))
	udp=$(($(udp_in "$NS2") - udp0))
	txd=$(($(estat "$NS" va tx_queue_0_drops) - txd0))
	purged=$(($(estat "$NS2" vb rx_queue_0_drops) - purged0))
	core=$(($(stat_of "$NS2" vb rx_dropped) - core0))
	[ "$purged" -gt 2 ] && break
done
nsx "$NS2" ethtool -K vb gro on
if [ "$purged" -le 2 ]; then
	# the NAPI thread emptied the ring before it went: nothing to count
	ktap_test_skip "a ring purged under traffic: three rounds found it (nearly) empty when it went"
else
	# a late packet of the tests before crosses too: in tx and rx alike
	within 2 "$tx" "$rx" && [ $((udp + txd + purged)) -eq "$SENT" ]
	check_err $? "$SENT sent: va sent $tx, vb received $rx ($udp of them), $txd dropped on va, $purged purged on vb"
	[ "$core" = "$purged" ]
	check_err $? "ip -s link counts $core rx drops, ethtool -S $purged"
	log_test "a ring purged under traffic: $purged drops, neither sent nor received"
fi

# 11: netdev netlink: qstats-get agrees with ip -s link and ethtool -S;
# rx queues name their NAPI instance while GRO is on
nsx "$NS" ethtool -L va rx 2 tx 2 2>/dev/null
nsx "$NS2" ethtool -L vb rx 2 tx 2 2>/dev/null
tcp_to_vb 100000 >/dev/null
busywait 30 drained
qs=$(nsx "$NS2" python3 "$QSTATS" "$(ns_sysfs "$NS2" vb ifindex)" dev)
case "$qs" in
ENOENT|EOPNOTSUPP)
	ktap_test_skip "qstats-get: this kernel has none (netdev_stat_ops, 6.10): $qs"
	ktap_finished
	exit
	;;
esac
ip_s() { echo "$(stat_of "$1" "$2" rx_packets) $(stat_of "$1" "$2" rx_bytes)" \
	"$(stat_of "$1" "$2" tx_packets) $(stat_of "$1" "$2" tx_bytes)"; }
# same_totals NS DEV IFINDEX: qstats-get reads what ip -s link reads
# before and after it (a late TCP segment may move both: read again)
same_totals()
{
	local before got

	before=$(ip_s "$1" "$2")
	got=$(nsx "$1" python3 "$QSTATS" "$3" dev)
	[ "$before" = "$(ip_s "$1" "$2")" ] && [ "$got" = "$before" ] && return
	log_info "$2: qstats '$got', ip -s link '$before'"
	return 1
}
# same_queues NS DEV IFINDEX: each queue's qstats are its ethtool -S
# counters; a late packet (an ARP probe) between the reads moves the
# totals read around them, and the comparison runs again
same_queues()
{
	local before dir q pk by stats

	before=$(ip_s "$1" "$2")
	stats=$(nsx "$1" ethtool -S "$2")
	while read -r dir q pk by; do
		grep -qx " *${dir}_queue_${q}_packets: $pk" <<<"$stats" &&
			grep -qx " *${dir}_queue_${q}_bytes: $by" <<<"$stats" &&
			continue
		log_info "$2 $dir queue $q: qstats $pk/$by, ethtool -S" \
			"$(grep " *${dir}_queue_${q}_\(packets\|bytes\):" <<<"$stats" | xargs)"
		return 1
	done <<<"$(nsx "$1" python3 "$QSTATS" "$3" queue)"
	[ "$before" = "$(ip_s "$1" "$2")" ]
}
for end in "$NS va" "$NS2 vb"; do
	read -r ns dev <<<"$end"
	idx=$(ns_sysfs "$ns" "$dev" ifindex)
	busywait 10 same_totals "$ns" "$dev" "$idx"
	check_err $? "$dev: qstats and ip -s link differ"
	busywait 10 same_queues "$ns" "$dev" "$idx"
	check_err $? "$dev: a queue's qstats and ethtool -S differ"
done
napi=$(nsx "$NS2" python3 "$QSTATS" "$(ns_sysfs "$NS2" vb ifindex)" napi)
if [ "$napi" != EOPNOTSUPP ] && [ "$napi" != EINVAL ]; then
	! grep -q ' 0$' <<<"$napi" && [ -n "$napi" ]
	check_err $? "GRO on, rx queues and NAPI ids: $napi"
	nsx "$NS2" ethtool -K vb gro off
	napi=$(nsx "$NS2" python3 "$QSTATS" "$(ns_sysfs "$NS2" vb ifindex)" napi)
	! grep -qv ' 0$' <<<"$napi"
	check_err $? "GRO off, rx queues still linked: $napi"
fi
log_test "qstats-get agrees with ip -s link and ethtool -S; rx queues name their NAPI"

ktap_finished
