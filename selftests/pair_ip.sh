#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The pair through ip(8) and the iproute2 plugin (tools/iproute2,
# link_vpair.so): creation with the peer's name, namespace, MTU, address,
# queue length, queue counts and index, a bare peer name, "mode l3", what
# "ip -d link show" prints (text and JSON), "ip link help vpair", and the
# errors for bad arguments.
#
# Every check runs with the host's ip and again with the newest iproute2
# of the Debian unstable root the VM tooling keeps, when it is there.
#
# With VPAIR_KIND=veth the checks veth shares (peer options, bad peer
# arguments, help) run against ip's built-in veth support; the vpair-only
# ones are skipped.
#
# Starting a process is slow under emulation, so each ip run is made to
# count: the links are created first, then two dumps per namespace
# ("ip -o -d" and "ip -j -d") are checked with bash alone.
#
# Environment:
#	VPAIR_IP_LIB_DIR  directory holding link_vpair.so (default: the
#			  plugin built in tools/iproute2, built on demand)
#	VPAIR_SID_ROOT	  Debian unstable root with a newer iproute2
#			  (default: the VM tooling's cache, vpair/sid-root)

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header

KIND=$VPAIR_KIND
TOP=$(cd "$(dirname "$0")/.." && pwd)
SID_ROOT=${VPAIR_SID_ROOT:-${XDG_CACHE_HOME:-${HOME:-}/.cache}/vpair/sid-root}
# What each subtest checks; it is named "IP: CHECK" after the ip that ran
# it. TESTS lists them in the order they run.
declare -A CHECKS=(
	[help]="ip link help shows the kind's syntax"
	[add_peer_options]="ip link add sets both ends' names, namespaces, MTU, address, queues and index"
	[peer_bare_name]="a bare word after peer names the peer"
	[show_details]="ip -d link show prints the mode and the peer's ifindex"
	[show_json]="ip -j -d link show has the mode and the peer's ifindex"
	[mode_l3]="mode l3 makes both ends NOARP, mode l2 does not"
	[mode_immutable]="a mode change is refused with the kernel's extack message"
	[bad_keyword]="an unknown keyword is refused and creates nothing"
	[bad_mode]="a bad, repeated or misplaced mode is refused and creates nothing"
	[bad_peer]="a bad peer argument is refused and creates nothing"
	[del]="ip link del of one end deletes both"
)
TESTS=(help add_peer_options peer_bare_name show_details show_json mode_l3
       mode_immutable bad_keyword bad_mode bad_peer del)

MAC_A=02:00:5e:17:00:01
MAC_B=02:00:5e:17:00:02
INDEX_A=4241
INDEX_B=4242

require_root
require_cmd ip
require_module "$(kind_module "$KIND")"

# The plugin: an installed one, or the one in tools/iproute2 (built here
# if needed: running the test alone must not depend on "make").
if [ -n "${VPAIR_IP_LIB_DIR:-}" ]; then
	IP_LIB_DIR=$VPAIR_IP_LIB_DIR
else
	IP_LIB_DIR=$TOP/tools/iproute2
	if [ "$KIND" = vpair ] && [ ! -f "$IP_LIB_DIR/link_vpair.so" ]; then
		make -s -C "$IP_LIB_DIR" >/dev/null 2>&1
	fi
fi
if [ "$KIND" = vpair ] && [ ! -f "$IP_LIB_DIR/link_vpair.so" ]; then
	exit_skip "no link_vpair.so in $IP_LIB_DIR (make -C tools/iproute2)"
fi
export IP_LIB_DIR

