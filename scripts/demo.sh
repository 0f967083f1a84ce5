#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh [KVER]: build vpair.ko for one kernel (default: see lib.sh), boot it in
# a VM and show both devices at work: a pair between two namespaces with
# a ping across, and a frame moved through /dev/net/vpair.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

kver=${1:-$DEFAULT_KVER}
dir="$TOP/.build/demo-$kver"

echo "== installing what the demo needs (first run only)"
"$TOP/scripts/vm/deps.sh" >/dev/null

echo "== building vpair.ko for Linux $kver"
rm -rf "$dir" && mkdir -p "$dir/src"
cp -r "$TOP/Kbuild" "$TOP/Makefile" "$TOP/dkms.conf" "$TOP/driver" "$TOP/uapi" "$dir/src/"
rm -rf "$dir/src/driver/compat/generated"
"$TOP/scripts/vm/kbuild.sh" "$kver" "$dir/src" >"$dir/build.log" 2>&1 || {
	tail -30 "$dir/build.log"
	exit 1
}

echo "== building vpairctl and the iproute2 plugin"
make -s -C "$TOP/tools/vpairctl"
make -s -C "$TOP/tools/iproute2"

echo "== booting Linux $kver in a VM (kernel log: $dir/console.log)"
"$TOP/scripts/vm/run.sh" --log "$dir/console.log" "$kver" -- \
	"$TOP/scripts/demo-guest.sh" "$dir/src/vpair.ko"
