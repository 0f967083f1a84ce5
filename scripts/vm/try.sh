#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# try.sh KVER [--] COMMAND...: the developer's loop. Builds vpair.ko for
# one kernel in a private copy of the tree (so several builds can run at
# once), boots that kernel, loads the module, runs COMMAND from the top of
# the tree, then unloads the module. Exit status: COMMAND's, or 3 when the
# build fails, 4 when the module does not unload.
# Example: scripts/vm/try.sh 6.12 selftests/pair_basic.sh
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib.sh"

[ $# -ge 2 ] || { echo "usage: try.sh $(kver_alternatives) [--] COMMAND..." >&2; exit 2; }
kver=$1
shift
[ "$1" = "--" ] && shift

mkdir -p "$TOP/.build"
dir=$(mktemp -d "$TOP/.build/try.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cp -r "$TOP/Kbuild" "$TOP/Makefile" "$TOP/dkms.conf" "$TOP/driver" "$TOP/uapi" "$dir/"
rm -rf "$dir/driver/compat/generated"
if ! "$TOP/scripts/vm/kbuild.sh" "$kver" "$dir" W=1 >"$dir/build.log" 2>&1; then
	tail -40 "$dir/build.log"
	exit 3
fi
grep -E 'warning:|error:' "$dir/build.log"

cat >"$dir/guest.sh" <<GUEST
. "$TOP/scripts/lib.sh"
cd "$TOP" || exit 1
modprobe -q tun; modprobe -q veth
insmod "$dir/vpair.ko" || exit 3
export VPAIR_KO="$dir/vpair.ko"
$(printf '%q ' "$@")
rc=\$?
unload_vpair || { echo "try: vpair did not unload"; exit 4; }
exit \$rc
GUEST
"$TOP/scripts/vm/run.sh" --log "$dir/console.log" "$kver" -- bash "$dir/guest.sh"
rc=$?
grep -E "$SPLAT" "$dir/console.log" && echo "try: kernel log has a splat"
exit $rc
