#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run selftest programs the way the kselftest runner does: TAP 13 output,
# one "ok"/"not ok" line per program, the program's own output indented
# with "# ", a per-program timeout from the "settings" file, exit code 4
# meaning skipped and 124 meaning timed out. The last line is a summary,
# "P passed, F failed, S skipped"; the exit code is 1 if anything failed.
#
# Usage: run_tests.sh PROGRAM...
#
# KSFT_TIMEOUT overrides the timeout of the settings file (seconds).
# Programs run from the directory of this script.

set -u

COLLECTION=vpair
SKIP_RC=4
TIMEOUT_RC=124

cd "$(dirname "$0")" || exit 1

timeout_s=45
if [ -r settings ]; then
	# No process substitution: /dev/fd may be missing in a minimal VM.
	while IFS='=' read -r key value; do
		case "$key" in
		timeout) timeout_s=$value ;;
		esac
	done <settings
fi
timeout_s=${KSFT_TIMEOUT:-$timeout_s}

prefix()
{
	sed -u -e 's/^/# /'
}

run_one()
{
	local num=$1 prog=$2 name rc start elapsed cmd

	name=$(basename "$prog")
	hdr="selftests: $COLLECTION: $name"
	echo "# timeout set to $timeout_s"
	echo "# $hdr"

	if [ ! -e "$prog" ]; then
		echo "# Warning: file $prog is missing!"
		echo "not ok $num $hdr"
		return 1
	fi
	if [ ! -x "$prog" ]; then
		echo "# Warning: file $prog is not executable"
		echo "not ok $num $hdr"
		return 1
	fi
	case "$prog" in
	/*|./*)	cmd=$prog ;;
	*)	cmd=./$prog ;;
	esac

	start=$(date +%s)
	if command -v stdbuf >/dev/null; then
		timeout -k 10 "$timeout_s" stdbuf -oL -eL "$cmd" </dev/null 2>&1 |
			prefix
	else
		timeout -k 10 "$timeout_s" "$cmd" </dev/null 2>&1 | prefix
	fi
	rc=${PIPESTATUS[0]}
	elapsed=$(($(date +%s) - start))
	echo "# $name took ${elapsed}s"

	if [ "$rc" -eq 0 ]; then
		echo "ok $num $hdr"
		return 0
	elif [ "$rc" -eq "$SKIP_RC" ]; then
		echo "ok $num $hdr # SKIP"
		return 2
	elif [ "$rc" -eq "$TIMEOUT_RC" ] ||
	     { [ "$rc" -eq 137 ] && [ "$elapsed" -ge "$timeout_s" ]; }; then
		echo "#"
		echo "not ok $num $hdr # TIMEOUT $timeout_s seconds"
		return 1
	fi
	echo "not ok $num $hdr # exit=$rc"
	return 1
}

passed=0
failed=0
skipped=0
num=0

echo "TAP version 13"
echo "1..$#"
for prog in "$@"; do
	num=$((num + 1))
	run_one "$num" "$prog"
	case $? in
	0) passed=$((passed + 1)) ;;
	2) skipped=$((skipped + 1)) ;;
	*) failed=$((failed + 1)) ;;
	esac
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
