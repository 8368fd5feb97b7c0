/* The privilege drop and its verification. The drop follows libcap-ng's
 * capng_change_id() order (bounding set while we still hold CAP_SETPCAP,
 * then groups, gid, uid with KEEPCAPS only when capabilities are kept, then
 * the capability sets, set with libcap-ng), but sets the supplementary
 * groups resolved from /etc/group by ident.c instead of calling
 * initgroups() (NSS), and empties the bounding set itself. The
 * verification reads everything back with raw syscalls, independently of
 * libcap-ng, and tries to regain root. */
#include "stepdown/priv.h"

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stepdown/error.h"
#include "stepdown/ident.h"

#define BIT(n) (UINT64_C(1) << (n))

int priv_check_not_setid(void)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return -errno;
	if (ru != eu || ru != su || rg != eg || rg != sg)
		return -EPERM;
	/* The kernel's own word: set for setuid, setgid and file-capability
	 * execs alike (a file capability would otherwise become ambient). */
	if (getauxval(AT_SECURE))
		return -EPERM;
	return 0;
}

int priv_last_cap(void)
{
	/* PR_CAPBSET_READ fails with EINVAL past the kernel's last capability.
	 * The answer is the kernel's and cannot change: probed once. */
	static int last = -2;
	if (last != -2)
		return last;
	int found = -1;
	for (int c = 0; c < 64; c++) {
		if (prctl(PR_CAPBSET_READ, (unsigned long)c, 0, 0, 0) < 0)
			break;
		found = c;
	}
	last = found;
	return last;
}

/* Effective, permitted and inheritable, from one capget. */
static int read_cap_sets(struct priv_caps *caps)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	/* Zeroed although capget fills both: valgrind's model of capget
	 * marks only the first struct as written, whatever the version. */
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	memset(caps, 0, sizeof(*caps));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	caps->effective = data[0].effective | (uint64_t)data[1].effective << 32;
	caps->permitted = data[0].permitted | (uint64_t)data[1].permitted << 32;
	caps->inheritable = data[0].inheritable | (uint64_t)data[1].inheritable << 32;
	return 0;
}

int priv_read_caps(struct priv_caps *caps)
{
	int r = read_cap_sets(caps);
	if (r < 0)
		return r;
	int last = priv_last_cap();
	if (last < 0)
		return -ENOSYS; /* no bounding set to read: nothing can be verified */
	for (int c = 0; c <= last; c++) {
		int b = prctl(PR_CAPBSET_READ, (unsigned long)c, 0, 0, 0);
		if (b < 0)
			return -errno;
		if (b)
			caps->bounding |= BIT(c);
		int a = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, (unsigned long)c, 0, 0);
		if (a < 0)
			return -errno;
		if (a)
			caps->ambient |= BIT(c);
	}
	return 0;
}

bool priv_has_cap(int cap)
{
	struct priv_caps c;
	return read_cap_sets(&c) == 0 && (c.effective & BIT(cap));
}

void priv_format_caps(uint64_t mask, char *buf, size_t len)
{
	size_t used = 0;
	if (len == 0)
		return;
	buf[0] = '\0';
	for (unsigned c = 0; c < 64; c++) {
		if (!(mask & BIT(c)))
			continue;
		const char *name = capng_capability_to_name(c);
		char num[16];
		if (!name) {
			snprintf(num, sizeof(num), "%u", c);
			name = num;
		}
		int n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", name);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
	if (used == 0)
		snprintf(buf, len, "none");
}

/* Load keep_caps (limited to the caps in `limit`) into libcap-ng's state
 * for the selected sets. */
static void stage_caps(uint64_t keep, capng_type_t types)
{
	for (unsigned c = 0; c < 64; c++)
		if (keep & BIT(c))
			capng_update(CAPNG_ADD, types, c);
}

/* A step of the drop failed with code (-errno). */
static int failed(struct error *err, const char *step, int code)
{
	return error_set(err, code, "%s: %s", step, strerror(-code));
}

static int set_ambient(uint64_t keep, struct error *err)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
		return failed(err, "clear the ambient capability set", -errno);
	}
	for (unsigned c = 0; c < 64; c++) {
		if (!(keep & BIT(c)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)c, 0, 0) < 0) {
			return failed(err, "raise a kept capability in the ambient set", -errno);
		}
	}
	return 0;
}

