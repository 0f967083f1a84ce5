// SPDX-License-Identifier: GPL-2.0
/* 6.12: a file's f_owner is allocated on demand, before __f_setown(). */
#include <linux/fs.h>

static int __used probe_owner(struct file *file)
{
	return file_f_owner_allocate(file);
}
