// SPDX-License-Identifier: GPL-2.0
/*
 * vpairctl: pump -- packets through a char-device interface.
 *
 * Attaches to (or creates) a tap or tun interface, sets it up and runs
 * its actions in order: "send" writes packets given in hex, "recv"
 * prints the packets the kernel sends in hex, "echo" answers ARP
 * requests and ICMP echo requests so that a ping through the interface
 * gets its replies, "forward" moves packets between it and a second
 * interface. send and forward use vpair's batched I/O: many packets per
 * system call (send falls back to one per call on tun).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/vpair.h>

#include "vpairctl.h"

#define PKT_MAX		65536
#define MAX_ACTIONS	64
#define BATCH_MAX	64		/* packets per batched read or write */
#define BATCH_BUF	(4 * PKT_MAX)
#define ETH_HLEN_	14
#define ARP_LEN		28
#define IP_MIN_HLEN	20
#define ICMP_ECHOREPLY_	0
#define ICMP_ECHO_	8

/* The MAC the echo action answers with (locally administered). */
static const unsigned char pump_mac[6] = { 0x02, 0x76, 0x70, 0x61, 0x69, 0x72 };

enum action_type { ACT_SEND, ACT_RECV, ACT_ECHO, ACT_FORWARD };

struct action {
	enum action_type	type;
	char			**hex;		/* ACT_SEND */
	int			nhex;
	uint32_t		times;		/* ACT_SEND */
	uint32_t		count;		/* ACT_RECV, _ECHO, _FORWARD (0: forever) */
	const char		*peer;		/* ACT_FORWARD */
};

struct pump {
	const char	*name;
	bool		tun;
	unsigned int	flags;
	double		timeout;	/* seconds; 0: none */
	struct action	act[MAX_ACTIONS];
	int		nact;
	/* state */
	int		fd;
	char		ifname[IFNAMSIZ];
	unsigned long	sent;
	unsigned long	received;
	unsigned long	echoed;
	unsigned long	arp;
	unsigned long	forwarded;
	unsigned long	refused;	/* by the kernel, while forwarding */
};

static const char pump_usage[] =
"Usage: vpairctl pump NAME [tap|tun] [multi-queue] [--timeout SECONDS] ACTION...\n"
"Attaches to the char-device interface NAME (creating it if needed,\n"
"tap by default, IFF_NO_PI), sets it up, then runs the actions in order:\n"
"  send HEX... [times N]  write each HEX string as one packet (an Ethernet\n"
"                         frame on a tap, an IP packet on a tun), N times\n"
"  recv [N]               print the next N packets (default 1) in hex\n"
"  echo [N]               answer ARP and ICMP echo requests (IPv4) until N\n"
"                         echo replies are sent (default: until the timeout\n"
"                         or a signal)\n"
"  forward PEER [N]       move packets both ways between NAME and PEER (of\n"
"                         the same type, created if needed) until N were\n"
"                         moved (default: until the timeout or a signal),\n"
"                         up to 64 per system call (vpair's batched I/O)\n"
"--timeout bounds each recv, echo or forward; running out fails a counted\n"
"action. With --json, prints one object at the end: sent, received (hex),\n"
"echoed, forwarded.\n";

static volatile sig_atomic_t pump_stop;

static void pump_on_signal(int sig)
{
	(void)sig;
	pump_stop = 1;
}

static size_t hex_digits(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (*s != ':' && *s != '.' && *s != '_')
			n++;
	return n;
}

static bool is_hex_word(const char *s)
{
	int digits = 0;

	for (; *s; s++) {
		if ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
		    (*s >= 'A' && *s <= 'F'))
			digits++;
		else if (*s != ':' && *s != '.' && *s != '_')
			return false;
	}
	return digits > 0;
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

/* Decodes @s into @buf; returns the length or -1 for odd digits. */
static int hex_decode(const char *s, unsigned char *buf, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		if (*s == ':' || *s == '.' || *s == '_')
			continue;
		if (hi < 0) {
			hi = hex_val(*s);
			continue;
		}
		if (n == cap)
			return -1;
		buf[n++] = hi << 4 | hex_val(*s);
		hi = -1;
	}
	return hi < 0 ? (int)n : -1;
}

static int parse_timeout(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (!*s || *end || errno || !(*out > 0) || *out > 86400 * 365)
		return usage_err("invalid timeout \"%s\"", s);
	return 0;
}

