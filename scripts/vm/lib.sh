# shellcheck shell=bash
# lib.sh - helpers shared by the scripts/vm scripts (sourced, not executed),
# on top of scripts/lib.sh: the host packages, Debian mirror lookup, KVM,
# the sid root and the per-KVER kernel cache (release, image, modules,
# headers).  All progress output goes to stderr; stdout is left to callers.

# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib.sh"

VM_DIR=$TOP/scripts/vm
SID_ROOT=$CACHE/sid-root

# Packages the host needs to build the VMs and to provide guest userspace;
# gcc-multilib builds the 32-bit (compat ioctl) selftests, clang and
# libbpf-dev their XDP programs.
HOST_PKGS=(qemu-system-x86 busybox-static debootstrap kmod cpio xz-utils
	zstd util-linux iproute2 iputils-ping ethtool socat tcpdump python3
	make debian-archive-keyring dkms openssl gcc-multilib clang libbpf-dev)

host_deps() { host_install "${HOST_PKGS[@]}"; }

# run_logged LOGFILE CMD...: run CMD with output to LOGFILE; show it on failure.
run_logged() {
	local logf=$1 rc=0
	shift
	mkdir -p "$(dirname "$logf")"
	"$@" >"$logf" 2>&1 || rc=$?
	if ((rc != 0)); then
		tail -n 40 "$logf" >&2
		die "'$*' failed (exit $rc), full log: $logf"
	fi
}

# --- Debian mirror ----------------------------------------------------------

# debian_mirror: the first non-security Debian URI configured for the host.
debian_mirror() {
	local uri=""
	if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
		uri=$(awk 'BEGIN { RS = ""; FS = "\n" }
			{
				t = u = s = ""
				for (i = 1; i <= NF; i++) {
					if ($i ~ /^Types:/) t = $i
					else if ($i ~ /^URIs:/) u = $i
					else if ($i ~ /^Suites:/) s = $i
				}
				if (t ~ /[ \t]deb([ \t]|$)/ && s !~ /security/ && u !~ /security/) {
					split(u, a, /[ \t]+/); print a[2]; exit
				}
			}' /etc/apt/sources.list.d/*.sources)
	fi
	if [[ -z $uri && -f /etc/apt/sources.list ]]; then
		uri=$(awk '$1 == "deb" { sub(/\[[^]]*\]/, ""); $0 = $0 }
			$1 == "deb" && $2 !~ /security/ && $3 !~ /security/ { print $2; exit }' \
			/etc/apt/sources.list)
	fi
	[[ -n $uri ]] || die "no Debian mirror found in the host's apt sources"
	printf '%s\n' "$uri"
}

# --- KVM ------------------------------------------------------------------

# _kvm_probe VMLINUZ: boot VMLINUZ under KVM without a root file system.
# A host where KVM runs the firmware but hangs a Linux kernel (seen with
# nested virtualisation) must not pass: the kernel has to get as far as
# its panic about the missing root, which takes seconds under KVM.
_kvm_probe() {
	local t rc=1 pid i
	t=$(mktemp -d)
	timeout 60 qemu-system-x86_64 -enable-kvm -cpu host -machine q35 \
		-nodefaults -no-user-config -display none -monitor none \
		-no-reboot -m 256 -kernel "$1" \
		-append "console=ttyS0 panic=-1 loglevel=4" \
		-chardev "file,id=con,path=$t/con" -serial chardev:con \
		>"$t/out" 2>&1 </dev/null &
	pid=$!
	for ((i = 0; i < 150; i++)); do
		if grep -qa 'Kernel panic' "$t/con" 2>/dev/null; then
			rc=0
			break
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	grep -qi 'error' "$t/out" && rc=1
	rm -rf "$t"
	return "$rc"
}

# kvm_usable VMLINUZ: true if KVM boots VMLINUZ; VPAIR_KVM=0/1 forces the
# answer. The probe's result is cached per host boot.
kvm_usable() {
	case ${VPAIR_KVM:-} in
	0) return 1 ;;
	1) return 0 ;;
	esac
	local boot f
	boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
	f=$CACHE/kvm2.$boot
	if [[ ! -f $f ]]; then
		mkdir -p "$CACHE"
		rm -f "$CACHE"/kvm.* "$CACHE"/kvm2.*
		if { : <>/dev/kvm; } 2>/dev/null && _kvm_probe "$1"; then
			echo yes >"$f"
		else
			echo no >"$f"
		fi
	fi
	[[ $(cat "$f") == yes ]]
}

# --- sid root (Debian unstable, for the 7.2 toolchain) --------------------

# sid CMD...: run CMD in the sid root (see sid.sh).
sid() { "$VM_DIR/sid.sh" -- "$@"; }

sid_apt() {
	"$VM_DIR/sid.sh" -- env DEBIAN_FRONTEND=noninteractive apt-get -y -qq \
		-o APT::Sandbox::User=root "$@"
}

