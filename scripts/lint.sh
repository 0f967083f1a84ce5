#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lint the driver the way upstream review would:
#  1. checkpatch.pl --strict on every driver/**/*.[ch] and uapi/**/*.h
#     (with --codespell when codespell's dictionary is installed);
#  2. a sparse build of the module: make KDIR=KDIR C=2 W=1, failing on
#     any warning or error reported for the project's files.
#
# Usage: scripts/lint.sh [KDIR]
#
# KDIR defaults to the headers of the default kernel (see lib.sh).
# Exits 0 only when both are clean.

set -u
set -o pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
DIE_STATUS=2

[ $# -le 1 ] || die "usage: $0 [KDIR]"
KDIR=${1:-$("$TOP/scripts/vm/kernel.sh" "$DEFAULT_KVER" kdir)} ||
	die "no headers for Linux $DEFAULT_KVER"
[ -f "$KDIR/Makefile" ] || die "no kernel build dir at '$KDIR'"
KDIR=$(cd "$KDIR" && pwd -P) || die "cannot resolve $KDIR"


# checkpatch types that make no sense for an out-of-tree module:
#  FILE_PATH_CHANGES	MAINTAINERS updates, only meaningful in a patch
#  LINUX_VERSION_CODE	an out-of-tree module must adapt to several kernels
CHECKPATCH_IGNORE=FILE_PATH_CHANGES,LINUX_VERSION_CODE

status=0

# --- sources ------------------------------------------------------------------

# Files under version control or new, minus ignored (generated) ones.
list_sources()
{
	if git -C "$TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$TOP" ls-files --cached --others --exclude-standard \
			-- 'driver/*.[ch]' 'uapi/*.h' |
			while IFS= read -r f; do
				[ -f "$TOP/$f" ] && echo "$f"
			done
	else
		(cd "$TOP" &&
		 find driver uapi -type f \( -name '*.[ch]' -path 'driver/*' -o \
			-name '*.h' -path 'uapi/*' \) \
			-not -path 'driver/compat/generated/*' 2>/dev/null)
	fi | LC_ALL=C sort -u
}

sources=$(list_sources)
[ -n "$sources" ] || die "no sources found under driver/ and uapi/"
mapfile -t SOURCES <<<"$sources"

# --- checkpatch ---------------------------------------------------------------

KSRC=$("$TOP/scripts/ksrc.sh") || die "scripts/ksrc.sh failed"
CHECKPATCH=$KSRC/scripts/checkpatch.pl

codespell_dict()
{
	local f

	for f in /usr/share/codespell/dictionary.txt \
		 /usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt; do
		[ -r "$f" ] && { echo "$f"; return 0; }
	done
	command -v python3 >/dev/null || return 1
	python3 - <<-'EOF' 2>/dev/null
	import os, codespell_lib
	f = os.path.join(os.path.dirname(codespell_lib.__file__), "data", "dictionary.txt")
	if not os.path.isfile(f):
	    raise SystemExit(1)
	print(f)
	EOF
}

cp_args=(--strict --no-tree --show-types --color=never
	 --ignore "$CHECKPATCH_IGNORE")
if dict=$(codespell_dict); then
	cp_args+=(--codespell --codespellfile "$dict")
	echo "lint.sh: checkpatch with codespell ($dict)"
else
	echo "lint.sh: codespell not installed, checkpatch spelling.txt only"
fi

WORK=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$WORK"' EXIT

# checkpatch caches CamelCase names in its working directory: not the tree.
echo "lint.sh: checkpatch ${#SOURCES[@]} files"
cp_log=$(cd "$WORK" &&
	 perl "$CHECKPATCH" "${cp_args[@]}" --quiet -f "${SOURCES[@]/#/$TOP/}" 2>&1)
cp_rc=$?
cp_log=${cp_log//"$TOP/"/}
if [ "$cp_rc" -ne 0 ] || [ -n "$cp_log" ]; then
	printf '%s\n' "$cp_log"
	echo "lint.sh: checkpatch: FAILED"
	status=1
else
	echo "lint.sh: checkpatch: clean"
fi

# --- sparse -------------------------------------------------------------------

host_install sparse || die "sparse is not installed and cannot be installed"

# Build a fresh copy of the module: every file is compiled again (objects
# that are up to date would hide W=1 warnings) and nothing in the work
# tree is touched.
build_log=$WORK/build.log
copy_module "$TOP" "$WORK/src" || die "cannot copy the tree"

echo "lint.sh: sparse build against $KDIR"
make -C "$WORK/src" KDIR="$KDIR" C=2 W=1 >"$build_log" 2>&1
build_rc=$?
# Show paths as in the repo.
sed -i "s#$WORK/src/##g" "$build_log"

# Diagnostics for the project's files: gcc/sparse print
# FILE:LINE[:COL]: warning|error: ..., with FILE relative to the module
# or absolute (kernel headers); modpost prints WARNING:/ERROR:.
ours=$(awk '
	/^(WARNING|ERROR): modpost:/ { print; next }
	/^[^ :]+:[0-9]+(:[0-9]+)?: (warning|error|sparse: error|sparse: warning):/ ||
	/^[^ :]+: (warning|error):/ {
		f = $0
		sub(/:.*/, "", f)
		if (f !~ /^\//)
			print
	}' "$build_log")

if [ "$build_rc" -ne 0 ]; then
	cat "$build_log"
	echo "lint.sh: sparse build: FAILED (make exited $build_rc)"
	status=1
elif [ -n "$ours" ]; then
	printf '%s\n' "$ours"
	echo "lint.sh: sparse build: FAILED (diagnostics above)"
	status=1
else
	others=$(grep -cE '(warning|error):' "$build_log")
	if [ "$others" -gt 0 ]; then
		echo "lint.sh: note: $others diagnostics outside the project's files:"
		grep -E '(warning|error):' "$build_log" | sed 's/^/lint.sh:   /'
	fi
	echo "lint.sh: sparse build: clean"
fi

if [ "$status" -eq 0 ]; then
	echo "lint.sh: all clean"
fi
exit "$status"
