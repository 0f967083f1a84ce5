# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# lib.sh: what the development scripts share, sourced by each of them
# (scripts/vm/lib.sh builds on it), in the guests too. Sets TOP (the tree
# these scripts belong to), CACHE, SUPPORTED_KVERS, DEFAULT_KVER,
# DEBUG_KVER and SPLAT. Messages go to stderr; stdout is left to the callers, but for the
# result lines of verdict.

# shellcheck disable=SC2034 # (its globals are for the scripts sourcing it)
TOP=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# Downloads, kernels and build roots: never in the tree.
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/vpair
# The kernels vpair supports (see scripts/vm/README.md); the default one,
# Debian 12's newest, serves where one kernel is enough.
SUPPORTED_KVERS=(6.1 6.12 7.2)
DEFAULT_KVER=6.12
# The debug kernel (scripts/vm/debug-kernel.sh): the VM scripts take it as
# a KVER; it is none of the supported ones.
DEBUG_KVER=debug

log() { printf '[%s %3ss] %s\n' "${0##*/}" "$SECONDS" "$*" >&2; }

# die MSG: print MSG and exit with $DIE_STATUS (default 1).
die()
{
	printf '%s: error: %s\n' "${0##*/}" "$*" >&2
	exit "${DIE_STATUS:-1}"
}

# kver_alternatives: the kernels as a usage string, {6.1|...|debug}.
kver_alternatives()
{
	local IFS='|'
	printf '{%s}\n' "${SUPPORTED_KVERS[*]}|$DEBUG_KVER"
}

kver_check()
{
	local k
	for k in "${SUPPORTED_KVERS[@]}" "$DEBUG_KVER"; do
		[[ ${1:-} == "$k" ]] && return 0
	done
	die "KVER must be one of: ${SUPPORTED_KVERS[*]} $DEBUG_KVER (got '${1:-}')"
}

# Kernel log lines that fail a run even when every test passed.
SPLAT='BUG:|WARNING:|Oops|KASAN|refcount_t:|possible circular locking|'
SPLAT+='possible recursive locking|suspicious RCU usage|'
SPLAT+='unregister_netdevice: waiting|general protection fault|Call Trace:|'
# slub_debug's and page poisoning's reports (run.sh --detectors)
SPLAT+='BUG [^ ]+ \(|Redzone overwritten|Poison overwritten|Object padding|'
SPLAT+='pagealloc: (memory corruption|single bit error)|'
# The debug kernel's: lockdep's reports that are no WARNING (not its boot
# banner, which names lockdep too), UBSAN, kmemleak giving up (its reports
# are check-guest.sh's to judge: the leaks from before a test are not
# its), the netdev and netns reference trackers, debugobjects.
SPLAT+='INFO: trying to register non-static key|inconsistent lock state|'
SPLAT+='lock held when returning to user space|held lock freed|UBSAN:|'
SPLAT+='Kernel memory leak detector disabled|'
SPLAT+='has [0-9]+/[0-9]+ users at|reference already released|ODEBUG:'

# splats LOG: the lines of the kernel log LOG that match SPLAT. Between
# the marks check-guest.sh logs around its fault injection, the stack
# dumps of the page allocator's warnings about a failed allocation are
# expected.
splats()
{
	sed '/vpair-check: fault injection on/,/vpair-check: fault injection off/{
		/Call Trace:/d
	}' "$1" | grep -aE "$SPLAT"
}

# verdict RC TEXT: one result line of a check, "ok - TEXT" if RC is 0,
# else "not ok - TEXT" ($VERDICT_PREFIX goes before TEXT); counted in
# n_ok and n_not_ok.
n_ok=0
n_not_ok=0
verdict()
{
	if [ "$1" -eq 0 ]; then
		echo "ok - ${VERDICT_PREFIX:-}$2"
		n_ok=$((n_ok + 1))
	else
		echo "not ok - ${VERDICT_PREFIX:-}$2"
		n_not_ok=$((n_not_ok + 1))
	fi
}

# unload_vpair: rmmod vpair, waiting up to 10 s for deferred netdev and
# netns work to drop its last references; true once it is gone.
unload_vpair()
{
	local _
	for _ in $(seq 50); do
		[ -d /sys/module/vpair ] || return 0
		rmmod vpair 2>/dev/null && return 0
		sleep 0.2
	done
	[ ! -d /sys/module/vpair ]
}

# pin_static_keys: hold on, until the guest ends, the static keys the
# receive path tests while the selftests switch them on and off: rx
# timestamps (every ping turns them on and off), tc ingress and egress
# hooks, and RPS. Multi-threaded TCG may run an int3 the kernel placed
# while it patched such a branch on another vCPU after the patch is
# complete, and the guest oopses on it ("int3" in a receive function whose
# code already shows the new jmp). tun oopses alike when the same stress
# run swaps its XDP programs. With the keys held on, no test patches that
# code. The holder lives in a network namespace of its own, out of every
# test's sight, and ends with the guest.
pin_static_keys()
{
	local line
	coproc PIN {
		unshare --net --mount sh -c '
			mount -t sysfs sysfs /sys &&
			ip link add pin type dummy &&
			tc qdisc add dev pin clsact &&
			echo 1 >/sys/class/net/pin/queues/rx-0/rps_cpus &&
			exec python3 -c "
import signal, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
SO_TIMESTAMP = 29  # asm-generic; Python does not name it
s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMP, 1)
print(\"pinned\", flush=True)
signal.pause()"' 2>&1
	}
	read -r -t 30 -u "${PIN[0]}" line
	[ "$line" = pinned ] && return 0
	echo "# pin_static_keys: $line"
	while read -r -t 1 -u "${PIN[0]}" line; do
		echo "# $line"
	done
	return 1
}

