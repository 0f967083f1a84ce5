// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_meta_load: pair_xdp_meta.sh's loader (libbpf), not a test.
 *
 *   xdp_meta_load attach OBJ IFNAME DIR
 *	loads OBJ's program bound to IFNAME (BPF_F_XDP_DEV_BOUND_ONLY,
 *	prog_ifindex: the metadata kfuncs of IFNAME's driver), attaches it
 *	in driver mode and pins its map as DIR/recs (DIR on a bpffs)
 *   xdp_meta_load dump DIR
 *	one line per slot of the pinned map: "slot N packets P ts_err E
 *	ts T hash_err E hash H hash_type T hash_changes C vlan_err E
 *	vlan_proto P vlan_tci T"
 *
 * Both run in the namespace of IFNAME. Exit status 0, or 1 with the
 * failing step on stderr.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pair_xdp_meta.h"

/* 6.3's uapi; the build host's headers may predate it */
#ifndef BPF_F_XDP_DEV_BOUND_ONLY
#define BPF_F_XDP_DEV_BOUND_ONLY	(1U << 6)
#endif

static int fail(const char *what, int err)
{
	fprintf(stderr, "xdp_meta_load: %s: %s\n", what, strerror(err));
	return 1;
}

static int attach(const char *path, const char *ifname, const char *dir)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	char pin[4096];
	int ifindex, err;

	ifindex = if_nametoindex(ifname);
	if (!ifindex)
		return fail(ifname, errno);
	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return fail(path, errno);
	prog = bpf_object__find_program_by_name(obj, "xdp_meta");
	if (!prog)
		return fail("no program xdp_meta", ENOENT);
	bpf_program__set_ifindex(prog, ifindex);
	bpf_program__set_flags(prog, BPF_F_XDP_DEV_BOUND_ONLY);
	err = bpf_object__load(obj);
	if (err)
		return fail("loading the program bound to the device", -err);
	err = bpf_xdp_attach(ifindex, bpf_program__fd(prog),
			     XDP_FLAGS_DRV_MODE, NULL);
	if (err)
		return fail("attaching in driver mode", -err);
	snprintf(pin, sizeof(pin), "%s/recs", dir);
	err = bpf_map__pin(bpf_object__find_map_by_name(obj, "xdp_meta_recs"),
			   pin);
	if (err)
		return fail(pin, -err);
	/* the device holds the program, the pin the map */
	bpf_object__close(obj);
	return 0;
}

static int dump(const char *dir)
{
	struct xdp_meta_rec rec;
	char pin[4096];
	__u32 slot;
	int fd;

	snprintf(pin, sizeof(pin), "%s/recs", dir);
	fd = bpf_obj_get(pin);
	if (fd < 0)
		return fail(pin, errno);
	for (slot = 0; slot < XDP_META_SLOTS; slot++) {
		if (bpf_map_lookup_elem(fd, &slot, &rec))
			return fail("reading a slot", errno);
		printf("slot %u packets %llu ts_err %d ts %llu hash_err %d hash %u hash_type %u hash_changes %u vlan_err %d vlan_proto %u vlan_tci %u\n",
		       slot, (unsigned long long)rec.packets, rec.timestamp_err,
		       (unsigned long long)rec.timestamp, rec.hash_err,
		       rec.hash, rec.hash_type, rec.hash_changes, rec.vlan_err,
		       rec.vlan_proto, rec.vlan_tci);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "attach"))
		return attach(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "dump"))
		return dump(argv[2]);
	fprintf(stderr, "usage: xdp_meta_load attach OBJ IFNAME DIR | dump DIR\n");
	return 2;
}