/* Effective, permitted and inheritable to exactly keep (libcap-ng: one
 * capset), then ambient. */
static int apply_caps(uint64_t keep, struct error *err)
{
	capng_clear(CAPNG_SELECT_CAPS);
	stage_caps(keep, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0) {
		return failed(err, "set the effective, permitted and inheritable capabilities",
			      errno ? -errno : -EPERM);
	}
	return set_ambient(keep, err);
}

static int set_no_new_privs(struct error *err)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		return failed(err, "set no_new_privs", -errno);
	}
	return 0;
}

/* Every capability but keep out of the bounding set (needs CAP_SETPCAP).
 * Done here rather than with capng_apply(CAPNG_SELECT_BOUNDS), which reads
 * /proc/PID/status three times and reports a failed drop only to syslog:
 * here the first failure stops the start. Dropping a capability the set no
 * longer holds succeeds, so nothing needs to be read first. */
static int drop_bounding(uint64_t keep, struct error *err)
{
	int last = priv_last_cap();
	if (last < 0) {
		return failed(err, "find the kernel's capabilities", -ENOSYS);
	}
	for (int cap = 0; cap <= last; cap++) {
		if (!(keep & BIT(cap)) && prctl(PR_CAPBSET_DROP, (unsigned long)cap, 0, 0, 0) < 0) {
			return failed(err, "drop from the bounding set", -errno);
		}
	}
	return 0;
}

int priv_drop(const struct ident *id, uint64_t keep, struct error *err)
{
	/* 1. Bounding set, while CAP_SETPCAP is still ours. */
	int r = drop_bounding(keep, err);
	if (r < 0)
		return r;
	/* 2. Supplementary groups, then 3. all three gids. */
	if (setgroups(id->n_groups, id->groups) < 0) {
		return failed(err, "setgroups", -errno);
	}
	if (setresgid(id->gid, id->gid, id->gid) < 0) {
		return failed(err, "setresgid", -errno);
	}
	/* 4. All three uids; permitted capabilities survive only if kept. */
	if (keep && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) {
		return failed(err, "set keepcaps", -errno);
	}
	if (setresuid(id->uid, id->uid, id->uid) < 0) {
		return failed(err, "setresuid", -errno);
	}
	if (keep && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) {
		return failed(err, "clear keepcaps", -errno);
	}
	/* 5. Capability sets, 6. no_new_privs. */
	r = apply_caps(keep, err);
	if (r < 0)
		return r;
	return set_no_new_privs(err);
}

int priv_shed(uint64_t keep, uint64_t *kept, bool *bounding_cleared, struct error *err)
{
	struct priv_caps c;
	int r = priv_read_caps(&c);
	if (r < 0) {
		return failed(err, "read the current capabilities", r);
	}
	uint64_t held = keep & c.permitted;
	*kept = held;
	/* Only a holder of CAP_SETPCAP may shrink the bounding set. */
	*bounding_cleared = c.effective & BIT(CAP_SETPCAP);
	if (*bounding_cleared && (r = drop_bounding(held, err)) < 0)
		return r;
	r = apply_caps(held, err);
	if (r < 0)
		return r;
	return set_no_new_privs(err);
}

