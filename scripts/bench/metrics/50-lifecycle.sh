# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Pair create and delete rates and memory per idle pair. One "ip -batch"
# creates LIFE_PAIRS pairs, one "ip link del group" deletes them (as a
# namespace teardown does: one request, one RCU grace period). A rate is
# pairs per CPU-second: the time the CPUs were not idle (/proc/schedstat)
# from the start of the request until the deferred work it caused is done
# (linkwatch runs up to 1 s after an event), so it counts the work of
# both drivers and not the RCU and timer waits that dominate the elapsed
# time and make it jump (under icount, idle time skips to the next timer).
# Memory: unreclaimable slab, vmalloc and per-CPU memory (/proc/meminfo)
# grown by the pairs, once settled. "cycle" is the rate of the two
# together, pairs created and deleted per CPU-second. A second metric
# creates the ends directly in two namespaces.
#
# The batches run on CPU 0 alone, the other CPUs offline. Under icount the
# vCPUs take turns on one host thread while guest time counts the
# instructions of both, so a task that waits for its vCPU's turn is
# charged the other vCPU's instructions: work that runs on two CPUs at
# once counts about twice. A request that never sleeps (vpair's) then
# overlaps the deferred work it causes on the other CPU (RCU grace periods
# and callbacks, addrconf and linkwatch work) and is charged for it twice,
# while one that sleeps in synchronize_net() (veth's, twice per pair) lets
# that work run alone. On one CPU every instruction counts once.

LIFE_PAIRS=${LIFE_PAIRS:-300}
LIFE_NS_PAIRS=${LIFE_NS_PAIRS:-300}
LIFE_GROUP=7		# the device group of the timed ends

# kernel_mem_kb: KMEM is unreclaimable slab + vmalloc + per-CPU memory, KiB.
kernel_mem_kb()
{
	local key val
	KMEM=0
	while read -r key val _; do
		case $key in
		SUnreclaim: | VmallocUsed: | Percpu:) KMEM=$((KMEM + val)) ;;
		esac
	done </proc/meminfo
}

# cpu_busy_ns: BUSY is the time all CPUs ran something other than their
# idle task since boot, in ns (rq_cpu_time, the 7th number of each cpuN
# line of /proc/schedstat).
cpu_busy_ns()
{
	local -a w
	BUSY=0
	while read -ra w; do
		[[ ${w[0]} == cpu[0-9]* ]] && BUSY=$((BUSY + w[7]))
	done </proc/schedstat
}

# busy_batch SETTLE FILE [IP-ARGS...]: run "ip IP-ARGS -batch FILE", wait
# SETTLE seconds for its deferred work; BATCH_NS is the CPU busy time.
busy_batch()
{
	local settle=$1 f=$2 b0
	shift 2
	cpu_busy_ns
	b0=$BUSY
	ip "$@" -batch "$f" >/dev/null || return 1
	nap "$settle"
	cpu_busy_ns
	BATCH_NS=$((BUSY - b0))
}

# cpus_online 0|1: every CPU but CPU 0 goes offline (0) or online (1);
# what was queued on a CPU that goes moves to one that stays.
cpus_online()
{
	local f
	for f in /sys/devices/system/cpu/cpu[1-9]*/online; do
		[ -e "$f" ] || continue
		echo "$1" >"$f" || return 1
	done
}

# life_rates N ADD_FILE DEL_FILE [IP-ARGS...]: create and delete rates
# and bytes per pair, on CPU 0 alone.
life_rates()
{
	local out rc

	if ! cpus_online 0; then
		cpus_online 1
		return 1
	fi
	nap 1	# the work of the CPUs going offline is done
	out=$(life_rates_one_cpu "$@")
	rc=$?
	cpus_online 1 || rc=1
	[ "$rc" -eq 0 ] && echo "$out"
	return "$rc"
}

life_rates_one_cpu()
{
	local n=$1 add=$2 del=$3 tadd m0
	shift 3
	kernel_mem_kb
	m0=$KMEM
	busy_batch 1.1 "$add" || return 1
	tadd=$BATCH_NS
	kernel_mem_kb
	m0=$(((KMEM - m0) * 1024 / n))
	busy_batch 0.3 "$del" "$@" || return 1
	echo "$(rate "$n" "$tadd") $(rate "$n" "$BATCH_NS")" \
		"$(rate "$n" $((tadd + BATCH_NS))) $m0"
}

lifecycle_round()
{
	local kind=$1 n=$LIFE_PAIRS f=$BENCH_TMP/life i

	for ((i = 0; i < n; i++)); do
		echo "link add bl$i group $LIFE_GROUP type $kind peer name bm$i"
	done >"$f.add"
	echo "link del group $LIFE_GROUP" >"$f.del"
	life_rates "$n" "$f.add" "$f.del"
}

lifecycle_ns_round()
{
	local kind=$1 n=$LIFE_NS_PAIRS f=$BENCH_TMP/life i out

	for ((i = 0; i < n; i++)); do
		echo "link add bn$i netns $NS_A group $LIFE_GROUP type $kind peer name bo$i netns $NS_B"
	done >"$f.add"
	echo "link del group $LIFE_GROUP" >"$f.del"
	out=$(life_rates "$n" "$f.add" "$f.del" -n "$NS_A") || return 1
	echo "${out% *}"	# the memory is the first metric's
}

bench_add life pair "create $LIFE_PAIRS pairs (ip -batch) and delete them (one request); memory per idle pair" \
	"create:pairs/CPU-s:up delete:pairs/CPU-s:up cycle:pairs/CPU-s:up mem:bytes:down" \
	-- lifecycle_round
bench_add life_ns pair "create $LIFE_NS_PAIRS pairs with the ends in two namespaces, delete them" \
	"create:pairs/CPU-s:up delete:pairs/CPU-s:up cycle:pairs/CPU-s:up" \
	-- lifecycle_ns_round
