#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rmmod with live pairs: pairs in the initial namespace, across two
# namespaces and with traffic in flight are all removed by the unload, and
# the module loads again afterwards. Needs the module file in VPAIR_KO
# (check-guest.sh sets it); without it the test is skipped.

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header
[ "$VPAIR_KIND" = vpair ] || exit_skip "unloads the vpair module"
require_root
require_module vpair
{ [ -n "${VPAIR_KO:-}" ] && [ -f "$VPAIR_KO" ]; } ||
	exit_skip "VPAIR_KO does not name the module file to reload"
ktap_set_plan 2

setup_ns NS NS2 || exit_skip "cannot create network namespaces"

count_vpair()
{
	local ns n=0
	for ns in "" "$NS" "$NS2"; do
		n=$((n + $(ip ${ns:+-n "$ns"} -d -o link show | grep -c ' vpair ')))
	done
	echo "$n"
}

ip link add name ul0 type vpair
ip -n "$NS" link add name ul1 type vpair
ip -n "$NS" link add name ul2 type vpair
ip -n "$NS" link set ul2 netns "$NS2"
ip -n "$NS" addr add 10.23.12.1/24 dev ul1
ip -n "$NS" link set ul1 up
peer=$(ip -n "$NS" -o link show | sed -n 's/.* ul1@\([a-z0-9]*\):.*/\1/p')
ip -n "$NS" addr add 10.23.12.2/24 dev "$peer"
ip -n "$NS" link set "$peer" up
[ "$(count_vpair)" -eq 6 ]
check_err $? "expected 6 vpair ends, found $(count_vpair)"
ip netns exec "$NS" ping -q -f -w 30 10.23.12.2 >/dev/null 2>&1 &
pinger=$!
sleep 1

unloaded=1
for _ in $(seq 50); do
	rmmod vpair 2>/dev/null && { unloaded=0; break; }
	sleep 0.2
done
check_err $unloaded "rmmod vpair with live pairs failed"
[ "$(count_vpair)" -eq 0 ]
check_err $? "$(count_vpair) vpair ends survived the unload"
kill "$pinger" 2>/dev/null
wait "$pinger" 2>/dev/null
log_test "rmmod with live pairs (and traffic) removes them all"

[ -d /sys/module/vpair ] || insmod "$VPAIR_KO"
check_err $? "insmod after the unload"
ip -n "$NS" link add name ul3 type vpair
check_err $? "a pair after the reload"
ip -n "$NS" link del dev ul3
log_test "the module loads again and makes pairs after the unload"

ktap_finished
