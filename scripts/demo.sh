#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh [KVER]: build vpair.ko for one kernel (default 6.12), boot it in
# a VM and show both devices at work: a pair between two namespaces with
# a ping across, and a frame moved through /dev/net/vpair.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kver=${1:-6.12}
dir="$top/.build/demo-$kver"

echo "== installing what the demo needs (first run only)"
"$top/scripts/vm/deps.sh" >/dev/null

echo "== building vpair.ko for Linux $kver"
rm -rf "$dir" && mkdir -p "$dir/src"
cp -r "$top/Kbuild" "$top/Makefile" "$top/dkms.conf" "$top/driver" "$top/uapi" "$dir/src/"
rm -rf "$dir/src/driver/compat/generated"
"$top/scripts/vm/kbuild.sh" "$kver" "$dir/src" >"$dir/build.log" 2>&1 || {
	tail -30 "$dir/build.log"
	exit 1
}

echo "== building vpairctl and the iproute2 plugin"
make -s -C "$top/tools/vpairctl"
make -s -C "$top/tools/iproute2"

echo "== booting Linux $kver in a VM (kernel log: $dir/console.log)"
"$top/scripts/vm/run.sh" --log "$dir/console.log" "$kver" -- \
	"$top/scripts/demo-guest.sh" "$dir/src/vpair.ko"