# with_lock NAME CMD...: run CMD (may be a function) holding $CACHE/.lock.NAME.
with_lock()
{
	local name=$1
	shift
	mkdir -p "$CACHE"
	(
		flock 9
		"$@"
	) 9>"$CACHE/.lock.$name"
}

# --- host apt ---------------------------------------------------------------

# apt_get ARGS...: apt-get without questions, waiting for a busy dpkg.
apt_get()
{
	DEBIAN_FRONTEND=noninteractive apt-get -y -qq \
		-o DPkg::Lock::Timeout=600 -o APT::Sandbox::User=root "$@"
}

host_apt_update()
{
	log "apt-get update (host)"
	apt_get update >&2
}

host_apt_lists_present()
{
	compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null
}

# apt_get_fresh ARGS...: apt_get, again after an "apt-get update" if it
# fails (a fresh machine, or a package version that left the archive).
# The caller holds the apt lock: apt-get refuses to update in parallel.
apt_get_fresh()
{
	host_apt_lists_present || host_apt_update
	apt_get "$@" >&2 && return 0
	host_apt_update
	apt_get "$@" >&2
}

# missing_pkgs PKG...: print the PKGs that are not installed on the host.
missing_pkgs()
{
	local installed p
	# dpkg-query fails for packages it has never seen: that means missing.
	installed=$({ dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "$@" \
		2>/dev/null || true; } | awk '$2 == "ii" { print $1 }')
	for p in "$@"; do
		grep -qxF -- "$p" <<<"$installed" || printf '%s\n' "$p"
	done
}

_host_install()
{
	log "apt-get install $*"
	apt_get_fresh install --no-install-recommends "$@"
}

# host_install PKG...: install the missing PKGs on the host (fast if none).
host_install()
{
	local -a missing
	mapfile -t missing < <(missing_pkgs "$@")
	((${#missing[@]} == 0)) && return 0
	with_lock apt _host_install "${missing[@]}"
}

# apt_download DIR PKG...: download the PKGs' .deb files into DIR.
apt_download()
{
	local dir=$1
	shift
	(cd "$dir" && with_lock apt apt_get_fresh download "$@")
}

# host_apt_query CMD...: run an apt-cache query, updating the lists if it
# prints nothing (fresh machine or a package that left the archive).
host_apt_query()
{
	local out
	host_apt_lists_present || with_lock apt host_apt_update
	out=$("$@" 2>/dev/null || true)
	if [[ -z $out ]]; then
		with_lock apt host_apt_update
		out=$("$@")
	fi
	printf '%s\n' "$out"
}

# --- copies of the tree -------------------------------------------------------
#
# Builds and VM runs work on copies of the tree, staged where every user
# may read them: the selftests run some steps as an unprivileged user,
# which could not read a clone in a private directory (mode 0700), and
# nothing a run makes is left in the clone.

# as_nobody CMD...: run CMD as the selftests run their unprivileged steps,
# as uid and gid 65534 without groups or capabilities.
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# stage_dir NAME: make a directory for one run's copies, readable by all,
# under $TMPDIR if every user may enter it, else under /tmp; print it.
stage_dir()
{
	local base=${TMPDIR:-/tmp} dir
	as_nobody test -x "$base" 2>/dev/null || base=/tmp
	dir=$(mktemp -d "$base/vpair-$1.XXXXXX") || die "cannot make a directory in $base"
	chmod 755 "$dir"
	printf '%s\n' "$dir"
}

# stage_end DIR: remove DIR but for its logs/ directory, if that has any.
stage_end()
{
	find "$1" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} +
	rmdir "$1/logs" 2>/dev/null
	rmdir "$1" 2>/dev/null
	return 0
}

# in_git_tree DIR: true if DIR is the top of a git work tree, whoever owns it.
in_git_tree()
{
	[ "$(git -c safe.directory="$1" -C "$1" rev-parse --show-toplevel 2>/dev/null)" = \
	  "$(readlink -f "$1")" ]
}

# copy_tree SRC DST [PATH...]: copy the PATHs (default: all) of the tree at
# SRC into DST, readable by all. From a git work tree, only what git tracks
# or would add: no build product (stale objects would hide W=1 warnings)
# and no generated compat header of another kernel.
copy_tree()
{
	local src=$1 dst=$2
	shift 2
	[ $# -gt 0 ] || set -- .
	mkdir -p "$dst" && dst=$(readlink -f "$dst") || return
	if in_git_tree "$src"; then
		(cd "$src" &&
		 git -c safe.directory="$src" ls-files -z --cached --others \
			--exclude-standard -- "$@" |
			while IFS= read -r -d '' f; do
				[ -e "$f" ] && printf '%s\0' "$f"
			done |
			tar --null -T - -cf -) | tar --no-same-owner -xf - -C "$dst"
	else
		(cd "$src" && cp -r -- "$@" "$dst/")
	fi || return
	rm -rf "$dst/driver/compat/generated"
	chmod -R a+rX,go-w "$dst"
}

# copy_module SRC DST [PATH...]: copy_tree of what DKMS gets (the
# Makefile's DKMS_FILES: the module's sources) and the PATHs.
copy_module()
{
	local src=$1 dst=$2
	local -a files
	shift 2
	read -ra files <<<"$(sed -n 's/^DKMS_FILES := //p' "$src/Makefile")"
	[ ${#files[@]} -gt 0 ] || die "no DKMS_FILES in $src/Makefile"
	copy_tree "$src" "$dst" "${files[@]}" "$@"
}