/* Optional count after recv/echo. */
static int take_count(int *argcp, char ***argvp, uint32_t *count)
{
	char **argv = *argvp;

	if (*argcp < 2 || argv[1][0] < '0' || argv[1][0] > '9')
		return 0;
	(*argcp)--;
	(*argvp)++;
	return parse_u32("count", argv[1], UINT32_MAX, count);
}

static int parse_send(struct action *a, int *argcp, char ***argvp)
{
	char **argv = *argvp;
	int argc = *argcp, i;

	a->hex = argv + 1;
	while (argc > 1 && is_hex_word(argv[1])) {
		a->nhex++;
		argc--;
		argv++;
	}
	if (!a->nhex)
		return usage_err("pump: \"send\" needs at least one HEX packet");
	for (i = 0; i < a->nhex; i++) {
		size_t n = hex_digits(a->hex[i]);

		if (n % 2 || n / 2 > PKT_MAX)
			return usage_err("pump: invalid packet \"%s\" (odd number of hex digits or too long)",
					 a->hex[i]);
	}
	if (argc > 1 && matches(argv[1], "times")) {
		argc--;
		argv++;
		NEXT_ARG(argc, argv, "times");
		if (parse_u32("times", argv[0], UINT32_MAX, &a->times))
			return EXIT_USAGE;
	}
	*argcp = argc;
	*argvp = argv;
	return 0;
}

static int parse_action(struct pump *p, int *argcp, char ***argvp)
{
	struct action *a = &p->act[p->nact];
	const char *kw = (*argvp)[0];

	if (p->nact == MAX_ACTIONS)
		return usage_err("pump: too many actions");
	memset(a, 0, sizeof(*a));
	p->nact++;
	if (matches(kw, "send")) {
		a->type = ACT_SEND;
		a->times = 1;
		return parse_send(a, argcp, argvp);
	}
	if (matches(kw, "forward")) {
		a->type = ACT_FORWARD;
		if (*argcp < 2)
			return usage_err("pump: \"forward\" needs a PEER interface");
		(*argcp)--;
		(*argvp)++;
		a->peer = (*argvp)[0];
		if (strlen(a->peer) >= IFNAMSIZ)
			return usage_err("invalid interface name \"%s\"",
					 a->peer);
		return take_count(argcp, argvp, &a->count);
	}
	a->type = matches(kw, "recv") ? ACT_RECV : ACT_ECHO;
	a->count = a->type == ACT_RECV ? 1 : 0;
	return take_count(argcp, argvp, &a->count);
}

static int parse_pump(struct pump *p, int argc, char **argv)
{
	int err = 0;

	for (; argc > 0 && !err; argc--, argv++) {
		const char *kw = argv[0];

		if (matches(kw, "send") || matches(kw, "recv") ||
		    matches(kw, "echo") || matches(kw, "forward")) {
			err = parse_action(p, &argc, &argv);
		} else if (matches(kw, "tap") || matches(kw, "tun")) {
			p->tun = matches(kw, "tun");
		} else if (matches(kw, "multi-queue")) {
			p->flags |= IFF_MULTI_QUEUE;
		} else if (matches(kw, "--timeout") || matches(kw, "timeout")) {
			NEXT_ARG(argc, argv, kw);
			err = parse_timeout(argv[0], &p->timeout);
		} else if (!p->name && kw[0] != '-') {
			p->name = kw;
			if (strlen(kw) >= IFNAMSIZ)
				err = usage_err("invalid interface name \"%s\"",
						kw);
		} else {
			err = usage_err("pump: unknown argument \"%s\"", kw);
		}
	}
	if (err)
		return err;
	if (!p->name)
		return usage_err("pump: missing interface name");
	if (!p->nact)
		return usage_err("pump: no action (send, recv, echo or forward)");
	return 0;
}

/* --- packets ------------------------------------------------------------ */

