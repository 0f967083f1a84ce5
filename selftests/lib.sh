#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the vpair shell selftests. Source it from a test:
#
#	. "$(dirname "$0")/lib.sh"
#
# Environment:
#	VPAIR_KIND	rtnl link kind under test (default: vpair; veth
#			runs the pair tests against Linux's veth)
#	VPAIR_DEV	character device under test (default: /dev/net/vpair;
#			/dev/net/tun runs the char-device tests against tun)
#
# A test prints KTAP through kselftest's ktap_helpers.sh (sourced here):
# ktap_print_header first, then ktap_set_plan, one ktap_test_* or log_test
# per subtest, and ktap_finished. It exits 0 on success, 1 on failure and
# 4 (KSFT_SKIP, exit_skip) when the environment lacks what it needs.

VPAIR_KIND=${VPAIR_KIND:-vpair}
VPAIR_DEV=${VPAIR_DEV:-/dev/net/vpair}
export VPAIR_KIND VPAIR_DEV

# The selftests directory: lib.sh, the python helpers, kselftest/.
SELFTESTS_DIR=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")

# Seconds to wait for asynchronous kernel work (netns teardown, ...).
BUSYWAIT_TIMEOUT=${BUSYWAIT_TIMEOUT:-5}

# --- KTAP output ------------------------------------------------------------

# kselftest's own helpers (ktap_print_header, ktap_set_plan,
# ktap_test_pass/fail/skip, ktap_exit_fail_msg, ktap_finished, KSFT_*),
# which make copies from the kernel sources.
if [ ! -r "$SELFTESTS_DIR/kselftest/ktap_helpers.sh" ]; then
	echo "Bail out! no $SELFTESTS_DIR/kselftest/ktap_helpers.sh: run make first"
	exit 1
fi
# shellcheck source=/dev/null # from the kernel sources, not in the tree
. "$SELFTESTS_DIR/kselftest/ktap_helpers.sh"

# log_info MSG...: one diagnostic line. (ktap_print_msg would split the
# message again and expand globs in it, and it may hold command output.)
log_info()
{
	echo "# $*"
}

# exit_skip REASON: skip the whole program, as ksft_exit_skip() does in C:
# the plan 1..0 with the reason (only the reason once a plan is out), then
# kselftest's exit status for a skip.
exit_skip()
{
	if [ "$KSFT_NUM_TESTS" -eq 0 ]; then
		ktap_skip_all "$*"
	else
		log_info "SKIP $*"
	fi
	exit "$KSFT_SKIP"
}

# --- cleanup ----------------------------------------------------------------

# Stack of shell-quoted commands, run last-in first-out on exit.
__DEFER_STACK=()

# defer CMD [ARGS...]: run CMD when the test exits, even on failure.
defer()
{
	local cmd

	printf -v cmd '%q ' "$@"
	__DEFER_STACK+=("$cmd")
}

