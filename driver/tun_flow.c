// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: flow steering of multiqueue char-device interfaces. Like tun, a
 * table maps a flow's symmetric hash to the queue that last wrote a
 * packet of that flow, so the replies are read from that queue; unknown
 * flows are spread by hash. The table is bounded and entries age out.
 */
#include <linux/jiffies.h>
#include <linux/reciprocal_div.h>
#include <linux/slab.h>

#include "tun.h"

static struct hlist_head *vpair_tun_flow_head(struct vpair_tun_dev *tdev,
					      u32 hash)
{
	return &tdev->flows[hash & (VPAIR_TUN_FLOW_BUCKETS - 1)];
}

static struct vpair_tun_flow *vpair_tun_flow_find(struct hlist_head *head,
						  u32 hash)
{
	struct vpair_tun_flow *e;

	hlist_for_each_entry_rcu(e, head, node) {
		if (e->hash == hash)
			return e;
	}
	return NULL;
}

/* Called with flow_lock held. */
static void vpair_tun_flow_delete(struct vpair_tun_dev *tdev,
				  struct vpair_tun_flow *e)
{
	hlist_del_rcu(&e->node);
	kfree_rcu(e, rcu);
	tdev->flow_count--;
}

/*
 * Delete the entries of @queue (of every queue when negative); with
 * @idle_only, only those idle for VPAIR_TUN_FLOW_EXPIRE. Returns when the
 * first surviving entry expires.
 */
static unsigned long vpair_tun_flow_prune(struct vpair_tun_dev *tdev,
					  int queue, bool idle_only)
{
	unsigned long next = jiffies + VPAIR_TUN_FLOW_EXPIRE;
	struct vpair_tun_flow *e;
	struct hlist_node *n;
	unsigned int i;

	lockdep_assert_held(&tdev->flow_lock);
	for (i = 0; i < VPAIR_TUN_FLOW_BUCKETS; i++) {
		hlist_for_each_entry_safe(e, n, &tdev->flows[i], node) {
			unsigned long expires = e->updated +
						VPAIR_TUN_FLOW_EXPIRE;

			if (queue >= 0 && e->queue_index != queue)
				continue;
			if (!idle_only || time_before_eq(expires, jiffies))
				vpair_tun_flow_delete(tdev, e);
			else if (time_before(expires, next))
				next = expires;
		}
	}
	return next;
}

static void vpair_tun_flow_gc(struct work_struct *work)
{
	struct vpair_tun_dev *tdev = container_of(to_delayed_work(work),
					       struct vpair_tun_dev, flow_gc);
	unsigned long next;

	spin_lock_bh(&tdev->flow_lock);
	next = vpair_tun_flow_prune(tdev, -1, true);
	if (tdev->flow_count)
		mod_delayed_work(system_power_efficient_wq, &tdev->flow_gc,
				 round_jiffies_up_relative(next - jiffies));
	spin_unlock_bh(&tdev->flow_lock);
}

void vpair_tun_flow_init(struct vpair_tun_dev *tdev)
{
	unsigned int i;

	spin_lock_init(&tdev->flow_lock);
	for (i = 0; i < VPAIR_TUN_FLOW_BUCKETS; i++)
		INIT_HLIST_HEAD(&tdev->flows[i]);
	INIT_DELAYED_WORK(&tdev->flow_gc, vpair_tun_flow_gc);
}

static void vpair_tun_flow_flush(struct vpair_tun_dev *tdev, int queue)
{
	spin_lock_bh(&tdev->flow_lock);
	vpair_tun_flow_prune(tdev, queue, false);
	spin_unlock_bh(&tdev->flow_lock);
}

void vpair_tun_flow_uninit(struct vpair_tun_dev *tdev)
{
	cancel_delayed_work_sync(&tdev->flow_gc);
	vpair_tun_flow_flush(tdev, -1);
}

void vpair_tun_flow_delete_queue(struct vpair_tun_dev *tdev, u16 queue)
{
	vpair_tun_flow_flush(tdev, queue);
}

/* ndo_select_queue, under RCU. */
u16 vpair_tun_flow_select(struct vpair_tun_dev *tdev, struct sk_buff *skb)
{
	unsigned int numqueues = READ_ONCE(tdev->numqueues);
	struct vpair_tun_flow *e;
	u32 hash;

	if (numqueues <= 1)
		return 0;
	hash = __skb_get_hash_symmetric(skb);
	e = vpair_tun_flow_find(vpair_tun_flow_head(tdev, hash), hash);
	if (e)
		return READ_ONCE(e->queue_index);
	return reciprocal_scale(hash, numqueues);
}

static void vpair_tun_flow_create(struct vpair_tun_dev *tdev, u32 hash,
				  u16 queue)
{
	struct hlist_head *head = vpair_tun_flow_head(tdev, hash);
	struct vpair_tun_flow *e;

	spin_lock_bh(&tdev->flow_lock);
	if (vpair_tun_flow_find(head, hash) ||
	    tdev->flow_count >= VPAIR_TUN_MAX_FLOWS)
		goto unlock;
	e = kmalloc(sizeof(*e), GFP_ATOMIC);
	if (!e)
		goto unlock;
	e->hash = hash;
	e->queue_index = queue;
	e->updated = jiffies;
	hlist_add_head_rcu(&e->node, head);
	tdev->flow_count++;
	if (!delayed_work_pending(&tdev->flow_gc))
		mod_delayed_work(system_power_efficient_wq, &tdev->flow_gc,
				 round_jiffies_up_relative(VPAIR_TUN_FLOW_EXPIRE));
unlock:
	spin_unlock_bh(&tdev->flow_lock);
}

/* A packet of flow @hash was written on @queue: replies go there. */
void vpair_tun_flow_update(struct vpair_tun_dev *tdev, u32 hash, u16 queue)
{
	struct vpair_tun_flow *e;

	rcu_read_lock();
	e = vpair_tun_flow_find(vpair_tun_flow_head(tdev, hash), hash);
	if (e) {
		unsigned long now = jiffies;

		/* like tun: the shared entry is written once a jiffy at most */
		if (READ_ONCE(e->queue_index) != queue)
			WRITE_ONCE(e->queue_index, queue);
		if (time_after(now, READ_ONCE(e->updated)))
			WRITE_ONCE(e->updated, now);
	} else {
		vpair_tun_flow_create(tdev, hash, queue);
	}
	rcu_read_unlock();
}
