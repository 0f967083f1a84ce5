#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Multi-buffer XDP on the pair: a program that takes frags (xdp.frags)
# sees a frame longer than a page whole, as a copy in several pages of
# the rx queue's page pool. The xdp-features an end advertises for it;
# the peer's MTU rules (any MTU under a frags program, one page under
# any other, swaps between them); XDP_PASS, XDP_DROP, XDP_TX, a program
# that trims a frame's frags off and one that grows its last frag
# (bpf_xdp_adjust_tail), then XDP_TX, XDP_PASS (a packet socket checks
# the frame the stack got) or XDP_DROP, and XDP_REDIRECT
# into another pair's end, with 8000-byte datagrams whose bytes and
# checksums the receivers check. The programs are the selftests'
# xdp_frags_*.bpf.o, xdp_act.bpf.c built with -DFRAGS.
set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header
require_root
require_module vpair
require_cmd python3 ethtool
require_built xdp_frags_pass.bpf.o xdp_frags_drop.bpf.o xdp_frags_tx.bpf.o \
	xdp_frags_trim.bpf.o xdp_frags_trim_pass.bpf.o xdp_frags_trim_drop.bpf.o \
	xdp_frags_grow.bpf.o xdp_frags_grow_pass.bpf.o xdp_frags_redirect.bpf.o \
	xdp_pass.bpf.o
ktap_set_plan 9

REDIRECT_IFINDEX=$(awk '/define XDP_REDIRECT_IFINDEX/ { print $3 }' \
	"$SELFTESTS_DIR/xdp_act.h")
TRIM=$(awk '/define XDP_FRAGS_TRIM/ { print $3 }' "$SELFTESTS_DIR/xdp_act.h")
GROW=$(awk '/define XDP_FRAGS_GROW/ { print $3 }' "$SELFTESTS_DIR/xdp_act.h")
N=20
SIZE=8000
# the frame of a datagram: Ethernet, IPv4 and UDP headers around it
FRAME=$((SIZE + 14 + 20 + 8))

setup_ns NS1 NS2 NS3 NS4 NS5 || exit_skip "cannot create network namespaces"
ns_disable_ipv6 "${NS_LIST[@]}"
TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
QSTATS="$SELFTESTS_DIR/vpair_qstats.py"

# xdp_on NS DEV PROG [SEC]: xdp_PROG.bpf.o, section SEC (xdp.frags)
xdp_on()
{
	ip -n "$1" -force link set dev "$2" xdpdrv \
		obj "$SELFTESTS_DIR/xdp_$3.bpf.o" sec "${4:-xdp.frags}"
}
prog_id() { ip -n "$1" -d link show dev "$2" | grep -o 'prog/xdp id [0-9]*'; }
maxmtu_of() { ip -n "$1" -d link show dev "$2" | grep -o 'maxmtu [0-9]*' | cut -d' ' -f2; }
link_up()
{
	ip -n "$1" link set "$2" mtu 9000 &&
		ns_addr_up "$1" "$2" "$3/24" &&
		ip -n "$1" neigh replace "$4" dev "$2" nud permanent lladdr "$5"
}

# recv_start NS ADDR PORT: a UDP socket that counts the datagrams of
# $SIZE bytes of the senders' pattern ("good") and any other ("bad")
# until one says END; recv_wait sets GOT to "good bad".
recv_start()
{
	rm -f "$TMPD/ready"
	nsx "$1" python3 -c '
import socket, sys
want = (bytes(range(256)) * 64)[:int(sys.argv[4])]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)    # SO_RCVBUFFORCE
s.bind((sys.argv[1], int(sys.argv[2])))
open(sys.argv[3], "w").close()
s.settimeout(120)
good = bad = 0
try:
    while True:
        d = s.recv(65536)
        if d == b"END":
            break
        if d == want:
            good += 1
        else:
            bad += 1
    print(good, bad)
except socket.timeout:
    print("no END after", good, bad)' "$2" "$3" "$TMPD/ready" "$SIZE" \
		>"$TMPD/count" &
	RECV=$!
	busywait 10 test -f "$TMPD/ready"
}
recv_wait() { wait "$RECV"; GOT=$(cat "$TMPD/count"); }

