#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pkg-check.sh: packaging checks that need no VM, against the headers of
# the default kernel (see lib.sh): one version everywhere, "make install/uninstall" into DESTDIR
# with PREFIX, and "make sign" with a throwaway key (and a clear refusal
# without one). Prints "ok - ..." / "not ok - ..." lines; exit 0 if all passed.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"


kdir=$("$TOP/scripts/vm/kernel.sh" "$DEFAULT_KVER" kdir) ||
	{ verdict 1 "packaging: $DEFAULT_KVER headers"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/src
copy_module "$TOP" "$src" tools man
make -s -C "$src" KDIR="$kdir" >"$tmp/build.log" 2>&1 || { sed 's/^/# /' "$tmp/build.log" | tail; }

# one version: dkms.conf, the module and the README
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$TOP/dkms.conf")
mod=$(modinfo -F version "$src/vpair.ko" 2>/dev/null)
readme=$(sed -n 's/^Version: \*\*\([0-9.]*\)\*\*.*/\1/p' "$TOP/README.md")
[ -n "$ver" ] && [ "$mod" = "$ver" ] && [ "$readme" = "$ver" ]
verdict $? "one version: dkms.conf '$ver', module '$mod', README '$readme'"

# install into DESTDIR with PREFIX, then uninstall
rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h")
dest=$tmp/dest
make -s -C "$src" KDIR="$kdir" DESTDIR="$dest" PREFIX=/usr install >"$tmp/install.log" 2>&1
rc=$?
want="lib/modules/$rel/updates/vpair.ko usr/include/linux/vpair.h usr/sbin/vpairctl
	usr/share/man/man4/vpair.4 usr/share/man/man8/vpairctl.8"
for f in $want; do
	[ -f "$dest/$f" ] || { echo "# missing $f"; rc=1; }
done
for so in link_vpair.so link_vtun.so; do
	find "$dest" -name "$so" | grep -q . || { echo "# missing $so"; rc=1; }
done
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/install.log" | tail -5
verdict $rc "make install DESTDIR=... PREFIX=/usr installs module, header, vpairctl, plugin, man pages"
ctl=$("$dest/usr/sbin/vpairctl" -V 2>&1)
[ "$ctl" = "vpairctl $ver" ]
verdict $? "vpairctl -V says the dkms.conf version ($ctl)"
make -s -C "$src" KDIR="$kdir" DESTDIR="$dest" PREFIX=/usr uninstall >/dev/null 2>&1
left=$(find "$dest" -type f)
[ -z "$left" ]
verdict $? "make uninstall DESTDIR=... removes them all (${left//$'\n'/ })"

# sign with a throwaway MOK-style key; refuse clearly without one
openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=vpair-check/ \
	-keyout "$tmp/mok.key" -outform DER -out "$tmp/mok.pub" >/dev/null 2>&1
make -s -C "$src" KDIR="$kdir" MOK_KEY="$tmp/mok.key" MOK_PUB="$tmp/mok.pub" sign \
	>"$tmp/sign.log" 2>&1 &&
	[ "$(tail -c 28 "$src/vpair.ko")" = "~Module signature appended~" ] &&
	[ "$(modinfo -F signer "$src/vpair.ko")" = vpair-check ]
verdict $? "make sign appends a signature made with the MOK key"
! out=$(make -s -C "$src" KDIR="$kdir" MOK_KEY="$tmp/none" MOK_PUB="$tmp/none" sign 2>&1) &&
	grep -q 'no signing key' <<<"$out"
verdict $? "make sign without a key fails and says so"
exit $((n_not_ok > 0))
