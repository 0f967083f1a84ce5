#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Minimal rtnetlink client for the selftests: creates, changes and shows
pair links with attributes iproute2 cannot send without a plugin.

  vpair_nl.py add NAME [--kind K] [--mode N] [--mtu N] [--addr MAC]
              [--txq N] [--rxq N] [--txqlen N] [--peer NAME] [--peer-mtu N]
              [--peer-addr MAC] [--peer-netns PATH] [--peer-netns-fd N]
              [--peer-txqlen N] [--peer-txq N] [--peer-rxq N]
              [--peer-index N] [--netns PATH] [--index N]
              [--peer-block] [--peer-raw HEX]
  vpair_nl.py change NAME [--mode N] [--peer NAME]
  either with [--kind K] [--u8 ATTR=VAL]... [--u32 ATTR=VAL]... for any
              IFLA_INFO_DATA attribute (e.g. vtun's IFLA_TUN_*), and "-"
              as NAME to send no IFLA_IFNAME
  vpair_nl.py show NAME        prints "mode M peer_ifindex P"
  vpair_nl.py xdp NAME         attaches an XDP_PASS program in driver mode
                               (what ip link ... xdpdrv does, but with the
                               errno of a refusal, not only its extack)

On failure prints "ERRNO_NAME: extack message" on stderr and exits 1.
--netns creates the first end in another namespace (IFLA_NET_NS_FD).

As a module, request() and the attribute helpers serve the other netlink
clients of the selftests (ovs_headroom.py).
"""
import argparse
import ctypes
import errno
import os
import socket
import struct
import sys

NETLINK_ROUTE, NETLINK_GENERIC = 0, 16
SOL_NETLINK, NETLINK_EXT_ACK = 270, 11
NLMSG_ERROR = 2
RTM_NEWLINK, RTM_GETLINK, RTM_SETLINK = 16, 18, 19
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 1, 4, 0x200, 0x400
IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_TXQLEN = 1, 3, 4, 13
IFLA_LINKINFO = 18
IFLA_NET_NS_FD, IFLA_NUM_TX_QUEUES, IFLA_NUM_RX_QUEUES = 28, 31, 32
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
IFLA_XDP, IFLA_XDP_FD, IFLA_XDP_FLAGS, XDP_FLAGS_DRV_MODE = 43, 1, 3, 4
BPF_PROG_LOAD, BPF_PROG_TYPE_XDP = 5, 6
NR_BPF = {"x86_64": 321, "aarch64": 280}
VPAIR_INFO_PEER, VPAIR_INFO_MODE, VPAIR_INFO_PEER_IFINDEX = 1, 2, 3
NLMSGERR_ATTR_MSG = 1


def attr(kind, data):
    size = 4 + len(data)
    return struct.pack("HH", size, kind) + data + b"\0" * (-size % 4)


def u32(kind, val):
    return attr(kind, struct.pack("I", val))


def mac(text):
    text = text.replace(":", "")
    return bytes.fromhex(text)


def ifinfomsg(index=0):
    return struct.pack("BxHiII", 0, 0, index, 0, 0)


def parse_attrs(buf):
    out = {}
    while len(buf) >= 4:
        size, kind = struct.unpack("HH", buf[:4])
        if size < 4:
            break
        out[kind & 0x3fff] = buf[4:size]
        buf = buf[(size + 3) & ~3:]
    return out


def errno_name(err):
    """The symbolic name of errno @err ("EOPNOTSUPP" for 95, not ENOTSUP)."""
    if err == errno.EOPNOTSUPP:
        return "EOPNOTSUPP"
    return errno.errorcode.get(err, str(err))


def request(msgtype, flags, body, proto=NETLINK_ROUTE):
    """Sends one request and waits for its ack; returns the messages that
    came before it. A refusal raises OSError(errno, extack message)."""
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    hdr = struct.pack("IHHII", 16 + len(body), msgtype,
                      NLM_F_REQUEST | NLM_F_ACK | flags, 1, 0)
    sock.send(hdr + body)
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
                return replies
            inner = struct.unpack("I", msg[4:8])[0]
            ext = parse_attrs(msg[4 + inner:]) if len(msg) > 4 + inner else {}
            text = ext.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0")
            raise OSError(-err, text.decode(errors="replace"))


def talk(msgtype, flags, body):
    """request() for the command line: a refusal is printed as
    "ERRNO_NAME: extack message" and ends the program."""
    try:
        return request(msgtype, flags, body)
    except OSError as e:
        print(f"{errno_name(e.errno)}: {e.strerror}", file=sys.stderr)
        sys.exit(1)


def link_attrs(args, peer=False):
    pre = "peer_" if peer else ""
    out = b""
    name = getattr(args, pre + "name", None) if not peer else args.peer
    if name is not None and name != "-":
        out += attr(IFLA_IFNAME, name.encode() + b"\0")
    if getattr(args, pre + "mtu") is not None:
        out += u32(IFLA_MTU, getattr(args, pre + "mtu"))
    if getattr(args, pre + "addr"):
        out += attr(IFLA_ADDRESS, mac(getattr(args, pre + "addr")))
    if peer and args.peer_txqlen is not None:
        out += u32(IFLA_TXQLEN, args.peer_txqlen)
    if peer and args.peer_txq:
        out += u32(IFLA_NUM_TX_QUEUES, args.peer_txq)
    if peer and args.peer_rxq:
        out += u32(IFLA_NUM_RX_QUEUES, args.peer_rxq)
    if not peer:
        if args.txqlen is not None:
            out += u32(IFLA_TXQLEN, args.txqlen)
        if args.netns:
            out += u32(IFLA_NET_NS_FD, os.open(args.netns, os.O_RDONLY))
        if args.txq:
            out += u32(IFLA_NUM_TX_QUEUES, args.txq)
        if args.rxq:
            out += u32(IFLA_NUM_RX_QUEUES, args.rxq)
    elif args.peer_netns:
        fd = os.open(args.peer_netns, os.O_RDONLY)
        out += u32(IFLA_NET_NS_FD, fd)
    elif args.peer_netns_fd is not None:
        out += u32(IFLA_NET_NS_FD, args.peer_netns_fd)
    return out


def data_attrs(args):
    out = b""
    for spec in args.u8:
        kind, val = spec.split("=")
        out += attr(int(kind, 0), struct.pack("B", int(val, 0)))
    for spec in args.u32:
        kind, val = spec.split("=")
        out += u32(int(kind, 0), int(val, 0))
    return out


def cmd_add(args, change=False):
    data = data_attrs(args)
    if args.mode is not None:
        data += u32(VPAIR_INFO_MODE, args.mode)
    if args.peer_raw is not None:
        data += attr(VPAIR_INFO_PEER, bytes.fromhex(args.peer_raw))
    elif (args.peer is not None or args.peer_block or
          args.peer_mtu is not None or args.peer_addr or args.peer_netns or
          args.peer_netns_fd is not None or args.peer_txqlen is not None or
          args.peer_index or args.peer_txq or args.peer_rxq):
        data += attr(VPAIR_INFO_PEER,
                     ifinfomsg(args.peer_index) + link_attrs(args, True))
    info = attr(IFLA_INFO_KIND, args.kind.encode() + b"\0")
    if data:
        info += attr(IFLA_INFO_DATA, data)
    body = ifinfomsg(args.index) + link_attrs(args) + attr(IFLA_LINKINFO, info)
    flags = 0 if change else NLM_F_CREATE | NLM_F_EXCL
    talk(RTM_NEWLINK, flags, body)


def cmd_show(args):
    body = ifinfomsg() + attr(IFLA_IFNAME, args.name.encode() + b"\0")
    msgs = talk(RTM_GETLINK, 0, body)
    attrs = parse_attrs(msgs[0][16:])
    info = parse_attrs(attrs.get(IFLA_LINKINFO, b""))
    data = parse_attrs(info.get(IFLA_INFO_DATA, b""))
    vals = {k: struct.unpack("I", v[:4])[0] for k, v in data.items()}
    print(f"kind {info.get(IFLA_INFO_KIND, b'').rstrip(bytes(1)).decode()} "
          f"mode {vals.get(VPAIR_INFO_MODE, '-')} "
          f"peer_ifindex {vals.get(VPAIR_INFO_PEER_IFINDEX, '-')}")


def load_xdp_pass():
    """A two-instruction XDP program (r0 = XDP_PASS; exit): its fd."""
    insns = ctypes.create_string_buffer(
        struct.pack("BBhi", 0xb7, 0, 0, 2) + struct.pack("BBhi", 0x95, 0, 0, 0))
    lic = ctypes.create_string_buffer(b"GPL")
    attr_buf = ctypes.create_string_buffer(
        struct.pack("IIQQ", BPF_PROG_TYPE_XDP, 2, ctypes.addressof(insns),
                    ctypes.addressof(lic)).ljust(128, b"\0"))
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.syscall(NR_BPF[os.uname().machine], BPF_PROG_LOAD, attr_buf,
                      len(attr_buf))
    if fd < 0:
        err = ctypes.get_errno()
        print(f"{errno_name(err)}: cannot load the program", file=sys.stderr)
        sys.exit(1)
    return fd


def cmd_xdp(args):
    xdp = u32(IFLA_XDP_FD, load_xdp_pass()) + u32(IFLA_XDP_FLAGS,
                                                 XDP_FLAGS_DRV_MODE)
    body = (ifinfomsg() + attr(IFLA_IFNAME, args.name.encode() + b"\0") +
            attr(IFLA_XDP, xdp))
    talk(RTM_SETLINK, 0, body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("verb", choices=["add", "change", "show", "xdp"])
    ap.add_argument("name")
    ap.add_argument("--kind", default=os.environ.get("VPAIR_KIND", "vpair"))
    ap.add_argument("--mode", type=int)
    ap.add_argument("--mtu", type=int)
    ap.add_argument("--addr")
    ap.add_argument("--txq", type=int)
    ap.add_argument("--txqlen", type=int)
    ap.add_argument("--rxq", type=int)
    ap.add_argument("--peer")
    ap.add_argument("--peer-mtu", type=int)
    ap.add_argument("--peer-addr")
    ap.add_argument("--peer-netns")
    ap.add_argument("--peer-netns-fd", type=int)
    ap.add_argument("--peer-txqlen", type=int)
    ap.add_argument("--peer-txq", type=int)
    ap.add_argument("--peer-rxq", type=int)
    ap.add_argument("--peer-index", type=int, default=0)
    ap.add_argument("--netns")
    ap.add_argument("--index", type=int, default=0)
    ap.add_argument("--peer-block", action="store_true")
    ap.add_argument("--peer-raw")
    ap.add_argument("--u8", action="append", default=[])
    ap.add_argument("--u32", action="append", default=[])
    args = ap.parse_args()
    if args.verb == "show":
        cmd_show(args)
    elif args.verb == "xdp":
        cmd_xdp(args)
    else:
        cmd_add(args, change=args.verb == "change")


if __name__ == "__main__":
    main()