ktap_set_plan $((2 * ${#TESTS[@]}))
log_info "link kind: $KIND, plugin from $IP_LIB_DIR"

setup_ns NS0 NS1 || exit_skip "cannot create network namespaces"

# The ip(8) under test, as a command line.
IPX=()

ipx() { "${IPX[@]}" "$@"; }

# An unstable ip runs on the host root through its own loader and libs.
sid_ip()
{
	local ld=$SID_ROOT/usr/lib64/ld-linux-x86-64.so.2
	local bin=$SID_ROOT/usr/sbin/ip

	[ -x "$ld" ] && [ -e "$bin" ] || return 1
	IPX=("$ld" --library-path "$SID_ROOT/usr/lib/x86_64-linux-gnu" "$bin")
	VERSION=$(ipx -V 2>&1)
}

vpair_only() { [ "$KIND" = vpair ]; }

# ip_fails RC TEXT CMD...: CMD must exit with RC and print TEXT.
ip_fails()
{
	local rc=$1 text=$2 out got

	shift 2
	out=$("$@" 2>&1)
	got=$?
	if [ "$got" -ne "$rc" ] || [[ "$out" != *"$text"* ]]; then
		log_info "\$ $* (rc=$got, wanted $rc and '$text')"
		printf '%s\n' "$out" | sed 's/^/#   /'
		return 1
	fi
	return 0
}

# --- the dumps --------------------------------------------------------------

declare -A LINE	# "NS DEV" -> its "ip -o -d link show" line
declare -A JSON	# "NS DEV" -> its object in "ip -j -d link show"

# dump NS [json]: fill LINE (and JSON) for every link of NS.
dump()
{
	local ns=$1 out line re obj

	out=$(ipx -n "$ns" -o -d link show)
	re='^[0-9]+: ([^:@]+)'
	while IFS= read -r line; do
		[[ "$line" =~ $re ]] && LINE["$ns ${BASH_REMATCH[1]}"]=$line
	done <<<"$out"
	[ "${2:-}" = json ] || return 0

	out=$(ipx -n "$ns" -j -d link show)
	out=${out//\},\{\"ifindex\"/$'\n'\{\"ifindex\"}
	re='"ifname":"([^"]+)"'
	while IFS= read -r obj; do
		[[ "$obj" =~ $re ]] && JSON["$ns ${BASH_REMATCH[1]}"]=$obj
	done <<<"$out"
}

forget() { LINE=(); JSON=(); }

has() { [ -n "${LINE["$1 $2"]:-}" ]; }

# get NS DEV WHAT: set REPLY to DEV's WHAT, read from the dumps (no
# command substitution: every fork counts under emulation).
get()
{
	local line=${LINE["$1 $2"]:-} re

	case $3 in
	ifindex)	re='^([0-9]+):' ;;
	mtu)		re=' mtu ([0-9]+) ' ;;
	qlen)		re=' qlen ([0-9]+)' ;;
	address)	re='link/ether ([0-9a-f:]+)' ;;
	flags)		re='<([^>]*)>' ;;
	# "DEV@PEER:" in the same namespace, "DEV@ifN:" across.
	iflink)		re='^[0-9]+: [^@:]+@([^:]+):' ;;
	numtxqueues)	re=' numtxqueues ([0-9]+)' ;;
	numrxqueues)	re=' numrxqueues ([0-9]+)' ;;
	# the kind's own part of -d: "vpair mode l2 peer 7"
	detail)		re="[\\ ]($KIND( (mode|peer) [^ ]+)*)( |$)" ;;
	# the JSON linkinfo: "info_kind":"vpair","info_data":{...}
	json)		line=${JSON["$1 $2"]:-}
			re='"linkinfo":\{("info_kind":[^}]*\}?)\}' ;;
	esac
	REPLY=""
	[[ "$line" =~ $re ]] && REPLY=${BASH_REMATCH[1]}
}

# is NS DEV WHAT WANT: DEV's WHAT must be WANT (a glob with "like").
is()
{
	get "$1" "$2" "$3"
	[ "$REPLY" = "$4" ] && return 0
	check_err 1 "$2: $3 is '$REPLY', wanted '$4'"
	return 1
}

like()
{
	get "$1" "$2" "$3"
	# shellcheck disable=SC2053 # $4 is a glob
	[[ "$REPLY" == $4 ]] && return 0
	check_err 1 "$2: $3 is '$REPLY', wanted '$4'"
	return 1
}

has_flag()
{
	get "$1" "$2" flags
	[[ ",$REPLY," == *",$3,"* ]] && return 0
	check_err 1 "$2: flags <$REPLY> lack $3"
	return 1
}

lacks_flag()
{
	get "$1" "$2" flags
	[[ ",$REPLY," != *",$3,"* ]] && return 0
	check_err 1 "$2: flags <$REPLY> have $3"
	return 1
}

# --- the tests ----------------------------------------------------------------

test_help()
{
	local t=$1 out

	out=$(ipx link help "$KIND" 2>/dev/null)
	check_err $? "ip link help $KIND failed"
	[[ "$out" == *"type $KIND"* ]]
	check_err $? "ip link help $KIND does not show the $KIND syntax"
	if vpair_only; then
		[[ "$out" == *"mode MODE"* && "$out" == *"l2 | l3"* &&
		   "$out" == *"peer"* ]]
		check_err $? "ip link help vpair does not document mode and peer"
	fi
	log_test "$t: ${CHECKS[help]}"
}

