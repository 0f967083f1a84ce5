#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh [KVER]: build vpair.ko for one kernel (default: see lib.sh) in
# a staged copy of the tree, boot the kernel in a VM and show both devices
# at work: a pair between two namespaces with a ping across, and a frame
# moved through /dev/net/vpair. The kernel log stays, in the logs/ of the
# staged copy.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

kver=${1:-$DEFAULT_KVER}

umask 022
stage=$(stage_dir demo)
tree=$stage/tree
logs=$stage/logs
trap 'stage_end "$stage"' EXIT
mkdir -p "$logs"

echo "== installing what the demo needs (first run only)"
"$TOP/scripts/vm/deps.sh" >/dev/null

echo "== building vpair.ko for Linux $kver"
copy_tree "$TOP" "$tree"
"$TOP/scripts/vm/kbuild.sh" "$kver" "$tree" >"$logs/build.log" 2>&1 || {
	tail -30 "$logs/build.log"
	exit 1
}

echo "== building vpairctl and the iproute2 plugin"
make -s -C "$tree/tools/vpairctl"
make -s -C "$tree/tools/iproute2"

echo "== booting Linux $kver in a VM (kernel log: $logs/console.log)"
(cd "$tree" && "$TOP/scripts/vm/run.sh" --log "$logs/console.log" "$kver" -- \
	"$tree/scripts/demo-guest.sh" "$tree/vpair.ko")
