#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rx headroom propagation across a pair, as on veth: ndo_set_rx_headroom(A, N)
# makes the PEER B reserve N bytes of headroom (needed_headroom), and a reset
# (N = -1) gives it back.
#
# The only userspace trigger is the Open vSwitch kernel datapath: whenever a
# port is added, it computes the largest needed_headroom of its ports and
# calls netdev_set_rx_headroom() on every port with it. So end A of a pair is
# added to a datapath together with a tunnel port (vxlan, else geneve, else
# gre), whose netdev needs a large headroom; B must then report that
# headroom. Deleting the port A (OVS_VPORT_CMD_DEL) resets its rx headroom
# (netdev_reset_rx_headroom()), so B must drop back to 0; adding A again,
# after the tunnel, must give B the datapath's headroom again (the other
# path of ovs_vport_cmd_new()). Deleting the datapath must leave nothing of
# it behind and the pair intact. (It does not reset the headroom of its
# former netdev ports, on veth either: the test only logs it.)
#
# needed_headroom is read through IFLA_HEADROOM (rtnetlink); kernels that do
# not report it are skipped. veth runs first as the reference (it proves the
# harness), then $VPAIR_KIND.

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header

KINDS=veth
[ "$VPAIR_KIND" != veth ] && KINDS="veth $VPAIR_KIND"

DP=vph-dp	# datapath (and its internal netdev)
A=vph-a		# end added to the datapath
TUN=vph-tun	# tunnel vport netdev
TUN_PORT=4789	# udp port of vxlan/geneve vports

# Generic netlink (Open vSwitch) and rtnetlink helper, run as a coprocess
# (one request a line on stdin, one reply line on stdout: "OK [RESULT]" or
# "ERR ERRNO_NAME: message") so that python starts only once for each
# namespace. Requests:
#   headroom DEV...          print IFLA_HEADROOM of each DEV ("none" if the
#                            kernel does not report it)
#   dp-add NAME | dp-del NAME | dp-get NAME
#   port-add DP TYPE NAME    TYPE: netdev, vxlan, geneve, gre
#   port-del DP NAME
IFS= read -r -d '' OVS_PY <<'EOF'
import errno, os, socket, struct, sys

NETLINK_ROUTE, NETLINK_GENERIC = 0, 16
NLMSG_ERROR, NLM_F_REQUEST, NLM_F_ACK = 2, 1, 4
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 16, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
RTM_GETLINK, IFLA_IFNAME, IFLA_HEADROOM = 18, 3, 68
IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS = 29, 1 << 3
# uapi linux/openvswitch.h
OVS_CMD_NEW, OVS_CMD_DEL, OVS_CMD_GET = 1, 2, 3
OVS_DP_ATTR_NAME, OVS_DP_ATTR_UPCALL_PID = 1, 2
OVS_VPORT_ATTR_TYPE, OVS_VPORT_ATTR_NAME = 2, 3
OVS_VPORT_ATTR_OPTIONS, OVS_VPORT_ATTR_UPCALL_PID = 4, 5
OVS_TUNNEL_ATTR_DST_PORT = 1
VPORT_TYPES = {"netdev": 1, "gre": 3, "vxlan": 4, "geneve": 5}
TUN_PORT = int(os.environ.get("TUN_PORT", "4789"))


sys.path.insert(0, os.environ["VPAIR_SELFTESTS"])
from vpair_nl import attr, u32, parse_attrs as parse  # noqa: E402


def string(kind, text):
    return attr(kind, text.encode() + b"\0")


def talk(proto, msgtype, body):
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
    sock.setsockopt(270, 11, 1)  # NETLINK_EXT_ACK
    sock.bind((0, 0))
    sock.send(struct.pack("IHHII", 16 + len(body), msgtype,
                          NLM_F_REQUEST | NLM_F_ACK, 1, 0) + body)
    replies = []
    while True:
        data = sock.recv(65536)
        while len(data) >= 16:
            size, kind = struct.unpack("IH", data[:6])
            msg = data[16:size]
            data = data[(size + 3) & ~3:]
            if kind != NLMSG_ERROR:
                replies.append(msg)
                continue
            err = struct.unpack("i", msg[:4])[0]
            if err == 0:
                return sock.getsockname()[0], replies
            text = ""
            olen = struct.unpack("I", msg[4:8])[0]
            tlvs = parse(msg[4 + olen:]) if len(msg) > 4 + olen else {}
            if 1 in tlvs:  # NLMSGERR_ATTR_MSG
                text = tlvs[1].rstrip(b"\0").decode(errors="replace")
            raise OSError(-err, text)


