#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bpf_redirect_peer() into a pair link (vpair, with veth as the reference).
#
# A tc (SCHED_CLS) program on the ingress of a "wire" device w1 calls
# bpf_redirect_peer(ifindex of p1, 0): the core asks p1 for its peer
# (ndo_get_peer_dev) and delivers the packet on the ingress of p2, in
# p2's namespace, without going through p1's transmit path.
#
#   NS:  w2 --(veth wire)--> w1 [tc ingress: redirect_peer(p1)]    p1
#                                                                   |
#   NS2:                                 UDP socket <-- 10.23.7.2 on p2
#
# UDP datagrams sent from w2 to p2's address must reach a socket in NS2,
# first with a veth pair (which proves the harness), then with a pair of
# VPAIR_KIND. A negative control redirects to the "peer" of lo, which has
# no ndo_get_peer_dev: nothing may arrive, which proves the check can fail.
#
# No clang or bpftool needed: the program is assembled from raw eBPF
# instructions by python3, pinned to a private bpffs and attached with
# tc ... object-pinned.

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header

KIND=$VPAIR_KIND
# Test addresses, only ever configured inside the test namespaces.
ADDR_W2=10.23.7.1
ADDR_P2=10.23.7.2
UDP_PORT=4789
COUNT=5

require_root
require_cmd ip tc python3 mount umount
require_module "$(kind_module "$KIND")"
[ "$KIND" = veth ] || require_module veth

# load_pin IFINDEX PATH: load "r1 = IFINDEX; r2 = 0; call
# bpf_redirect_peer; exit" as a SCHED_CLS program and pin it at PATH.
# Exit status 4 when the bpf() syscall itself is unavailable.
load_pin()
{
	python3 - "$1" "$2" <<'EOF'
import ctypes, errno, os, struct, sys

NR_BPF = 321                    # x86_64
BPF_PROG_LOAD, BPF_OBJ_PIN = 5, 6
SCHED_CLS = 3
REDIRECT_PEER = 155             # BPF_FUNC_redirect_peer

def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", code, (src << 4) | dst, off, imm)

ifindex, path = int(sys.argv[1]), sys.argv[2].encode()
prog = (insn(0xb7, dst=1, imm=ifindex) +    # BPF_ALU64|BPF_MOV|BPF_K
        insn(0xb7, dst=2, imm=0) +
        insn(0x85, imm=REDIRECT_PEER) +      # BPF_JMP|BPF_CALL
        insn(0x95))                          # BPF_JMP|BPF_EXIT

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
insns = ctypes.create_string_buffer(prog, len(prog))
lic = ctypes.create_string_buffer(b"GPL")
log = ctypes.create_string_buffer(65536)

def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    ret = libc.syscall(NR_BPF, cmd, buf, ctypes.c_uint(128))
    return ret, ctypes.get_errno()

# prog_type, insn_cnt, insns, license, log_level, log_size, log_buf
attr = struct.pack("<IIQQIIQ", SCHED_CLS, len(prog) // 8,
                   ctypes.addressof(insns), ctypes.addressof(lic),
                   1, len(log), ctypes.addressof(log))
fd, err = bpf(BPF_PROG_LOAD, attr)
if fd < 0:
    print("BPF_PROG_LOAD: %s" % os.strerror(err), file=sys.stderr)
    print(log.value.decode(errors="replace"), file=sys.stderr)
    sys.exit(4 if err in (errno.ENOSYS, errno.EPERM) else 1)
pbuf = ctypes.create_string_buffer(path)
ret, err = bpf(BPF_OBJ_PIN, struct.pack("<QI", ctypes.addressof(pbuf), fd))
if ret < 0:
    print("BPF_OBJ_PIN %s: %s" % (path.decode(), os.strerror(err)),
          file=sys.stderr)
    sys.exit(1)
EOF
}

# udp_recv NS OUTFILE READYFILE DONEFILE: count datagrams to
# ADDR_P2:UDP_PORT until DONEFILE exists (the sender is done) and one more
# second passes; the count goes to OUTFILE.
udp_recv()
{
	ip netns exec "$1" python3 - "$ADDR_P2" "$UDP_PORT" "$2" "$3" "$4" <<'EOF'
import os, socket, sys, time
addr, port = sys.argv[1], int(sys.argv[2])
out, ready, done = sys.argv[3], sys.argv[4], sys.argv[5]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, port))
s.settimeout(0.1)
open(ready, "w").close()
n, start, end = 0, time.time(), None
while True:
    now = time.time()
    if end is None and (os.path.exists(done) or now - start > 15):
        end = now + 1.0
    if end is not None and now >= end:
        break
    try:
        s.recv(2048)
        n += 1
    except socket.timeout:
        pass
with open(out, "w") as f:
    f.write("%d\n" % n)
EOF
}

# udp_send NS: send COUNT datagrams to ADDR_P2:UDP_PORT.
udp_send()
{
	ip netns exec "$1" python3 - "$ADDR_P2" "$UDP_PORT" "$COUNT" <<'EOF'
import socket, sys
addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(n):
    s.sendto(b"redirect-peer %d" % i, (addr, port))
EOF
}

# counter NS DEV COUNTER
counter()
{
	ns_sysfs "$1" "$2" "statistics/$3"
}

TMPD=$(mktemp -d) || ktap_exit_fail_msg "mktemp failed"
defer rm -rf "$TMPD"
BPFFS=$TMPD/bpffs
mkdir "$BPFFS"
# A private bpffs outside /sys: ip netns exec and tc -n remount /sys.
mount -t bpf bpf "$BPFFS" >/dev/null 2>&1 ||
	exit_skip "cannot mount bpffs (no CONFIG_BPF_SYSCALL?)"
defer umount "$BPFFS"