# Run (and forget) every deferred command now.
defer_run()
{
	local i

	for ((i = ${#__DEFER_STACK[@]} - 1; i >= 0; i--)); do
		eval "${__DEFER_STACK[i]}" >/dev/null 2>&1
	done
	__DEFER_STACK=()
}

__lib_on_exit()
{
	local rc=$?

	trap - EXIT
	defer_run
	exit "$rc"
}

trap __lib_on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- waiting ----------------------------------------------------------------

# busywait TIMEOUT_SEC CMD [ARGS...]: retry CMD until it succeeds.
busywait()
{
	local timeout_ms=$(($1 * 1000))
	local start now

	shift
	start=$(date +%s%3N)
	while true; do
		"$@" && return 0
		now=$(date +%s%3N)
		[ $((now - start)) -ge "$timeout_ms" ] && return 1
		sleep 0.1
	done
}

# --- network namespaces -----------------------------------------------------

NS_LIST=()

# cleanup_ns NS...: delete namespaces, killing what still runs in them.
cleanup_ns()
{
	local ns pids

	for ns in "$@"; do
		[ -n "$ns" ] || continue
		pids=$(ip netns pids "$ns" 2>/dev/null)
		# shellcheck disable=SC2086 # word splitting of the pid list
		[ -n "$pids" ] && kill -9 $pids 2>/dev/null
		ip netns del "$ns" >/dev/null 2>&1
	done
	return 0
}

# ns_exists NS
ns_exists()
{
	ip netns list 2>/dev/null | grep -q "^$1\( \|$\)"
}

# setup_ns VAR...: create one network namespace per variable name, with a
# random suffix (e.g. setup_ns NS1 sets $NS1 to ns1-XXXXXX), bring its lo up
# and register it for deletion on exit.
setup_ns()
{
	local var name

	for var in "$@"; do
		if ! [[ "$var" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] ||
		   [ "$var" = var ] || [ "$var" = name ]; then
			ktap_exit_fail_msg "setup_ns: invalid variable name '$var'"
		fi
		name="${var,,}-$(mktemp -u XXXXXX)"
		if ! ip netns add "$name"; then
			log_info "failed to create network namespace $name"
			return "$KSFT_SKIP"
		fi
		defer cleanup_ns "$name"
		NS_LIST+=("$name")
		ip -n "$name" link set dev lo up
		printf -v "$var" '%s' "$name"
	done
}

# ns_disable_ipv6 NS...: keep IPv6 autoconfiguration traffic off the wire
# so that packet counters only move for the traffic a test sends.
ns_disable_ipv6()
{
	local ns

	for ns in "$@"; do
		# shellcheck disable=SC2016 # expanded by the inner shell
		ip netns exec "$ns" sh -c '
			for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do
				[ -w "$f" ] && echo 1 >"$f"
			done' >/dev/null 2>&1
	done
	return 0
}

# --- checks -----------------------------------------------------------------

RET=0
RET_MSG=""

# check_err RC [MSG]: record a failure if RC is not zero.
check_err()
{
	if [ "$RET" -eq 0 ] && [ "$1" -ne 0 ]; then
		RET=$1
		RET_MSG=${2:-}
	fi
}

# check_fail RC [MSG]: record a failure if RC is zero.
check_fail()
{
	if [ "$RET" -eq 0 ] && [ "$1" -eq 0 ]; then
		RET=1
		RET_MSG=${2:-}
	fi
}

# log_test NAME: report the checks recorded since the last log_test as
# the subtest NAME, a sentence saying what must hold.
log_test()
{
	if [ "$RET" -eq 0 ]; then
		ktap_test_pass "$1"
	else
		[ -n "$RET_MSG" ] && log_info "$1: $RET_MSG"
		ktap_test_fail "$1"
	fi
	RET=0
	RET_MSG=""
}

# run_cmd CMD [ARGS...]: run a command, logging it and its output.
run_cmd()
{
	local out rc

	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] || [ -n "${VERBOSE:-}" ]; then
		log_info "\$ $* (rc=$rc)"
		[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/#   /'
	fi
	return "$rc"
}

# expect_fail CMD [ARGS...]: succeed only if CMD fails.
expect_fail()
{
	if "$@" >/dev/null 2>&1; then
		log_info "unexpected success: $*"
		return 1
	fi
	return 0
}

__errno_text()
{
	# strerror() of a symbolic errno name such as EEXIST.
	perl -MPOSIX -e '
		my $n = eval { no strict "refs"; &{"POSIX::$ARGV[0]"}() };
		defined $n or exit 1;
		$! = $n; print "$!";' "$1" 2>/dev/null
}

# expect_errno ERRNO CMD [ARGS...]: succeed only if CMD fails and reports
# the given errno (symbolic name like EEXIST, or its strerror() text) on
# stderr, the way ip(8) and most tools do ("RTNETLINK answers: File exists").
expect_errno()
{
	local want=$1 text out

	shift
	text=$want
	if [[ "$want" =~ ^E[A-Z0-9]+$ ]]; then
		text=$(__errno_text "$want") || text=$want
	fi
	if out=$("$@" 2>&1); then
		log_info "unexpected success (wanted $want): $*"
		return 1
	fi
	if ! grep -qiF -- "$text" <<<"$out"; then
		log_info "wanted $want ($text) from: $*"
		printf '%s\n' "$out" | sed 's/^/#   /'
		return 1
	fi
	return 0
}

# --- requirements -----------------------------------------------------------

# require_cmd CMD...: skip the test if a command is missing.
require_cmd()
{
	local cmd

	for cmd in "$@"; do
		command -v "$cmd" >/dev/null 2>&1 ||
			exit_skip "command '$cmd' not found"
	done
}

# require_built NAME...: the selftests' XDP programs and their loaders,
# which only a build with clang and libbpf-dev makes.
require_built()
{
	local f

	for f in "$@"; do
		[ -e "$SELFTESTS_DIR/$f" ] ||
			exit_skip "no $f: build the selftests with clang and libbpf-dev"
	done
}

require_root()
{
	[ "$(id -u)" -eq 0 ] || exit_skip "must be run as root"
}

# Module implementing a link kind or a character device under test.
kind_module()
{
	case "$1" in
	vpair|/dev/net/vpair)	echo vpair ;;
	veth)			echo veth ;;
	tun|tap|/dev/net/tun)	echo tun ;;
	/dev/*)			basename "$1" ;;
	*)			echo "$1" ;;
	esac
}

# Is MODULE built into the running kernel? Built-in drivers without
# parameters have no /sys/module entry, so look at modules.builtin and,
# failing that, try the feature itself.
__module_builtin()
{
	local mod=$1 ns rc

	grep -qs "/$mod\.ko" "/lib/modules/$(uname -r)/modules.builtin" &&
		return 0
	case "$mod" in
	tun)
		[ -c /dev/net/tun ]
		;;
	veth)
		ns="probe-$(mktemp -u XXXXXX)"
		ip netns add "$ns" 2>/dev/null || return 1
		ip -n "$ns" link add type veth >/dev/null 2>&1
		rc=$?
		ip netns del "$ns" 2>/dev/null
		return "$rc"
		;;
	*)
		return 1
		;;
	esac
}

# require_module [MODULE]: skip the test unless MODULE (default: the module
# behind $VPAIR_KIND) is available. The vpair module must already be loaded;
# it is never loaded here. Linux's own drivers may be loaded with modprobe.
require_module()
{
	local mod=${1:-$(kind_module "$VPAIR_KIND")}

	have_module "$mod" || exit_skip "module $mod is not loaded"
}

# have_module MODULE: is MODULE loaded, or (Linux's own drivers only)
# loadable or built in?
have_module()
{
	[ -d "/sys/module/$1" ] && return 0
	[ "$1" != vpair ] || return 1
	modprobe -q "$1" >/dev/null 2>&1
	[ -d "/sys/module/$1" ] || __module_builtin "$1"
}

# Name template the kernel uses for automatically named netdevs of a kind.
kind_name_prefix()
{
	case "$1" in
	vpair)	echo vpair ;;
	veth)	echo veth ;;
	*)	echo "$1" ;;
	esac
}

# --- link helpers -----------------------------------------------------------

# link_exists NS DEV
link_exists()
{
	ip -n "$1" link show dev "$2" >/dev/null 2>&1
}

# link_gone NS DEV
link_gone()
{
	! link_exists "$1" "$2"
}

# ns_sysfs NS DEV ATTR: read /sys/class/net/DEV/ATTR as seen from NS.
ns_sysfs()
{
	ip netns exec "$1" cat "/sys/class/net/$2/$3" 2>/dev/null
}

# ns_ifindex_name NS IFINDEX: name of the netdev with IFINDEX in NS.
ns_ifindex_name()
{
	ip -n "$1" -o link show 2>/dev/null |
		awk -F': ' -v idx="$2" '$1 == idx { sub(/@.*/, "", $2); print $2 }'
}

