/*
 * model-server: a small HTTP model server, the workload of the model-serving
 * example. It does what real inference servers do with the file system, so
 * that stepdown's job around it can be seen:
 *
 *   - reads its model from a read-only mount (--model, a text file of
 *     "token weight" lines; a real server would mmap safetensors);
 *   - keeps a compiled form of the model in a cache dir (--cache), reused
 *     on the next start (as torch.compile, TensorRT or tokenizer caches);
 *   - writes its log to a log dir (--log);
 *   - answers HTTP on --listen (default 0.0.0.0:8080):
 *       GET /healthz                 "ok"
 *       GET /v1/model                what was loaded, and how
 *       GET /v1/predict?text=a+b+c   the summed weights of the tokens
 *   - stops cleanly on SIGTERM or SIGINT: finishes the request in hand,
 *     logs, exits 0.
 *
 * Single-threaded, one request per connection, no dependencies beyond libc;
 * built static so that it runs in a FROM-scratch image.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_MODEL_BYTES (64u << 20)
#define MAX_ENTRIES (1u << 20)
#define CACHE_MAGIC 0x314c444d5344ULL /* "SDMDL1" */

struct entry {
	uint64_t hash;
	int64_t weight;
};

static struct {
	struct entry *entries;
	size_t n;
	uint64_t digest;
	char cache_state[16];
} model;

static volatile sig_atomic_t stop_signal;
static FILE *log_file;
static unsigned long served;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logmsg(const char *fmt, ...)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	va_list ap;
	for (int i = 0; i < 2; i++) {
		FILE *f = i == 0 ? stderr : log_file;
		if (!f)
			continue;
		fprintf(f, "%s model-server: ", stamp);
		va_start(ap, fmt);
		vfprintf(f, fmt, ap);
		va_end(ap);
		fputc('\n', f);
		fflush(f);
	}
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	fputs("model-server: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (saved)
		fprintf(stderr, ": %s", strerror(saved));
	fputc('\n', stderr);
	exit(1);
}

static uint64_t fnv1a(const void *data, size_t len, uint64_t h)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
#define FNV_SEED 0xcbf29ce484222325ULL

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/* The whole model file, NUL-terminated; its size in *len. */
static char *read_model(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("cannot open the model %s", path);
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)MAX_MODEL_BYTES) {
		errno = 0;
		die("%s is not a regular file of at most %u bytes", path, MAX_MODEL_BYTES);
	}
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		die("out of memory");
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("cannot read the model %s", path);
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
}

/* Parse "token weight" lines into a sorted table. */
static void compile_model(char *text)
{
	model.entries = calloc(MAX_ENTRIES, sizeof(*model.entries));
	if (!model.entries)
		die("out of memory");
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char token[128];
		long long w;
		if (line[0] == '#' || sscanf(line, "%127s %lld", token, &w) != 2)
			continue;
		if (model.n == MAX_ENTRIES) {
			errno = 0;
			die("more than %u entries in the model", MAX_ENTRIES);
		}
		model.entries[model.n++] =
			(struct entry){ fnv1a(token, strlen(token), FNV_SEED), (int64_t)w };
	}
	qsort(model.entries, model.n, sizeof(*model.entries), cmp_entry);
}

/* Load CACHE/model-<digest>.bin if it is there and whole. */
static int load_cache(const char *path)
{
	FILE *f = fopen(path, "rbe");
	if (!f)
		return -1;
	uint64_t hdr[3];
	int ok = fread(hdr, sizeof(hdr), 1, f) == 1 && hdr[0] == CACHE_MAGIC &&
		 hdr[1] == model.digest && hdr[2] <= MAX_ENTRIES;
	if (ok) {
		model.entries = calloc(hdr[2] ? hdr[2] : 1, sizeof(*model.entries));
		ok = model.entries && fread(model.entries, sizeof(*model.entries), hdr[2], f) == hdr[2];
		model.n = ok ? hdr[2] : 0;
	}
	fclose(f);
	return ok ? 0 : -1;
}

/* Write the compiled model to the cache: a temporary file, then rename. */
static void save_cache(const char *path)
{
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wbe");
	if (!f)
		die("cannot write the cache %s", tmp);
	uint64_t hdr[3] = { CACHE_MAGIC, model.digest, model.n };
	if (fwrite(hdr, sizeof(hdr), 1, f) != 1 ||
	    fwrite(model.entries, sizeof(*model.entries), model.n, f) != model.n || fflush(f) ||
	    fsync(fileno(f)) || fclose(f) || rename(tmp, path))
		die("cannot write the cache %s", path);
}

static int64_t weight_of(const char *token, size_t len, int *found)
{
	struct entry key = { fnv1a(token, len, FNV_SEED), 0 };
	struct entry *e = bsearch(&key, model.entries, model.n, sizeof(key), cmp_entry);
	*found = e != NULL;
	return e ? e->weight : 0;
}

static void reply(int fd, int status, const char *type, const char *body)
{
	char head[256];
	const char *reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request";
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.0 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n",
			 status, reason, type, strlen(body));
	if (write(fd, head, (size_t)n) < 0 || write(fd, body, strlen(body)) < 0)
		logmsg("client went away: %s", strerror(errno));
}

