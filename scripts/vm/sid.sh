#!/bin/bash
# sid.sh - run a command inside the cached Debian unstable root
# ($CACHE/sid-root, created by "kernel.sh 7.2 ...") through chroot, with
# /proc and /dev mounted in a private mount namespace (so nothing leaks
# when the command dies).  Every --bind DIR is made visible at the same
# path inside the root: bind-mounted when possible, otherwise copied in
# and the files the command changed are copied back afterwards
# (VPAIR_NO_BIND=1 forces that).
# Usage: sid.sh [--bind DIR]... -- CMD [ARG]...
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

BINDS=()
MOUNTED=()
COPIED=()
MARK=""

usage() {
	echo "usage: sid.sh [--bind DIR]... -- CMD [ARG]..." >&2
	exit 2
}

parse_args() {
	while (($#)); do
		case $1 in
		--bind)
			(($# >= 2)) || usage
			BINDS+=("$(readlink -f "$2")")
			shift 2
			;;
		--) shift && break ;;
		*) usage ;;
		esac
	done
	(($#)) || usage
	CMD=("$@")
}

cleanup() {
	local i
	for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
		umount -l "${MOUNTED[i]}" 2>/dev/null || true
	done
	for i in "${COPIED[@]}"; do
		copy_back "$i"
	done
	[[ -n $MARK ]] && rm -f "$MARK"
	return 0
}

mount_at() {
	local target=$1
	shift
	mkdir -p "$target"
	mount "$@" "$target" && MOUNTED+=("$target")
}

copy_in() {
	local dir=$1
	log "cannot bind-mount $dir, copying it into the sid root"
	mkdir -p "$SID_ROOT$dir"
	tar -C "$dir" -cf - . | tar -C "$SID_ROOT$dir" -xf -
	COPIED+=("$dir")
}

# copy_back DIR: bring back what the command wrote, then drop the copy.
copy_back() {
	local dir=$1
	(cd "$SID_ROOT$dir" && find . -newer "$MARK" \( -type f -o -type l \) -print0 |
		tar --null -T - -cf -) | tar -C "$dir" -xf -
	rm -rf "${SID_ROOT:?}$dir"
}

setup_mounts() {
	local d
	MARK=$(mktemp)
	mount_at "$SID_ROOT/proc" -t proc proc
	mount_at "$SID_ROOT/dev" --bind /dev
	[[ -f /etc/resolv.conf ]] && cp -L /etc/resolv.conf "$SID_ROOT/etc/resolv.conf" 2>/dev/null
	for d in "${BINDS[@]}"; do
		if [[ -n ${VPAIR_NO_BIND:-} ]] || ! mount_at "$SID_ROOT$d" --bind "$d" 2>/dev/null; then
			copy_in "$d"
		fi
	done
}

run_in_root() {
	chroot "$SID_ROOT" /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" "${CMD[@]}"
}

main() {
	parse_args "$@"
	[[ -d $SID_ROOT/usr ]] || die "no sid root at $SID_ROOT (run: kernel.sh 7.2 root)"
	if [[ -z ${VPAIR_SID_NS:-} ]] && unshare --mount true 2>/dev/null; then
		VPAIR_SID_NS=1 exec unshare --mount --propagation private -- "$0" "$@"
	fi
	trap cleanup EXIT
	setup_mounts
	local rc=0
	run_in_root || rc=$?
	return "$rc"
}

main "$@"
