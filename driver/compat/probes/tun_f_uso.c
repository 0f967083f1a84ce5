// SPDX-License-Identifier: GPL-2.0
/* 6.2: virtio_net_hdr knows UDP_L4 and tun offers TUN_F_USO4/6. */
#include <linux/if_tun.h>

static unsigned int probe_uso __used = TUN_F_USO4 | TUN_F_USO6;
