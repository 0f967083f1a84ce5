#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install-guest.sh SRCDIR: runs inside a test VM before the module is
# loaded. "make install" from SRCDIR (vpair.ko already built there for
# this kernel, next to the tools and man pages), then: creating a pair autoloads the module through its
# rtnl alias, "ip link ... peer name ... netns ..." works through the
# installed iproute2 plugin, opening /dev/net/vpair autoloads it through
# its char-major alias, the man pages open, and "make uninstall" takes
# everything away again. Prints "ok - ..." / "not ok - ..." lines.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

src=$1
rel=$(uname -r)
prefix=/usr/local

VERDICT_PREFIX="$rel: "

log=$(mktemp)
make -s -C "$src" install PREFIX="$prefix" >"$log" 2>&1
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$log" | tail -20
verdict $rc "make install (module, depmod, header, vpairctl, plugin, man pages)"

# rtnl alias: "ip link add" loads the module
[ ! -d /sys/module/vpair ] &&
	ip link add name al0 type vpair && [ -d /sys/module/vpair ]
verdict $? "ip link add ... type vpair autoloads the installed module"
ip link del dev al0 2>/dev/null

# the plugin, installed where ip looks for it
ip netns add al-n1
ip link add name al1 type vpair peer name al2 netns al-n1 mtu 9000 &&
	ip -n al-n1 link show al2 | grep -q 'mtu 9000'
verdict $? "ip link add a type vpair peer name b netns n1 mtu 9000 (installed plugin)"
ip link del dev al1 2>/dev/null
ip netns del al-n1

# link_vtun.so: ip prints the char device's links like tun's
python3 "$TOP/selftests/vpair_tun.py" --dev /dev/net/vpair tap alvt0 -- ip -d link show alvt0 |
	grep -q 'vtun type tap pi off vnet_hdr off persist off'
verdict $? "ip -d link show prints a vtun link like a tun (installed link_vtun.so)"

# /dev node: depmod put it in modules.devname; opening it loads the module
unload_vpair
node=$(awk '$1 == "vpair" { print $2, $3 }' "/lib/modules/$rel/modules.devname")
read -r _ dev <<<"$node"
minor=${dev#c10:}
if [ -n "$minor" ] && [ ! -d /sys/module/vpair ]; then
	rm -f /dev/net/vpair
	mkdir -p /dev/net
	mknod -m 0666 /dev/net/vpair c 10 "$minor"
	python3 -c 'open("/dev/net/vpair", "rb").close()' 2>/dev/null
	[ -d /sys/module/vpair ]
	verdict $? "opening /dev/net/vpair (c 10:$minor from modules.devname) autoloads the module"
else
	verdict 1 "modules.devname names /dev/net/vpair (got '$node')"
fi
unload_vpair
# devtmpfs makes the node again, with the module's mode, at the next load
rm -f /dev/net/vpair

MANPAGER='cat' man -l "$prefix/share/man/man4/vpair.4" 2>/dev/null | grep -q 'vpair' &&
	MANPAGER='cat' man -l "$prefix/share/man/man8/vpairctl.8" 2>/dev/null | grep -q 'vpairctl'
verdict $? "the installed man pages vpair(4) and vpairctl(8) open with man -l"

make -s -C "$src" uninstall PREFIX="$prefix" >"$log" 2>&1
left=$(ls "/lib/modules/$rel/updates/vpair.ko" "$prefix/include/linux/vpair.h" \
	"$prefix/sbin/vpairctl" "$prefix/share/man/man4/vpair.4" 2>/dev/null)
[ -z "$left" ] && ! modprobe -n vpair 2>/dev/null
verdict $? "make uninstall removes every installed file ($left)"
rm -f "$log"
exit $((n_not_ok > 0))