# sid_apt_policy ROOT: follow the host in ignoring Release expiry (needed
# with snapshot mirrors, whose Release files are past Valid-Until).
sid_apt_policy() {
	local v=""
	eval "$(apt-config shell v Acquire::Check-Valid-Until)"
	[[ $v == false ]] || return 0
	echo 'Acquire::Check-Valid-Until "false";' \
		>"$1/etc/apt/apt.conf.d/99vpair-valid-until"
}

_sid_bootstrap() {
	[[ -f $SID_ROOT/.vpair-base ]] && return 0
	local tmp=$SID_ROOT.tmp mirror
	mirror=$(debian_mirror)
	host_install debootstrap debian-archive-keyring util-linux
	mountpoint_under "$tmp" && die "$tmp has mounts, refusing to remove it"
	rm -rf "$tmp" "$SID_ROOT"
	log "debootstrap unstable from $mirror (~30 s)"
	run_logged "$CACHE/logs/debootstrap.log" \
		debootstrap --variant=minbase unstable "$tmp" "$mirror"
	sid_apt_policy "$tmp"
	touch "$tmp/.vpair-base"
	mv "$tmp" "$SID_ROOT"
}

# _sid_toolchain REL: compiler, make, libc headers and REL's kernel headers.
_sid_toolchain() {
	[[ -f $SID_ROOT/.vpair-ready && -f $SID_ROOT/usr/src/linux-headers-$1/Makefile &&
		-x $SID_ROOT/usr/sbin/dkms && -x $SID_ROOT/usr/sbin/ip ]] &&
		return 0
	log "installing the 7.2 build toolchain, dkms and iproute2 in the sid root"
	run_logged "$CACHE/logs/sid-apt.log" sid_apt install \
		--no-install-recommends make libc6-dev kmod "linux-headers-$1" \
		dkms iproute2
	touch "$SID_ROOT/.vpair-ready"
}

# mountpoint_under DIR: true if something is mounted at or below DIR.
mountpoint_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { f = 1 } END { exit !f }' \
		/proc/self/mountinfo
}

# --- kernels --------------------------------------------------------------

# kernel_release KVER: newest Debian release string (uname -r) for KVER.
kernel_release() {
	local names
	case $1 in
	6.1)
		names=$(host_apt_query apt-cache search --names-only \
			'^linux-image-6\.1\.0-[0-9]+-amd64$')
		;;
	6.12)
		names=$(host_apt_query apt-cache search --names-only \
			'^linux-image-6\.12\.[0-9]+\+deb12-amd64$')
		;;
	7.2)
		names=$(sid apt-cache depends linux-image-amd64 |
			awk '/Depends: linux-image-/ { print $2 }')
		;;
	esac
	names=$(awk '{ print $1 }' <<<"$names" | sort -V | tail -n 1)
	[[ -n $names ]] || die "cannot find a Debian kernel for $1"
	printf '%s\n' "${names#linux-image-}"
}

# kernel_debs REL APT-CACHE...: the packages holding REL's image and modules
# (newer kernels split linux-image into linux-binary/-modules/-base).
kernel_debs() {
	local rel=$1
	shift
	printf 'linux-image-%s\n' "$rel"
	"$@" depends "linux-image-$rel" | awk -v r="$rel" '
		$1 == "Depends:" && ($2 == "linux-binary-" r || $2 == "linux-modules-" r ||
			$2 == "linux-base-" r) { print $2 }' |
		sort -u
}