# ns_links NS: names of all netdevs in NS except lo, one per line.
ns_links()
{
	ip -n "$1" -o link show 2>/dev/null |
		awk -F': ' '{ sub(/@.*/, "", $2); if ($2 != "lo") print $2 }'
}

# ns_addr_up NS DEV ADDR/LEN: give DEV in NS the address, bring it up.
ns_addr_up()
{
	ip -n "$1" addr add "$3" dev "$2" && ip -n "$1" link set "$2" up
}

# nsx NS CMD...: CMD in NS.
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# stat_of NS DEV STAT: DEV's statistics/STAT; stat_is ... VALUE: it is VALUE.
stat_of() { ns_sysfs "$1" "$2" "statistics/$3"; }
stat_is() { [ "$(stat_of "$1" "$2" "$3")" = "$4" ]; }

# qsum NS DEV STAT: ethtool -S rx_queue_N_STAT summed over DEV's rx queues.
qsum()
{
	nsx "$1" ethtool -S "$2" |
		awk -v re="^rx_queue_[0-9]+_$3:" '$1 ~ re { s += $2 } END { print s + 0 }'
}

# mac_of NS DEV: DEV's MAC address.
mac_of() { ns_sysfs "$1" "$2" address; }

# send_datagrams NS ADDR PORT COUNT [END]: COUNT 64-byte datagrams from NS to
# ADDR:PORT, then one saying END if asked.
send_datagrams()
{
	nsx "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[3])):
    s.sendto(b"x" * 64, (sys.argv[1], int(sys.argv[2])))
if len(sys.argv) > 4:
    s.sendto(b"END", (sys.argv[1], int(sys.argv[2])))' "$2" "$3" "$4" ${5:+END}
}

