#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh: install what make bench needs on the host on top of the VM
# tools (scripts/vm/deps.sh): iperf3, which the guests borrow from the
# host root, and gnuplot for the chart. Only missing packages are
# installed.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../vm/lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../vm/lib.sh"

BENCH_PKGS=(iperf3 gnuplot-nox ethtool)

host_deps
host_install "${BENCH_PKGS[@]}"
