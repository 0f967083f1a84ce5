// SPDX-License-Identifier: GPL-2.0
/*
 * vpairctl: create, inspect and drive vpair devices.
 *
 * main.c: global options, verb dispatch, messages and exit statuses
 * (0 success, 1 the operation failed, 2 bad usage).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vpairctl.h"

struct opts opts;

static const char usage_text[] =
"Usage: vpairctl [OPTIONS] VERB [ARGS...]\n"
"\n"
"Verbs:\n"
"  add [NAME] [peer NAME] [netns NS] [peer-netns NS] [mode l2|l3]\n"
"      [mtu N] [peer-mtu N] [queues N] [address MAC] [peer-address MAC]\n"
"                         create a pair\n"
"  del NAME               delete a pair (or a char-device interface)\n"
"  show [NAME]            list pairs: peer, namespaces, mode, carrier\n"
"  tap|tun NAME [persist|nopersist] [owner UID] [group GID]\n"
"      [multi-queue N]    create or attach a char-device interface\n"
"  pump NAME [tap|tun] ACTION...\n"
"                         send, receive or echo packets through one\n"
"  features               the char device's TUNGETFEATURES flags\n"
"\n"
"Options (anywhere on the line):\n"
"  -j, --json             JSON output\n"
"  -n, --netns NS         run in network namespace NS (name, pid or path)\n"
"  --dev PATH             char device (default $VPAIR_DEV or /dev/net/vpair)\n"
"  --kind KIND            pair link kind (default $VPAIR_KIND or vpair)\n"
"  -h, --help             this text; \"vpairctl VERB --help\" for a verb\n"
"  -V, --version          print the version\n"
"\n"
"Exit status: 0 success, 1 the operation failed, 2 bad usage.\n";

void err_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("vpairctl: Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs("vpairctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see \"vpairctl --help\")\n", stderr);
	return EXIT_USAGE;
}

int parse_u32(const char *what, const char *s, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return usage_err("invalid %s \"%s\"", what, s);
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return usage_err("invalid %s \"%s\"", what, s);
	*out = v;
	return 0;
}

bool is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "help");
}

bool matches(const char *arg, const char *word)
{
	return !strcmp(arg, word);
}

struct verb {
	const char	*name;
	int		(*fn)(int argc, char **argv);
};

static int do_tap(int argc, char **argv)
{
	return do_tuntap(argc, argv, false);
}

static int do_tun(int argc, char **argv)
{
	return do_tuntap(argc, argv, true);
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs(usage_text, stdout);
	return EXIT_OK;
}

static const struct verb verbs[] = {
	{ "add",	do_add },
	{ "del",	do_del },
	{ "delete",	do_del },
	{ "show",	do_show },
	{ "list",	do_show },
	{ "tap",	do_tap },
	{ "tun",	do_tun },
	{ "pump",	do_pump },
	{ "features",	do_features },
	{ "help",	do_help },
};

/* Takes an option's value out of argv; returns 0 or a usage error. */
static int opt_value(int *i, int argc, char **argv, const char **val)
{
	if (*i + 1 >= argc)
		return usage_err("missing value after \"%s\"", argv[*i]);
	*val = argv[++*i];
	return 0;
}

/*
 * Global options may appear anywhere before "--"; they are removed from
 * argv, which keeps the verb's words in order.
 */
static int parse_globals(int *argcp, char **argv, const char **netns)
{
	int argc = *argcp, i, n = 0, err = 0;
	bool dashdash = false;

	for (i = 0; i < argc && !err; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-') {
			argv[n++] = argv[i];
		} else if (!strcmp(a, "--")) {
			dashdash = true;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			opts.json = true;
		} else if (!strcmp(a, "-n") || !strcmp(a, "--netns")) {
			err = opt_value(&i, argc, argv, netns);
		} else if (!strcmp(a, "--dev")) {
			err = opt_value(&i, argc, argv, &opts.dev);
		} else if (!strcmp(a, "--kind")) {
			err = opt_value(&i, argc, argv, &opts.kind);
		} else {
			argv[n++] = argv[i];
		}
	}
	*argcp = n;
	return err;
}

static void defaults(void)
{
	const char *env;

	env = getenv("VPAIR_DEV");
	opts.dev = env && *env ? env : "/dev/net/vpair";
	env = getenv("VPAIR_KIND");
	opts.kind = env && *env ? env : "vpair";
}

int main(int argc, char **argv)
{
	const char *netns = NULL;
	size_t i;
	int err;

	defaults();
	argc--;
	argv++;
	err = parse_globals(&argc, argv, &netns);
	if (err)
		return err;
	if (!argc)
		return usage_err("missing verb");
	if (is_help(argv[0]))
		return do_help(0, NULL);
	if (!strcmp(argv[0], "-V") || !strcmp(argv[0], "--version")) {
		printf("vpairctl %s\n", VPAIRCTL_VERSION);
		return EXIT_OK;
	}
	if (argv[0][0] == '-')
		return usage_err("unknown option \"%s\"", argv[0]);

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(argv[0], verbs[i].name))
			continue;
		if (netns && ns_enter(netns))
			return EXIT_FAIL;
		err = verbs[i].fn(argc - 1, argv + 1);
		if (fflush(stdout) && !err)
			err = EXIT_FAIL;
		return err;
	}
	return usage_err("unknown verb \"%s\"", argv[0]);
}