# The links every later check looks at; failures are reported there.
create_links()
{
	# "up" before "type" is the pair's, "index" after "peer" the peer's.
	ADD_AB=0
	run_cmd ipx -n "$NS0" link add name vpi-a mtu 1400 address "$MAC_A" \
		index "$INDEX_A" numtxqueues 1 numrxqueues 1 up \
		type "$KIND" peer name vpi-b netns "$NS1" \
		mtu 9000 address "$MAC_B" txqueuelen 42 numtxqueues 2 \
		numrxqueues 3 index "$INDEX_B" || ADD_AB=1
	# iproute2 takes a bare word as the name, as for veth.
	ADD_CD=0
	run_cmd ipx -n "$NS0" link add name vpi-c type "$KIND" peer vpi-d ||
		ADD_CD=1
	vpair_only || return 0
	ADD_EF=0
	run_cmd ipx -n "$NS0" link add name vpi-e type vpair mode l3 \
		peer name vpi-f || ADD_EF=1
	ADD_G=0
	run_cmd ipx -n "$NS0" link add name vpi-g type vpair mode l2 ||
		ADD_G=1
}

# The kernel refuses a mode change; its extack message reaches the user.
try_mode_change()
{
	vpair_only || return 0
	SET_MODE=0
	ip_fails 2 "Mode cannot be changed" \
		ipx -n "$NS0" link set dev vpi-e type vpair mode l2 || SET_MODE=1
}

try_bad_input()
{
	BAD_KEYWORD=0
	if vpair_only; then
		# Without the plugin ip would stop at "mode" already.
		ip_fails 1 'Garbage instead of arguments "bogus ...".' \
			ipx -n "$NS0" link add name vpi-x type vpair mode l3 bogus ||
			BAD_KEYWORD=1
		BAD_MODE=0
		ip_fails 255 'Error: argument "l4" is wrong' \
			ipx -n "$NS0" link add name vpi-x type vpair mode l4 \
			peer name vpi-y || BAD_MODE=1
		ip_fails 255 'duplicate "mode"' \
			ipx -n "$NS0" link add name vpi-x type vpair mode l3 mode l2 ||
			BAD_MODE=1
		# ip itself would read it as the peer's link mode.
		ip_fails 1 '"mode l3" is the pair'"'"'s and goes before "peer"' \
			ipx -n "$NS0" link add name vpi-x type vpair peer name vpi-y \
			mode l3 || BAD_MODE=1
	else
		ip_fails 1 "Usage:" \
			ipx -n "$NS0" link add name vpi-x type "$KIND" bogus ||
			BAD_KEYWORD=1
	fi
	# After "peer", ip's own parser complains, as for veth.
	BAD_PEER=0
	ip_fails 255 'duplicate "type"' \
		ipx -n "$NS0" link add name vpi-x type "$KIND" peer name vpi-y \
		type veth || BAD_PEER=1
}

check_peer_options()
{
	local t=$1

	check_err "$ADD_AB" "ip link add ... peer name vpi-b netns ... failed"
	has "$NS0" vpi-a && has "$NS1" vpi-b &&
		! has "$NS0" vpi-b && ! has "$NS1" vpi-a
	check_err $? "the ends are not in their namespaces"
	is "$NS0" vpi-a mtu 1400
	is "$NS1" vpi-b mtu 9000
	is "$NS0" vpi-a address "$MAC_A"
	is "$NS1" vpi-b address "$MAC_B"
	is "$NS1" vpi-b qlen 42
	is "$NS0" vpi-a qlen 1000
	is "$NS0" vpi-a numtxqueues 1
	is "$NS0" vpi-a numrxqueues 1
	is "$NS1" vpi-b numtxqueues 2
	is "$NS1" vpi-b numrxqueues 3
	has_flag "$NS0" vpi-a UP
	lacks_flag "$NS1" vpi-b UP
	is "$NS0" vpi-a ifindex "$INDEX_A"
	is "$NS1" vpi-b ifindex "$INDEX_B"
	is "$NS0" vpi-a iflink "if$INDEX_B"
	is "$NS1" vpi-b iflink "if$INDEX_A"
	log_test "$t: ${CHECKS[add_peer_options]}"
}

check_peer_bare_name()
{
	local t=$1

	check_err "$ADD_CD" "ip link add name vpi-c type $KIND peer vpi-d failed"
	is "$NS0" vpi-c iflink vpi-d
	is "$NS0" vpi-d iflink vpi-c
	log_test "$t: ${CHECKS[peer_bare_name]}"
}

# "vpair mode l2 peer IFINDEX": the peer's ifindex in its own namespace.
check_show_details()
{
	local t=$1

	is "$NS0" vpi-a detail "vpair mode l2 peer $INDEX_B"
	is "$NS1" vpi-b detail "vpair mode l2 peer $INDEX_A"
	get "$NS0" vpi-d ifindex
	is "$NS0" vpi-c detail "vpair mode l2 peer $REPLY"
	log_test "$t: ${CHECKS[show_details]}"
}