def family(name):
    body = struct.pack("BBH", CTRL_CMD_GETFAMILY, 1, 0)
    body += string(CTRL_ATTR_FAMILY_NAME, name)
    _, replies = talk(NETLINK_GENERIC, GENL_ID_CTRL, body)
    return struct.unpack("H", parse(replies[0][4:])[CTRL_ATTR_FAMILY_ID][:2])[0]


def ovs(fam, version, cmd, dp_ifindex, attrs):
    body = struct.pack("BBHi", cmd, version, 0, dp_ifindex) + attrs
    return talk(NETLINK_GENERIC, family(fam), body)


def headroom(dev):
    body = struct.pack("BxHiII", 0, 0, 0, 0, 0) + string(IFLA_IFNAME, dev)
    body += u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)
    _, replies = talk(NETLINK_ROUTE, RTM_GETLINK, body)
    tlvs = parse(replies[0][16:])
    if IFLA_HEADROOM not in tlvs:
        return "none"
    val = tlvs[IFLA_HEADROOM]  # u16 (needed_headroom is unsigned short)
    return str(struct.unpack("H" if len(val) == 2 else "I", val[:4])[0])


def main(argv):
    cmd = argv[0]
    if cmd == "headroom":
        return " ".join(headroom(dev) for dev in argv[1:])
    elif cmd in ("dp-add", "dp-del", "dp-get"):
        ovs_cmd = {"dp-add": OVS_CMD_NEW, "dp-del": OVS_CMD_DEL,
                   "dp-get": OVS_CMD_GET}[cmd]
        attrs = string(OVS_DP_ATTR_NAME, argv[1])
        if cmd == "dp-add":
            attrs += u32(OVS_DP_ATTR_UPCALL_PID, 0)
        ovs("ovs_datapath", 2, ovs_cmd, 0, attrs)
    elif cmd == "port-add":
        dp, kind, name = argv[1:4]
        attrs = u32(OVS_VPORT_ATTR_TYPE, VPORT_TYPES[kind])
        attrs += string(OVS_VPORT_ATTR_NAME, name)
        attrs += u32(OVS_VPORT_ATTR_UPCALL_PID, 0)
        if kind in ("vxlan", "geneve"):
            opts = attr(OVS_TUNNEL_ATTR_DST_PORT, struct.pack("H", TUN_PORT))
            attrs += attr(OVS_VPORT_ATTR_OPTIONS, opts)
        ovs("ovs_vport", 1, OVS_CMD_NEW, socket.if_nametoindex(dp), attrs)
    elif cmd == "port-del":
        ovs("ovs_vport", 1, OVS_CMD_DEL, socket.if_nametoindex(argv[1]),
            string(OVS_VPORT_ATTR_NAME, argv[2]))
    else:
        raise OSError(errno.EINVAL, "unknown request " + cmd)
    return ""


for line in sys.stdin:
    try:
        reply = "OK " + main(line.split())
    except OSError as e:
        name = errno.errorcode.get(e.errno, str(e.errno))
        reply = "ERR %s: %s" % (name, e.strerror or os.strerror(e.errno))
    except Exception as e:  # a bug in the helper: report, keep serving
        reply = "ERR EPROTO: %r" % e
    print(reply.replace("\n", " "), flush=True)
EOF
export TUN_PORT

OVS_PID=""
OVS_IN=""
OVS_OUT=""

