#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract the few kernel source files the project needs for linting and
# for building the selftests (kselftest harness, checkpatch) from Debian's
# linux-source package, without unpacking the whole tree.
#
# Usage: scripts/ksrc.sh [DIR]
#
# DIR defaults to $CACHE/ksrc, CACHE being ${XDG_CACHE_HOME:-$HOME/.cache}/vpair.
# The package is downloaded into $CACHE. The script is idempotent: once the
# members are extracted (stamp file present and up to date) it only prints
# the directory. The directory is the only thing written to stdout.

set -u
set -o pipefail

KSRC_PKG=${KSRC_PKG:-linux-source-6.12}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/vpair

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

die()
{
	echo "ksrc.sh: $*" >&2
	exit 1
}

msg()
{
	echo "ksrc.sh: $*" >&2
}

[ $# -le 1 ] || die "usage: $0 [DIR]"
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

if stamp_ok; then
	echo "$DEST"
	exit 0
fi

mkdir -p "$CACHE" "$DEST" || die "cannot create $CACHE or $DEST"

# Serialise concurrent callers (e.g. parallel make).
exec 9>"$CACHE/.ksrc.lock" || die "cannot open lock file"
if command -v flock >/dev/null; then
	flock 9 || die "cannot lock $CACHE/.ksrc.lock"
fi

if stamp_ok; then
	echo "$DEST"
	exit 0
fi

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

download_deb()
{
	local try

	command -v apt-get >/dev/null || die "apt-get not found"
	for try in 1 2 3 4 5 6 7 8 9 10; do
		# Download as root into a directory _apt cannot read: disable
		# the sandbox user to avoid a noisy warning.
		if (cd "$CACHE" &&
		    apt-get -q -o APT::Sandbox::User=root download "$KSRC_PKG" >&2); then
			return 0
		fi
		if [ "$try" -eq 1 ]; then
			msg "download failed, running apt-get update"
			apt-get -q update >&2 || true
		else
			msg "download failed, retrying (apt may be busy)"
			sleep 20
		fi
	done
	return 1
}

deb=$(find_deb) || {
	msg "downloading $KSRC_PKG into $CACHE"
	download_deb || die "cannot download $KSRC_PKG"
	deb=$(find_deb) || die "no $KSRC_PKG package found in $CACHE"
}

# The package ships usr/src/<pkg>.tar.xz whose members are <pkg>/...
inner="./usr/src/$KSRC_PKG.tar.xz"
top=$KSRC_PKG

tmp=$(mktemp -d "$DEST/.extract.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

members=()
for m in "${MEMBERS[@]}"; do
	members+=("$top/$m")
done

msg "extracting ${#MEMBERS[@]} files from $(basename "$deb")"
dpkg-deb --fsys-tarfile "$deb" |
	tar -xOf - "$inner" |
	tar -xJf - -C "$tmp" "${members[@]}" ||
	die "extraction from $deb failed"

for m in "${MEMBERS[@]}"; do
	[ -f "$tmp/$top/$m" ] || die "$m missing from $deb"
	mkdir -p "$DEST/$(dirname "$m")"
	mv -f "$tmp/$top/$m" "$DEST/$m" || die "cannot install $m"
done
chmod +x "$DEST/scripts/checkpatch.pl" \
	"$DEST/tools/testing/selftests/kselftest/prefix.pl" \
	"$DEST/tools/testing/selftests/kselftest/runner.sh"

deb_version "$deb" >"$DEST/.ksrc-version"
stamp_text >"$DEST/.ksrc-stamp"

echo "$DEST"
