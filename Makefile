# SPDX-License-Identifier: GPL-2.0
#
# vpair: user entry points. The module itself is described in Kbuild.
#
#   make [KDIR=<kernel build dir>]   build vpair.ko for one kernel
#   make check [KVERS="6.12 ..."]    build + selftests in a VM per kernel
#                                    (default: every supported kernel)
#   make check-debug [TESTS="pair_basic.sh chardev_basic ..."]
#                              the selftests on a kernel with KASAN, lockdep,
#                              kmemleak, UBSAN, ref trackers (built from
#                              source once, an hour), fault injection, and
#                              the gcov coverage of driver/; see README
#   make demo | lint | clean
#   make bench [KVERS=6.12] [METRICS="pktgen udp*"] [ICOUNT=1] [AA=1] [ROUNDS=7]
#                              vpair against veth and tun in a VM; see README
#   make fuzz [KVERS=6.12] [FUZZ_OPS=2000000] [FUZZ_THREADS=2] [FUZZ_SEED=N]
#                              selftests/fuzz in a VM (scripts/vm/try.sh)
#   make install | uninstall   [KDIR=...] [DESTDIR=...] [PREFIX=/usr/local]
#   make dkms-install | dkms-uninstall [KERNELRELEASE=...]
#   make sign                  [MOK_KEY=/var/lib/dkms/mok.key MOK_PUB=...]

# The target kernel: DKMS appends KERNELRELEASE=<target>; a given KDIR
# names its own release; only a plain host build asks the running kernel.
ifeq ($(origin KERNELRELEASE),undefined)
ifneq ($(origin KDIR),undefined)
KERNELRELEASE := $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	"$(KDIR)/include/generated/utsrelease.h" 2>/dev/null)
else
KERNELRELEASE := $(shell uname -r)
endif
endif
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
# Empty: every supported kernel (scripts/lib.sh).
KVERS ?=

# The one place the version is written down is dkms.conf.
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
PREFIX ?= /usr/local
MODDIR := /lib/modules/$(KERNELRELEASE)
DKMS ?= dkms
DKMS_SRC ?= /usr/src
MOK_KEY ?= /var/lib/dkms/mok.key
MOK_PUB ?= /var/lib/dkms/mok.pub
# What a DKMS source tree needs: the module, nothing else.
DKMS_FILES := Kbuild Makefile dkms.conf driver uapi

PROBES_H := driver/compat/generated/probes.h
TOOLS := tools/vpairctl tools/iproute2

.PHONY: all modules probes clean check check-debug demo lint install uninstall \
	dkms-install dkms-uninstall sign selftests bench fuzz

all: modules

kdir-check:
	@if [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "vpair: no kernel build dir at '$(KDIR)'." >&2; \
		echo "vpair: install the headers of the target kernel, e.g." >&2; \
		echo "vpair:   apt-get install linux-headers-$(KERNELRELEASE)" >&2; \
		echo "vpair: or point KDIR=<dir> at a configured kernel tree." >&2; \
		exit 2; \
	fi

probes: kdir-check
	@driver/compat/probe.sh "$(KDIR)" $(PROBES_H)

modules: probes
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" modules

# install takes the module built by "make"; it builds one only if there is none.
vpair.ko:
	$(MAKE) modules

install: vpair.ko
	install -D -m 644 vpair.ko "$(DESTDIR)$(MODDIR)/updates/vpair.ko"
	[ -n "$(DESTDIR)" ] || depmod -a "$(KERNELRELEASE)"
	install -D -m 644 uapi/linux/vpair.h "$(DESTDIR)$(PREFIX)/include/linux/vpair.h"
	install -D -m 644 man/vpair.4 "$(DESTDIR)$(PREFIX)/share/man/man4/vpair.4"
	for d in $(TOOLS); do \
		$(MAKE) -C $$d install DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" || exit 1; \
	done

uninstall:
	rm -f "$(DESTDIR)$(MODDIR)/updates/vpair.ko"
	[ -n "$(DESTDIR)" ] || depmod -a "$(KERNELRELEASE)"
	rm -f "$(DESTDIR)$(PREFIX)/include/linux/vpair.h"
	rm -f "$(DESTDIR)$(PREFIX)/share/man/man4/vpair.4"
	for d in $(TOOLS); do \
		$(MAKE) -C $$d uninstall DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" || exit 1; \
	done

dkms-install:
	rm -rf "$(DKMS_SRC)/vpair-$(VERSION)"
	mkdir -p "$(DKMS_SRC)/vpair-$(VERSION)"
	cp -r $(DKMS_FILES) "$(DKMS_SRC)/vpair-$(VERSION)/"
	rm -rf "$(DKMS_SRC)/vpair-$(VERSION)/driver/compat/generated"
	$(DKMS) add -m vpair -v $(VERSION)
	$(DKMS) build -m vpair -v $(VERSION) -k $(KERNELRELEASE)
	$(DKMS) install -m vpair -v $(VERSION) -k $(KERNELRELEASE)

dkms-uninstall:
	-$(DKMS) remove -m vpair -v $(VERSION) --all
	rm -rf "$(DKMS_SRC)/vpair-$(VERSION)"

# Secure Boot: sign with the key DKMS made (enroll its .pub with mokutil).
sign: vpair.ko
	@[ -f "$(MOK_KEY)" ] && [ -f "$(MOK_PUB)" ] || { \
		echo "vpair: no signing key at $(MOK_KEY) / $(MOK_PUB)" >&2; exit 1; }
	"$(KDIR)/scripts/sign-file" sha256 "$(MOK_KEY)" "$(MOK_PUB)" vpair.ko

clean:
	-[ -f "$(KDIR)/Makefile" ] && $(MAKE) -C "$(KDIR)" M="$(CURDIR)" clean
	rm -rf driver/compat/generated
	$(MAKE) -C selftests clean

selftests:
	$(MAKE) -C selftests

# TESTS="PROGRAM...": only these selftests programs (names in selftests/).
# GUESTS=N: each kernel's programs split across N guests running at once.
check:
	VPAIR_TESTS='$(TESTS)' VPAIR_GUESTS='$(GUESTS)' scripts/check.sh $(KVERS)

# Two guests unless GUESTS says otherwise: the debug kernel is slow.
check-debug:
	VPAIR_TESTS='$(TESTS)' VPAIR_GUESTS='$(or $(GUESTS),2)' scripts/check.sh debug

demo:
	scripts/demo.sh

# One kernel unless KVERS is given: a full run takes up to 20 minutes.
BENCH_KVERS := $(if $(filter command line environment,$(origin KVERS)),$(KVERS),6.12)
bench:
	scripts/bench/bench.sh $(if $(ICOUNT),--icount) $(if $(AA),--aa) \
		$(if $(ROUNDS),--rounds $(ROUNDS)) $(BENCH_KVERS) -- $(foreach m,$(METRICS),'$(m)')

# The long fuzz run: one kernel (6.12 unless KVERS names one), in a VM.
FUZZ_OPS ?= 2000000
FUZZ_THREADS ?= 2
FUZZ_KVER := $(firstword $(BENCH_KVERS))
fuzz:
	VPAIR_VM_TIMEOUT=$${VPAIR_VM_TIMEOUT:-14400} scripts/vm/try.sh $(FUZZ_KVER) -- \
		selftests/fuzz --ops $(FUZZ_OPS) --threads $(FUZZ_THREADS) \
		$(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

# Without headers for the running kernel, lint against the default kernel.
lint:
	@kdir="$(KDIR)"; [ -f "$$kdir/Makefile" ] || kdir=; scripts/lint.sh $$kdir

.PHONY: kdir-check
