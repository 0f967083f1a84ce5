#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Open vSwitch datapath requests and IFLA_HEADROOM reads for
pair_headroom.sh, served one request a line so that python starts once:

  ovs_headroom.py [TUN_PORT]

reads requests on stdin and answers each with one line on stdout,
"OK [RESULT]" or "ERR ERRNO_NAME: message":

  headroom DEV...          IFLA_HEADROOM of each DEV ("none" if the
                           kernel does not report it)
  dp-add NAME | dp-del NAME | dp-get NAME
  port-add DP TYPE NAME    TYPE: netdev, vxlan, geneve or gre; a tunnel
                           listens on udp port TUN_PORT (default 4789)
  port-del DP NAME
"""
import errno
import os
import socket
import struct
import sys

sys.dont_write_bytecode = True  # a run leaves nothing in the tree
from vpair_nl import (NETLINK_GENERIC, attr, errno_name,  # noqa: E402
                      ifinfomsg, parse_attrs, request, u32)

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
DP_CMDS = {"dp-add": OVS_CMD_NEW, "dp-del": OVS_CMD_DEL, "dp-get": OVS_CMD_GET}


def string(kind, text):
    return attr(kind, text.encode() + b"\0")


def family(name):
    body = struct.pack("BBH", CTRL_CMD_GETFAMILY, 1, 0)
    body += string(CTRL_ATTR_FAMILY_NAME, name)
    replies = request(GENL_ID_CTRL, 0, body, NETLINK_GENERIC)
    attrs = parse_attrs(replies[0][4:])
    return struct.unpack("H", attrs[CTRL_ATTR_FAMILY_ID][:2])[0]


def ifindex(name):
    try:
        return socket.if_nametoindex(name)
    except OSError:  # it has no errno
        raise OSError(errno.ENODEV, "no interface " + name) from None


def ovs(fam, version, cmd, dp_ifindex, attrs):
    body = struct.pack("BBHi", cmd, version, 0, dp_ifindex) + attrs
    request(family(fam), 0, body, NETLINK_GENERIC)


def headroom(dev):
    body = ifinfomsg() + string(IFLA_IFNAME, dev)
    body += u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)
    replies = request(RTM_GETLINK, 0, body)
    attrs = parse_attrs(replies[0][16:])
    if IFLA_HEADROOM not in attrs:
        return "none"
    val = attrs[IFLA_HEADROOM]  # u16 (needed_headroom is unsigned short)
    return str(struct.unpack("H" if len(val) == 2 else "I", val[:4])[0])


def serve(words, tun_port):
    cmd = words[0]
    if cmd == "headroom":
        return " ".join(headroom(dev) for dev in words[1:])
    if cmd in DP_CMDS:
        attrs = string(OVS_DP_ATTR_NAME, words[1])
        if cmd == "dp-add":
            attrs += u32(OVS_DP_ATTR_UPCALL_PID, 0)
        ovs("ovs_datapath", 2, DP_CMDS[cmd], 0, attrs)
    elif cmd == "port-add":
        dp, kind, name = words[1:4]
        attrs = u32(OVS_VPORT_ATTR_TYPE, VPORT_TYPES[kind])
        attrs += string(OVS_VPORT_ATTR_NAME, name)
        attrs += u32(OVS_VPORT_ATTR_UPCALL_PID, 0)
        if kind in ("vxlan", "geneve"):
            opts = attr(OVS_TUNNEL_ATTR_DST_PORT, struct.pack("H", tun_port))
            attrs += attr(OVS_VPORT_ATTR_OPTIONS, opts)
        ovs("ovs_vport", 1, OVS_CMD_NEW, ifindex(dp), attrs)
    elif cmd == "port-del":
        ovs("ovs_vport", 1, OVS_CMD_DEL, ifindex(words[1]),
            string(OVS_VPORT_ATTR_NAME, words[2]))
    else:
        raise OSError(errno.EINVAL, "unknown request " + cmd)
    return ""


def main():
    tun_port = int(sys.argv[1]) if len(sys.argv) > 1 else 4789
    for line in sys.stdin:
        try:
            reply = "OK " + serve(line.split(), tun_port)
        except OSError as e:
            reply = "ERR %s: %s" % (errno_name(e.errno),
                                    e.strerror or os.strerror(e.errno))
        except Exception as e:  # a bug in the helper: report, keep serving
            reply = "ERR EPROTO: %r" % e
        print(reply.replace("\n", " "), flush=True)


if __name__ == "__main__":
    main()