# send_big NS ADDR PORT COUNT [END]: COUNT datagrams of $SIZE bytes of
# the pattern, then one saying END if asked.
send_big()
{
	nsx "$1" python3 -c '
import socket, sys
data = (bytes(range(256)) * 64)[:int(sys.argv[5])]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[3])):
    s.sendto(data, (sys.argv[1], int(sys.argv[2])))
if sys.argv[4] == "end":
    s.sendto(b"END", (sys.argv[1], int(sys.argv[2])))' "$2" "$3" "$4" "${5:-}" "$SIZE"
}

# The main pair: va in NS1, vb in NS2, MTU 9000.
nl_add() { NS=$1 nl add "${@:2}"; }
nl_add "$NS1" va --peer vb --peer-netns "/run/netns/$NS2" ||
	ktap_exit_fail_msg "cannot create the pair"
if ! link_up "$NS1" va 10.23.19.1 10.23.19.2 "$(mac_of "$NS2" vb)" ||
	! link_up "$NS2" vb 10.23.19.2 10.23.19.1 "$(mac_of "$NS1" va)"; then
	ktap_exit_fail_msg "cannot set the pair up"
fi

# 1: xdp-features (netdev netlink, 6.3 and later): rx-sg 32, ndo-xmit-sg 64
feat=$(nsx "$NS2" python3 "$QSTATS" "$(ns_sysfs "$NS2" vb ifindex)" xdp)
case "$feat" in
ENOENT|EOPNOTSUPP|EINVAL|"")
	ktap_test_skip "xdp-features: this kernel has none (6.3): '$feat'"
	feat=
	;;
*)
	[ $((feat & 96)) -eq 96 ]
	check_err $? "xdp-features $feat, wanted rx-sg and ndo-xmit-sg (96)"
	log_test "xdp-features: rx-sg, ndo-xmit-sg ($feat)"
	;;
esac

# 2: the peer's MTU: any under a frags program, a page under any other
xdp_on "$NS2" vb frags_pass
check_err $? "attaching xdp_frags_pass with the peer's MTU at 9000"
[ "$(maxmtu_of "$NS1" va)" = 65535 ]
check_err $? "maxmtu $(maxmtu_of "$NS1" va) under a frags program"
nsx "$NS1" ethtool -k va | grep -q "^tcp-segmentation-offload: off"
check_err $? "TSO still on towards a program"
id=$(prog_id "$NS2" vb)
out=$(xdp_on "$NS2" vb pass xdp 2>&1)
check_fail $? "a program without frags replaced a frags one at MTU 9000"
grep -q "one page" <<<"$out"
check_err $? "no extack naming the page limit: $out"
[ "$(prog_id "$NS2" vb)" = "$id" ]
check_err $? "the frags program did not stay: $(prog_id "$NS2" vb), was $id"
ip -n "$NS1" link set va mtu 1500 && xdp_on "$NS2" vb pass xdp
check_err $? "a program without frags at MTU 1500"
[ "$(maxmtu_of "$NS1" va)" -lt 4096 ]
check_err $? "maxmtu $(maxmtu_of "$NS1" va) under a program without frags"
xdp_on "$NS2" vb frags_pass && ip -n "$NS1" link set va mtu 9000
check_err $? "MTU 9000 again under a frags program"
log_test "MTU above a page under a frags program only; swaps keep the rule"

# 3: XDP_PASS: every byte of every long datagram arrives; TCP at MTU 9000
pass0=$(qsum "$NS2" vb xdp_pass)
recv_start "$NS2" 10.23.19.2 4101
send_big "$NS1" 10.23.19.2 4101 "$N" end
recv_wait
[ "$GOT" = "$N 0" ]
check_err $? "XDP_PASS: good and bad datagrams '$GOT', sent $N"
[ $(($(qsum "$NS2" vb xdp_pass) - pass0)) -eq $((N + 1)) ]
check_err $? "xdp_pass counted $(($(qsum "$NS2" vb xdp_pass) - pass0)), sent $((N + 1))"
nsx "$NS1" ping -q -c 2 -W 5 -M "do" -s 8500 10.23.19.2 >/dev/null
check_err $? "no 8500-byte ping through xdp_frags_pass"
got=$(tcp_xfer "$NS1" "$NS2" 10.23.19.2 2000000)
[ "$got" = 2000000 ]
check_err $? "TCP: $got of 2000000 bytes"
log_test "XDP_PASS of long frames: datagrams, pings and a TCP stream arrive intact"

