#!/bin/bash
# kernel.sh - make a Debian kernel available for vpair builds and VM tests
# and print one fact about it.  KVER 6.1 and 6.12 are Debian 12 kernels
# (headers installed on the host with apt); 7.2 is the newest Debian
# unstable kernel, built against inside a debootstrapped sid root.  Image
# and modules are unpacked into the cache; a stamp makes repeated calls
# instant.  VPAIR_REFRESH=1 re-resolves the newest kernel.
# Usage: kernel.sh KVER WHAT
#   KVER: 6.1 | 6.12 | 7.2 | debug (the debug kernel, see debug-kernel.sh)
#   WHAT: kdir | release | vmlinuz | moddir | root | env | prepare
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

usage() {
	echo "usage: kernel.sh $(kver_alternatives) {kdir|release|vmlinuz|moddir|root|env|prepare}" >&2
	exit 2
}

main() {
	(($# == 2)) || usage
	kver_check "$1"
	case $2 in
	kdir | release | vmlinuz | moddir | root | env | prepare) ;;
	*) usage ;;
	esac
	kernel_env "$1"
	case $2 in
	kdir) printf '%s\n' "$KDIR" ;;
	release) printf '%s\n' "$REL" ;;
	vmlinuz) printf '%s\n' "$VMLINUZ" ;;
	moddir) printf '%s\n' "$MODDIR" ;;
	root)
		[[ -n $ROOT ]] || die "kernel $1 is built on the host, it has no root"
		printf '%s\n' "$ROOT"
		;;
	env)
		printf 'REL=%q\nKDIR=%q\nROOT=%q\nVMLINUZ=%q\nMODDIR=%q\n' \
			"$REL" "$KDIR" "$ROOT" "$VMLINUZ" "$MODDIR"
		;;
	prepare) ;;
	esac
}

main "$@"
