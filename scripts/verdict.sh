# SPDX-License-Identifier: GPL-2.0
#
# verdict.sh: the result lines of the check scripts (dkms-check.sh,
# pkg-check.sh, install-guest.sh), sourced by them:
#
#	. "$top/scripts/verdict.sh"
#
# verdict RC TEXT: prints "ok - TEXT" if RC is 0, else "not ok - TEXT"
# and sets failed=1. VERDICT_PREFIX, when set, goes before TEXT.

verdict()
{
	if [ "$1" -eq 0 ]; then
		echo "ok - ${VERDICT_PREFIX:-}$2"
	else
		echo "not ok - ${VERDICT_PREFIX:-}$2"
		failed=1
	fi
}