check_show_json()
{
	local t=$1

	is "$NS0" vpi-a json \
		"\"info_kind\":\"vpair\",\"info_data\":{\"mode\":\"l2\",\"peer_ifindex\":$INDEX_B}"
	get "$NS0" vpi-f ifindex
	is "$NS0" vpi-e json \
		"\"info_kind\":\"vpair\",\"info_data\":{\"mode\":\"l3\",\"peer_ifindex\":$REPLY}"
	log_test "$t: ${CHECKS[show_json]}"
}

check_mode_l3()
{
	local t=$1

	check_err "$ADD_EF" "ip link add ... type vpair mode l3 peer ... failed"
	check_err "$ADD_G" "ip link add ... type vpair mode l2 failed"
	get "$NS0" vpi-f ifindex
	is "$NS0" vpi-e detail "vpair mode l3 peer $REPLY"
	get "$NS0" vpi-e ifindex
	is "$NS0" vpi-f detail "vpair mode l3 peer $REPLY"
	has_flag "$NS0" vpi-e NOARP
	has_flag "$NS0" vpi-f NOARP
	like "$NS0" vpi-g detail "vpair mode l2 peer *"
	lacks_flag "$NS0" vpi-g NOARP
	log_test "$t: ${CHECKS[mode_l3]}"
}

check_mode_immutable()
{
	local t=$1

	check_err "$SET_MODE" "changing the mode was not refused by the kernel"
	like "$NS0" vpi-e detail "vpair mode l3 *"
	log_test "$t: ${CHECKS[mode_immutable]}"
}

# Refused input creates nothing.
check_bad()
{
	local t=$1 name=$2 rc=$3

	check_err "$rc" "bad input was not refused as expected"
	! has "$NS0" vpi-x && ! has "$NS0" vpi-y
	check_err $? "a link was created"
	log_test "$t: ${CHECKS[$name]}"
}

test_del()
{
	local t=$1 dev cmds

	cmds=$'link del dev vpi-a\nlink del dev vpi-c\n'
	vpair_only && cmds+=$'link del dev vpi-f\nlink del dev vpi-g\n'
	run_cmd ipx -n "$NS0" -batch - <<<"$cmds"
	check_err $? "ip link del failed"
	forget
	dump "$NS0"
	dump "$NS1"
	LEFT=0
	for dev in vpi-a vpi-b vpi-c vpi-d vpi-e vpi-f vpi-g; do
		if has "$NS0" "$dev" || has "$NS1" "$dev"; then
			check_err 1 "$dev is left"
			LEFT=1
		fi
	done
	log_test "$t: ${CHECKS[del]}"
}

skip_vpair_only()
{
	local t=$1 name

	shift
	log_info "$t: vpair only: $*"
	for name in "$@"; do
		ktap_test_skip "$t: ${CHECKS[$name]}"
	done
}

# run_all TAG: every test with the ip in IPX.
run_all()
{
	local t=$1

	log_info "$t: $VERSION"
	test_help "$t"
	create_links
	try_mode_change
	try_bad_input
	forget
	dump "$NS0" json
	dump "$NS1"
	check_peer_options "$t"
	check_peer_bare_name "$t"
	if vpair_only; then
		check_show_details "$t"
		check_show_json "$t"
		check_mode_l3 "$t"
		check_mode_immutable "$t"
	else
		skip_vpair_only "$t" show_details show_json mode_l3 mode_immutable
	fi
	check_bad "$t" bad_keyword "$BAD_KEYWORD"
	if vpair_only; then
		check_bad "$t" bad_mode "$BAD_MODE"
	else
		skip_vpair_only "$t" bad_mode
	fi
	check_bad "$t" bad_peer "$BAD_PEER"
	test_del "$t"
	[ "$LEFT" -eq 0 ] && return 0
	# Leave nothing for the next ip.
	ip -n "$NS0" -force -batch - >/dev/null 2>&1 <<-EOF
		link del dev vpi-a
		link del dev vpi-c
		link del dev vpi-e
		link del dev vpi-g
		link del dev vpi-x
	EOF
}

IPX=(ip)
VERSION=$(ipx -V 2>&1)
run_all ip
if sid_ip; then
	run_all "unstable ip"
else
	log_info "no iproute2 in $SID_ROOT (scripts/vm/sid.sh -- apt-get install iproute2)"
	for name in "${TESTS[@]}"; do
		ktap_test_skip "unstable ip: ${CHECKS[$name]}"
	done
fi

ktap_finished
