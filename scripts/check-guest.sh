#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-guest.sh VPAIR_KO [CLONE [TEST...]]: runs inside a test VM, from a
# staged copy of the tree. Hides CLONE, the tree the check started from,
# behind an empty directory only root may enter: the suite then runs as it
# would from a clone in a private directory, and can use nothing but the
# staged copy. Loads the module, runs the selftests (the TESTs, program
# names in selftests/, if any are given; TAP on stdout), then unloads the
# module: a reference leaked by any test makes the unload fail. Exit
# status: the suite's.
#
# On the debug kernel (what it has decides, see scripts/vm/debug.config)
# it also: runs the fuzzer again with allocations failing in the module
# (failslab and fail_page_alloc, their stack filter on the module's
# addresses); after the unload has kmemleak scan and reports what it finds
# (kmemleak's reports from before the module was loaded cleared); and
# leaves the module's gcov data in $VPAIR_EXPORT/gcov (run.sh --export).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

ko=$1
clone=${2:-}
shift $(($# < 2 ? $# : 2))
tests=("$@")
DEBUGFS=/sys/kernel/debug
KMEMLEAK=$DEBUGFS/kmemleak

# kmemleak_scan: two scans (an object is reported once it is 5 s old and
# was unreferenced in a scan), then kmemleak's report.
kmemleak_scan()
{
	echo scan >"$KMEMLEAK" && sleep 6 && echo scan >"$KMEMLEAK" &&
		cat "$KMEMLEAK"
}

# fault_attr DIR ATTR VALUE: one attribute of a fault injection.
fault_attr()
{
	echo "$3" >"$DEBUGFS/$1/$2" || echo "# cannot set $1/$2 to $3"
}

# fault_inject START END: fail 1 in 10 allocations whose call stack passes
# through [START, END) (hexadecimal; 0 0: stop).
fault_inject()
{
	local f

	for f in failslab fail_page_alloc; do
		[ -d "$DEBUGFS/$f" ] || continue
		if [ "$1" = 0 ]; then
			fault_attr $f probability 0
			fault_attr $f times 0
			continue
		fi
		fault_attr $f require-start "$1"
		fault_attr $f require-end "$2"
		fault_attr $f stacktrace-depth 32
		fault_attr $f ignore-gfp-wait N
		fault_attr $f verbose 0
		fault_attr $f interval 1
		fault_attr $f times -1
		fault_attr $f probability 10
		[ $f = fail_page_alloc ] && fault_attr $f ignore-gfp-highmem N
		[ $f = fail_page_alloc ] && fault_attr $f min-order 0
	done
	return 0
}

# fault_run: the fuzzer while the module's allocations fail. What the run
# does is not checked, only that the kernel stays free of splats and
# leaks and that the module still unloads. The kernel log marks the span:
# the page allocator's warnings of a failed allocation are expected there.
fault_run()
{
	local base size

	[ -d "$DEBUGFS/failslab" ] && [ -x "$TOP/selftests/fuzz" ] || return 0
	# (a here-string: the guest's bare /dev has no /dev/fd for "< <(...)")
	read -r base size <<<"$(awk '$1 == "vpair" { print $6, $2 }' /proc/modules)"
	if [ -z "$base" ] || [ $((base)) -eq 0 ]; then
		VERDICT_PREFIX="$(uname -r): " \
			verdict 1 "allocation failures in the module: no module address"
		return 1
	fi
	echo "vpair-check: fault injection on" >/dev/kmsg
	fault_inject "$base" "$(printf '0x%x' $((base + size)))"
	"$TOP/selftests/fuzz" --seed 1 --ops 1000 2>&1 |
		sed 's/^/# fault: /' | tail -5
	fault_inject 0 0
	echo "vpair-check: fault injection off" >/dev/kmsg
	ip -all netns delete 2>/dev/null
	VERDICT_PREFIX="$(uname -r): " \
		verdict 0 "the fuzzer ran with 1 in 10 of the module's allocations failing"
}

if [ -n "$clone" ]; then
	mount -t tmpfs -o mode=0700,size=64k vpair-clone "$clone"
	VERDICT_PREFIX="$(uname -r): " \
		verdict $? "the suite runs with the clone hidden (empty, mode 0700)"
fi

# kmemleak's reports from before vpair was ever loaded are not ours.
if [ -w "$KMEMLEAK" ]; then
	kmemleak_scan >/dev/null
	echo clear >"$KMEMLEAK"
fi

# Before anything loads vpair: install, autoload, uninstall.
"$TOP/scripts/install-guest.sh" "$(dirname "$(readlink -f "$ko")")"

pin_static_keys
verdict $? "the receive path's static keys are held on for the suite"

modprobe -q tun 2>/dev/null
modprobe -q veth 2>/dev/null
if ! insmod "$ko"; then
	echo "not ok - insmod $ko"
	exit 1
fi

# The debug kernel runs a program many times slower than the runner's
# settings allow for.
[ "${VPAIR_KVER:-}" != "$DEBUG_KVER" ] || export KSFT_TIMEOUT=${KSFT_TIMEOUT:-3600}

if [ ${#tests[@]} -gt 0 ]; then
	make -s -C "$TOP/selftests" all &&
		(cd "$TOP/selftests" && VPAIR_KO=$(readlink -f "$ko") ./run_tests.sh "${tests[@]}")
else
	VPAIR_KO=$(readlink -f "$ko") make -s -C "$TOP/selftests" run_tests
fi
rc=$?

fault_run || rc=1

if unload_vpair; then
	echo "ok - module unloads cleanly"
else
	echo "not ok - module unloads cleanly"
	lsmod | grep vpair | sed 's/^/# /'
	rc=1
fi

if [ -w "$KMEMLEAK" ]; then
	leaks=$(kmemleak_scan)
	[ -z "$leaks" ]
	lrc=$?
	VERDICT_PREFIX="$(uname -r): " \
		verdict $lrc "kmemleak finds no leak after the suite and the unload"
	[ $lrc -eq 0 ] || rc=1
	printf '%s\n' "$leaks" | sed '/^$/d; s/^/# /' | head -200
fi

# gcov keeps an unloaded module's data: the gcda files of the staged build.
gcov=$DEBUGFS/gcov$(dirname "$(readlink -f "$ko")")
if [ -n "${VPAIR_EXPORT:-}" ] && [ -d "$gcov" ]; then
	(cd "$gcov" && find . -name '*.gcda') | while read -r f; do
		mkdir -p "$VPAIR_EXPORT/gcov/$(dirname "$f")"
		cat "$gcov/$f" >"$VPAIR_EXPORT/gcov/$f"
	done
fi
exit $rc
