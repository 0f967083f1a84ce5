#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-check.sh KVER...: the DKMS cycle for each kernel, in private DKMS,
# source and install trees (only DKMS's own signing key, made on first use, stays): make
# dkms-install builds and installs vpair.ko for the named kernel only,
# its vermagic and version are right, a pre-6.1 kernel is excluded, and
# make dkms-uninstall leaves nothing behind. Debian 12's kernels use the
# machine's headers; the unstable one runs inside its build root.
# Prints TAP-style "ok - ..." / "not ok - ..." lines; exit 0 if all passed.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

vm="$TOP/scripts/vm"

# cycle KVER REL DIR: runs in the build environment of KVER (host or root)
cycle_script()
{
	cat <<'EOF'
set -u
top=$1 rel=$2 tmp=$3
dkms="dkms --no-depmod --dkmstree $tmp/dkms --sourcetree $tmp/src --installtree $tmp/mod"
mk() { make -s -C "$top" DKMS="$dkms" DKMS_SRC="$tmp/src" KERNELRELEASE="$rel" "$@"; }
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
rc=0
step() { echo "# $*"; }

mkdir -p "$tmp/mod/$rel"
# newer dkms looks for the headers in the install tree
ln -s "/lib/modules/$rel/build" "$tmp/mod/$rel/build"
mk dkms-install >"$tmp/install.log" 2>&1 || { step "dkms-install failed"; tail -20 "$tmp/install.log" | sed 's/^/# /'; exit 1; }
ko=$(find "$tmp/mod/$rel" -name 'vpair.ko*' | head -1)
[ -n "$ko" ] || { step "no vpair.ko under the install tree for $rel"; exit 1; }
[ -z "$(find "$tmp/mod" -name 'vpair.ko*' -not -path "$tmp/mod/$rel/*")" ] ||
	{ step "a module was installed for another kernel"; rc=1; }
vm=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
[ "$vm" = "$rel" ] || { step "vermagic $vm, wanted $rel"; rc=1; }
v=$(modinfo -F version "$ko")
[ "$v" = "$ver" ] || { step "module version $v, dkms.conf says $ver"; rc=1; }
$dkms status -m vpair -v "$ver" -k "$rel" | grep -q installed ||
	{ step "dkms status does not say installed"; rc=1; }

# BUILD_EXCLUSIVE_KERNEL: a 5.10 kernel is skipped (dkms exit 77), not built
$dkms build -m vpair -v "$ver" -k 5.10.0-30-amd64 >"$tmp/excl.log" 2>&1
ex=$?
[ "$ex" -eq 77 ] || { step "build for 5.10 exited $ex, wanted 77 (excluded)"; sed 's/^/# /' "$tmp/excl.log"; rc=1; }

mk dkms-uninstall >"$tmp/uninstall.log" 2>&1 || { step "dkms-uninstall failed"; rc=1; }
left=$(find "$tmp/dkms" "$tmp/src" "$tmp/mod" -mindepth 1 \( -name '*vpair*' -o -path '*/vpair/*' \) 2>/dev/null)
[ -z "$left" ] || { step "left behind: $left"; rc=1; }
exit $rc
EOF
}

one()
{
	local kver=$1 rel tmp out rc
	rel=$("$vm/kernel.sh" "$kver" release) || { verdict 1 "$kver: dkms cycle (no kernel release)"; return; }
	tmp=$(mktemp -d)
	mkdir -p "$tmp/dkms" "$tmp/src" "$tmp/mod"
	cycle_script >"$tmp/cycle.sh"
	if "$vm/kernel.sh" "$kver" root >/dev/null 2>&1; then
		out=$("$vm/sid.sh" --bind "$TOP" --bind "$tmp" -- bash "$tmp/cycle.sh" "$TOP" "$rel" "$tmp" 2>&1)
	else
		out=$(bash "$tmp/cycle.sh" "$TOP" "$rel" "$tmp" 2>&1)
	fi
	rc=$?
	[ -n "$out" ] && printf '%s\n' "$out" | grep '^#'
	verdict $rc "$kver: dkms-install builds and installs for $rel only, dkms-uninstall leaves nothing"
	rm -rf "$tmp"
}

[ $# -gt 0 ] || set -- "${SUPPORTED_KVERS[@]}"
command -v dkms >/dev/null || "$vm/deps.sh" >/dev/null
for k in "$@"; do
	one "$k"
done
exit $((n_not_ok > 0))