static void handle(int fd)
{
	char req[4096];
	size_t got = 0;
	while (got < sizeof(req) - 1 && !memmem(req, got, "\r\n\r\n", 4) && !memmem(req, got, "\n\n", 2)) {
		ssize_t r = read(fd, req + got, sizeof(req) - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
		req[got] = '\0';
	}
	req[got] = '\0';
	char method[8], target[2048];
	if (sscanf(req, "%7s %2047s", method, target) != 2 || strcmp(method, "GET") != 0) {
		reply(fd, 400, "text/plain", "bad request\n");
		logmsg("400 %s", method);
		return;
	}
	char body[4096];
	int status = 200;
	if (strcmp(target, "/healthz") == 0) {
		snprintf(body, sizeof(body), "ok\n");
	} else if (strcmp(target, "/v1/model") == 0) {
		snprintf(body, sizeof(body),
			 "{\"entries\": %zu, \"digest\": \"%016" PRIx64 "\", \"cache\": \"%s\"}\n",
			 model.n, model.digest, model.cache_state);
	} else if (strncmp(target, "/v1/predict?text=", 17) == 0) {
		int64_t score = 0;
		unsigned tokens = 0, known = 0;
		for (char *p = target + 17; *p;) {
			size_t len = strcspn(p, "+&");
			if (len) {
				int found;
				score += weight_of(p, len, &found);
				tokens++;
				known += (unsigned)found;
			}
			p += len;
			if (*p == '&')
				break;
			if (*p)
				p++;
		}
		snprintf(body, sizeof(body),
			 "{\"score\": %" PRId64 ", \"tokens\": %u, \"known\": %u, \"digest\": \"%016" PRIx64
			 "\"}\n",
			 score, tokens, known, model.digest);
	} else {
		status = 404;
		snprintf(body, sizeof(body), "not found\n");
	}
	reply(fd, status, status == 200 && target[1] != 'h' ? "application/json" : "text/plain", body);
	served++;
	logmsg("%d GET %s", status, target);
}

static int listen_on(const char *spec)
{
	char host[64] = "0.0.0.0";
	unsigned port = 8080;
	const char *colon = strrchr(spec, ':');
	if (colon) {
		snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
		spec = colon + 1;
	}
	char *end;
	unsigned long p = strtoul(spec, &end, 10);
	if (*spec && !*end && p > 0 && p < 65536)
		port = (unsigned)p;
	else {
		errno = 0;
		die("bad --listen port '%s'", spec);
	}
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		errno = 0;
		die("bad --listen address '%s'", host);
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0)
		die("cannot listen on %s:%u", host, port);
	logmsg("listening on %s:%u", host, port);
	return fd;
}

int main(int argc, char **argv)
{
	const char *model_path = "/models/model.txt", *cache_dir = "/var/cache/model-server",
		   *log_dir = "/var/log/model-server", *listen_spec = "0.0.0.0:8080";
	for (int i = 1; i < argc; i++) {
		const char **opt = strcmp(argv[i], "--model") == 0  ? &model_path
				 : strcmp(argv[i], "--cache") == 0  ? &cache_dir
				 : strcmp(argv[i], "--log") == 0    ? &log_dir
				 : strcmp(argv[i], "--listen") == 0 ? &listen_spec
								    : NULL;
		if (!opt || i + 1 == argc) {
			fprintf(stderr, "usage: model-server [--model FILE] [--cache DIR] [--log DIR] "
					"[--listen ADDR:PORT]\n");
			return 2;
		}
		*opt = argv[++i];
	}

	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: poll returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	char path[4096];
	snprintf(path, sizeof(path), "%s/server.log", log_dir);
	log_file = fopen(path, "ae");
	if (!log_file)
		die("cannot open the log %s", path);
	logmsg("starting as uid %u gid %u, pid %ld", (unsigned)getuid(), (unsigned)getgid(),
	       (long)getpid());

	size_t len;
	char *text = read_model(model_path, &len);
	model.digest = fnv1a(text, len, FNV_SEED);
	snprintf(path, sizeof(path), "%s/model-%016" PRIx64 ".bin", cache_dir, model.digest);
	if (load_cache(path) == 0) {
		snprintf(model.cache_state, sizeof(model.cache_state), "hit");
	} else {
		compile_model(text);
		save_cache(path);
		snprintf(model.cache_state, sizeof(model.cache_state), "miss");
	}
	free(text);
	logmsg("model %s: %zu bytes, %zu entries, digest %016" PRIx64 ", cache %s (%s)", model_path,
	       len, model.n, model.digest, model.cache_state, path);

	int lfd = listen_on(listen_spec);
	while (!stop_signal) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		struct timeval tv = { .tv_sec = 5 };
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		handle(c);
		close(c);
	}
	close(lfd);
	logmsg("stopping on %s after %lu requests", strsignal(stop_signal), served);
	fclose(log_file);
	return 0;
}
