#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# AF_XDP sockets on a pair end, in copy mode (xsk_io with pair_xsk.bpf.o):
# a socket on an end's rx queue, behind the end's native program, reads
# what the peer sends; a socket's tx ring sends through the end to the
# peer's stack; a zero-copy bind is refused with EOPNOTSUPP (an end has
# no memory of its own to lend). Each runs against vpair and veth alike.

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header
require_root
require_module vpair
require_module veth
require_cmd python3
XSK=$SELFTESTS_DIR/xsk_io
OBJ=$SELFTESTS_DIR/pair_xsk.bpf.o
require_built xsk_io pair_xsk.bpf.o
ktap_set_plan 6

N=50
PORT=4300
TMPD=$(mktemp -d)
defer rm -rf "$TMPD"


# run_kind KIND: va (NSA) and vb (NSB), a pair of KIND
run_kind()
{
	local kind=$1 pid got

	setup_ns NSA NSB || exit_skip "cannot create network namespaces"
	ns_disable_ipv6 "$NSA"
	ns_disable_ipv6 "$NSB"
	NS=$NSA nl add va --kind "$kind" --peer vb --peer-netns "/run/netns/$NSB" ||
		ktap_exit_fail_msg "cannot create the $kind pair"
	if ! ns_addr_up "$NSA" va 10.24.0.1/24 ||
	   ! ns_addr_up "$NSB" vb 10.24.0.2/24 ||
	   ! ip -n "$NSA" neigh replace 10.24.0.2 dev va lladdr "$(mac_of "$NSB" vb)"; then
		ktap_exit_fail_msg "cannot set up the $kind pair"
	fi

	# 1: a socket on vb's queue 0 reads what va sends
	nsx "$NSB" "$XSK" "$OBJ" vb rx "$N" "$PORT" >"$TMPD/rx" 2>"$TMPD/rx.err" &
	pid=$!
	if busywait 60 grep -q ready "$TMPD/rx.err"; then
		send_datagrams "$NSA" 10.24.0.2 "$PORT" "$N"
	fi
	wait "$pid"
	check_err $? "$kind: xsk_io rx: $(cat "$TMPD/rx.err")"
	got=$(cat "$TMPD/rx")
	[ "$got" = "$N" ]
	check_err $? "$kind: the socket read $got of $N datagrams"
	log_test "$kind: an AF_XDP socket (copy mode) reads what the peer sends"

	# 2: a socket's tx ring sends through va to vb's stack
	nsx "$NSB" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)    # SO_RCVBUFFORCE: a lagging reader
s.bind(("10.24.0.2", int(sys.argv[1])))
open(sys.argv[2], "w").close()
s.settimeout(30)
n = 0
try:
    while n < int(sys.argv[3]):
        s.recv(2048)
        n += 1
except socket.timeout:
    pass
print(n)' "$PORT" "$TMPD/ready" "$N" >"$TMPD/count" &
	pid=$!
	busywait 60 test -f "$TMPD/ready"
	check_err $? "$kind: vb's socket was not bound within 60 s"
	run_cmd nsx "$NSA" "$XSK" "$OBJ" va tx "$N" "$PORT" \
		"$(mac_of "$NSA" va)" "$(mac_of "$NSB" vb)" 10.24.0.1 10.24.0.2
	check_err $? "$kind: xsk_io tx did not complete $N frames"
	wait "$pid"
	got=$(cat "$TMPD/count")
	[ "$got" = "$N" ]
	check_err $? "$kind: vb's socket received $got of $N datagrams"
	rm -f "$TMPD/ready"
	log_test "$kind: an AF_XDP socket's tx ring sends through the end to the peer"

	# 3: no zero copy
	got=$(nsx "$NSB" "$XSK" "$OBJ" vb zerocopy)
	check_err $? "$kind: a zero-copy bind says '$got', not EOPNOTSUPP"
	log_test "$kind: a zero-copy bind is refused with EOPNOTSUPP"

	cleanup_ns "$NSA" "$NSB"
}

run_kind vpair
run_kind veth
ktap_finished
