#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-guest.sh VPAIR_KO [CLONE]: runs inside a test VM, from a staged
# copy of the tree. Hides CLONE, the tree the check started from, behind an
# empty directory only root may enter: the suite then runs as it would from
# a clone in a private directory, and can use nothing but the staged copy.
# Loads the module, runs the selftests (TAP on stdout), then unloads the
# module: a reference leaked by any test makes the unload fail. Exit
# status: the suite's.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

ko=$1
clone=${2:-}

if [ -n "$clone" ]; then
	mount -t tmpfs -o mode=0700,size=64k vpair-clone "$clone"
	VERDICT_PREFIX="$(uname -r): " \
		verdict $? "the suite runs with the clone hidden (empty, mode 0700)"
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

VPAIR_KO=$(readlink -f "$ko") make -s -C "$TOP/selftests" run_tests
rc=$?

if unload_vpair; then
	echo "ok - module unloads cleanly"
else
	echo "not ok - module unloads cleanly"
	lsmod | grep vpair | sed 's/^/# /'
	rc=1
fi
exit $rc
