/* test_shards.c - the stub file, shard routing and remote addresses
 * (common/shards.c), over real temporary index directories. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "shards.h"

static char dir[256];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/lectern-test-shards-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_stub(const char *text)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/%s", dir, SHARDS_STUB_NAME);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_stub(void)
{
	char path[300];
	static char text[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, SHARDS_STUB_NAME);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	return text;
}

/* No stub: the one local database "xapian". */
static void test_no_stub(void **state)
{
	struct shard_set s;
	struct buf err;
	char want[300];
	(void)state;
	buf_init(&err, 1024);
	assert_int_equal(shards_load(dir, &s, &err), LEC_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.nlocal, 1);
	assert_int_equal(s.from_stub, 0);
	snprintf(want, sizeof(want), "%s/xapian", dir);
	assert_string_equal(s.v[0].path, want);
	assert_string_equal(s.v[0].name, "xapian");
	shards_release(&s);
	buf_release(&err);
}

static void test_parse_stub(void **state)
{
	struct shard_set s;
	struct buf err;
	char want[300];
	(void)state;
	buf_init(&err, 1024);
	write_stub("# comment\n\nauto xapian\n  auto   xapian.1  \r\nremote 127.0.0.1:9001\n"
		   "remote tcp://example.org:80\n");
	assert_int_equal(shards_load(dir, &s, &err), LEC_OK);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.nlocal, 2);
	snprintf(want, sizeof(want), "%s/xapian.1", dir);
	assert_string_equal(s.v[1].path, want);
	assert_int_equal(s.v[2].remote, 1);
	assert_string_equal(s.v[2].host, "127.0.0.1");
	assert_int_equal(s.v[2].port, 9001);
	assert_string_equal(s.v[2].name, "tcp://127.0.0.1:9001");
	assert_string_equal(s.v[3].host, "example.org");
	assert_int_equal(s.v[3].port, 80);
	shards_release(&s);
	buf_release(&err);
}