# tcp_xfer FROM_NS TO_NS ADDR BYTES: send BYTES over TCP from FROM_NS to a
# listener on ADDR in TO_NS; prints how many bytes arrived.
tcp_xfer()
{
	local port=$((5000 + RANDOM % 1000)) out srv

	out=$(mktemp) || return 1
	ip netns exec "$2" python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1)
c, _ = s.accept()
n = 0
while True:
    d = c.recv(1 << 16)
    if not d:
        break
    n += len(d)
print(n)' "$3" "$port" >"$out" &
	srv=$!
	ip netns exec "$1" python3 -c '
import socket, sys, time
for _ in range(200):
    try:
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
        break
    except ConnectionRefusedError:
        time.sleep(0.05)
s.sendall(b"x" * int(sys.argv[3]))
s.close()' "$3" "$port" "$4"
	wait "$srv"
	cat "$out"
	rm -f "$out"
}

# no_links [NS]: NS (default: $NS) holds no netdev but lo.
no_links()
{
	[ -z "$(ns_links "${1:-$NS}")" ]
}

# --- raw rtnetlink requests (vpair_nl.py) -----------------------------------

VPAIR_NL=$SELFTESTS_DIR/vpair_nl.py

# nl ARGS...: one vpair_nl.py request, sent from the namespace $NS.
nl()
{
	ip netns exec "$NS" python3 "$VPAIR_NL" "$@"
}

# reply ARGS...: "OK" or "ERRNO: extack" of one request in $NS.
reply()
{
	nl "$@" 2>&1 && echo OK
}

# err_of ARGS...: the errno name a request in $NS fails with ("OK" on
# success).
err_of()
{
	local out

	if out=$(nl "$@" 2>&1); then
		echo OK
	else
		echo "${out%%:*}"
	fi
}

# --- stress: size and slab usage (the C side is stress.h) --------------------

# stress_count SMALL FULL: how much a stress test does. VPAIR_STRESS unset:
# SMALL (make check, seconds under TCG); "full": FULL; a number: that.
stress_count()
{
	case "${VPAIR_STRESS:-}" in
	"")		echo "$1" ;;
	full)		echo "$2" ;;
	*[!0-9]*|0)	echo "$1" ;;
	*)		echo "$VPAIR_STRESS" ;;
	esac
}

# Slack of the slab check (what an idle guest allocates meanwhile), and how
# long freeing may lag behind (RCU callbacks, netns cleanup), in seconds.
SLAB_SLACK_BYTES=$((1024 * 1024))
SLAB_SETTLE_SECS=30

# slab_bytes: bytes in use in the skbuff and kmalloc caches, after dropping
# the page cache and flushing the per-CPU slabs, whose free objects
# /proc/slabinfo counts as active. Empty without /proc/slabinfo.
slab_bytes()
{
	local f

	[ -r /proc/slabinfo ] || return 0
	echo 3 >/proc/sys/vm/drop_caches
	for f in /sys/kernel/slab/kmalloc-*/shrink /sys/kernel/slab/skbuff*/shrink; do
		[ -w "$f" ] && echo 1 >"$f"
	done 2>/dev/null
	awk '$1 ~ /^(kmalloc-|skbuff)/ { n += $2 * $4 } END { print n + 0 }' \
		/proc/slabinfo
}

# slab_settle BASE: measure until the usage is at most BASE plus the slack
# (or SLAB_SETTLE_SECS pass); prints the last figure.
slab_settle()
{
	local base=$1 now i

	now=$(slab_bytes)
	for ((i = 0; i < SLAB_SETTLE_SECS * 4; i++)); do
		[ "$now" -le $((base + SLAB_SLACK_BYTES)) ] && break
		sleep 0.25
		now=$(slab_bytes)
	done
	echo "$now"
}

# check_slab BASE: a failure unless the slab usage returns to BASE (plus
# the slack); nothing to check if BASE is empty.
check_slab()
{
	local now

	[ -n "$1" ] || return 0
	now=$(slab_settle "$1")
	log_info "slab: $(($1 / 1024)) KiB before, $((now / 1024)) KiB after"
	[ "$now" -le $(($1 + SLAB_SLACK_BYTES)) ]
	check_err $? "slab usage grew by $(((now - $1) / 1024)) KiB"
}
