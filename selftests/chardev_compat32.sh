#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The char-device tests built as static 32-bit programs (chardev_*_m32),
# so that every ioctl goes through the driver's compat_ioctl: pointer
# arguments through compat_ptr(), struct ifreq as the 32-byte compat_ifreq,
# and the 32-bit numbers of the ioctls whose argument holds a pointer.
# Their subtests are reported as this program's own, renumbered.
#
# Skipped only when the kernel cannot run 32-bit programs (no IA32
# emulation); a missing program is a failure (build it with make).
#
# Set VPAIR_DEV=/dev/net/tun to run the same checks against Linux's tun.

set -u
shopt -s lastpipe

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header

DIR=$(dirname "$0")
PROGS=(chardev_basic_m32 chardev_ioctl_m32 chardev_badinput_m32
	chardev_batch_m32)

# run_m32 PROG: run PROG, report each of its subtests as "PROG: name".
run_m32()
{
	local prog=$1 line res name rc failed=0
	local -a M32_ARGS=()

	# Reads and writes take no compat path: leave out their fixture.
	[ "$prog" = chardev_badinput_m32 ] &&
		M32_ARGS=(-f ioctls -f states -f names -f chardev -f args)

	if [ ! -x "$DIR/$prog" ]; then
		log_info "$prog: missing, build it with make"
		ktap_test_fail "$prog"
		return
	fi
	"$DIR/$prog" "${M32_ARGS[@]}" 2>&1 | while IFS= read -r line; do
		if [[ $line =~ ^(not ok|ok)\ [0-9]+\ (.*)$ ]]; then
			res=${BASH_REMATCH[1]}
			name=${BASH_REMATCH[2]}
			if [ "$res" = "not ok" ]; then
				ktap_test_fail "$prog: $name"
				failed=1
			elif [[ $name =~ ^(.*)\ \#\ SKIP\ ?(.*)$ ]]; then
				log_info "${BASH_REMATCH[2]}"
				ktap_test_skip "$prog: ${BASH_REMATCH[1]}"
			else
				ktap_test_pass "$prog: $name"
			fi
		elif [[ $line =~ ^1\.\.0\ \#\ SKIP\ ?(.*)$ ]]; then
			log_info "${BASH_REMATCH[1]}"
			ktap_test_skip "$prog"
		elif [[ $line =~ ^(TAP\ version|1\.\.[0-9]|#\ Totals:) ]]; then
			continue
		elif [[ $line == \#* ]]; then
			echo "$line"
		else
			echo "# $line"
		fi
	done
	rc=${PIPESTATUS[0]}
	# A program that died without reporting a failing subtest.
	if [ "$rc" -ne 0 ] && [ "$rc" -ne "$KSFT_SKIP" ] &&
	   [ "$failed" -eq 0 ]; then
		log_info "$prog: exited with status $rc"
		ktap_test_fail "$prog"
	fi
}

# Exec of a 32-bit program fails (shell status 126) without IA32 emulation.
for prog in "${PROGS[@]}"; do
	[ -x "$DIR/$prog" ] || continue
	"$DIR/$prog" -l >/dev/null 2>&1
	[ $? -eq 126 ] &&
		exit_skip "the kernel cannot run 32-bit programs (no IA32 emulation)"
	break
done

for prog in "${PROGS[@]}"; do
	run_m32 "$prog"
done
# The plan comes last: the programs' subtests are counted as they run.
ktap_set_plan $((KTAP_CNT_PASS + KTAP_CNT_FAIL + KTAP_CNT_SKIP))
ktap_finished
