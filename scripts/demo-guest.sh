#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh VPAIR_KO: the demo's guest half. Narrates every step.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

ko=$1
step() { printf '\n$ %s\n' "$*"; "$@"; }

cleanup()
{
	ip netns del demo-a 2>/dev/null || true
	ip netns del demo-b 2>/dev/null || true
}
trap cleanup EXIT

export IP_LIB_DIR="$TOP/tools/iproute2"	# ip finds link_vpair.so here
vpairctl="$TOP/tools/vpairctl/vpairctl"

echo "== the pair"
step insmod "$ko"
step ip netns add demo-a
step ip netns add demo-b
step ip -n demo-a link add name left type vpair peer name right netns demo-b
step ip -n demo-a addr add 192.0.2.1/24 dev left
step ip -n demo-b addr add 192.0.2.2/24 dev right
step ip -n demo-a link set left up
step ip -n demo-b link set right up
step ip -n demo-a -d link show left
step ip netns exec demo-a ping -c 3 -W 2 192.0.2.2
step ip -n demo-b -s link show right
step "$vpairctl" -n demo-a show
step ip netns exec demo-a "$vpairctl" add l3a peer l3b mode l3
step ip netns exec demo-a "$vpairctl" --json show l3a

echo
echo "== the char device"
step ls -l /dev/net/vpair
PYTHONPATH="$TOP/selftests" python3 - <<'PY'
import os, select, socket
from vpair_tun import IFF_NO_PI, IFF_TAP, attach

fd, name = attach("/dev/net/vpair", "", IFF_TAP | IFF_NO_PI)
print(f"# TUNSETIFF(IFF_TAP|IFF_NO_PI) made interface {name}")
os.system(f"ip link set {name} up")

# kernel -> fd: a frame sent on the interface comes out of read()
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((name, 0))
frame = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x88\xb5" + b"hello from the stack".ljust(46, b".")
s.send(frame)
while True:
    select.select([fd], [], [], 5)
    got = os.read(fd, 2048)
    if got[12:14] == b"\x88\xb5":
        break
print(f"# read() from the fd: {len(got)} bytes, payload {got[14:34]!r}")

# fd -> kernel: a frame written to the fd arrives on the interface
r = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))
r.bind((name, 0))
os.write(fd, b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x02" + b"\x88\xb5" + b"hello from userspace".ljust(46, b"."))
r.settimeout(5)
data = r.recv(2048)
print(f"# AF_PACKET on {name} received {len(data)} bytes, payload {data[14:34]!r}")
os.close(fd)
print(f"# fd closed: {name} is gone: {not os.path.exists('/sys/class/net/' + name)}")
PY


echo "# vpairctl pump answers pings through a tap it creates"
"$vpairctl" pump vtapdemo echo 3 --timeout 20 &
pump=$!
for _ in $(seq 50); do [ -d /sys/class/net/vtapdemo ] && break; sleep 0.2; done
step ip addr add 198.51.100.1/24 dev vtapdemo
step ping -c 3 -W 2 198.51.100.2
wait "$pump"

echo
step ip -n demo-a link del left
step rmmod vpair
echo
echo "demo finished: traffic went through the pair and the char device"
