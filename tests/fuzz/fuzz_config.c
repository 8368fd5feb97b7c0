/* libFuzzer target for src/config.c: argv + STEPDOWN_* environment.
 *
 * Input layout: strings separated by NUL bytes, at most MAX_STRINGS of them.
 * Those starting with "STEPDOWN_" go to envp (after a few ordinary
 * variables), the others, in order, form argv after "stepdown".
 *
 * Each input is parsed twice: getopt_long keeps global state that
 * config_parse() must reset, so both runs have to agree. argv and envp must
 * come back unmodified (config.h), and a successful result must be valid
 * by config.h and stepdown(1). */
#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stepdown/config.h"
#include "fuzz_common.h"

#define MAX_STRINGS 64
#define ERRLEN ERROR_MSG_MAX

static const char *const base_env[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/root" };
#define N_BASE_ENV (sizeof(base_env) / sizeof(base_env[0]))

struct vec {
	char *v[MAX_STRINGS + N_BASE_ENV + 2]; /* NULL-terminated */
	char *saved[MAX_STRINGS + N_BASE_ENV + 2];
	int n;
};

static void vec_push(struct vec *vec, const char *s, size_t len)
{
	vec->v[vec->n] = fuzz_strndup((const uint8_t *)s, len);
	vec->saved[vec->n] = fuzz_strndup((const uint8_t *)s, len);
	vec->n++;
	vec->v[vec->n] = NULL;
}

static void vec_check_unchanged(const struct vec *vec, char *const *orig_ptrs, const char *what)
{
	for (int i = 0; i < vec->n; i++) {
		FUZZ_CHECK(vec->v[i] == orig_ptrs[i], "%s[%d] pointer was changed", what, i);
		FUZZ_CHECK(strcmp(vec->v[i], vec->saved[i]) == 0,
			   "%s[%d] was modified: \"%s\" -> \"%s\"", what, i, vec->saved[i],
			   vec->v[i]);
	}
	FUZZ_CHECK(vec->v[vec->n] == NULL, "%s lost its NULL terminator", what);
}

static void vec_free(struct vec *vec)
{
	for (int i = 0; i < vec->n; i++) {
		free(vec->v[i]);
		free(vec->saved[i]);
	}
}

static bool absolute(const char *p)
{
	return p && p[0] == '/';
}

/* config.h: declared paths are kept in normal form, no "//", no '/' at the
 * end except for "/" itself. */
static bool normal(const char *p)
{
	size_t n = strlen(p);
	return !strstr(p, "//") && (n == 1 || p[n - 1] != '/');
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static void check_config(const struct config *cfg, const struct vec *argv)
{
	FUZZ_CHECK(cfg->action == CONFIG_RUN || cfg->action == CONFIG_HELP ||
			   cfg->action == CONFIG_VERSION,
		   "action %d", (int)cfg->action);
	FUZZ_CHECK(cfg->verbosity >= 0 && cfg->verbosity <= 2, "verbosity %d", cfg->verbosity);
	if (cfg->action != CONFIG_RUN)
		return; /* --help / --version stop parsing early */

	FUZZ_CHECK(cfg->command != NULL, "CONFIG_RUN without a command");
	FUZZ_CHECK(cfg->command[0] != NULL, "CONFIG_RUN with an empty command");
	/* config.h: points into argv (and so is NULL-terminated by it). */
	FUZZ_CHECK(cfg->command >= (char *const *)&argv->v[1] &&
			   cfg->command < (char *const *)&argv->v[argv->n],
		   "command does not point into argv[1..argc)");

	FUZZ_CHECK(cfg->n_writable == 0 || cfg->writable != NULL, "n_writable %zu, writable NULL",
		   cfg->n_writable);
	for (size_t i = 0; i < cfg->n_writable; i++) {
		FUZZ_CHECK(absolute(cfg->writable[i]), "writable[%zu] \"%s\" is not absolute", i,
			   cfg->writable[i] ? cfg->writable[i] : "(null)");
		FUZZ_CHECK(normal(cfg->writable[i]) && strcmp(cfg->writable[i], "/") != 0 &&
				   strcmp(cfg->writable[i], "/usr") != 0 &&
				   strcmp(cfg->writable[i], "/etc") != 0 &&
				   strncmp(cfg->writable[i], "/proc/", 6) != 0,
			   "writable[%zu] \"%s\" is not normal or is a system directory", i,
			   cfg->writable[i]);
	}
	FUZZ_CHECK(!cfg->user_from || (absolute(cfg->user_from) && normal(cfg->user_from)),
		   "user_from \"%s\" not absolute and normal", cfg->user_from);
	/* stepdown(1): --allow-write paths are absolute, not "/", and only
	 * with --confine-writes. */
	FUZZ_CHECK(cfg->confine_writes == CONFINE_OFF || cfg->confine_writes == CONFINE_REQUIRED ||
			   cfg->confine_writes == CONFINE_BEST_EFFORT,
		   "confine_writes %d", (int)cfg->confine_writes);
	FUZZ_CHECK(cfg->n_allow_write == 0 || cfg->confine_writes != CONFINE_OFF,
		   "--allow-write accepted without --confine-writes");
	for (size_t i = 0; i < cfg->n_allow_write; i++)
		FUZZ_CHECK(absolute(cfg->allow_write[i]) &&
				   cfg->allow_write[i][strspn(cfg->allow_write[i], "/")] != '\0',
			   "allow_write[%zu] \"%s\" is not an absolute path other than /", i,
			   cfg->allow_write[i] ? cfg->allow_write[i] : "(null)");
	for (size_t i = 0; i < cfg->n_allow_write; i++)
		FUZZ_CHECK(normal(cfg->allow_write[i]), "allow_write[%zu] \"%s\" is not normal", i,
			   cfg->allow_write[i]);
	FUZZ_CHECK(cfg->n_device_paths == 0 || cfg->device_groups,
		   "device paths accepted with --device-groups off");
	for (size_t i = 0; i < cfg->n_device_paths; i++)
		FUZZ_CHECK(absolute(cfg->device_paths[i]) && normal(cfg->device_paths[i]),
			   "device_paths[%zu] \"%s\" is not absolute and normal", i,
			   cfg->device_paths[i]);
	FUZZ_CHECK(!cfg->home || (absolute(cfg->home) && normal(cfg->home)),
		   "home \"%s\" not absolute and normal", cfg->home);
	FUZZ_CHECK(!cfg->has_umask || cfg->umask <= 0777, "umask %#o", (unsigned)cfg->umask);
	FUZZ_CHECK(cfg->grace <= 86400, "grace %u", cfg->grace);

	/* stepdown(1): capabilities that regain root are never kept (a sample
	 * of the refused list), nor any newer than CHECKPOINT_RESTORE. */
	static const int refused[] = { CAP_SETUID,    CAP_SETGID,     CAP_SYS_ADMIN,
				       CAP_DAC_OVERRIDE, CAP_CHOWN,   CAP_FOWNER,
				       CAP_SYS_PTRACE, CAP_SYS_MODULE, CAP_SETFCAP };
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		FUZZ_CHECK(!(cfg->keep_caps & (UINT64_C(1) << refused[i])), "keeps capability %d",
			   refused[i]);
	FUZZ_CHECK(!(cfg->keep_caps >> (CAP_CHECKPOINT_RESTORE + 1)), "keeps a capability above 40");

	for (int sig = 0; sig < PARSE_SIG_TABLE; sig++)
		FUZZ_CHECK(cfg->rewrite[sig] >= 0 && cfg->rewrite[sig] <= PARSE_SIG_MAX,
			   "rewrite[%d] = %d", sig, cfg->rewrite[sig]);
	FUZZ_CHECK(cfg->rewrite[0] == 0, "rewrite[0] = %d", cfg->rewrite[0]);
	FUZZ_CHECK(cfg->rewrite[SIGKILL] == 0 && cfg->rewrite[SIGSTOP] == 0 &&
			   cfg->rewrite[SIGCHLD] == 0,
		   "KILL, STOP or CHLD is rewritten");
}

static int parse_once(struct config *cfg, struct vec *argv, struct vec *envp, char *err)
{
	char *argv_ptrs[MAX_STRINGS + 2];
	char *envp_ptrs[MAX_STRINGS + N_BASE_ENV + 2];
	memcpy(argv_ptrs, argv->v, sizeof(argv->v[0]) * (size_t)(argv->n + 1));
	memcpy(envp_ptrs, envp->v, sizeof(envp->v[0]) * (size_t)(envp->n + 1));
	struct error e;
	memset(&e, 0xAA, sizeof(e)); /* no NUL anywhere until written */

	int r = config_parse(cfg, argv->n, argv->v, envp->v, &e);
	memcpy(err, e.msg, ERRLEN);

	vec_check_unchanged(argv, argv_ptrs, "argv");
	vec_check_unchanged(envp, envp_ptrs, "envp");
	if (r < 0) {
		FUZZ_CHECK(memchr(e.msg, '\0', sizeof(e.msg)) != NULL, "failure %d left err unterminated", r);
		FUZZ_CHECK(e.code == r, "failure %d recorded as %d", r, e.code);
		err[ERRLEN - 1] = '\0';
		FUZZ_CHECK(err[0] != '\0', "failure %d with an empty err", r);
	} else {
		FUZZ_CHECK(r == 0, "config_parse returned %d", r);
		check_config(cfg, argv);
	}
	return r;
}

static void check_same(const struct config *a, int ra, const char *ea, const struct config *b,
		       int rb, const char *eb)
{
	FUZZ_CHECK(ra == rb, "second parse returned %d, first %d", rb, ra);
	if (ra < 0) {
		FUZZ_CHECK(strcmp(ea, eb) == 0, "second parse: \"%s\", first: \"%s\"", eb, ea);
		return;
	}
	FUZZ_CHECK(a->action == b->action && a->user == b->user &&
			   same_str(a->user_from, b->user_from) &&
			   a->n_writable == b->n_writable && a->keep_caps == b->keep_caps &&
			   same_str(a->home, b->home) && a->has_umask == b->has_umask &&
			   a->umask == b->umask && a->signal_group == b->signal_group &&
			   a->grace == b->grace && a->exec_mode == b->exec_mode &&
			   a->dry_run == b->dry_run && a->verbosity == b->verbosity &&
			   a->confine_writes == b->confine_writes &&
			   a->n_allow_write == b->n_allow_write &&
			   a->command == b->command &&
			   memcmp(a->rewrite, b->rewrite, sizeof(a->rewrite)) == 0,
		   "second parse of the same input gave a different config (getopt state?)");
	for (size_t i = 0; i < a->n_writable; i++)
		FUZZ_CHECK(strcmp(a->writable[i], b->writable[i]) == 0,
			   "writable[%zu] differs between two parses", i);
	for (size_t i = 0; i < a->n_allow_write; i++)
		FUZZ_CHECK(strcmp(a->allow_write[i], b->allow_write[i]) == 0,
			   "allow_write[%zu] differs between two parses", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char prefix[] = "STEPDOWN_";
	struct vec argv = { .n = 0 }, envp = { .n = 0 };

	vec_push(&argv, "stepdown", strlen("stepdown"));
	for (size_t i = 0; i < N_BASE_ENV; i++)
		vec_push(&envp, base_env[i], strlen(base_env[i]));

	/* "a\0b" and "a\0b\0" are both two strings; "a\0\0" is "a" and "". */
	size_t pos = 0;
	for (int k = 0; k < MAX_STRINGS && pos < size; k++) {
		const uint8_t *nul = memchr(data + pos, '\0', size - pos);
		size_t len = nul ? (size_t)(nul - (data + pos)) : size - pos;
		const char *s = (const char *)(data + pos);
		if (len >= sizeof(prefix) - 1 && memcmp(s, prefix, sizeof(prefix) - 1) == 0)
			vec_push(&envp, s, len);
		else
			vec_push(&argv, s, len);
		pos += len + 1;
	}

	struct config a, b;
	char err_a[ERRLEN], err_b[ERRLEN];
	int ra = parse_once(&a, &argv, &envp, err_a);
	int rb = parse_once(&b, &argv, &envp, err_b);
	check_same(&a, ra, err_a, &b, rb, err_b);
	config_free(&a);
	config_free(&b);

	vec_free(&argv);
	vec_free(&envp);
	return 0;
}
