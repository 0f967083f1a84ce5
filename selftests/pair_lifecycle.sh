#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The pair's lifecycle and data path beyond the basics: names at the
# IFNAMSIZ edge, the peer block's txqueuelen and ifindex, both ends born in
# two foreign namespaces, an end moved while traffic flows, veth's offload
# features and BIG TCP limits, short AF_PACKET frames, tx queue N landing
# on rx queue N (2100 queues too), and an extack message on every refused
# request. Where veth knows the request, veth's answer is checked live as
# the reference.

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header
[ "$VPAIR_KIND" = vpair ] || exit_skip "vpair-only features"
require_root
require_module vpair
require_cmd python3 ethtool taskset
# veth, the reference (built in, it has no /sys/module/veth)
require_module veth
ktap_set_plan 12

setup_ns NS NS2 NS3 || exit_skip "cannot create network namespaces"

# like_veth NAME WANT ARGS...: vpair and veth both answer WANT (an errno
# name), vpair with an extack message, and nothing is left behind.
like_veth()
{
	local name=$1 want=$2 got vgot
	shift 2
	got=$(reply add bad0 "$@")
	vgot=$(reply add bad0 --kind veth "$@")
	[ "${got%%:*}" = "$want" ] || check_err 1 "$name: got '$got', wanted $want"
	[ "${vgot%%:*}" = "$want" ] || check_err 1 "$name: veth says '$vgot'"
	{ [ -n "${got#*: }" ] && [ "${got#*: }" != "$got" ]; } ||
		check_err 1 "$name: no extack message in '$got'"
	[ "$(ns_links "$NS" | wc -l)" -eq "${KEEP:-0}" ] ||
		check_err 1 "$name: a device was left behind"
	ip -n "$NS" link del dev bad0 2>/dev/null
}

# 1: 15 characters is the longest name, on either end; 16 is ERANGE
n15=abcdefghijklmno
nl add "$n15" --peer "${n15%o}p"
check_err $? "15-character names refused"
link_exists "$NS" "$n15" && link_exists "$NS" "${n15%o}p"
check_err $? "15-character ends missing"
ip -n "$NS" link del dev "$n15"
like_veth "16-character name" ERANGE --peer "${n15}pq" --mtu 1500
like_veth "16-character peer name" ERANGE --peer "${n15}p"
log_test "names: 15 characters accepted, 16 refused with ERANGE as veth"

# 2: the peer block sets the peer's txqueuelen and ifindex
nl add ta --index 4242 --peer tb --peer-index 4243 --peer-txqlen 77
check_err $? "create with peer txqueuelen and ifindex"
[ "$(ns_sysfs "$NS" tb tx_queue_len)" = 77 ]
check_err $? "peer txqueuelen is $(ns_sysfs "$NS" tb tx_queue_len)"
[ "$(ns_sysfs "$NS" ta ifindex)" = 4242 ] && [ "$(ns_sysfs "$NS" tb ifindex)" = 4243 ]
check_err $? "ifindexes $(ns_sysfs "$NS" ta ifindex)/$(ns_sysfs "$NS" tb ifindex)"
nl add ua --index 4244 --peer ub --peer-index 4245
KEEP=4 like_veth "peer ifindex taken" EBUSY --index 4246 --peer-index 4244
ip -n "$NS" link del dev ta
ip -n "$NS" link del dev ua
log_test "peer block sets txqueuelen and ifindex; a taken ifindex is EBUSY"

# 3: one request from $NS puts the ends into $NS2 and $NS3
nl add fa --netns "/run/netns/$NS2" --peer fb --peer-netns "/run/netns/$NS3"
check_err $? "create with both ends in foreign namespaces"
link_exists "$NS2" fa && link_exists "$NS3" fb
check_err $? "ends not where asked"
no_links "$NS"
check_err $? "something appeared in the requesting namespace"
ns_addr_up "$NS2" fa 10.23.10.1/24
ns_addr_up "$NS3" fb 10.23.10.2/24
ip netns exec "$NS2" ping -c 1 -W 2 10.23.10.2 >/dev/null
check_err $? "ping between the two foreign namespaces"
log_test "both ends created in two foreign namespaces in one request"