static uint16_t csum(const unsigned char *d, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += d[i] << 8 | d[i + 1];
	if (len & 1)
		sum += d[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static void put16(unsigned char *d, uint16_t v)
{
	d[0] = v >> 8;
	d[1] = v & 0xff;
}

/* Turns an ICMP echo request (IPv4) into its reply in place. */
static bool icmp_reply(unsigned char *ip, size_t len)
{
	size_t ihl, tot;
	unsigned char tmp[4];

	if (len < IP_MIN_HLEN || ip[0] >> 4 != 4)
		return false;
	ihl = (ip[0] & 0xf) * 4;
	tot = ip[2] << 8 | ip[3];
	if (ihl < IP_MIN_HLEN || tot > len || tot < ihl + 8 || ip[9] != 1)
		return false;
	if ((ip[6] & 0x3f) || ip[7])		/* MF or a fragment offset */
		return false;
	if (ip[ihl] != ICMP_ECHO_ || ip[ihl + 1] != 0)
		return false;

	memcpy(tmp, ip + 12, 4);
	memcpy(ip + 12, ip + 16, 4);
	memcpy(ip + 16, tmp, 4);
	ip[8] = 64;
	put16(ip + 10, 0);
	put16(ip + 10, csum(ip, ihl));
	ip[ihl] = ICMP_ECHOREPLY_;
	put16(ip + ihl + 2, 0);
	put16(ip + ihl + 2, csum(ip + ihl, tot - ihl));
	return true;
}

/* Turns an ARP request for IPv4 into the pump's reply in place. */
static bool arp_reply(unsigned char *arp, size_t len)
{
	unsigned char spa[4];

	if (len < ARP_LEN || arp[0] || arp[1] != 1 || arp[2] != 0x08 ||
	    arp[3] || arp[4] != 6 || arp[5] != 4 || arp[6] || arp[7] != 1)
		return false;
	if (!memcmp(arp + 14, arp + 24, 4))	/* gratuitous */
		return false;
	memcpy(spa, arp + 14, 4);
	arp[7] = 2;
	memcpy(arp + 18, arp + 8, 6);		/* tha = sha */
	memcpy(arp + 14, arp + 24, 4);		/* spa = tpa */
	memcpy(arp + 24, spa, 4);		/* tpa = old spa */
	memcpy(arp + 8, pump_mac, 6);		/* sha = us */
	return true;
}

/* The reply to a packet, built in place; 0: none, 1: ICMP, 2: ARP. */
static int echo_packet(const struct pump *p, unsigned char *pkt, size_t len)
{
	uint16_t type;

	if (p->tun)
		return icmp_reply(pkt, len) ? 1 : 0;
	if (len < ETH_HLEN_)
		return 0;
	type = pkt[12] << 8 | pkt[13];
	if (type == 0x0806 && arp_reply(pkt + ETH_HLEN_, len - ETH_HLEN_)) {
		memcpy(pkt, pkt + 6, 6);
		memcpy(pkt + 6, pump_mac, 6);
		return 2;
	}
	if (type == 0x0800 && icmp_reply(pkt + ETH_HLEN_, len - ETH_HLEN_)) {
		memcpy(pkt, pkt + 6, 6);
		memcpy(pkt + 6, pump_mac, 6);
		return 1;
	}
	return 0;
}

/* --- I/O ---------------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int pump_write(struct pump *p, const unsigned char *pkt, size_t len)
{
	ssize_t n = write(p->fd, pkt, len);

	if (n < 0) {
		err_msg("write to \"%s\" (%s)", p->ifname, strerror(errno));
		return -1;
	}
	p->sent++;
	return 0;
}

/*
 * Reads one packet, waiting until @deadline (0: forever). Returns its
 * length, 0 on timeout or signal, -1 on error.
 */
static ssize_t pump_read(struct pump *p, unsigned char *buf, double deadline)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	ssize_t n;
	int ms, r;

	for (;;) {
		if (pump_stop)
			return 0;
		ms = -1;
		if (deadline > 0) {
			double left = deadline - now();

			if (left <= 0)
				return 0;
			ms = (int)(left * 1000) + 1;
		}
		r = poll(&pfd, 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (r == 0)
			continue;
		n = read(p->fd, buf, PKT_MAX);
		if (n > 0)
			return n;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			break;
	}
	err_msg("read from \"%s\" (%s)", p->ifname, strerror(errno));
	return -1;
}

/* Received packets are kept for the JSON summary. */
static char **rx_hex;
static size_t rx_n;

static int print_packet(const unsigned char *pkt, size_t len)
{
	char *s = malloc(2 * len + 1), **v;
	size_t i;

	if (!s)
		return -1;
	for (i = 0; i < len; i++)
		sprintf(s + 2 * i, "%02x", pkt[i]);
	s[2 * len] = '\0';
	if (!opts.json) {
		printf("%s\n", s);
		fflush(stdout);
		free(s);
		return 0;
	}
	v = realloc(rx_hex, (rx_n + 1) * sizeof(*v));
	if (!v) {
		free(s);
		return -1;
	}
	rx_hex = v;
	rx_hex[rx_n++] = s;
	return 0;
}

/* Write the records in @buf, @n packets; empty it. */
static int pump_flush(struct pump *p, unsigned char *buf, size_t *len,
		      unsigned long *n)
{
	if (*len && batch_write_all(p->fd, buf, *len, NULL)) {
		err_msg("write to \"%s\" (%s)", p->ifname, strerror(errno));
		return -1;
	}
	p->sent += *n;
	*len = 0;
	*n = 0;
	return 0;
}

/* send, many packets per write(). */
static int run_send_batched(struct pump *p, const struct action *a)
{
	static unsigned char buf[BATCH_BUF], pkt[PKT_MAX];
	unsigned long n = 0;
	size_t len = 0;
	uint32_t t;
	int i, plen;

	for (t = 0; t < a->times; t++) {
		for (i = 0; i < a->nhex; i++) {
			plen = hex_decode(a->hex[i], pkt, sizeof(pkt));
			if (!batch_add(buf, sizeof(buf), &len, pkt, plen)) {
				if (pump_flush(p, buf, &len, &n))
					return EXIT_FAIL;
				batch_add(buf, sizeof(buf), &len, pkt, plen);
			}
			n++;
		}
	}
	return pump_flush(p, buf, &len, &n) ? EXIT_FAIL : EXIT_OK;
}

static int run_send(struct pump *p, const struct action *a)
{
	static unsigned char pkt[PKT_MAX];
	uint32_t t;
	int i, len;

	if (!batch_set(p->fd, BATCH_MAX)) {
		i = run_send_batched(p, a);
		batch_set(p->fd, 0);
		return i;
	}
	for (t = 0; t < a->times; t++) {
		for (i = 0; i < a->nhex; i++) {
			len = hex_decode(a->hex[i], pkt, sizeof(pkt));
			if (pump_write(p, pkt, len))
				return EXIT_FAIL;
		}
	}
	return EXIT_OK;
}

static int run_recv(struct pump *p, const struct action *a)
{
	static unsigned char pkt[PKT_MAX];
	double deadline = p->timeout > 0 ? now() + p->timeout : 0;
	uint32_t got;
	ssize_t n;

	for (got = 0; got < a->count; got++) {
		n = pump_read(p, pkt, deadline);
		if (n < 0)
			return EXIT_FAIL;
		if (n == 0) {
			err_msg("%s: received %u of %u packets on \"%s\"",
				pump_stop ? "interrupted" : "timeout", got,
				a->count, p->ifname);
			return EXIT_FAIL;
		}
		p->received++;
		if (print_packet(pkt, n))
			return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int run_echo(struct pump *p, const struct action *a)
{
	static unsigned char pkt[PKT_MAX];
	double deadline = p->timeout > 0 ? now() + p->timeout : 0;
	uint32_t echoed = 0;
	ssize_t n;
	int kind;

	while (!a->count || echoed < a->count) {
		n = pump_read(p, pkt, deadline);
		if (n < 0)
			return EXIT_FAIL;
		if (n == 0)
			break;
		p->received++;
		kind = echo_packet(p, pkt, n);
		if (!kind)
			continue;
		if (pump_write(p, pkt, n))
			return EXIT_FAIL;
		if (kind == 1) {
			echoed++;
			p->echoed++;
		} else {
			p->arp++;
		}
	}
	if (a->count && echoed < a->count) {
		err_msg("%s: echoed %u of %u requests on \"%s\"",
			pump_stop ? "interrupted" : "timeout", echoed,
			a->count, p->ifname);
		return EXIT_FAIL;
	}
	if (!opts.json)
		printf("echoed %u\n", echoed);
	return EXIT_OK;
}

/* Wait until @fds has something to read: its index, -1 when done. */
static int pump_poll2(const int fds[2], double deadline)
{
	struct pollfd pfd[2] = {
		{ .fd = fds[0], .events = POLLIN },
		{ .fd = fds[1], .events = POLLIN },
	};
	int ms, r;

	while (!pump_stop) {
		ms = -1;
		if (deadline > 0) {
			double left = deadline - now();

			if (left <= 0)
				return -1;
			ms = (int)(left * 1000) + 1;
		}
		r = poll(pfd, 2, ms);
		if (r < 0 && errno != EINTR) {
			err_msg("poll (%s)", strerror(errno));
			return -1;
		}
		if (r > 0)
			return (pfd[0].revents & (POLLIN | POLLERR)) ? 0 : 1;
	}
	return -1;
}

/* Move one batch from fds[@i] to the other; the packets, or -1. */
static long pump_move(struct pump *p, const int fds[2], int i,
		      unsigned char *buf, size_t cap)
{
	ssize_t n = read(fds[i], buf, cap);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0) {
		err_msg("read (%s)", strerror(errno));
		return -1;
	}
	if (batch_write_all(fds[!i], buf, n, &p->refused)) {
		err_msg("write (%s)", strerror(errno));
		return -1;
	}
	return (long)batch_count(buf, n);
}

static int pump_forward(struct pump *p, const struct action *a,
			const int fds[2])
{
	double deadline = p->timeout > 0 ? now() + p->timeout : 0;
	static unsigned char buf[BATCH_BUF];
	unsigned long moved = 0;
	long n;
	int i;

	if (batch_set(fds[0], BATCH_MAX) || batch_set(fds[1], BATCH_MAX)) {
		err_msg("forward: no batched I/O on %s (%s)", opts.dev,
			strerror(errno));
		return EXIT_FAIL;
	}
	while (!a->count || moved < a->count) {
		i = pump_poll2(fds, deadline);
		if (i < 0)
			break;
		n = pump_move(p, fds, i, buf, sizeof(buf));
		if (n < 0)
			return EXIT_FAIL;
		moved += n;
	}
	p->forwarded += moved;
	batch_set(fds[0], 0);
	if (a->count && moved < a->count) {
		err_msg("%s: forwarded %lu of %u packets between \"%s\" and \"%s\"",
			pump_stop ? "interrupted" : "timeout", moved,
			a->count, p->ifname, a->peer);
		return EXIT_FAIL;
	}
	if (!opts.json)
		printf("forwarded %lu\n", moved);
	return EXIT_OK;
}

/* forward: the peer attached and up for as long as it runs. */
static int run_forward(struct pump *p, const struct action *a)
{
	char peer_ifname[IFNAMSIZ];
	int fds[2] = { p->fd, -1 };
	int err;

	fds[1] = tun_attach(a->peer, p->flags, peer_ifname);
	if (fds[1] < 0)
		return EXIT_FAIL;
	err = link_set_up(peer_ifname) ? EXIT_FAIL : EXIT_OK;
	if (!err) {
		link_wait_running(peer_ifname, p->timeout > 0 ? p->timeout : 5);
		err = pump_forward(p, a, fds);
	}
	close(fds[1]);
	return err;
}

static void pump_summary(const struct pump *p)
{
	size_t i;

	json_begin_object(NULL);
	json_str("ifname", p->ifname);
	json_str("type", p->tun ? "tun" : "tap");
	json_uint("sent", p->sent);
	json_uint("received", p->received);
	json_begin_array("packets");
	for (i = 0; i < rx_n; i++)
		json_str(NULL, rx_hex[i]);
	json_end_array();
	json_uint("echoed", p->echoed);
	json_uint("arp_replies", p->arp);
	json_uint("forwarded", p->forwarded);
	json_uint("refused", p->refused);
	json_end_object();
	json_done();
}

static void pump_signals(void)
{
	struct sigaction sa = { .sa_handler = pump_on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int pump_run(struct pump *p)
{
	int i, err = EXIT_OK;

	for (i = 0; i < p->nact && !err; i++) {
		switch (p->act[i].type) {
		case ACT_SEND:
			err = run_send(p, &p->act[i]);
			break;
		case ACT_RECV:
			err = run_recv(p, &p->act[i]);
			break;
		case ACT_ECHO:
			err = run_echo(p, &p->act[i]);
			break;
		case ACT_FORWARD:
			err = run_forward(p, &p->act[i]);
			break;
		}
	}
	return err;
}

int do_pump(int argc, char **argv)
{
	struct pump p = { .fd = -1 };
	int i, err;

	for (i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(pump_usage, stdout);
			return EXIT_OK;
		}
	}
	err = parse_pump(&p, argc, argv);
	if (err)
		return err;
	p.flags |= (p.tun ? IFF_TUN : IFF_TAP) | IFF_NO_PI;

	pump_signals();
	p.fd = tun_attach(p.name, p.flags, p.ifname);
	if (p.fd < 0)
		return EXIT_FAIL;
	if (link_set_up(p.ifname)) {
		close(p.fd);
		return EXIT_FAIL;
	}
	/* Not running in time: go on, the actions report what fails. */
	link_wait_running(p.ifname, p.timeout > 0 ? p.timeout : 5);
	err = pump_run(&p);
	if (opts.json)
		pump_summary(&p);
	close(p.fd);
	for (i = 0; i < (int)rx_n; i++)
		free(rx_hex[i]);
	free(rx_hex);
	return err;
}