# 4: XDP_DROP: nothing arrives, and it is no receive drop
xdp_on "$NS2" vb frags_drop
n0=$(qsum "$NS2" vb xdp_drop)
d0=$(stat_of "$NS2" vb rx_dropped)
recv_start "$NS2" 10.23.19.2 4102
send_big "$NS1" 10.23.19.2 4102 "$N"
drops_are() { [ $(($(qsum "$NS2" vb xdp_drop) - n0)) -eq "$N" ]; }
busywait 10 drops_are
check_err $? "xdp_drop counted $(($(qsum "$NS2" vb xdp_drop) - n0)) of $N"
xdp_on "$NS2" vb frags_pass
send_big "$NS1" 10.23.19.2 4102 0 end
recv_wait
[ "$GOT" = "0 0" ]
check_err $? "XDP_DROP: datagrams '$GOT' arrived"
[ "$(stat_of "$NS2" vb rx_dropped)" = "$d0" ]
check_err $? "XDP_DROP: rx_dropped grew by $(($(stat_of "$NS2" vb rx_dropped) - d0))"
log_test "XDP_DROP of long frames: nothing arrives"

# 5 to 7: XDP_TX sends the whole frame back; trimmed, $TRIM bytes less
# (all its frags and some of its first page); grown, $GROW bytes more
# (zeroes in its last frag's page). va counts what it got.
xdp_tx_round()
{
	local rx0 b0 t0

	xdp_on "$NS2" vb "frags_$1"
	rx0=$(stat_of "$NS1" va rx_packets)
	b0=$(stat_of "$NS1" va rx_bytes)
	t0=$(qsum "$NS2" vb xdp_tx)
	send_big "$NS1" 10.23.19.2 4103 "$N"
	busywait 10 stat_is "$NS1" va rx_packets $((rx0 + N))
	check_err $? "$1: va received $(($(stat_of "$NS1" va rx_packets) - rx0)) of $N"
	[ $(($(stat_of "$NS1" va rx_bytes) - b0)) -eq $((N * $2)) ]
	check_err $? "$1: va received $(($(stat_of "$NS1" va rx_bytes) - b0)) bytes, not $N x $2"
	[ $(($(qsum "$NS2" vb xdp_tx) - t0)) -eq "$N" ]
	check_err $? "$1: xdp_tx counted $(($(qsum "$NS2" vb xdp_tx) - t0))"
}
xdp_tx_round tx "$FRAME"
log_test "XDP_TX of long frames: every byte comes back through the peer"
xdp_tx_round trim $((FRAME - TRIM))
log_test "bpf_xdp_adjust_tail trims frags off: frames come back $TRIM bytes shorter"
xdp_tx_round grow $((FRAME + GROW))
xdp_on "$NS2" vb frags_pass
log_test "bpf_xdp_adjust_tail grows the last frag: frames come back $GROW bytes longer"

# cap_start LEN: a packet socket on vb that counts the IP frames of LEN
# bytes it receives whose payload is the senders' pattern (cut short,
# or with zeroes behind) as "good", any other as "bad", until $N good
# ones or 20 s; cap_wait sets GOT to "good bad".
cap_start()
{
	rm -f "$TMPD/ready"
	nsx "$NS2" python3 -c '
import socket, sys
n, length, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[4])
data = (bytes(range(256)) * 64)[:size]
want = data[:length - 42] + bytes(max(0, length - 42 - size))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)    # SO_RCVBUFFORCE
s.bind(("vb", 0))
open(sys.argv[3], "w").close()
s.settimeout(20)
good = bad = 0
try:
    while good < n:
        d, addr = s.recvfrom(65536)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        if len(d) == length and d[42:] == want:
            good += 1
        else:
            bad += 1