# 4: moving an end keeps the pair working
ip -n "$NS3" link set fb netns "$NS"
ns_addr_up "$NS" fb 10.23.10.2/24
ip netns exec "$NS2" ping -c 1 -W 2 10.23.10.2 >/dev/null
check_err $? "ping after moving an end"
[ "$(ns_sysfs "$NS2" fa iflink)" = "$(ns_sysfs "$NS" fb ifindex)" ]
check_err $? "iflink after the move"
ip -n "$NS2" -d link show fa | grep -q 'link-netns'
check_err $? "link-netns after the move"
ip -n "$NS2" -s -j link show fa | grep -q '"tx":{"bytes":[1-9]'
check_err $? "no tx counted"
ip -n "$NS2" link del dev fa
busywait "$BUSYWAIT_TIMEOUT" link_gone "$NS" fb
check_err $? "moved end not deleted with its peer"
log_test "an end moved to another namespace keeps traffic flowing"

# 5: offload features as veth
ip -n "$NS" link add name va type veth peer name vb
nl add pa --peer pb
features() { ip netns exec "$NS" ethtool -k "$1" | tail -n +2 | sort; }
ftmp=$(mktemp)
defer rm -f "$ftmp"
features va >"$ftmp"
d=$(features pa | diff "$ftmp" -)
[ -z "$d" ]
check_err $? "features differ from veth: $(echo "$d" | tr '\n' ' ')"
log_test "offload features are veth's"

# 6: BIG TCP limits as veth: the same tso_max_size, large GSO/GRO sizes
tso_max() { ip -n "$NS" -d -j link show "$1" | grep -o '"tso_max_size":[0-9]*'; }
[ "$(tso_max va)" = "$(tso_max pa)" ]
check_err $? "tso_max_size $(tso_max pa), veth $(tso_max va)"
vr=0 pr=0
ip -n "$NS" link set dev va gso_max_size 185000 gro_max_size 185000 2>/dev/null || vr=1
ip -n "$NS" link set dev pa gso_max_size 185000 gro_max_size 185000 2>/dev/null || pr=1
[ "$vr" = "$pr" ]
check_err $? "gso_max_size 185000: veth $vr, vpair $pr"
ip -n "$NS" link del dev va
log_test "BIG TCP limits as veth"

# 7: short frames from AF_PACKET never reach the peer
# send_raw DEV LEN [PROTO]: LEN bytes of 0x45 (EtherType 0x4545) from a
# socket bound to PROTO, which labels the skb with it (default: parsed
# from the frame)
send_raw()
{
	ip netns exec "$NS" python3 -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], int(sys.argv[3], 0) if len(sys.argv) > 3 else 0))
try:
    s.send(b"\x45" * int(sys.argv[2]))
except OSError as e:
    print(e.errno)
    sys.exit(1)
' "$@"
}
# no IPv6 chatter: only the test's frames may cross
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.pa.disable_ipv6=1 \
	net.ipv6.conf.pb.disable_ipv6=1
ip -n "$NS" link set pa up
ip -n "$NS" link set pb up
for len in 1 13; do
	send_raw pa "$len" >/dev/null && check_err 1 "l2: a $len-byte frame was sent"
done
ip -n "$NS" link add name rva type veth peer name rvb
ip -n "$NS" link set dev rva up
send_raw rva 13 >/dev/null && check_err 1 "veth sends 13 bytes; we should too"
ip -n "$NS" link del dev rva
rx_before=$(ns_sysfs "$NS" pb statistics/rx_packets)
send_raw pa 14
check_err $? "l2: a header-only frame could not be sent"
rx_grew() { [ "$(ns_sysfs "$NS" pb statistics/rx_packets)" -gt "$rx_before" ]; }
busywait 2 rx_grew
check_err $? "l2: the header-only frame did not cross"
nl add la --peer lb --mode 1
ip -n "$NS" link set la up
ip -n "$NS" link set lb up
before=$(ns_sysfs "$NS" la statistics/tx_dropped)
rx_before=$(ns_sysfs "$NS" lb statistics/rx_packets)
send_raw la 14
check_err $? "l3: a non-IP frame could not be sent"
[ "$(ns_sysfs "$NS" la statistics/tx_dropped)" -eq $((before + 1)) ]
check_err $? "l3: the non-IP frame was not counted as dropped"
[ "$(ns_sysfs "$NS" lb statistics/rx_packets)" -eq "$rx_before" ]
check_err $? "l3: the non-IP frame reached the peer"
# the rule reads the frame's EtherType, not the label the sender chose
send_raw la 14 0x0800
check_err $? "l3: a non-IP frame labelled IP could not be sent"
[ "$(ns_sysfs "$NS" la statistics/tx_dropped)" -eq $((before + 2)) ]
check_err $? "l3: the non-IP frame labelled IP was not counted as dropped"
[ "$(ns_sysfs "$NS" lb statistics/rx_packets)" -eq "$rx_before" ]
check_err $? "l3: the non-IP frame labelled IP reached the peer"
ip -n "$NS" link del dev la
log_test "AF_PACKET: runts refused as veth, header-only crosses, l3 drops non-IP"