# ovs_start NS: start the helper in namespace NS (one helper at a time).
ovs_start()
{
	coproc OVS_HELPER {
		VPAIR_SELFTESTS=$(dirname "$VPAIR_NL") PYTHONDONTWRITEBYTECODE=1 \
			exec ip netns exec "$1" python3 -c "$OVS_PY"
	}
	OVS_PID=$OVS_HELPER_PID
	# Plain copies of the coprocess pipes, usable from subshells.
	exec {OVS_IN}>&"${OVS_HELPER[1]}" {OVS_OUT}<&"${OVS_HELPER[0]}"
	eval "exec ${OVS_HELPER[1]}>&- ${OVS_HELPER[0]}<&-"
}

# ovs_stop: end the helper (it exits at the end of its input).
ovs_stop()
{
	[ -n "$OVS_PID" ] || return 0
	exec {OVS_IN}>&- {OVS_OUT}<&-
	wait "$OVS_PID" 2>/dev/null
	OVS_PID=""
}

# ovs REQUEST...: one helper request; prints its result, or its error on
# stderr and returns 1.
ovs()
{
	local reply

	# The subshell takes the SIGPIPE if the helper is gone.
	if ! (echo "$*" >&"$OVS_IN") 2>/dev/null ||
	   ! IFS= read -r reply <&"$OVS_OUT"; then
		echo "EPIPE: the helper is gone" >&2
		return 1
	fi
	case "$reply" in
	"OK ")	return 0 ;;
	"OK "*)	echo "${reply#OK }"; return 0 ;;
	*)	echo "${reply#ERR }" >&2; return 1 ;;
	esac
}

# headrooms DEV...: IFLA_HEADROOM of each DEV, space separated.
headrooms()
{
	ovs headroom "$@"
}

# new_links NS: netdevs of NS but lo and those it was created with.
new_links()
{
	ns_links "$1" | grep -vxF -e lo ${BASE_LINKS:+-e "$BASE_LINKS"}
}

# add_tunnel: add a tunnel vport named $TUN to $DP, print its type.
add_tunnel()
{
	local type

	for type in vxlan geneve gre; do
		if ovs port-add "$DP" "$type" "$TUN" >/dev/null 2>&1; then
			echo "$type"
			return 0
		fi
	done
	return 1
}

