#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-guest.sh VPAIR_KO: runs inside a test VM. Loads the module, runs
# the selftests (TAP on stdout), then unloads the module: a reference
# leaked by any test makes the unload fail. Exit status: the suite's.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
ko=$1

# Before anything loads vpair: install, autoload, uninstall.
"$top/scripts/install-guest.sh" "$(dirname "$(readlink -f "$ko")")"

modprobe -q tun 2>/dev/null
modprobe -q veth 2>/dev/null
if ! insmod "$ko"; then
	echo "not ok - insmod $ko"
	exit 1
fi

VPAIR_KO=$(readlink -f "$ko") make -s -C "$top/selftests" run_tests
rc=$?

# Let deferred netdev/netns work finish before the unload.
for _ in $(seq 50); do
	rmmod vpair 2>/dev/null && break
	sleep 0.2
done
if [ -d /sys/module/vpair ]; then
	echo "not ok - module unloads cleanly"
	lsmod | grep vpair | sed 's/^/# /'
	rc=1
else
	echo "ok - module unloads cleanly"
fi
exit $rc
