#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# try.sh KVER [--] COMMAND...: the developer's loop. Stages a copy of the
# tree (see lib.sh; several runs can go on at once), builds vpair.ko for
# one kernel and the selftests there, boots that kernel, loads the module,
# runs COMMAND from the top of the copy, then unloads the module. The logs
# stay; their directory is named on stderr. Exit status: COMMAND's, or 3
# when the build fails, 4 when the module does not unload.
# Example: scripts/vm/try.sh 6.12 selftests/pair_basic.sh
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib.sh"

[ $# -ge 2 ] || { echo "usage: try.sh $(kver_alternatives) [--] COMMAND..." >&2; exit 2; }
kver=$1
shift
[ "$1" = "--" ] && shift

umask 022
stage=$(stage_dir try) || exit 3
tree=$stage/tree
logs=$stage/logs
trap 'stage_end "$stage"; echo "try: logs in $logs" >&2' EXIT
mkdir -p "$logs"
copy_tree "$TOP" "$tree" || exit 3

# build LOG CMD...: CMD with its output in LOG, shown when it fails.
build()
{
	local log=$1
	shift
	"$@" >"$log" 2>&1 && return 0
	tail -40 "$log"
	return 1
}

build "$logs/selftests.log" make -s -C "$tree/selftests" all &
tests=$!
build "$logs/build.log" "$TOP/scripts/vm/kbuild.sh" "$kver" "$tree" W=1 || exit 3
grep -E 'warning:|error:' "$logs/build.log"
wait $tests || exit 3

cat >"$stage/guest.sh" <<GUEST
. "$tree/scripts/lib.sh"
cd "$tree" || exit 1
pin_static_keys || exit 1
modprobe -q tun; modprobe -q veth
insmod "$tree/vpair.ko" || exit 3
export VPAIR_KO="$tree/vpair.ko"
$(printf '%q ' "$@")
rc=\$?
unload_vpair || { echo "try: vpair did not unload"; exit 4; }
exit \$rc
GUEST
(cd "$tree" && "$TOP/scripts/vm/run.sh" --detectors --log "$logs/console.log" "$kver" -- \
	bash "$stage/guest.sh")
rc=$?
splats "$logs/console.log" && echo "try: kernel log has a splat"
exit $rc
