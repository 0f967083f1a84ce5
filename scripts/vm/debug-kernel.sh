#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh - build (once) and print the kernel of "make check-debug":
# Debian's 6.12 sources (the linux-source package scripts/ksrc.sh fetches)
# configured as x86_64 defconfig with debug.config merged over it: KASAN,
# lockdep, kmemleak, UBSAN, the netdev/netns reference trackers, gcov for
# the module, fault injection, and only what the guest and the selftests
# need. Everything is built in; run.sh boots it as KVER "debug".
# Kept in $CACHE/debug-kernel/<version>-<hash of debug.config>: a changed
# fragment or a newer package is a new build, an unchanged one is reused.
# The sources are unpacked once per package version next to it (src-*).
# An interrupted build resumes where it stopped.
# Usage: debug-kernel.sh {env|dir|prepare}
#   env      REL KDIR ROOT VMLINUZ MODDIR as shell assignments (kernel.sh's)
#   dir      the cache directory of this kernel
#   prepare  only make sure it is built
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

FRAGMENT=$VM_DIR/debug.config
KSRC_PKG=linux-source-6.12

usage() {
	echo "usage: debug-kernel.sh {env|dir|prepare}" >&2
	exit 2
}

# key: <version>-<hash>, the version with what make would trip on made "_".
key() {
	local ver sum
	ver=$(dpkg-deb -f "$DEB" Version) || die "cannot read $DEB"
	sum=$(sha256sum "$FRAGMENT" | cut -c1-12)
	printf '%s-%s\n' "${ver//[^A-Za-z0-9.+-]/_}" "$sum"
}

# unpack: the package's whole tree into $SRC.
unpack() {
	[[ -f $SRC/.vpair-unpacked ]] && return 0
	log "unpacking the whole tree of $(basename "$DEB") (a minute)"
	rm -rf "$SRC" "$SRC.tmp"
	mkdir -p "$SRC.tmp"
	dpkg-deb --fsys-tarfile "$DEB" |
		tar -xOf - "./usr/src/$KSRC_PKG.tar.xz" |
		tar -xJf - -C "$SRC.tmp" --strip-components=1 ||
		die "cannot unpack $DEB"
	touch "$SRC.tmp/.vpair-unpacked"
	mv "$SRC.tmp" "$SRC"
}

# fragment_mismatches CONFIG: the lines of the fragment CONFIG does not
# have as written (an option whose dependencies are off, a typo).
fragment_mismatches() {
	local line opt
	while read -r line; do
		case $line in
		"# CONFIG_"*" is not set")
			opt=${line#\# }
			opt=${opt%% *}
			! grep -q "^$opt=" "$1"
			;;
		CONFIG_*) grep -qxF -- "$line" "$1" ;;
		*) true ;;
		esac || printf '%s\n' "$line"
	done <"$FRAGMENT"
}

configure() {
	local bad
	[[ -f $BUILD/.config ]] && return 0
	log "configuring $KEY: defconfig + debug.config"
	mkdir -p "$BUILD"
	make -s -C "$SRC" O="$BUILD" defconfig >&2
	"$SRC/scripts/kconfig/merge_config.sh" -m -O "$BUILD" "$BUILD/.config" "$FRAGMENT" >/dev/null
	make -s -C "$SRC" O="$BUILD" olddefconfig >&2
	bad=$(fragment_mismatches "$BUILD/.config")
	if [[ -n $bad ]]; then
		mv "$BUILD/.config" "$BUILD/.config.rejected"
		die "debug.config asks for what Kconfig did not give:"$'\n'"$bad"
	fi
}

_build() {
	local start rel
	[[ -f $DIR/env ]] && return 0
	host_install flex bison bc libelf-dev libssl-dev pahole cpio
	unpack
	configure
	start=$SECONDS
	log "building the debug kernel in $BUILD with $(nproc) jobs, niced (30 min or more)"
	run_logged "$DIR/build.log" nice -n 19 make -C "$SRC" O="$BUILD" -j"$(nproc)" all
	rel=$(cat "$BUILD/include/config/kernel.release")
	rm -rf "$DIR/root"
	run_logged "$DIR/modules.log" make -C "$SRC" O="$BUILD" \
		INSTALL_MOD_PATH="$DIR/root" modules_install
	depmod -b "$DIR/root" "$rel"
	log "built $rel in $((SECONDS - start)) s"
	{
		printf 'REL=%q\n' "$rel"
		printf 'KDIR=%q\n' "$BUILD"
		printf 'ROOT=\n'
		printf 'VMLINUZ=%q\n' "$BUILD/arch/x86/boot/bzImage"
		printf 'MODDIR=%q\n' "$DIR/root/lib/modules/$rel"
	} >"$DIR/env.tmp"
	mv "$DIR/env.tmp" "$DIR/env"
}

main() {
	(($# == 1)) || usage
	case $1 in
	env | dir | prepare) ;;
	*) usage ;;
	esac
	DEB=$("$TOP/scripts/ksrc.sh" --deb) || die "no $KSRC_PKG package"
	KEY=$(key)
	DIR=$CACHE/debug-kernel/$KEY
	SRC=$CACHE/debug-kernel/src-${KEY%-*}
	BUILD=$DIR/build
	case $1 in
	dir) printf '%s\n' "$DIR" ;;
	*)
		[[ -f $DIR/env ]] || with_lock "debug-kernel" _build
		[[ $1 == env ]] && cat "$DIR/env"
		;;
	esac
	return 0
}

main "$@"
