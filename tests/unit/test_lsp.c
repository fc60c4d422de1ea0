/* test_lsp.c - the language server's text questions (UTF-16 positions,
 * URIs, links, headings) and its message framing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "lsp-rpc.h"
#include "lsp-text.h"

static void test_utf16(void **state)
{
	(void)state;
	/* ’ and – are 3 UTF-8 bytes, 1 UTF-16 unit; 😀 is 4 bytes, 2 units */
	const char *line = "don\xe2\x80\x99t \xe2\x80\x93 a \xf0\x9f\x98\x80 cattle";
	size_t at = strstr(line, "cattle") - line;
	assert_int_equal(lsp_utf16_len(line, at), 13);
	assert_int_equal(lsp_byte_offset(line, strlen(line), 13), at);
	/* inside the surrogate pair: the pair's start */
	size_t grin = strstr(line, "\xf0") - line;
	assert_int_equal(lsp_byte_offset(line, strlen(line), 10), grin);
	assert_int_equal(lsp_byte_offset(line, strlen(line), 11), grin);
	assert_int_equal(lsp_byte_offset(line, strlen(line), 1000), strlen(line));
	/* a stray continuation byte counts one, as its U+FFFD would */
	assert_int_equal(lsp_utf16_len("\x80\x80"
				       "a",
				       3),
			 3);
	/* a sequence cut by the end counts byte by byte */
	assert_int_equal(lsp_utf16_len("\xf0\x9f", 2), 2);
}

static void test_lines(void **state)
{
	(void)state;
	const char *t = "one\r\ntwo\nthree";
	size_t s, e;
	assert_true(lsp_line_span(t, strlen(t), 0, &s, &e));
	assert_int_equal(s, 0);
	assert_int_equal(e, 3);
	assert_true(lsp_line_span(t, strlen(t), 2, &s, &e));
	assert_memory_equal(t + s, "three", 5);
	assert_false(lsp_line_span(t, strlen(t), 3, &s, &e));
	assert_int_equal(lsp_line_of(t, strlen(t)), 2);
}

static void test_uri(void **state)
{
	(void)state;
	struct buf b;
	char *p = NULL;
	buf_init(&b, 0);
	lsp_uri_from_path("/notes/a b/caf\xc3\xa9#1.md", &b);
	assert_string_equal(b.data, "file:///notes/a%20b/caf%C3%A9%231.md");
	assert_int_equal(lsp_path_from_uri(b.data, &p), LEC_OK);
	assert_string_equal(p, "/notes/a b/caf\xc3\xa9#1.md");
	free(p);
	buf_release(&b);
	assert_int_equal(lsp_path_from_uri("file://localhost/x", &p), LEC_OK);
	assert_string_equal(p, "/x");
	free(p);
	assert_int_equal(lsp_path_from_uri("http://x/y", &p), LEC_EINVAL);
	assert_int_equal(lsp_path_from_uri("file:///a%2", &p), LEC_EINVAL);
	assert_int_equal(lsp_path_from_uri("file:///a%00b", &p), LEC_EINVAL);
	assert_int_equal(lsp_path_from_uri("file://host/x", &p), LEC_EINVAL);
}

static void test_links(void **state)
{
	(void)state;
	const char *l =
		"See [[Note One#Part 2|shown]] and [x](dir/b%20c.md \"t\") or [w](https://x.org).";
	struct lsp_link k;
	size_t n = strlen(l);
	assert_int_equal(lsp_link_at(l, n, 7, &k), LEC_OK);
	assert_string_equal(k.target, "Note One");
	assert_string_equal(k.anchor, "Part 2");
	assert_true(k.wiki);
	lsp_link_release(&k);
	assert_int_equal(lsp_link_at(l, n, strstr(l, "[x]") - l + 1, &k), LEC_OK);
	assert_string_equal(k.target, "dir/b%20c.md");
	assert_null(k.anchor);
	assert_false(k.wiki);
	lsp_link_release(&k);
	assert_int_equal(lsp_link_at(l, n, 1, &k), LEC_ENOTFOUND);
	assert_int_equal(lsp_link_at(l, n, strstr(l, "[w]") - l + 1, &k), LEC_ENOTFOUND);
	assert_int_equal(lsp_link_at("[[", 2, 0, &k), LEC_ENOTFOUND);
	assert_int_equal(lsp_link_at("[[]]", 4, 1, &k), LEC_ENOTFOUND);
	assert_int_equal(lsp_link_at("[a](", 4, 1, &k), LEC_ENOTFOUND);
}

