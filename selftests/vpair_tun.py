#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Attaches a file of the char device to an interface, as a tun client
does, for the requests ip(8) cannot make:

  vpair_tun.py [--dev PATH] tun|tap NAME [--multi-queue] [--pi] [--vnet-hdr]
               [--excl] [--debug LEVEL] [--persist] [--owner UID] [--group GID]
               [--flags] [--read-after]
               [-- COMMAND...]

TUNSETIFF with IFF_NO_PI (or with --pi, without), IFF_MULTI_QUEUE,
IFF_VNET_HDR and IFF_TUN_EXCL as asked creates NAME or attaches to it;
--debug then sets TUNSETDEBUG LEVEL, --persist, --owner and --group
TUNSETPERSIST 1, TUNSETOWNER and TUNSETGROUP; --flags prints "flags 0xN", what
TUNGETIFF reports. --read-after reads once (non-blocking) after COMMAND
and prints "read: ERRNO_NAME" or "read: N bytes". COMMAND runs while the file
is attached and its exit status is the helper's; without one the file is
closed at once, which deletes a new, non-persistent interface. PATH is
$VPAIR_DEV by default, else /dev/net/vpair.

On failure prints "REQUEST NAME: error" on stderr and exits 1.
"""
import argparse
import errno
import fcntl
import os
import struct
import subprocess
import sys


def _iow(nr):
    """_IOW('T', nr, int), as linux/if_tun.h numbers the tun ioctls."""
    return 1 << 30 | struct.calcsize("i") << 16 | ord("T") << 8 | nr


def _ior(nr):
    """_IOR('T', nr, unsigned int)."""
    return 2 << 30 | struct.calcsize("I") << 16 | ord("T") << 8 | nr


TUNSETDEBUG, TUNSETIFF, TUNGETIFF = _iow(201), _iow(202), _ior(210)
TUNSETPERSIST, TUNSETOWNER, TUNSETGROUP = _iow(203), _iow(204), _iow(206)
IFF_TUN, IFF_TAP, IFF_MULTI_QUEUE, IFF_NO_PI = 0x0001, 0x0002, 0x0100, 0x1000
IFF_VNET_HDR, IFF_TUN_EXCL = 0x4000, 0x8000
IFF_TYPES = {"tun": IFF_TUN, "tap": IFF_TAP}


def ifreq(name, flags):
    """struct ifreq with ifr_name and ifr_flags."""
    return struct.pack("16sH22x", name.encode(), flags)


def attach(path, name, flags):
    """Opens PATH and attaches it by TUNSETIFF: (fd, interface name)."""
    fd = os.open(path, os.O_RDWR)
    try:
        ifr = fcntl.ioctl(fd, TUNSETIFF, ifreq(name, flags))
    except OSError:
        os.close(fd)
        raise
    return fd, ifr[:16].rstrip(b"\0").decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev",
                    default=os.environ.get("VPAIR_DEV", "/dev/net/vpair"))
    ap.add_argument("type", choices=IFF_TYPES)
    ap.add_argument("name")
    ap.add_argument("--multi-queue", action="store_true")
    ap.add_argument("--pi", action="store_true")
    ap.add_argument("--vnet-hdr", action="store_true")
    ap.add_argument("--excl", action="store_true")
    ap.add_argument("--debug", type=lambda s: int(s, 0))
    ap.add_argument("--persist", action="store_true")
    ap.add_argument("--owner", type=int)
    ap.add_argument("--group", type=int)
    ap.add_argument("--flags", action="store_true")
    ap.add_argument("--read-after", action="store_true")
    argv, command = sys.argv[1:], []
    if "--" in argv:
        argv, command = argv[:argv.index("--")], argv[argv.index("--") + 1:]
    args = ap.parse_args(argv)

    flags = IFF_TYPES[args.type] | (0 if args.pi else IFF_NO_PI)
    for opt, bit in ((args.multi_queue, IFF_MULTI_QUEUE),
                     (args.vnet_hdr, IFF_VNET_HDR), (args.excl, IFF_TUN_EXCL)):
        if opt:
            flags |= bit
    what = "TUNSETIFF"
    try:
        fd, _ = attach(args.dev, args.name, flags)
        if args.debug is not None:
            what = "TUNSETDEBUG"
            fcntl.ioctl(fd, TUNSETDEBUG, args.debug)
        for req, name, val in ((TUNSETOWNER, "TUNSETOWNER", args.owner),
                               (TUNSETGROUP, "TUNSETGROUP", args.group),
                               (TUNSETPERSIST, "TUNSETPERSIST",
                                1 if args.persist else None)):
            if val is not None:
                what = name
                fcntl.ioctl(fd, req, val)
        if args.flags:
            what = "TUNGETIFF"
            ifr = fcntl.ioctl(fd, TUNGETIFF, ifreq("", 0))
            print(f"flags {struct.unpack('16sH22x', ifr)[1]:#x}", flush=True)
    except OSError as e:
        if e.filename:  # from os.open(), not from an ioctl
            what = "open"
        print(f"{what} {args.name}: {e.strerror}", file=sys.stderr)
        sys.exit(1)
    rc = subprocess.call(command) if command else 0
    if args.read_after:
        os.set_blocking(fd, False)
        try:
            print(f"read: {len(os.read(fd, 65536))} bytes")
        except OSError as e:
            print(f"read: {errno.errorcode.get(e.errno, e.errno)}")
    sys.exit(rc)


if __name__ == "__main__":
    main()
