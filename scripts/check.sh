#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [KVER...]: the project's verdict. Stages a copy of the tree
# where every user may read it (see lib.sh) and builds the selftests and
# tools there. Then for each kernel (default: every supported one) builds
# vpair.ko with W=1 in a copy of its own, boots the kernel in a VM with
# the clone out of reach, loads the module, runs the selftests, unloads
# it, and scans the guest's kernel log for splats. Prints each kernel's
# TAP and ends with one line "P passed, F failed" (plus ", S skipped"
# when any), after the line naming the directory that keeps the logs.
# Exit status 0 only if everything passed.
#
# KVER debug (make check-debug) is the debug kernel (scripts/vm/
# debug-kernel.sh, built the first time): the module is built with gcov,
# the guest adds fault injection and kmemleak (check-guest.sh), and the
# run ends with the coverage of driver/. The packaging checks run only
# with a supported kernel. VPAIR_TESTS="PROGRAM..." runs only those
# selftests programs (names in selftests/). VPAIR_GUESTS=N splits each
# kernel's programs across N guests that run at once (each loads, runs its
# share, unloads and scans on its own; coverage adds theirs up).
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

kvers=("$@")
[ ${#kvers[@]} -gt 0 ] || kvers=("${SUPPORTED_KVERS[@]}")
# The kernels the packaging checks build for: all but the debug kernel.
pkg_kvers=()
for k in "${kvers[@]}"; do
	[ "$k" = "$DEBUG_KVER" ] || pkg_kvers+=("$k")
done
read -ra tests <<<"${VPAIR_TESTS:-}"
[[ ${VPAIR_GUESTS:-1} =~ ^[1-9][0-9]*$ ]] || die "VPAIR_GUESTS must be a number of guests"
skipped=0
start=$(date +%s)
# stage/tree: the staged tree; stage/KVER: a module build; stage/logs.
stage=""
# What the runs build must be readable by all, as the staged tree is.
umask 022

build_one()
{
	local kver=$1 src=$2 blog=$3 rc
	shift 3
	"$TOP/scripts/vm/kbuild.sh" "$kver" "$src" W=1 "$@" >"$blog" 2>&1
	rc=$?
	if [ $rc -ne 0 ] || [ ! -f "$src/vpair.ko" ]; then
		sed 's/^/# /' "$blog" | tail -40
		return 1
	fi
	if grep -E 'warning:|error:' "$blog" | sed 's/^/# /' | grep .; then
		return 1
	fi
	return 0
}

# Tally the selftests' TAP: subtests count one each. A program that
# skipped without reporting a subtest counts as one skip, and one that
# failed without reporting a failing subtest as one failure.
tally()
{
	local p f s

	read -r p f s < <(awk '
		/^# ok [0-9]+ / { if (/# SKIP/) s++; else p++; n++; next }
		/^# not ok [0-9]+ / { f++; nf++; n++; next }
		/^ok [0-9]+ / { if (!n && /# SKIP/) s++; n = nf = 0; next }
		/^not ok [0-9]+ / { if (!nf) f++; n = nf = 0; next }
		END { print p + 0, f + 0, s + 0 }' "$1")
	n_ok=$((n_ok + p))
	skipped=$((skipped + s))
	n_not_ok=$((n_not_ok + f))
}

# coverage KVER N: the debug kernel's gcov report of driver/, from the
# data of its N guests.
coverage()
{
	local src=$stage/$1 logs=$stage/logs/$1 i dir
	local -a pairs=()

	for ((i = 1; i <= $2; i++)); do
		dir=$(guest_logs "$1" "$i" "$2")
		[ ! -f "$dir/guest.out" ] || pairs+=("$src" "$dir/export/gcov")
	done
	echo "# ==== coverage"
	python3 "$TOP/scripts/coverage.py" "${pairs[@]}" >"$logs/coverage.txt"
	verdict $? "$1: gcov data of driver/ from the guest"
	cat "$logs/coverage.txt"
}

# guest_logs KVER I N: the log directory of guest I of N.
guest_logs()
{
	if [ "$3" -gt 1 ]; then
		echo "$stage/logs/$1/guest$2"
	else
		echo "$stage/logs/$1"
	fi
}

# share I N: the programs guest I of N runs (all when N is 1): every Nth
# of the programs asked for, or of the whole suite.
share()
{
	local -a all=("${tests[@]}")
	local j

	if [ "$2" -le 1 ]; then
		[ ${#all[@]} -eq 0 ] || printf '%s\n' "${all[@]}"
		return
	fi
	[ ${#all[@]} -gt 0 ] ||
		mapfile -t all < <(make -s -C "$stage/tree/selftests" emit_tests | sed 's/^[^:]*://')
	for ((j = $1 - 1; j < ${#all[@]}; j += $2)); do
		printf '%s\n' "${all[$j]}"
	done
}

# run_guest KVER I N RUN_ARG...: guest I of N runs its share of the suite.
run_guest()
{
	local kver=$1 i=$2 n=$3 src=$stage/$1 logs
	local -a mine=() export_args=()

	shift 3
	logs=$(guest_logs "$kver" "$i" "$n")
	mkdir -p "$logs"
	mapfile -t mine < <(share "$i" "$n")
	[ "$n" -le 1 ] || [ ${#mine[@]} -gt 0 ] || return 0
	[ "$kver" != "$DEBUG_KVER" ] || export_args=(--export "$logs/export")
	(cd "$stage/tree" && "$TOP/scripts/vm/run.sh" "$@" "${export_args[@]}" --log "$logs/console.log" \
		"$kver" -- \
		"$stage/tree/scripts/check-guest.sh" "$src/vpair.ko" "$TOP" "${mine[@]}") \
		>"$logs/guest.out" 2>&1
	echo $? >"$logs/guest.rc"
}

# guest_verdicts KVER LOGS: what one guest printed and what its log shows.
guest_verdicts()
{
	local kver=$1 out=$2/guest.out rc

	[ -f "$out" ] || return 0
	cat "$out"
	tally "$out"
	# The guest's own checks: "ok - <release>: ..."
	n_ok=$((n_ok + $(grep -cE '^ok - [^ ]+: ' "$out")))
	n_not_ok=$((n_not_ok + $(grep -cE '^not ok - [^ ]+: ' "$out")))
	grep -q '^ok - module unloads cleanly' "$out"
	verdict $? "$kver: module unloads cleanly after the suite"
	rc=$(cat "$2/guest.rc")
	[ "$rc" -eq 0 ] || echo "# guest exited with status $rc"

	if splats "$2/console.log" | sed 's/^/# /' | grep .; then
		verdict 1 "$kver: kernel log free of splats"
	else
		verdict 0 "$kver: kernel log free of splats"
	fi
}

run_kernel()
{
	local kver=$1 src=$stage/$1 logs=$stage/logs/$1 rc i
	local n=${VPAIR_GUESTS:-1}
	local -a make_args=() run_args=(--detectors)

	echo "# ==== kernel $kver"
	mkdir -p "$logs"
	if [ "$kver" = "$DEBUG_KVER" ]; then
		# Built the first time (half an hour or more): progress on stderr.
		"$TOP/scripts/vm/debug-kernel.sh" prepare
		rc=$?
		verdict $rc "$kver: the debug kernel is built"
		[ $rc -eq 0 ] || return
		# KASAN and kmemleak want memory; the suite takes long.
		make_args=(VPAIR_GCOV=1)
		run_args=(--mem 3072 --timeout "${VPAIR_VM_TIMEOUT:-21600}")
	fi
	# The tools and man pages, built, for install-guest.sh.
	copy_module "$stage/tree" "$src" tools man
	build_one "$kver" "$src" "$logs/build.log" "${make_args[@]}"
	rc=$?
	verdict $rc "$kver: build vpair.ko with W=1, no warnings"
	[ $rc -eq 0 ] || return

	for ((i = 1; i <= n; i++)); do
		run_guest "$kver" "$i" "$n" "${run_args[@]}" &
	done
	wait
	for ((i = 1; i <= n; i++)); do
		[ "$n" -le 1 ] || echo "# ---- guest $i of $n"
		guest_verdicts "$kver" "$(guest_logs "$kver" "$i" "$n")"
	done
	[ "$kver" != "$DEBUG_KVER" ] || coverage "$kver" "$n"
}

# A wrong KDIR must stop the build with a hint naming the headers package.
check_bad_kdir()
{
	local out rc
	out=$(make -s -C "$stage/tree" KDIR=/nonexistent/kdir 2>&1)
	rc=$?
	[ $rc -eq 2 ] && grep -q 'apt-get install linux-headers-' <<<"$out"
	verdict $? "make with a wrong KDIR names the headers package (exit 2)"
}

# Count the "ok - " / "not ok - " lines of a host-side check script.
host_checks()
{
	local out
	out=$("$@" 2>&1)
	printf '%s\n' "$out"
	n_ok=$((n_ok + $(grep -c '^ok - ' <<<"$out")))
	n_not_ok=$((n_not_ok + $(grep -c '^not ok - ' <<<"$out")))
}

# first_lines N TEXT: TEXT's first N lines on one line.
first_lines()
{
	head -n "$1" <<<"$2" | tr '\n' ' '
}

# The selftests run some steps as an unprivileged user, from the staged
# tree: that user must be able to read all of it, wherever the clone is.
check_staged_tree_readable()
{
	local out rc
	out=$(as_nobody find "$stage/tree" \( ! -readable -o -type d ! -executable \) \
		-print 2>&1)
	rc=$?
	[ $rc -eq 0 ] && [ -z "$out" ]
	verdict $? "an unprivileged user can read the staged tree${out:+: $(first_lines 3 "$out")}"
}

# tree_paths: every path in the clone but under .git, sorted.
tree_paths()
{
	(cd "$TOP" && find . -path ./.git -prune -o -print) | LC_ALL=C sort
}

# check_tree_untouched PATHS: the clone has no path that PATHS (the
# tree_paths before the run) lacks.
check_tree_untouched()
{
	local left
	left=$(LC_ALL=C comm -13 <(printf '%s\n' "$1") <(tree_paths))
	[ -z "$left" ]
	verdict $? "the run left no file in the tree${left:+: $(first_lines 5 "$left")}"
}

main()
{
	local kver paths

	paths=$(tree_paths)
	stage=$(stage_dir check) || exit 1
	trap 'stage_end "$stage"' EXIT
	trap 'exit 130' INT TERM
	"$TOP/scripts/vm/deps.sh" >/dev/null || {
		echo "# could not install the test dependencies"
		verdict 1 "dependencies"
	}
	copy_tree "$TOP" "$stage/tree"
	make -s -C "$stage/tree/selftests" all || verdict 1 "build selftests"
	check_staged_tree_readable
	check_bad_kdir
	if [ ${#pkg_kvers[@]} -gt 0 ]; then
		echo "# ==== packaging"
		host_checks "$stage/tree/scripts/pkg-check.sh"
		host_checks "$stage/tree/scripts/dkms-check.sh" "${pkg_kvers[@]}"
	fi
	for kver in "${kvers[@]}"; do
		run_kernel "$kver"
	done
	check_tree_untouched "$paths"

	echo "# total time $(($(date +%s) - start)) s for kernels: ${kvers[*]}"
	echo "# logs: $stage/logs"
	if [ "$skipped" -gt 0 ]; then
		echo "$n_ok passed, $n_not_ok failed, $skipped skipped"
	else
		echo "$n_ok passed, $n_not_ok failed"
	fi
	[ "$n_not_ok" -eq 0 ]
}

main
