/* sockload.c - drive `lectern serve` with N concurrent clients (make bench).
 *
 * usage: sockload SOCKET REQUESTS CLIENTS ROUNDS OUT
 *
 * REQUESTS holds one find request a line, a JSON object without its "id"
 * (e.g. {"op":"find","query":"stage 3","limit":10}). Each of CLIENTS
 * threads connects once, then ROUNDS times sends every request in turn
 * (starting at a different line per client, so the clients do not ask the
 * same thing at the same moment) and waits for its one-line answer
 * (docs/protocol.md: one response per line, in order). A round trip is
 * timed from before write(2) to the answer's newline. OUT gets one line per
 * round trip, "REQUEST_INDEX NANOSECONDS"; stdout one summary line:
 * "requests N errors E seconds S qps Q". Written in C and not in the
 * harness's Python so that the client's own cost stays small next to a
 * round trip of tens of microseconds on a 2-core machine.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_REQUESTS 1024
#define MAX_CLIENTS 64
#define RESP_BUF (16 << 20) /* LEC_MAX_CLIENT_OUTPUT: a top-1,000 answer is large */

struct client {
	pthread_t thread;
	int index;
	uint64_t *lat; /* ROUNDS * nreq */
	int *which;
	size_t n;
	unsigned errors;
	int failed;
};

static const char *sock_path;
static char *req[MAX_REQUESTS];
static size_t nreq;
static int rounds;
static pthread_barrier_t start;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Read up to and including one '\n' and drop it from buf; bytes after it
 * stay (*have). The protocol answers in order, one line each, so there are
 * none unless the daemon misbehaves. *failed: the answer was an error.
 * Returns the line's length or -1. */
static long read_line(int fd, char *buf, size_t *have, int *failed)
{
	for (;;) {
		char *nl = memchr(buf, '\n', *have);
		ssize_t r;

		if (nl) {
			long len = nl - buf + 1;

			*failed = memmem(buf, len < 64 ? (size_t)len : 64, "\"ok\":false", 10) !=
				  NULL;
			memmove(buf, nl + 1, *have - (size_t)len);
			*have -= (size_t)len;
			return len;
		}
		if (*have == RESP_BUF)
			return -1;
		r = read(fd, buf + *have, RESP_BUF - *have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		*have += (size_t)r;
	}
}

static void *run_client(void *arg)
{
	struct client *c = arg;
	char *line = malloc(RESP_BUF), *out = malloc(65536 + 64);
	size_t have = 0;
	long id = 0;
	int fd = connect_to(sock_path);

	pthread_barrier_wait(&start);
	if (fd < 0 || !line || !out) {
		c->failed = 1;
		goto done;
	}
	for (int r = 0; r < rounds; r++) {
		for (size_t k = 0; k < nreq; k++) {
			size_t i = (k + (size_t)c->index * 7) % nreq;
			/* {"id":N,  + the request without its '{' */
			int len = snprintf(out, 65536 + 64, "{\"id\":%ld,%s\n", ++id, req[i] + 1);
			uint64_t t0 = now_ns();
			int failed = 0;

			if (write_all(fd, out, (size_t)len) < 0 ||
			    read_line(fd, line, &have, &failed) < 0) {
				c->failed = 1;
				goto done;
			}
			c->lat[c->n] = now_ns() - t0;
			c->which[c->n++] = (int)i;
			c->errors += (unsigned)failed;
		}
	}
done:
	if (fd >= 0)
		close(fd);
	free(line);
	free(out);
	return NULL;
}

static int load_requests(const char *path)
{
	FILE *f = fopen(path, "r");
	char *l = NULL;
	size_t cap = 0;
	ssize_t len;

	if (!f)
		return -1;
	while ((len = getline(&l, &cap, f)) > 0 && nreq < MAX_REQUESTS) {
		while (len && (l[len - 1] == '\n' || l[len - 1] == '\r'))
			l[--len] = 0;
		if (len < 2 || l[0] != '{' || len > 65536)
			continue;
		req[nreq++] = strdup(l);
	}
	free(l);
	fclose(f);
	return nreq ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct client cl[MAX_CLIENTS];
	int nclients;
	unsigned errors = 0;
	size_t total = 0;
	uint64_t t0, t1;
	FILE *out;

	if (argc != 6) {
		fprintf(stderr, "usage: sockload SOCKET REQUESTS CLIENTS ROUNDS OUT\n");
		return 2;
	}
	sock_path = argv[1];
	nclients = atoi(argv[3]);
	rounds = atoi(argv[4]);
	if (nclients < 1 || nclients > MAX_CLIENTS || rounds < 1 || load_requests(argv[2]) < 0) {
		fprintf(stderr, "sockload: bad arguments or no requests in %s\n", argv[2]);
		return 2;
	}
	pthread_barrier_init(&start, NULL, (unsigned)nclients + 1);
	for (int i = 0; i < nclients; i++) {
		cl[i] = (struct client){ .index = i };
		cl[i].lat = calloc((size_t)rounds * nreq, sizeof(*cl[i].lat));
		cl[i].which = calloc((size_t)rounds * nreq, sizeof(*cl[i].which));
		if (!cl[i].lat || !cl[i].which ||
		    pthread_create(&cl[i].thread, NULL, run_client, &cl[i])) {
			fprintf(stderr, "sockload: out of memory or threads\n");
			return 2;
		}
	}
	pthread_barrier_wait(&start);
	t0 = now_ns();
	for (int i = 0; i < nclients; i++)
		pthread_join(cl[i].thread, NULL);
	t1 = now_ns();
	out = fopen(argv[5], "w");
	if (!out) {
		perror(argv[5]);
		return 2;
	}
	for (int i = 0; i < nclients; i++) {
		if (cl[i].failed)
			fprintf(stderr, "sockload: client %d lost its connection\n", i);
		for (size_t k = 0; k < cl[i].n; k++)
			fprintf(out, "%d %llu\n", cl[i].which[k], (unsigned long long)cl[i].lat[k]);
		total += cl[i].n;
		errors += cl[i].errors;
		free(cl[i].lat);
		free(cl[i].which);
	}
	fclose(out);
	printf("requests %zu errors %u seconds %.6f qps %.1f\n", total, errors, (t1 - t0) / 1e9,
	       total / ((t1 - t0) / 1e9));
	for (int i = 0; i < nclients; i++)
		if (cl[i].failed)
			return 1;
	return 0;
}
