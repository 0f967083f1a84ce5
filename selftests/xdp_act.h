/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by xdp_act.bpf.c and the tests that load its objects. */
#ifndef XDP_ACT_H
#define XDP_ACT_H

/* Where xdp_redirect.bpf.o sends every frame. */
#define XDP_REDIRECT_IFINDEX	4242

/* What xdp_frags_trim.bpf.o cuts off a long frame: more than its frags. */
#define XDP_FRAGS_TRIM		5000
/* What xdp_frags_grow.bpf.o adds to a frame with frags. */
#define XDP_FRAGS_GROW		100

#endif
