/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpair: what the module's two halves share -- the pair (pair_*.c,
 * pair.h) and the char device (tun_*.c, tun.h).
 */
#ifndef _VPAIR_H
#define _VPAIR_H

#include <linux/vpair.h>

#define VPAIR_DRV_NAME		"vpair"
#define VPAIR_MAX_QUEUES	256

/* pair_link.c: the rtnl kind "vpair" */
int vpair_pair_init(void);
void vpair_pair_exit(void);

/* tun_chr.c: /dev/net/vpair and its rtnl kind "vtun" */
int vpair_tun_init(void);
void vpair_tun_exit(void);

#endif /* _VPAIR_H */
