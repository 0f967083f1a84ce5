#!/bin/bash
# deps.sh - install the host packages the VM tools need (QEMU, busybox-static,
# debootstrap, kmod, cpio, xz/zstd) and the userspace the guests borrow from
# the host (iproute2, iputils-ping, ethtool, socat, tcpdump, python3), and
# gcc-multilib for the 32-bit selftests, clang and libbpf-dev for their XDP
# programs.  Only missing packages are
# installed; "apt-get update" runs only when needed.
# kernel.sh and run.sh call this implicitly.
# Usage: deps.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

(($# == 0)) || {
	echo "usage: deps.sh" >&2
	exit 2
}
host_deps