# 8: a packet sent on tx queue 2 arrives on the peer's rx queue 2
ip -n "$NS" link del dev pa
nl add qa --txq 4 --rxq 4 --peer qb --peer-txq 4 --peer-rxq 4
check_err $? "create with 4 queues on each end"
ip -n "$NS" link set qb netns "$NS2"
ns_addr_up "$NS" qa 10.23.11.1/24
ns_addr_up "$NS2" qb 10.23.11.2/24
# shellcheck disable=SC2016 # expanded by the inner shell
ip netns exec "$NS" sh -c 'for q in 0 1 2 3; do echo 0 > /sys/class/net/qa/queues/tx-$q/xps_cpus; done
	echo 3 > /sys/class/net/qa/queues/tx-2/xps_cpus'
check_err $? "XPS setup"
rxq2() { ip netns exec "$NS2" ethtool -S qb | awk '/rx_queue_2_packets/ { print $2 }'; }
before=$(rxq2)
ip netns exec "$NS" taskset -c 0 ping -c 3 -i 0.2 -W 2 10.23.11.2 >/dev/null
check_err $? "ping over queue 2"
[ "$(rxq2)" -ge $((before + 3)) ]
check_err $? "rx_queue_2_packets went from $before to $(rxq2)"
# each packet is counted once: sysfs, ethtool -S and both ends agree
ethtool_sum() { ip netns exec "$1" ethtool -S "$2" | awk -v re="$3" '$1 ~ re { s += $2 } END { print s + 0 }'; }
stats_agree()
{
	local tx rx
	tx=$(ns_sysfs "$NS" qa statistics/tx_packets)
	rx=$(ns_sysfs "$NS2" qb statistics/rx_packets)
	[ "$tx" -eq "$(ethtool_sum "$NS" qa '^tx_queue_[0-9]+_packets:')" ] &&
	[ "$rx" -eq "$(ethtool_sum "$NS2" qb '^rx_queue_[0-9]+_packets:')" ] &&
	[ "$rx" -eq "$tx" ] &&
	[ "$(ns_sysfs "$NS2" qb statistics/rx_bytes)" -eq "$(ethtool_sum "$NS2" qb '^rx_queue_[0-9]+_bytes:')" ]
}
busywait 5 stats_agree
check_err $? "statistics disagree between sysfs, ethtool -S and the two ends"
ip -n "$NS" link del dev qa
log_test "tx queue N of one end arrives on rx queue N of the other"

# 9: every refusal carries an extack message
for args in "--mode 7" "--mtu 67" "--peer-mtu 65536" "--addr 01:00:5e:00:00:01" \
	    "--peer lo" "--peer bad0" "--peer a/b" "--peer-raw 0000" \
	    "--mode 1 --addr 02:00:00:00:00:01" "--peer-netns /proc/self/stat"; do
	# shellcheck disable=SC2086
	got=$(reply add bad0 $args)
	case $got in
	OK) check_err 1 "$args accepted" ;;
	*": ")
		# From 6.15 the core resolves the peer's namespace before the
		# driver sees the request, and says nothing for veth either.
		# shellcheck disable=SC2086
		{ [ "$args" = "--peer-netns /proc/self/stat" ] &&
		  [ "$(reply add bad0 --kind veth $args)" = "$got" ]; } ||
			check_err 1 "$args: no extack message ($got)"
		;;
	esac
	ip -n "$NS" link del dev bad0 2>/dev/null
done
nl add xa --peer xb
out=$(reply change xa --mode 1)
[ "${out#*: }" != "" ] && [ "$out" != OK ]
check_err $? "changelink refusal: $out"
ip -n "$NS" link del dev xa
log_test "every refused request carries an extack message"