/* Is the kernel's group list the same set as the expected one? */
static int verify_groups(const gid_t *want, size_t n_want, struct error *err)
{
	int n = getgroups(0, NULL);
	if (n < 0)
		return error_set(err, -EPERM, "cannot read the groups back: %s", strerror(errno));
	gid_t *have = calloc((size_t)n + 1, sizeof(gid_t));
	gid_t *exp = calloc(n_want + 1, sizeof(gid_t));
	int r = 0;
	if (!have || !exp) {
		r = error_set(err, -EPERM, "out of memory while verifying groups");
		goto out;
	}
	n = getgroups(n, have);
	if (n < 0) {
		r = error_set(err, -EPERM, "cannot read the groups back: %s", strerror(errno));
		goto out;
	}
	if (n_want)
		memcpy(exp, want, n_want * sizeof(gid_t));
	qsort(have, (size_t)n, sizeof(gid_t), ident_gid_cmp);
	qsort(exp, n_want, sizeof(gid_t), ident_gid_cmp);
	size_t m = 0;
	for (size_t i = 0; i < (size_t)n; i++)
		if (i == 0 || have[i] != have[i - 1])
			have[m++] = have[i];
	if (m != n_want || memcmp(have, exp, m * sizeof(gid_t)) != 0)
		r = error_set(
			err, -EPERM,
			"supplementary groups are not the expected set (%zu held, %zu expected)", m,
			n_want);
out:
	free(have);
	free(exp);
	return r;
}

int priv_verify(uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups, uint64_t keep,
		bool strict_bounding, struct error *err)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return error_set(err, -EPERM, "cannot read the ids back: %s", strerror(errno));
	if (ru != uid || eu != uid || su != uid)
		return error_set(err, -EPERM, "uids are %u/%u/%u, expected %u", (unsigned)ru,
				 (unsigned)eu, (unsigned)su, (unsigned)uid);
	if (rg != gid || eg != gid || sg != gid)
		return error_set(err, -EPERM, "gids are %u/%u/%u, expected %u", (unsigned)rg,
				 (unsigned)eg, (unsigned)sg, (unsigned)gid);
	int r = verify_groups(groups, n_groups, err);
	if (r < 0)
		return r;

	struct priv_caps c;
	if ((r = priv_read_caps(&c)) < 0)
		return error_set(err, -EPERM, "cannot read the capabilities back: %s",
				 strerror(-r));
	/* Nothing beyond keep anywhere; and what is kept must be usable. */
	uint64_t extra = (c.effective | c.permitted | c.inheritable | c.ambient) & ~keep;
	if (strict_bounding)
		extra |= c.bounding & ~keep;
	if (extra) {
		char names[512];
		priv_format_caps(extra, names, sizeof(names));
		return error_set(err, -EPERM, "capabilities still held: %s", names);
	}
	if (c.effective != keep || c.permitted != keep || c.ambient != keep) {
		char names[512];
		priv_format_caps(keep & ~(c.effective & c.permitted & c.ambient), names,
				 sizeof(names));
		return error_set(err, -EPERM, "kept capabilities not in place: %s", names);
	}
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return error_set(err, -EPERM, "no_new_privs is not set");
	if (prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) != 0)
		return error_set(err, -EPERM, "keepcaps is still set");
	/* The real test: root must be out of reach. */
	if (uid != 0 && setuid(0) == 0)
		return error_set(err, -EPERM, "setuid(0) succeeded: root is still reachable");
	if (gid != 0 && setgid(0) == 0)
		return error_set(err, -EPERM, "setgid(0) succeeded: gid 0 is still reachable");
	return 0;
}

const char *priv_missing_root_caps(void)
{
	bool uid = priv_has_cap(CAP_SETUID);
	bool gid = priv_has_cap(CAP_SETGID);
	bool pcap = priv_has_cap(CAP_SETPCAP);
	if (uid && gid && pcap)
		return NULL;
	static char buf[64];
	snprintf(buf, sizeof(buf), "%s%s%s", uid ? "" : " SETUID", gid ? "" : " SETGID",
		 pcap ? "" : " SETPCAP");
	return buf + 1;
}