ktap_set_plan 4
log_info "link kind: $KIND"

setup_ns NS NS2 || exit_skip "cannot create network namespaces"
ns_disable_ipv6 "$NS"
ns_disable_ipv6 "$NS2"

# The wire: w2 sends, w1 receives and runs the program.
if ! { run_cmd ip -n "$NS" link add w1 type veth peer name w2 &&
	run_cmd ip -n "$NS" link set w1 up &&
	ns_addr_up "$NS" w2 "$ADDR_W2/24" &&
	run_cmd tc -n "$NS" qdisc add dev w1 clsact; }; then
	ktap_exit_fail_msg "cannot set up the wire"
fi
# Frames to p2's address go to w1's MAC (PACKET_HOST on w1; the peer
# redirect keeps the packet type, so p2's stack accepts them).
run_cmd ip -n "$NS" neigh replace "$ADDR_P2" dev w2 nud permanent \
	lladdr "$(ns_sysfs "$NS" w1 address)" ||
	ktap_exit_fail_msg "cannot add the neighbour entry"

# Probe bpf() once with a harmless program (redirect to lo's peer).
load_pin 1 "$BPFFS/probe"
case $? in
0) ;;
4) exit_skip "bpf() is not available" ;;
*) ktap_exit_fail_msg "cannot load a SCHED_CLS program" ;;
esac

# attach PINNED: replace the program on w1's ingress.
attach()
{
	tc -n "$NS" filter del dev w1 ingress >/dev/null 2>&1
	run_cmd tc -n "$NS" filter add dev w1 ingress pref 1 \
		bpf object-pinned "$1" direct-action
}

# udp_through: send COUNT datagrams from w2, print how many NS2 received.
udp_through()
{
	local out=$TMPD/count ready=$TMPD/ready done=$TMPD/done pid

	rm -f "$out" "$ready" "$done"
	udp_recv "$NS2" "$out" "$ready" "$done" &
	pid=$!
	if ! busywait "$BUSYWAIT_TIMEOUT" test -e "$ready"; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		echo "ERR"
		return
	fi
	udp_send "$NS" || log_info "sending failed" >&2
	touch "$done"
	wait "$pid"
	cat "$out" 2>/dev/null || echo "ERR"
}

# make_pair KIND: p1 in NS, p2 (with ADDR_P2) in NS2. The peer is named
# by the kernel (ip(8) knows no "peer" option for every kind), then moved
# and renamed.
make_pair()
{
	local peer

	ip -n "$NS" link del p1 >/dev/null 2>&1
	run_cmd ip -n "$NS" link add name p1 type "$1" || return 1
	peer=$(ns_ifindex_name "$NS" "$(ns_sysfs "$NS" p1 iflink)")
	[ -n "$peer" ] || return 1
	run_cmd ip -n "$NS" link set dev "$peer" netns "$NS2" &&
		run_cmd ip -n "$NS2" link set dev "$peer" name p2 &&
		run_cmd ip -n "$NS" link set p1 up &&
		ns_addr_up "$NS2" p2 "$ADDR_P2/24"
}

# test_redirect KIND LABEL: bpf_redirect_peer(p1) delivers to p2 in NS2;
# LABEL names the pair in the subtest's name.
test_redirect()
{
	local kind=$1 label=$2 idx pin got tx0 tx1 rx0 rx1

	make_pair "$kind"
	check_err $? "cannot create the $kind pair"
	idx=$(ns_sysfs "$NS" p1 ifindex)
	pin=$BPFFS/peer_$kind
	if [ "$RET" -eq 0 ]; then
		rm -f "$pin"
		load_pin "$idx" "$pin"
		check_err $? "cannot load the program for ifindex $idx"
	fi
	if [ "$RET" -eq 0 ]; then
		attach "$pin"
		check_err $? "cannot attach the program to w1"
	fi
	if [ "$RET" -eq 0 ]; then
		tx0=$(counter "$NS" p1 tx_packets)
		rx0=$(counter "$NS2" p2 rx_packets)
		got=$(udp_through)
		tx1=$(counter "$NS" p1 tx_packets)
		rx1=$(counter "$NS2" p2 rx_packets)
		# p2's rx_packets is informational: whether the core counts
		# redirected packets into the peer's stats depends on the kernel.
		log_info "$kind: $got/$COUNT datagrams received;" \
			"p1 tx $tx0->$tx1, p2 rx $rx0->$rx1"
		[ "$got" = "$COUNT" ]
		check_err $? "$kind: $got of $COUNT datagrams reached $NS2"
		# Redirected past p1: its transmit path must not see them.
		[ -n "$tx0" ] && [ "$tx0" = "$tx1" ]
		check_err $? "$kind: p1 tx_packets moved $tx0->$tx1"
	fi
	log_test "$label: bpf_redirect_peer() to one end delivers to the other, past its tx path"
}

test_redirect veth "veth, the reference"
test_redirect "$KIND" "$KIND"

# Negative control: lo has no ndo_get_peer_dev, the packets are dropped.
attach "$BPFFS/probe"
check_err $? "cannot attach the lo program to w1"
got=$(udp_through)
log_info "lo: $got/$COUNT datagrams received"
[ "$got" = 0 ]
check_err $? "redirect to the peer of lo delivered $got datagrams"
log_test "lo: bpf_redirect_peer() to a device without a peer drops the packets"

# And the pair still delivers once the program targets it again.
attach "$BPFFS/peer_$KIND"
check_err $? "cannot reattach the $KIND program"
got=$(udp_through)
[ "$got" = "$COUNT" ]
check_err $? "$KIND: $got of $COUNT datagrams after reattaching"
log_test "$KIND: bpf_redirect_peer() delivers again once the program targets the pair"

ktap_finished
