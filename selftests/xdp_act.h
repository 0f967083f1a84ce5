/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by xdp_act.bpf.c and the tests that load it. */
#ifndef XDP_ACT_H
#define XDP_ACT_H

/* Where xdp_redirect.bpf.o sends every frame. */
#define XDP_REDIRECT_IFINDEX	4242

#endif