/* Each bad stub is refused with FILE:LINE and nothing half-loaded. */
static void test_bad_stubs(void **state)
{
	static const struct {
		const char *text;
		const char *want; /* in the message */
	} cases[] = {
		{ "auto xapian\nbogus x\n", ":2: unknown database type 'bogus'" },
		{ "auto\n", ":1: expected" },
		{ "auto ../elsewhere\n", ":1: a local shard is a directory inside" },
		{ "auto /abs/path\n", ":1: a local shard is a directory inside" },
		{ "remote 127.0.0.1:9001\nauto xapian\n", ":2: local shards come before remote" },
		{ "remote 127.0.0.1:0\n", ":1: '127.0.0.1:0': not a remote shard address" },
		{ "remote 127.0.0.1:99999\n", ":1:" },
		{ "remote host\n", ":1:" },
		{ "remote :prog arg\n", ":1:" },
		{ "remote ho st:1\n", ":1:" },
		{ "# only a comment\n", "names no database" },
		{ "", "names no database" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct shard_set s;
		struct buf err;
		buf_init(&err, 1024);
		write_stub(cases[i].text);
		lec_status st = shards_load(dir, &s, &err);
		if (st == LEC_OK)
			fail_msg("case %zu loaded: %s", i, cases[i].text);
		if (!err.data || !strstr(err.data, cases[i].want))
			fail_msg("case %zu: message '%s' lacks '%s'", i, err.data ? err.data : "",
				 cases[i].want);
		assert_null(s.v);
		buf_release(&err);
	}
}

static void test_parse_remote(void **state)
{
	static const struct {
		const char *spec;
		const char *host; /* NULL: refused */
		unsigned port;
	} cases[] = {
		{ "tcp://127.0.0.1:9001", "127.0.0.1", 9001 },
		{ "localhost:1", "localhost", 1 },
		{ "tcp://a-b.c_d:65535", "a-b.c_d", 65535 },
		{ "tcp://h:65536", NULL, 0 },
		{ "tcp://h:-1", NULL, 0 },
		{ "tcp://h:+1", NULL, 0 },
		{ "tcp://h:1x", NULL, 0 },
		{ "tcp://:80", NULL, 0 },
		{ "tcp://h:", NULL, 0 },
		{ "h", NULL, 0 },
		{ "tcp://h\n:80", NULL, 0 },
		{ "tcp://h#x:80", NULL, 0 },
		{ "", NULL, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *host = NULL;
		unsigned port = 0;
		struct buf err;
		buf_init(&err, 1024);
		lec_status st = shards_parse_remote(cases[i].spec, &host, &port, &err);
		if (cases[i].host) {
			assert_int_equal(st, LEC_OK);
			assert_string_equal(host, cases[i].host);
			assert_int_equal(port, cases[i].port);
		} else {
			if (st == LEC_OK)
				fail_msg("'%s' was accepted", cases[i].spec);
			assert_non_null(err.data);
			assert_null(host);
		}
		free(host);
		buf_release(&err);
	}
}

/* init_local + save + load gives the same set; remotes are added once. */
static void test_save_load(void **state)
{
	struct shard_set s, t;
	struct buf err;
	(void)state;
	buf_init(&err, 1024);
	assert_int_equal(shards_init_local(dir, 3, &s), LEC_OK);
	assert_int_equal(shards_add_remote(&s, "127.0.0.1", 7000, &err), LEC_OK);
	assert_int_equal(shards_add_remote(&s, "127.0.0.1", 7000, &err), LEC_EINVAL);
	assert_non_null(strstr(err.data, "already a shard"));
	buf_reset(&err);
	assert_int_equal(shards_save(dir, &s, &err), LEC_OK);
	const char *text = read_stub();
	assert_non_null(text);
	assert_non_null(strstr(text, "\nauto xapian\nauto xapian.1\nauto xapian.2\n"
				     "remote 127.0.0.1:7000\n"));
	assert_int_equal(shards_load(dir, &t, &err), LEC_OK);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.nlocal, 3);
	for (size_t i = 0; i < t.n; i++)
		assert_string_equal(t.v[i].name, s.v[i].name);
	assert_int_equal(shards_remove_remote(&t, "tcp://127.0.0.1:7001", &err), LEC_ENOTFOUND);
	assert_int_equal(shards_remove_remote(&t, "tcp://127.0.0.1:7000", &err), LEC_OK);
	assert_int_equal(t.n, 3);
	shards_release(&s);
	shards_release(&t);
	/* one local shard and no remote: the stub goes away */
	assert_int_equal(shards_init_local(dir, 1, &s), LEC_OK);
	assert_int_equal(shards_save(dir, &s, &err), LEC_OK);
	assert_null(read_stub());
	shards_release(&s);
	assert_int_equal(shards_init_local(dir, 0, &s), LEC_EINVAL);
	assert_int_equal(shards_init_local(dir, SHARDS_MAX + 1, &s), LEC_EINVAL);
	buf_release(&err);
}

/* Routing is a pure function of the path, within range, and spreads the
 * notes of a realistic tree over the shards. */
static void test_routing(void **state)
{
	size_t count[4] = { 0 };
	char path[128];
	(void)state;
	for (int i = 0; i < 4000; i++) {
		snprintf(path, sizeof(path), "/home/me/notes/meetings/20%02d-%02d/day-%d.md",
			 i % 30, i % 12 + 1, i);
		size_t k = shards_of_path(path, 4);
		assert_true(k < 4);
		assert_int_equal(k, shards_of_path(path, 4));
		count[k]++;
		assert_int_equal(shards_of_path(path, 1), 0);
		assert_int_equal(shards_of_path(path, 0), 0);
	}
	for (int k = 0; k < 4; k++)
		assert_in_range(count[k], 850, 1150);
}

static void test_timeout_env(void **state)
{
	(void)state;
	unsetenv("LECTERN_REMOTE_TIMEOUT");
	assert_int_equal(shards_remote_timeout_ms(), SHARDS_REMOTE_TIMEOUT_MS);
	setenv("LECTERN_REMOTE_TIMEOUT", "1500", 1);
	assert_int_equal(shards_remote_timeout_ms(), 1500);
	setenv("LECTERN_REMOTE_TIMEOUT", "0", 1);
	assert_int_equal(shards_remote_timeout_ms(), SHARDS_REMOTE_TIMEOUT_MS);
	setenv("LECTERN_REMOTE_TIMEOUT", "12x", 1);
	assert_int_equal(shards_remote_timeout_ms(), SHARDS_REMOTE_TIMEOUT_MS);
	unsetenv("LECTERN_REMOTE_TIMEOUT");
}

/* A remote shard that refuses connections is left out with a warning; a
 * missing local one fails the open. */
static void test_open_read(void **state)
{
	struct shard_set s;
	struct buf warn, err;
	xap_db *db = NULL, *w = xap_db_new();
	char path[300];
	(void)state;
	buf_init(&warn, 4096);
	buf_init(&err, 4096);
	snprintf(path, sizeof(path), "%s/xapian", dir);
	assert_int_equal(xap_db_open(w, path, XAP_OPEN_CREATE), LEC_OK);
	xap_doc *d = xap_doc_new();
	xap_doc_add_term(d, "hello", 5, 1);
	assert_int_equal(xap_db_add_document(w, d, NULL), LEC_OK);
	assert_int_equal(xap_db_close(w), LEC_OK);
	xap_doc_free(d);
	xap_db_free(w);
	/* port 1 on loopback: nobody listens there in a test */
	write_stub("auto xapian\nremote 127.0.0.1:1\n");
	assert_int_equal(shards_load(dir, &s, &err), LEC_OK);
	assert_int_equal(shards_open_read(&s, NULL, NULL, NULL, &db, &warn, &err), LEC_OK);
	assert_non_null(warn.data);
	assert_non_null(strstr(warn.data, "shard tcp://127.0.0.1:1 unavailable: "));
	assert_non_null(strstr(warn.data, "results are from the other shards"));
	uint32_t n = 0;
	assert_int_equal(xap_db_doccount(db, &n), LEC_OK);
	assert_int_equal(n, 1);
	xap_db_free(db);
	shards_release(&s);
	buf_reset(&warn);
	write_stub("auto xapian\nauto xapian.1\n");
	assert_int_equal(shards_load(dir, &s, &err), LEC_OK);
	assert_int_not_equal(shards_open_read(&s, NULL, NULL, NULL, &db, &warn, &err), LEC_OK);
	assert_non_null(strstr(err.data, "shard xapian.1"));
	shards_release(&s);
	write_stub("remote 127.0.0.1:1\n");
	buf_reset(&err);
	assert_int_equal(shards_load(dir, &s, &err), LEC_OK);
	assert_int_equal(shards_open_read(&s, NULL, NULL, NULL, &db, &warn, &err), LEC_ENETWORK);
	assert_non_null(strstr(err.data, "no shard of the index could be opened"));
	shards_release(&s);
	buf_release(&warn);
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_stub, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_parse_stub, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_bad_stubs, setup_dir, teardown_dir),
		cmocka_unit_test(test_parse_remote),
		cmocka_unit_test_setup_teardown(test_save_load, setup_dir, teardown_dir),
		cmocka_unit_test(test_routing),
		cmocka_unit_test(test_timeout_env),
		cmocka_unit_test_setup_teardown(test_open_read, setup_dir, teardown_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
