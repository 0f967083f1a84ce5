// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: per-CPU traffic counters, shared by pair ends and char-device
 * interfaces. Updates come from process and softirq context, hence the
 * irqsave flavour of the syncp (a no-op on 64-bit).
 */
#include "vpair.h"

struct vpair_pcpu_stats __percpu *vpair_stats_alloc(void)
{
	struct vpair_pcpu_stats __percpu *pcpu;
	int cpu;

	pcpu = alloc_percpu_gfp(struct vpair_pcpu_stats, GFP_KERNEL_ACCOUNT);
	if (!pcpu)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(pcpu, cpu)->syncp);
	return pcpu;
}

void vpair_stats_free(struct vpair_pcpu_stats __percpu *pcpu)
{
	free_percpu(pcpu);
}

static void vpair_stats_count(struct vpair_pcpu_stats __percpu *pcpu,
			      enum vpair_stat pkts, unsigned int len)
{
	struct vpair_pcpu_stats *s = get_cpu_ptr(pcpu);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_inc(&s->c[pkts]);
	if (len)
		u64_stats_add(&s->c[pkts + 1], len);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(pcpu);
}

void vpair_stats_rx(struct vpair_pcpu_stats __percpu *pcpu, unsigned int len)
{
	vpair_stats_count(pcpu, VPAIR_RX_PACKETS, len);
}

void vpair_stats_tx(struct vpair_pcpu_stats __percpu *pcpu, unsigned int len)
{
	vpair_stats_count(pcpu, VPAIR_TX_PACKETS, len);
}

void vpair_stats_rx_drop(struct vpair_pcpu_stats __percpu *pcpu)
{
	vpair_stats_count(pcpu, VPAIR_RX_DROPPED, 0);
}

void vpair_stats_tx_drop(struct vpair_pcpu_stats __percpu *pcpu)
{
	vpair_stats_count(pcpu, VPAIR_TX_DROPPED, 0);
}

/* Sum every CPU's counters into @sum[VPAIR_NSTATS]. */
void vpair_stats_sum(struct vpair_pcpu_stats __percpu *pcpu, u64 *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum) * VPAIR_NSTATS);
	for_each_possible_cpu(cpu) {
		const struct vpair_pcpu_stats *s = per_cpu_ptr(pcpu, cpu);
		u64 v[VPAIR_NSTATS];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < VPAIR_NSTATS; i++)
				v[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));

		for (i = 0; i < VPAIR_NSTATS; i++)
			sum[i] += v[i];
	}
}

void vpair_stats_fold(struct vpair_pcpu_stats __percpu *pcpu,
		      struct rtnl_link_stats64 *tot)
{
	u64 sum[VPAIR_NSTATS];

	vpair_stats_sum(pcpu, sum);
	tot->rx_packets += sum[VPAIR_RX_PACKETS];
	tot->rx_bytes += sum[VPAIR_RX_BYTES];
	tot->tx_packets += sum[VPAIR_TX_PACKETS];
	tot->tx_bytes += sum[VPAIR_TX_BYTES];
	tot->rx_dropped += sum[VPAIR_RX_DROPPED];
	tot->tx_dropped += sum[VPAIR_TX_DROPPED];
}