# extract_kernel REL DEBDIR: unpack the .debs into $CACHE/kernels/REL, depmod.
extract_kernel() {
	local rel=$1 debs=$2 dest=$CACHE/kernels/$1 deb
	rm -rf "$dest.tmp" "$dest"
	mkdir -p "$dest.tmp"
	for deb in "$debs"/*.deb; do
		dpkg-deb -x "$deb" "$dest.tmp"
	done
	if [[ -d $dest.tmp/usr/lib/modules && ! -e $dest.tmp/lib ]]; then
		ln -s usr/lib "$dest.tmp/lib"
	fi
	[[ -d $dest.tmp/lib/modules/$rel ]] || die "no modules for $rel in the packages"
	log "depmod $rel"
	depmod -b "$dest.tmp" "$rel"
	mv "$dest.tmp" "$dest"
}

kernel_vmlinuz() {
	local k=$CACHE/kernels/$1 f
	for f in "$k/boot/vmlinuz-$1" "$k/lib/modules/$1/vmlinuz"; do
		[[ -f $f ]] && {
			printf '%s\n' "$f"
			return 0
		}
	done
	die "no kernel image found for $1 in $k"
}

_fetch_host_kernel() {
	local rel=$1 dl=$CACHE/dl.$1
	local -a pkgs
	host_install "linux-headers-$rel"
	mapfile -t pkgs < <(kernel_debs "$rel" apt-cache)
	rm -rf "$dl" && mkdir -p "$dl"
	log "downloading ${pkgs[*]}"
	apt_download "$dl" "${pkgs[@]}"
	extract_kernel "$rel" "$dl"
	rm -rf "$dl"
	ln -sfn "/usr/src/linux-headers-$rel" "$CACHE/kernels/$rel/lib/modules/$rel/build"
}

_fetch_sid_kernel() {
	local rel=$1 dl=/var/cache/vpair-kernel
	local -a pkgs
	mapfile -t pkgs < <(kernel_debs "$rel" sid apt-cache)
	rm -rf "${SID_ROOT:?}$dl" && mkdir -p "$SID_ROOT$dl"
	log "downloading ${pkgs[*]} (in the sid root)"
	sid env -C "$dl" apt-get -qq -o APT::Sandbox::User=root download "${pkgs[@]}" >&2
	extract_kernel "$rel" "$SID_ROOT$dl"
	rm -rf "${SID_ROOT:?}$dl"
}

# _prepare_sid_kernel REL: toolchain install and kernel download/unpack
# run in parallel (they are independent and each takes ~15 s).
_prepare_sid_kernel() {
	local rel=$1 pid=""
	if [[ ! -d $CACHE/kernels/$rel/lib/modules/$rel ]]; then
		_fetch_sid_kernel "$rel" &
		pid=$!
	fi
	with_lock sid-root _sid_toolchain "$rel"
	if [[ -n $pid ]]; then
		wait "$pid" || die "fetching kernel $rel failed"
	fi
}

# _kernel_prepare KVER: resolve, download and unpack; write the env stamp.
_kernel_prepare() {
	local kver=$1 stamp=$CACHE/kernels/$1.env rel kdir root=""
	kernel_env_valid "$kver" && [[ -z ${VPAIR_REFRESH:-} ]] && return 0
	((EUID == 0)) || die "preparing kernel $kver needs root (apt-get, debootstrap)"
	host_deps
	# Debian unstable's kernel builds in the sid root, the others on the host.
	if [[ $kver == 7.2 ]]; then
		with_lock sid-root _sid_bootstrap
		if [[ -n ${VPAIR_REFRESH:-} ]]; then
			sid_apt_policy "$SID_ROOT"
			sid_apt update >&2
		fi
		root=$SID_ROOT
	elif [[ -n ${VPAIR_REFRESH:-} ]]; then
		with_lock apt host_apt_update
	fi
	rel=$(kernel_release "$kver")
	log "kernel $kver -> $rel"
	if [[ -n $root ]]; then
		_prepare_sid_kernel "$rel"
	elif [[ ! -d $CACHE/kernels/$rel/lib/modules/$rel ]]; then
		_fetch_host_kernel "$rel"
	fi
	kdir=/usr/src/linux-headers-$rel
	[[ -f $root$kdir/Makefile ]] || die "headers missing: $root$kdir"
	mkdir -p "$CACHE/kernels"
	{
		printf 'REL=%q\n' "$rel"
		printf 'KDIR=%q\n' "$kdir"
		printf 'ROOT=%q\n' "$root"
		printf 'VMLINUZ=%q\n' "$(kernel_vmlinuz "$rel")"
		printf 'MODDIR=%q\n' "$CACHE/kernels/$rel/lib/modules/$rel"
	} >"$stamp.tmp"
	mv "$stamp.tmp" "$stamp"
}

# kernel_env_valid KVER: the stamp exists and what it names is still there.
kernel_env_valid() {
	local stamp=$CACHE/kernels/$1.env
	[[ -f $stamp ]] || return 1
	(
		# shellcheck disable=SC1090
		. "$stamp"
		# shellcheck disable=SC2153
		[[ -f $VMLINUZ && -f $MODDIR/modules.dep && -f $ROOT$KDIR/Makefile ]] &&
			[[ -z $ROOT || (-x $ROOT/usr/sbin/dkms && -x $ROOT/usr/sbin/ip) ]]
	)
}

# kernel_env KVER: make sure KVER is prepared, then set REL KDIR ROOT
# VMLINUZ MODDIR in the caller. KVER debug is the debug kernel, built
# from source the first time (debug-kernel.sh).
kernel_env() {
	kver_check "$1"
	# shellcheck disable=SC2031 # (no subshell sets it)
	if [[ $1 == "$DEBUG_KVER" ]]; then
		local env
		env=$("$VM_DIR/debug-kernel.sh" env) || die "no debug kernel"
		eval "$env"
		return 0
	fi
	if [[ -n ${VPAIR_REFRESH:-} ]] || ! kernel_env_valid "$1"; then
		with_lock "kernel-$1" _kernel_prepare "$1"
	fi
	# SC2031: kernel_env_valid's subshell sourced a stamp, not this one.
	# shellcheck disable=SC1090,SC2031
	. "$CACHE/kernels/$1.env"
}
