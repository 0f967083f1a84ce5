#!/bin/bash
# kbuild.sh - build the out-of-tree module in SRCDIR for one kernel: runs
# "make -C SRCDIR KDIR=<headers> [ARGS]" on the host for 6.1/6.12, and
# inside the sid root for 7.2 (its headers need gcc-16 and a newer libc),
# with SRCDIR visible at the same path there (see sid.sh).  The kernel is
# prepared first if needed (see kernel.sh).
# Usage: kbuild.sh KVER SRCDIR [MAKE-ARGS...]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

usage() {
	echo "usage: kbuild.sh $(kver_alternatives) SRCDIR [MAKE-ARGS...]" >&2
	exit 2
}

main() {
	(($# >= 2)) || usage
	local kver=$1 src
	kver_check "$kver"
	[[ -d $2 ]] || die "no such directory: $2"
	src=$(readlink -f "$2")
	shift 2
	kernel_env "$kver"
	if [[ -z $ROOT ]]; then
		make -C "$src" KDIR="$KDIR" "$@"
	else
		"$VM_DIR/sid.sh" --bind "$src" -- make -C "$src" KDIR="$KDIR" "$@"
	fi
}

main "$@"
