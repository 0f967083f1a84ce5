# SPDX-License-Identifier: GPL-2.0
#
# vpair: user entry points. The module itself is described in Kbuild.
#
#   make [KDIR=<kernel build dir>]   build vpair.ko for one kernel
#   make check [KVERS="6.1 6.12 7.2"] build + selftests in a VM per kernel
#   make demo | lint | install | dkms-install | clean

# DKMS appends KERNELRELEASE=<target>; only a plain host build guesses.
KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
KVERS ?= 6.1 6.12 7.2

PROBES_H := driver/compat/generated/probes.h

.PHONY: all modules probes clean check demo lint install dkms-install \
	selftests help

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

clean:
	-[ -f "$(KDIR)/Makefile" ] && $(MAKE) -C "$(KDIR)" M="$(CURDIR)" clean
	rm -rf driver/compat/generated .build
	$(MAKE) -C selftests clean

selftests:
	$(MAKE) -C selftests

check:
	tools/check.sh $(KVERS)

demo:
	tools/demo.sh

# Without headers for the running kernel, lint against Debian 12's 6.12.
lint:
	@kdir="$(KDIR)"; [ -f "$$kdir/Makefile" ] || kdir=$$(tools/vm/kernel.sh 6.12 kdir); \
	tools/lint.sh "$$kdir"

.PHONY: kdir-check
