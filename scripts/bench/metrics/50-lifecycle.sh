# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Pair create and delete rates (ip -batch) and memory per idle pair:
# unreclaimable slab, vmalloc and per-CPU memory (/proc/meminfo) grown by
# LIFE_PAIRS pairs. A second metric creates the ends directly in two
# namespaces. The timed window includes starting ip (warm in the page
# cache by then).

LIFE_PAIRS=${LIFE_PAIRS:-300}
LIFE_NS_PAIRS=${LIFE_NS_PAIRS:-300}

# kernel_mem_kb: unreclaimable slab + vmalloc + per-CPU memory, in KiB.
kernel_mem_kb()
{
	awk '/^(SUnreclaim|VmallocUsed|Percpu):/ { s += $2 } END { print s }' /proc/meminfo
}

# batch_time FILE [IP-ARGS...]: run "ip -batch FILE", print its ns.
batch_time()
{
	local f=$1 t0 t1
	shift
	ip link show lo >/dev/null	# ip in the page cache
	t0=$(now_ns)
	ip "$@" -batch "$f" >/dev/null || return 1
	t1=$(now_ns)
	echo $((t1 - t0))
}

lifecycle_round()
{
	local kind=$1 n=$LIFE_PAIRS f m0 m1 tadd tdel i

	f=$(mktemp)
	for ((i = 0; i < n; i++)); do
		echo "link add bl$i type $kind peer name bm$i"
	done >"$f"
	m0=$(kernel_mem_kb)
	tadd=$(batch_time "$f") || { rm -f "$f"; return 1; }
	m1=$(kernel_mem_kb)
	for ((i = 0; i < n; i++)); do
		echo "link del bl$i"
	done >"$f"
	tdel=$(batch_time "$f")
	rm -f "$f"
	[ -n "$tdel" ] || return 1
	echo "$(rate "$n" "$tadd") $(rate "$n" "$tdel") $(((m1 - m0) * 1024 / n))"
}

lifecycle_ns_round()
{
	local kind=$1 n=$LIFE_NS_PAIRS f tadd tdel i

	f=$(mktemp)
	for ((i = 0; i < n; i++)); do
		echo "link add bn$i netns $NS_A type $kind peer name bo$i netns $NS_B"
	done >"$f"
	tadd=$(batch_time "$f") || { rm -f "$f"; return 1; }
	for ((i = 0; i < n; i++)); do
		echo "link del bn$i"
	done >"$f"
	tdel=$(batch_time "$f" -n "$NS_A")
	rm -f "$f"
	[ -n "$tdel" ] || return 1
	echo "$(rate "$n" "$tadd") $(rate "$n" "$tdel")"
}

bench_add life pair "create and delete $LIFE_PAIRS pairs (ip -batch); memory per idle pair" \
	"create:pairs/s:up delete:pairs/s:up mem:bytes:down" -- lifecycle_round
bench_add life_ns pair "create and delete $LIFE_NS_PAIRS pairs with the ends in two namespaces" \
	"create:pairs/s:up delete:pairs/s:up" -- lifecycle_ns_round