static void test_headings(void **state)
{
	(void)state;
	const char *t = "# Top\n\ntext\n\n## Part 2 ##\n\nbody\n```\n# not a heading\n```\n"
			"### deeper\n\nmore\n\n## Next\n\nlast\n";
	const char *title;
	size_t tl, s, e;
	uint32_t line0;
	assert_int_equal(lsp_heading("## Part 2 ##", 12, &title, &tl), 2);
	assert_int_equal(tl, 6);
	assert_memory_equal(title, "Part 2", 6);
	assert_int_equal(lsp_heading("#hashtag", 8, &title, &tl), 0);
	assert_int_equal(lsp_heading("####### seven", 13, &title, &tl), 0);
	assert_true(lsp_find_heading(t, strlen(t), " part 2 ", &line0));
	assert_int_equal(line0, 4);
	assert_false(lsp_find_heading(t, strlen(t), "not a heading", &line0));
	assert_true(lsp_section_at(t, strlen(t), 4, &s, &e));
	assert_memory_equal(t + s, "## Part 2", 9);
	assert_memory_equal(t + e, "## Next", 7);
	assert_false(lsp_section_at(t, strlen(t), 2, &s, &e));
}

/* Frames written into a pipe, read back by lsp_read_message. */
static void test_framing(void **state)
{
	(void)state;
	int fds[2];
	struct lsp_reader r;
	struct buf err;
	char *body;
	size_t len;
	const char in[] = "Content-Length: 2\r\nContent-Type: x\r\n\r\n{}"
			  "content-length:   12  \n\n{\"big\":true}"
			  "X: y\r\n\r\n"
			  "Content-Length: 1x\r\n\r\n"
			  "Content-Length: 3\r\n\r\n[1]"
			  "Content-Length: 9\r\n\r\n{\"a\"";
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], in, sizeof(in) - 1), (ssize_t)(sizeof(in) - 1));
	close(fds[1]);
	lsp_reader_init(&r, fds[0]);
	buf_init(&err, 0);
	assert_int_equal(lsp_read_message(&r, 10, &body, &len, &err), LEC_OK);
	assert_string_equal(body, "{}");
	free(body);
	/* over the bound: skipped, and the stream goes on */
	assert_int_equal(lsp_read_message(&r, 10, &body, &len, &err), LEC_ELIMIT);
	assert_null(body);
	assert_int_equal(lsp_read_message(&r, 10, &body, &len, &err), LEC_ESYNTAX);
	assert_int_equal(lsp_read_message(&r, 10, &body, &len, &err), LEC_ESYNTAX);
	assert_int_equal(lsp_read_message(&r, 10, &body, &len, &err), LEC_OK);
	assert_string_equal(body, "[1]");
	free(body);
	/* cut inside a body */
	assert_int_equal(lsp_read_message(&r, 10, &body, &len, &err), LEC_EIO);
	close(fds[0]);
	/* a clean end between messages */
	assert_int_equal(pipe(fds), 0);
	close(fds[1]);
	lsp_reader_init(&r, fds[0]);
	assert_int_equal(lsp_read_message(&r, 10, &body, &len, &err), LEC_ENOTFOUND);
	close(fds[0]);
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf16),    cmocka_unit_test(test_lines),
		cmocka_unit_test(test_uri),      cmocka_unit_test(test_links),
		cmocka_unit_test(test_headings), cmocka_unit_test(test_framing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
