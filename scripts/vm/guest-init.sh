#!/bin/sh
# guest-init.sh - PID 1 of the test VM started by run.sh (busybox sh, copied
# into the initramfs as /init).  Loads the virtio/9p/overlay modules listed
# in /modules/list, mounts the host root (9p, read-only) under a tmpfs
# overlay at /newroot, overlays the kernel's cached modules onto
# /lib/modules/<release>, mounts the API filesystems and switch_roots
# there (so module autoloading uses the host's modprobe); as PID 1 of the
# new root ("stage2") it runs /vpair/cmd.sh (written by run.sh) with its
# output on the virtio port "vpair.out", writes what the command left in
# $VPAIR_EXPORT as a tar stream to the port "vpair.export" (run.sh
# --export), "VPAIR_RC=<status>" to ttyS1 and reboots, which ends QEMU.
# The kernel console (ttyS0) carries everything else.

NR=/newroot
BB=/bin/busybox

klog() { echo "vpair-init: $*" >/dev/kmsg; }

# report STATUS: flush the command's output, report STATUS, end the VM.
report() {
	kill -9 -1 2>/dev/null
	$BB sleep 0.1
	exec 3>&-
	echo "VPAIR_RC=$1" >/dev/ttyS1
	klog "command exited with status $1"
	$BB reboot -f
	$BB sleep 5
	echo b >/proc/sysrq-trigger
}

fail() {
	klog "FATAL: $*"
	echo "vpair-init: $*" >&3
	report 125
}

early_mounts() {
	mkdir -p /proc /sys /dev
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	stty -F /dev/ttyS1 raw -echo
}

# port NAME: print the device of the virtio serial port NAME, if any.
port() {
	for p in /sys/class/virtio-ports/*; do
		[ "$(cat "$p/name" 2>/dev/null)" = "$1" ] || continue
		echo "/dev/${p##*/}"
		return 0
	done
	return 1
}

# open_output: fd 3 = the virtio serial port named vpair.out (the
# command's stdout/stderr; a plain char device, fast and not a tty).
open_output() {
	i=0
	while [ $i -lt 100 ]; do
		if dev=$(port vpair.out); then
			exec 3>"$dev"
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	exec 3>/dev/null
	fail "no virtio port vpair.out for the command output"
}

# export_files: $VPAIR_EXPORT's files to the port vpair.export, if there
# is such a port (run.sh --export).
export_files() {
	dev=$(port vpair.export) || return 0
	[ -d /run/vpair/export ] || return 0
	$BB tar -C /run/vpair/export -cf "$dev" . ||
		klog "cannot export /run/vpair/export"
}

load_modules() {
	while read -r m; do
		insmod "/modules/$m" || klog "insmod $m failed"
	done </modules/list
}

mount_root() {
	mkdir -p /lower /rw $NR
	mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose \
		root /lower || fail "cannot mount the host root over 9p"
	mount -t tmpfs -o mode=755 tmpfs /rw
	mkdir -p /rw/upper /rw/work /rw/mupper /rw/mwork
	if mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work \
		overlay $NR; then
		OVERLAY=1
	else
		klog "overlayfs over 9p failed, using tmpfs mounts instead"
		OVERLAY=0
		mount --bind /lower $NR
		for d in tmp var/tmp var/lib root; do
			[ -d "$NR/$d" ] && mount -t tmpfs -o mode=1777 tmpfs "$NR/$d"
		done
	fi
}

mount_moddir() {
	lower=/lower$VPAIR_MODDIR
	dst=$NR/lib/modules/$VPAIR_REL
	[ -d "$lower" ] || fail "no modules at $VPAIR_MODDIR"
	mkdir -p "$dst" 2>/dev/null
	if [ "$OVERLAY" = 1 ]; then
		mount -t overlay -o "lowerdir=$lower,upperdir=/rw/mupper,workdir=/rw/mwork" \
			overlay "$dst" || fail "cannot overlay $VPAIR_MODDIR"
	else
		mount -t tmpfs -o mode=755 tmpfs $NR/lib/modules
		mkdir -p "$dst"
		mount --bind "$lower" "$dst" || fail "cannot bind $VPAIR_MODDIR"
	fi
}

api_mounts() {
	mount --move /proc $NR/proc
	mount --move /sys $NR/sys
	mount --move /dev $NR/dev
	mkdir -p $NR/dev/pts $NR/dev/shm $NR/dev/net
	mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $NR/dev/pts
	mount -t tmpfs -o mode=1777 tmpfs $NR/dev/shm
	mount -t tmpfs -o mode=755 tmpfs $NR/run
	mkdir -p $NR/run/lock $NR/run/netns $NR/run/vpair
	mount -t debugfs debugfs $NR/sys/kernel/debug 2>/dev/null
	mount -t tracefs tracefs $NR/sys/kernel/tracing 2>/dev/null
	mount -t cgroup2 cgroup2 $NR/sys/fs/cgroup 2>/dev/null
	mount -t bpf bpf $NR/sys/fs/bpf 2>/dev/null
}

# stage1: PID 1 in the initramfs; builds /newroot and switches to it.
stage1() {
	/bin/busybox --install -s /bin
	early_mounts
	# shellcheck source=/dev/null
	. /vpair/env
	klog "kernel $VPAIR_REL, preparing the root"
	load_modules
	open_output
	mount_root
	mount_moddir
	api_mounts
	hostname vpair-vm
	ip link set lo up
	cp /bin/busybox /init /vpair/cmd.sh $NR/run/vpair/
	exec switch_root $NR /run/vpair/busybox sh /run/vpair/init stage2
}

# stage2: PID 1 in the new root; runs the command and reports.
stage2() {
	BB=/run/vpair/busybox
	klog "running the command"
	mkdir -p /run/vpair/export
	/bin/bash /run/vpair/cmd.sh </dev/null >&3 2>&3
	rc=$?
	export_files
	report $rc
}

if [ "${1:-}" = stage2 ]; then
	stage2
else
	PATH=/bin
	export PATH
	stage1
fi