# 10: a UDP datagram with a bad checksum stays bad across the pair
# shellcheck disable=SC2016 # an awk program
csum_errors() { ip netns exec "$1" awk '/^Udp:/ { n++; if (n == 2) print $8 }' /proc/net/snmp; }
nl add ca --peer cb
ip -n "$NS" link set cb netns "$NS2"
ip -n "$NS" link set ca up
ns_addr_up "$NS2" cb 10.23.13.2/24
mac=$(ns_sysfs "$NS2" cb address)
before=$(csum_errors "$NS2")
ip netns exec "$NS2" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.23.13.2", 4000))
print("ready", flush=True)
s.settimeout(20)    # the sender starts a python of its own, slow under TCG
try:
    while True:
        print(s.recv(100).decode(), flush=True)
        s.settimeout(2)
except socket.timeout:
    pass
' >"$ftmp" &
rcv=$!
rcv_ready() { grep -q ready "$ftmp"; }
busywait 10 rcv_ready
ip netns exec "$NS" python3 -c '
import socket, struct, sys
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + 4, 1, 0, 64, 17, 0,
                 socket.inet_aton("10.23.13.1"), socket.inet_aton("10.23.13.2"))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
eth = bytes.fromhex(sys.argv[1].replace(":", "")) + bytes(6) + b"\x08\x00"
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("ca", 0))
s.send(eth + ip + struct.pack("!HHHH", 5000, 4000, 12, 0) + b"good")  # no checksum
s.send(eth + ip + struct.pack("!HHHH", 5000, 4000, 12, 0x1234) + b"bad!")
' "$mac"
check_err $? "could not send the corrupt datagram"
wait "$rcv"
[ "$(tr '\n' ' ' <"$ftmp")" = "ready good " ]
check_err $? "delivered: $(tr '\n' ' ' <"$ftmp") (wanted only the good one)"
[ "$(csum_errors "$NS2")" -gt "$before" ]
check_err $? "UDP InCsumErrors did not grow ($before -> $(csum_errors "$NS2"))"
ip -n "$NS" link del dev ca
log_test "checksums are never upgraded: a corrupt UDP datagram is dropped"

# 11: l2 ends change their MAC while up and traffic goes on, as veth's
nl add ma1 --peer ma2
ip -n "$NS" link set ma2 netns "$NS2"
ns_addr_up "$NS" ma1 10.23.14.1/24
ns_addr_up "$NS2" ma2 10.23.14.2/24
ip netns exec "$NS" ping -c 1 -W 2 10.23.14.2 >/dev/null
check_err $? "ping before the change"
ip -n "$NS2" link set dev ma2 address 02:00:5e:10:00:14
check_err $? "MAC change while up refused"
[ "$(ns_sysfs "$NS2" ma2 address)" = 02:00:5e:10:00:14 ]
check_err $? "MAC is $(ns_sysfs "$NS2" ma2 address)"
ip -n "$NS" neigh flush dev ma1
ip netns exec "$NS" ping -c 1 -W 2 10.23.14.2 >/dev/null
check_err $? "ping after the change"
expect_errno EADDRNOTAVAIL ip -n "$NS2" link set dev ma2 address 01:00:5e:00:00:01
check_err $? "multicast MAC accepted on a live end"
ip -n "$NS" link del dev ma1
log_test "l2: live MAC change keeps traffic going; multicast MAC refused"

# 12: tx counters of queues past the first shared per-CPU area
nl add qa --txq 2100 --rxq 2100 --peer qb --peer-txq 2100 --peer-rxq 2100
check_err $? "create with 2100 queues on each end"
ip -n "$NS" link set qb netns "$NS2"
ns_addr_up "$NS" qa 10.23.15.1/24
ns_addr_up "$NS2" qb 10.23.15.2/24
ip netns exec "$NS" sh -c 'echo 3 > /sys/class/net/qa/queues/tx-2050/xps_cpus'
check_err $? "XPS setup"
txq2050() { ip netns exec "$NS" ethtool -S qa | awk '/tx_queue_2050_packets/ { print $2 }'; }
before=$(txq2050)
ip netns exec "$NS" ping -c 3 -i 0.2 -W 2 10.23.15.2 >/dev/null
check_err $? "ping over queue 2050"
[ "$(txq2050)" -ge $((before + 3)) ]
check_err $? "tx_queue_2050_packets went from $before to $(txq2050)"
busywait 5 stats_agree
check_err $? "statistics disagree between sysfs, ethtool -S and the two ends"
ip -n "$NS" link del dev qa
log_test "2100 queues: queue 2050 counted once, in its own slot"

ktap_finished
