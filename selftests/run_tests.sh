#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run_tests.sh PROGRAM...: run selftest programs with kselftest's own
# runner (kselftest/runner.sh, which make copies from the kernel sources),
# as "make run_tests" runs a kselftest collection: TAP 13, one "ok"/"not
# ok" line per program with its output indented by "# ", the timeout of
# the "settings" file. Then a summary line, "P passed, F failed, S
# skipped", and exit status 1 if any program failed.
#
# A PROGRAM without a leading "/" is one in this directory. KSFT_TIMEOUT
# overrides the timeout of the settings file (seconds).

set -u

here=$(cd "$(dirname "$0")" && pwd)
if [ ! -r "$here/kselftest/runner.sh" ]; then
	echo "run_tests.sh: no $here/kselftest/runner.sh: run make first" >&2
	exit 1
fi

# The runner finds itself in $BASE_DIR/kselftest and the settings of the
# collection it runs in $BASE_DIR/<collection>, the current directory:
# lay the two out as a kselftest install does. Each program still runs
# from the directory it is in, so paths relative to $0 hold.
base=$(mktemp -d) || exit 1
trap 'rm -rf "$base"' EXIT
ln -s "$here/kselftest" "$base/kselftest"
mkdir "$base/vpair" && ln -s "$here/settings" "$base/vpair/settings" || exit 1
progs=()
for prog in "$@"; do
	case $prog in
	/*)	progs+=("$prog") ;;
	*)	progs+=("$here/$prog") ;;
	esac
done
cd "$base/vpair" || exit 1

# Count the programs' results on the runner's TAP as it goes by.
summarize()
{
	local line passed=0 failed=0 skipped=0

	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"ok "*" # SKIP")	skipped=$((skipped + 1)) ;;
		"ok "*)			passed=$((passed + 1)) ;;
		"not ok "*)		failed=$((failed + 1)) ;;
		esac
	done
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

# runner.sh is not written for set -u.
set +u
BASE_DIR=$base
# shellcheck disable=SC2034 # read by runner.sh
kselftest_override_timeout=${KSFT_TIMEOUT:-}
# shellcheck source=/dev/null # from the kernel sources, not in the tree
. "$BASE_DIR/kselftest/runner.sh"
# The runner writes the programs' output to /dev/stdout by name, which the
# bare devtmpfs of a test VM lacks: bash would create a file there.
# shellcheck disable=SC2034 # read by runner.sh
logfile=/proc/self/fd/1
run_many "${progs[@]}" </dev/null | summarize
