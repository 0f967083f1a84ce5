#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract the few kernel source files the project needs for linting and
# for building the selftests (kselftest harness, checkpatch) from Debian's
# linux-source package, without unpacking the whole tree.
#
# Usage: scripts/ksrc.sh [DIR]
#        scripts/ksrc.sh --deb
#
# DIR defaults to $CACHE/ksrc (see lib.sh). --deb only prints the path of
# the package (downloaded if there is none), whose whole tree the debug
# kernel builds from (scripts/vm/debug-kernel.sh).
# The package is downloaded into $CACHE. The script is idempotent: once the
# members are extracted (stamp file present and up to date) it only prints
# the directory. The directory is the only thing written to stdout.

set -u
set -o pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

KSRC_PKG=${KSRC_PKG:-linux-source-6.12}

# Paths relative to the top of the kernel tree.
MEMBERS=(
	tools/testing/selftests/kselftest_harness.h
	tools/testing/selftests/kselftest.h
	tools/testing/selftests/kselftest/runner.sh
	tools/testing/selftests/kselftest/prefix.pl
	tools/testing/selftests/kselftest/ktap_helpers.sh
	scripts/checkpatch.pl
	scripts/spelling.txt
	scripts/const_structs.checkpatch
)

[ $# -le 1 ] || die "usage: $0 [DIR] | --deb"
DEB_ONLY=
if [ "${1:-}" = --deb ]; then
	DEB_ONLY=1
	shift
fi
DEST=$(realpath -m -- "${1:-$CACHE/ksrc}") || die "bad directory: ${1:-}"

# The stamp records the package and the member list, so that changing
# either triggers a new extraction.
stamp_text()
{
	printf '%s\n' "pkg=$KSRC_PKG" "${MEMBERS[@]}"
}

stamp_ok()
{
	local m

	[ -f "$DEST/.ksrc-stamp" ] || return 1
	[ "$(cat "$DEST/.ksrc-stamp")" = "$(stamp_text)" ] || return 1
	for m in "${MEMBERS[@]}"; do
		[ -f "$DEST/$m" ] || return 1
	done
	return 0
}

find_deb()
{
	local f newest=""

	for f in "$CACHE/${KSRC_PKG}_"*_all.deb; do
		[ -f "$f" ] || continue
		if [ -z "$newest" ] ||
		   dpkg --compare-versions "$(deb_version "$f")" gt \
					   "$(deb_version "$newest")"; then
			newest=$f
		fi
	done
	[ -n "$newest" ] || return 1
	echo "$newest"
}

deb_version()
{
	dpkg-deb -f "$1" Version
}

# get_deb: print the newest cached package, downloading it if there is none.
get_deb()
{
	find_deb && return 0
	log "downloading $KSRC_PKG into $CACHE"
	apt_download "$CACHE" "$KSRC_PKG" || die "cannot download $KSRC_PKG"
	find_deb || die "no $KSRC_PKG package found in $CACHE"
}

# extract: the MEMBERS from the newest cached package (downloaded if there
# is none) into DEST. The package ships usr/src/<pkg>.tar.xz whose members
# are <pkg>/...
extract()
{
	local deb m
	local -a members=()

	stamp_ok && return 0
	mkdir -p "$DEST" || die "cannot create $DEST"
	deb=$(get_deb) || exit 1
	# Global: the trap runs after this function has returned.
	tmp=$(mktemp -d "$DEST/.extract.XXXXXX") || die "mktemp failed"
	trap 'rm -rf "$tmp"' EXIT
	for m in "${MEMBERS[@]}"; do
		members+=("$KSRC_PKG/$m")
	done

	log "extracting ${#MEMBERS[@]} files from $(basename "$deb")"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xOf - "./usr/src/$KSRC_PKG.tar.xz" |
		tar -xJf - -C "$tmp" "${members[@]}" ||
		die "extraction from $deb failed"

	for m in "${MEMBERS[@]}"; do
		[ -f "$tmp/$KSRC_PKG/$m" ] || die "$m missing from $deb"
		mkdir -p "$DEST/$(dirname "$m")"
		mv -f "$tmp/$KSRC_PKG/$m" "$DEST/$m" || die "cannot install $m"
	done
	chmod +x "$DEST/scripts/checkpatch.pl" \
		"$DEST/tools/testing/selftests/kselftest/prefix.pl" \
		"$DEST/tools/testing/selftests/kselftest/runner.sh"

	deb_version "$deb" >"$DEST/.ksrc-version"
	stamp_text >"$DEST/.ksrc-stamp"
}

# Serialise concurrent callers (e.g. parallel make).
if [ -n "$DEB_ONLY" ]; then
	find_deb || with_lock ksrc get_deb
	exit
fi
stamp_ok || with_lock ksrc extract || exit 1
echo "$DEST"
