// SPDX-License-Identifier: GPL-2.0
/*
 * vpairctl: a minimal streaming JSON writer (stdout, compact form).
 */
#include "vpairctl.h"

#define JSON_DEPTH	16

static bool json_first[JSON_DEPTH] = { true };
static int json_depth;

static void json_escaped(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* Separator and key before a value; @key is NULL inside arrays. */
static void json_key(const char *key)
{
	if (!json_first[json_depth])
		putchar(',');
	json_first[json_depth] = false;
	if (key) {
		json_escaped(key);
		putchar(':');
	}
}

static void json_push(char c)
{
	putchar(c);
	if (json_depth < JSON_DEPTH - 1)
		json_depth++;
	json_first[json_depth] = true;
}

static void json_pop(char c)
{
	putchar(c);
	if (json_depth > 0)
		json_depth--;
}

void json_begin_array(const char *key)
{
	json_key(key);
	json_push('[');
}

void json_end_array(void)
{
	json_pop(']');
}

void json_begin_object(const char *key)
{
	json_key(key);
	json_push('{');
}

void json_end_object(void)
{
	json_pop('}');
}

void json_str(const char *key, const char *val)
{
	json_key(key);
	json_escaped(val);
}

void json_uint(const char *key, unsigned long long val)
{
	json_key(key);
	printf("%llu", val);
}

void json_int(const char *key, long long val)
{
	json_key(key);
	printf("%lld", val);
}

void json_bool(const char *key, bool val)
{
	json_key(key);
	fputs(val ? "true" : "false", stdout);
}

void json_null(const char *key)
{
	json_key(key);
	fputs("null", stdout);
}

/* Ends a top-level value. */
void json_done(void)
{
	putchar('\n');
	json_depth = 0;
	json_first[0] = true;
}
