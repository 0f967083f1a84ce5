// SPDX-License-Identifier: GPL-2.0
/* 6.3, 6.1.16: sock_init_data() for a socket not made by sock_alloc(). */
#include <net/sock.h>

static void __used probe_init(struct socket *sock, struct sock *sk)
{
	sock_init_data_uid(sock, sk, current_fsuid());
}
