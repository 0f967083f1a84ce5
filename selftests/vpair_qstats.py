#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""netdev netlink reads for the pair tests (what ynl would do).

vpair_qstats.py IFINDEX dev     device totals:   rx_packets rx_bytes tx_packets tx_bytes
vpair_qstats.py IFINDEX queue   one line a queue: rx|tx ID packets bytes
vpair_qstats.py IFINDEX napi    one line an rx queue: ID NAPI_ID (0: none)
vpair_qstats.py IFINDEX xdp     the device's xdp-features bit mask
vpair_qstats.py IFINDEX xdp-meta  its xdp-rx-metadata-features bit mask

A refused request prints its errno name and exits 2.
"""
import errno
import os
import socket
import struct
import sys

GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
CMD_DEV_GET, CMD_QUEUE_GET, CMD_QSTATS_GET = 1, 10, 12
A_DEV_IFINDEX, A_DEV_XDP_FEATURES, A_DEV_XDP_RX_METADATA_FEATURES = 1, 3, 5
A_QUEUE_ID, A_QUEUE_IFINDEX, A_QUEUE_TYPE, A_QUEUE_NAPI_ID = 1, 2, 3, 4
A_QSTATS_IFINDEX, A_QSTATS_QUEUE_TYPE, A_QSTATS_QUEUE_ID, A_QSTATS_SCOPE = 1, 2, 3, 4
A_RX_PACKETS, A_RX_BYTES, A_TX_PACKETS, A_TX_BYTES = 8, 9, 10, 11
NLMSG_ERROR, NLMSG_DONE = 2, 3
F_REQUEST, F_ACK, F_DUMP = 1, 4, 0x300


class Refused(Exception):
    pass


def attr(kind, data):
    return struct.pack("HH", 4 + len(data), kind) + data + b"\0" * (-len(data) % 4)


def attrs(buf):
    out, off = {}, 0
    while off + 4 <= len(buf):
        length, kind = struct.unpack_from("HH", buf, off)
        out[kind & 0x3FFF] = buf[off + 4:off + length]
        off += (length + 3) & ~3
    return out


def num(data):
    return int.from_bytes(data, "little")


def request(sock, family, cmd, payload, dump):
    flags = F_REQUEST | (F_DUMP if dump else F_ACK)
    body = struct.pack("BBH", cmd, 1, 0) + payload
    sock.send(struct.pack("IHHII", 16 + len(body), family, flags, 1, 0) + body)
    msgs = []
    while True:
        buf = sock.recv(1 << 16)
        off = 0
        while off < len(buf):
            length, kind, _, _, _ = struct.unpack_from("IHHII", buf, off)
            if kind == NLMSG_ERROR:
                err = -struct.unpack_from("i", buf, off + 16)[0]
                if err:
                    raise Refused(errno.errorcode.get(err, str(err)))
                return msgs
            if kind == NLMSG_DONE:
                return msgs
            msgs.append(attrs(buf[off + 20:off + length]))
            off += (length + 3) & ~3


def netdev_family(sock):
    name = attr(CTRL_ATTR_FAMILY_NAME, b"netdev\0")
    reply = request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, name, False)
    if not reply:
        raise Refused("ENOENT")
    return num(reply[0][CTRL_ATTR_FAMILY_ID])


def main():
    ifindex, what = int(sys.argv[1]), sys.argv[2]
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    fam = netdev_family(sock)
    idx = struct.pack("I", ifindex)
    if what in ("xdp", "xdp-meta"):
        a = A_DEV_XDP_FEATURES if what == "xdp" else A_DEV_XDP_RX_METADATA_FEATURES
        for m in request(sock, fam, CMD_DEV_GET, attr(A_DEV_IFINDEX, idx), False):
            print(num(m.get(a, b"")))
        return
    if what == "napi":
        for m in request(sock, fam, CMD_QUEUE_GET, attr(A_QUEUE_IFINDEX, idx), True):
            if num(m[A_QUEUE_TYPE]) == 0:
                print(num(m[A_QUEUE_ID]), num(m.get(A_QUEUE_NAPI_ID, b"")))
        return
    payload = attr(A_QSTATS_IFINDEX, idx)
    if what == "queue":
        payload += attr(A_QSTATS_SCOPE, struct.pack("I", 1))
    for m in request(sock, fam, CMD_QSTATS_GET, payload, True):
        if what == "dev":
            print(*(num(m.get(a, b"")) for a in
                    (A_RX_PACKETS, A_RX_BYTES, A_TX_PACKETS, A_TX_BYTES)))
            continue
        rx = num(m[A_QSTATS_QUEUE_TYPE]) == 0
        pk, by = (A_RX_PACKETS, A_RX_BYTES) if rx else (A_TX_PACKETS, A_TX_BYTES)
        print("rx" if rx else "tx", num(m[A_QSTATS_QUEUE_ID]),
              num(m.get(pk, b"")), num(m.get(by, b"")))


if __name__ == "__main__":
    try:
        main()
    except Refused as e:
        print(e.args[0])
        sys.exit(2)
