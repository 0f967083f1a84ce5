#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Attaches a file of the char device to an interface, as a tun client
does, for the requests ip(8) cannot make:

  vpair_tun.py [--dev PATH] tun|tap NAME [--multi-queue] [--debug LEVEL]
               [-- COMMAND...]

TUNSETIFF with IFF_NO_PI (and IFF_MULTI_QUEUE) creates NAME or attaches
to it; --debug then sets TUNSETDEBUG LEVEL. COMMAND runs while the file
is attached and its exit status is the helper's; without one the file is
closed at once, which deletes a new, non-persistent interface. PATH is
$VPAIR_DEV by default, else /dev/net/vpair.

On failure prints "REQUEST NAME: error" on stderr and exits 1.
"""
import argparse
import fcntl
import os
import struct
import subprocess
import sys


def _iow(nr):
    """_IOW('T', nr, int), as linux/if_tun.h numbers the tun ioctls."""
    return 1 << 30 | struct.calcsize("i") << 16 | ord("T") << 8 | nr


TUNSETDEBUG, TUNSETIFF = _iow(201), _iow(202)
IFF_TUN, IFF_TAP, IFF_MULTI_QUEUE, IFF_NO_PI = 0x0001, 0x0002, 0x0100, 0x1000
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
    ap.add_argument("--debug", type=lambda s: int(s, 0))
    argv, command = sys.argv[1:], []
    if "--" in argv:
        argv, command = argv[:argv.index("--")], argv[argv.index("--") + 1:]
    args = ap.parse_args(argv)

    flags = IFF_TYPES[args.type] | IFF_NO_PI
    if args.multi_queue:
        flags |= IFF_MULTI_QUEUE
    what = "TUNSETIFF"
    try:
        fd, _ = attach(args.dev, args.name, flags)
        if args.debug is not None:
            what = "TUNSETDEBUG"
            fcntl.ioctl(fd, TUNSETDEBUG, args.debug)
    except OSError as e:
        if e.filename:  # from os.open(), not from an ioctl
            what = "open"
        print(f"{what} {args.name}: {e.strerror}", file=sys.stderr)
        sys.exit(1)
    if command:
        sys.exit(subprocess.call(command))


if __name__ == "__main__":
    main()
