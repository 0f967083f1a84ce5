#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [KVER...]: the project's verdict. For each kernel (default:
# every supported one) build vpair.ko with W=1 in a private copy of the tree,
# boot the kernel in a VM, load the module, run the selftests, unload it,
# and scan the guest's kernel log for splats. Prints each kernel's TAP and
# ends with one line "P passed, F failed" (plus ", S skipped" when any).
# Exit status 0 only if everything passed.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

kvers=("$@")
[ ${#kvers[@]} -gt 0 ] || kvers=("${SUPPORTED_KVERS[@]}")

skipped=0
start=$(date +%s)

copy_tree()
{
	local dst=$1
	rm -rf "$dst"
	mkdir -p "$dst"
	cp -r "$TOP/Kbuild" "$TOP/Makefile" "$TOP/dkms.conf" "$TOP/driver" "$TOP/uapi" "$dst/"
	rm -rf "$dst/driver/compat/generated"
}

build_one()
{
	local kver=$1 src=$2 blog=$3 rc
	"$TOP/scripts/vm/kbuild.sh" "$kver" "$src" W=1 >"$blog" 2>&1
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

# Tally the selftests' TAP: subtests count one each; a program that
# failed without reporting a failing subtest still counts as one failure.
tally()
{
	local out=$1 p f s
	p=$(grep -cE '^# ok [0-9]+ ' "$out" | head -1)
	s=$(grep -E '^# ok [0-9]+ .*# SKIP' "$out" | wc -l)
	f=$(grep -cE '^# not ok [0-9]+ ' "$out" | head -1)
	if [ "$f" -eq 0 ]; then
		f=$(grep -cE '^not ok [0-9]+ ' "$out" | head -1)
	fi
	n_ok=$((n_ok + p - s))
	skipped=$((skipped + s))
	n_not_ok=$((n_not_ok + f))
}

run_kernel()
{
	local kver=$1 dir="$TOP/.build/$kver" rc
	local src="$dir/src" out="$dir/guest.out" console="$dir/console.log"

	echo "# ==== kernel $kver"
	copy_tree "$src"
	build_one "$kver" "$src" "$dir/build.log"
	rc=$?
	verdict $rc "$kver: build vpair.ko with W=1, no warnings"
	[ $rc -eq 0 ] || return

	"$TOP/scripts/vm/run.sh" --log "$console" "$kver" -- \
		"$TOP/scripts/check-guest.sh" "$src/vpair.ko" >"$out" 2>&1
	rc=$?
	cat "$out"
	tally "$out"
	# install-guest.sh's checks: "ok - <release>: ..."
	n_ok=$((n_ok + $(grep -cE '^ok - [^ ]+: ' "$out")))
	n_not_ok=$((n_not_ok + $(grep -cE '^not ok - [^ ]+: ' "$out")))
	grep -q '^ok - module unloads cleanly' "$out"
	verdict $? "$kver: module unloads cleanly after the suite"
	[ $rc -eq 0 ] || echo "# guest exited with status $rc"

	if grep -E "$SPLAT" "$console" | sed 's/^/# /' | grep .; then
		verdict 1 "$kver: kernel log free of splats"
	else
		verdict 0 "$kver: kernel log free of splats"
	fi
}

# A wrong KDIR must stop the build with a hint naming the headers package.
check_bad_kdir()
{
	local out rc
	out=$(make -s -C "$TOP" KDIR=/nonexistent/kdir 2>&1)
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

main()
{
	local kver
	"$TOP/scripts/vm/deps.sh" >/dev/null || {
		echo "# could not install the test dependencies"
		verdict 1 "dependencies"
	}
	make -s -C "$TOP/selftests" all || verdict 1 "build selftests"
	check_bad_kdir
	echo "# ==== packaging"
	host_checks "$TOP/scripts/pkg-check.sh"
	host_checks "$TOP/scripts/dkms-check.sh" "${kvers[@]}"
	for kver in "${kvers[@]}"; do
		run_kernel "$kver"
	done

	echo "# total time $(($(date +%s) - start)) s for kernels: ${kvers[*]}"
	if [ "$skipped" -gt 0 ]; then
		echo "$n_ok passed, $n_not_ok failed, $skipped skipped"
	else
		echo "$n_ok passed, $n_not_ok failed"
	fi
	[ "$n_not_ok" -eq 0 ]
}

main