except socket.timeout:
    pass
print(good, bad)' "$N" "$1" "$TMPD/ready" "$SIZE" >"$TMPD/count" &
	RECV=$!
	busywait 10 test -f "$TMPD/ready"
}
cap_wait() { wait "$RECV"; GOT=$(cat "$TMPD/count"); }

# 8: XDP_PASS of a frame whose frags the program trimmed or grew: the
# stack gets it as the program left it; XDP_DROP after trimming
for act in trim_pass grow_pass; do
	len=$((FRAME - TRIM))
	[ "$act" = grow_pass ] && len=$((FRAME + GROW))
	xdp_on "$NS2" vb "frags_$act"
	check_err $? "attaching xdp_frags_$act"
	cap_start "$len"
	send_big "$NS1" 10.23.19.2 4105 "$N"
	cap_wait
	[ "$GOT" = "$N 0" ]
	check_err $? "$act: good and bad frames '$GOT' of $len bytes, sent $N"
done
xdp_on "$NS2" vb frags_trim_drop
n0=$(qsum "$NS2" vb xdp_drop)
send_big "$NS1" 10.23.19.2 4105 "$N"
busywait 10 drops_are
check_err $? "trim_drop: xdp_drop counted $(($(qsum "$NS2" vb xdp_drop) - n0)) of $N"
xdp_on "$NS2" vb frags_pass
log_test "XDP_PASS after trimming or growing frags: the frame as the program left it; XDP_DROP after trimming"

# 9: XDP_REDIRECT of long frames into another pair's end (ndo_xdp_xmit):
# pa (NS3) -> pb (NS4, xdp_frags_redirect) -> ra (NS4, the redirect
# index) -> rb (NS5, pb's address and MAC), which checks every byte and
# the UDP checksum that pb's end filled in across the frags. Before
# xdp-features (6.3) the core redirects no frame with frags but to a CPU
# map.
if [ -z "$feat" ]; then
	ktap_test_skip "XDP_REDIRECT of long frames: the core refuses it before 6.3"
	ktap_finished
	exit
fi
nl_add "$NS3" pa --peer pb --peer-netns "/run/netns/$NS4" &&
	nl_add "$NS4" ra --index "$REDIRECT_IFINDEX" --peer rb \
		--peer-netns "/run/netns/$NS5"
check_err $? "cannot create the pairs"
ip -n "$NS4" link set pb mtu 9000 && ip -n "$NS4" link set pb up &&
	ip -n "$NS4" link set ra mtu 9000 && ip -n "$NS4" link set ra up &&
	ip -n "$NS5" link set rb address "$(mac_of "$NS4" pb)" &&
	link_up "$NS5" rb 10.23.20.2 10.23.20.1 "$(mac_of "$NS3" pa)" &&
	link_up "$NS3" pa 10.23.20.1 10.23.20.2 "$(mac_of "$NS4" pb)"
check_err $? "cannot set the pairs up"
xdp_on "$NS4" pb frags_redirect
check_err $? "attaching xdp_frags_redirect"
redirect_round()
{
	recv_start "$NS5" 10.23.20.2 4104
	send_big "$NS3" 10.23.20.2 4104 "$N" end
	recv_wait
	[ "$GOT" = "$N 0" ]
	check_err $? "redirect, $1: good and bad datagrams '$GOT', sent $N"
}
redirect_round "no program on rb"
xdp_on "$NS5" rb frags_pass
pass0=$(qsum "$NS5" rb xdp_pass)
redirect_round "xdp_frags_pass on rb"
[ $(($(qsum "$NS5" rb xdp_pass) - pass0)) -eq $((N + 1)) ]
check_err $? "rb's program saw $(($(qsum "$NS5" rb xdp_pass) - pass0)) of $((N + 1))"
log_test "XDP_REDIRECT of long frames into an end: every byte and checksum arrives"

ktap_finished