# test_kind KIND: the whole scenario with a pair of KIND in $NS, whose
# helper runs.
test_kind()
{
	local kind=$1 ns=$NS b type hr_b hr_a hr_tun hr_dp left out

	BASE_LINKS=$(ns_links "$ns")

	run_cmd ip -n "$ns" link add name "$A" type "$kind"
	check_err $? "cannot create a $kind pair"
	b=$(new_links "$ns" | grep -vx -- "$A" | head -n1)
	[ -n "$b" ]
	check_err $? "cannot find the peer of $A"
	if [ "$RET" -eq 0 ]; then
		run_cmd ip -n "$ns" link set dev "$A" up &&
			run_cmd ip -n "$ns" link set dev "$b" up
		check_err $? "cannot set the $kind ends up"
	fi
	if [ "$RET" -eq 0 ]; then
		hr_b=$(headrooms "$b")
		[ "$hr_b" = 0 ]
		check_err $? "headroom of $b is '$hr_b' before any datapath, expected 0"
	fi
	if [ "$RET" -eq 0 ]; then
		out=$(ovs dp-add "$DP" 2>&1)
		check_err $? "cannot create datapath $DP: $out"
	fi
	if [ "$RET" -eq 0 ]; then
		out=$(ovs port-add "$DP" netdev "$A" 2>&1)
		check_err $? "cannot add $A to $DP: $out"
	fi
	if [ "$RET" -eq 0 ]; then
		type=$(add_tunnel)
		check_err $? "cannot add a vxlan, geneve or gre vport to $DP"
	fi
	if [ "$RET" -eq 0 ]; then
		read -r hr_a hr_b hr_tun hr_dp <<<"$(headrooms "$A" "$b" "$TUN" "$DP")"
		log_info "$kind: $type vport; headroom $TUN=$hr_tun $DP=$hr_dp $A=$hr_a $b=$hr_b"
		[ "${hr_tun:-0}" -gt 0 ] 2>/dev/null
		check_err $? "the $type vport needs headroom '$hr_tun', nothing to propagate"
		[ "$hr_b" = "$hr_tun" ]
		check_err $? "headroom of peer $b is '$hr_b', expected $hr_tun (that of $TUN)"
		[ "$hr_a" = "$hr_tun" ]
		check_err $? "headroom of $A is '$hr_a', expected $hr_tun"
	fi
	log_test "${kind}_peer_headroom"

	# OVS_VPORT_CMD_DEL: netdev_reset_rx_headroom(A), i.e. -1.
	out=$(ovs port-del "$DP" "$A" 2>&1)
	check_err $? "cannot delete vport $A: $out"
	if [ "$RET" -eq 0 ]; then
		read -r hr_a hr_b <<<"$(headrooms "$A" "$b")"
		[ "$hr_a" = 0 ] && [ "$hr_b" = 0 ]
		check_err $? "headroom $A=$hr_a $b=$hr_b after deleting vport $A, expected 0"
	fi
	log_test "${kind}_port_del_resets"

	# A joins a datapath that already needs headroom:
	# netdev_set_rx_headroom(A, dp->max_headroom).
	out=$(ovs port-add "$DP" netdev "$A" 2>&1)
	check_err $? "cannot add $A to $DP again: $out"
	if [ "$RET" -eq 0 ]; then
		read -r hr_a hr_b hr_tun <<<"$(headrooms "$A" "$b" "$TUN")"
		[ "${hr_tun:-0}" -gt 0 ] 2>/dev/null && [ "$hr_b" = "$hr_tun" ] &&
			[ "$hr_a" = "$hr_tun" ]
		check_err $? "headroom $A=$hr_a $b=$hr_b after adding $A again, expected $hr_tun"
	fi
	log_test "${kind}_port_readd"

	out=$(ovs dp-del "$DP" 2>&1)
	check_err $? "cannot delete datapath $DP: $out"
	expect_fail ovs dp-get "$DP"
	check_err $? "datapath $DP still exists after its deletion"
	if [ -n "$b" ]; then
		# Netdevs are unregistered from the datapath's RCU callbacks.
		busywait "$BUSYWAIT_TIMEOUT" link_gone "$ns" "$TUN" &&
			busywait "$BUSYWAIT_TIMEOUT" link_gone "$ns" "$DP"
		left=$(new_links "$ns" | grep -vx -e "$A" -e "$b" | tr '\n' ' ')
		[ -z "$left" ]
		check_err $? "netdevs left behind: $left"
		link_exists "$ns" "$A" && link_exists "$ns" "$b"
		check_err $? "the $kind pair did not survive the datapath"
		out=$(ip -n "$ns" -o link show dev "$A" 2>&1)
		! grep -q " master " <<<"$out"
		check_err $? "$A still has a master: $out"
		# __dp_destroy() detaches its ports without resetting their
		# rx headroom (upstream behaviour): only log it.
		log_info "$kind: headroom after deleting $DP: $(headrooms "$A" "$b")"
	fi
	log_test "${kind}_dp_del_cleanup"

	# The next kind starts from a clean namespace.
	ip -n "$ns" link del dev "$A" >/dev/null 2>&1
	ip -n "$ns" link del dev "$DP" >/dev/null 2>&1
	ip -n "$ns" link del dev "$TUN" >/dev/null 2>&1
	ovs dp-del "$DP" >/dev/null 2>&1
}

require_root
require_cmd ip python3 awk
require_module "$(kind_module "$VPAIR_KIND")"
require_module veth
require_module openvswitch

setup_ns NS || exit_skip "cannot create network namespaces"
ovs_start "$NS"
hr=$(headrooms lo 2>&1)
case "$hr" in
none)	exit_skip "kernel $(uname -r) does not report IFLA_HEADROOM (needed_headroom)" ;;
[0-9]*)	;;
*)	exit_skip "cannot read the headroom of lo: $hr" ;;
esac
out=$(ovs dp-get "$DP" 2>&1)
case "$out" in
ENODEV*)	;;
*)	exit_skip "no Open vSwitch datapath generic netlink family: $out" ;;
esac

# shellcheck disable=SC2086 # word splitting of KINDS
set -- $KINDS
ktap_set_plan $((4 * $#))
for kind in $KINDS; do
	log_info "link kind: $kind"
	test_kind "$kind"
done
ovs_stop

ktap_finished
