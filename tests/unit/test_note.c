/* test_note.c - note parsing: blocks, segments, metadata, people, real
 * corpora and hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "limits.h"
#include "note.h"
#include "passage.h"

#define TC39_DIR "/work/shared/corpora/tc39-notes/meetings"
#define CORPUS_DIR "corpus" /* tests run from the repository root */

/* ---- helpers ---- */

static void parse_ok(const char *path, const char *src, size_t len, enum note_format fmt,
		     struct note *note)
{
	assert_int_equal(note_parse(path, src, len, fmt, note), LEC_OK);
}

static void parse_md(const char *path, const char *src, struct note *note)
{
	parse_ok(path, src, strlen(src), NOTE_MARKDOWN, note);
}

static void parse_txt(const char *path, const char *src, struct note *note)
{
	parse_ok(path, src, strlen(src), NOTE_TEXT, note);
}

/* A block's visible text, segments joined by '|' and replacements shown
 * as {value}: the exact segmentation is part of what is checked. */
static char *block_text(const struct note *note, size_t bi)
{
	const struct note_block *b = &note->blocks[bi];
	size_t cap = 64, n = 0;
	char *out = malloc(cap);

	assert_non_null(out);
	for (size_t i = 0; i < b->seg_count; i++) {
		const struct note_segment *s = &note->segs[b->seg_first + i];
		size_t need = (s->repl ? s->repl_len + 2 : s->len) + 2;

		while (n + need >= cap) {
			out = realloc(out, cap *= 2);
			assert_non_null(out);
		}
		if (i)
			out[n++] = '|';
		if (s->repl) {
			out[n++] = '{';
			memcpy(out + n, s->repl, s->repl_len);
			n += s->repl_len;
			out[n++] = '}';
		} else {
			memcpy(out + n, note->src + s->off, s->len);
			n += s->len;
		}
	}
	out[n] = '\0';
	return out;
}

static void assert_block(const struct note *note, size_t bi, enum note_block_kind kind,
			 uint32_t line, const char *text)
{
	char *got;

	assert_true(bi < note->nblocks);
	got = block_text(note, bi);
	if (strcmp(got, text) != 0 || note->blocks[bi].kind != kind ||
	    note->blocks[bi].line != line)
		print_error("block %zu: kind %d line %u text \"%s\"; want kind %d line %u \"%s\"\n",
			    bi, note->blocks[bi].kind, note->blocks[bi].line, got, kind, line,
			    text);
	assert_string_equal(got, text);
	assert_int_equal(note->blocks[bi].kind, kind);
	assert_int_equal(note->blocks[bi].line, line);
	free(got);
}

/* Invariants every parse must keep. */
static void check_invariants(const char *name, const struct note *note)
{
	size_t prev_end = 0, seg_next = 0, lastseg = 0, lo = 0;
	uint32_t line = 1;

	for (size_t i = 0; i < note->nblocks; i++) {
		const struct note_block *b = &note->blocks[i];

		if (b->start < prev_end || b->end < b->start || b->end > note->len ||
		    b->seg_first != seg_next)
			fail_msg("%s: block %zu [%zu,%zu) after %zu", name, i, b->start, b->end,
				 prev_end);
		for (; lo < b->start; lo++)
			line += note->src[lo] == '\n';
		if (b->line != line)
			fail_msg("%s: block %zu line %u, want %u", name, i, b->line, line);
		if (b->speaker >= (int)note->npeople || b->presenter >= (int)note->npeople)
			fail_msg("%s: block %zu person out of range", name, i);
		for (size_t j = 0; j < b->seg_count; j++) {
			const struct note_segment *s = &note->segs[b->seg_first + j];

			if (!s->len || s->off < b->start || s->off + s->len > b->end ||
			    s->off < lastseg)
				fail_msg(
					"%s: block %zu seg %zu [%zu+%zu) outside [%zu,%zu) or before %zu",
					name, i, j, s->off, s->len, b->start, b->end, lastseg);
			lastseg = s->off + s->len;
		}
		if (b->end - b->start > LEC_MAX_PASSAGE_BYTES)
			fail_msg("%s: block %zu spans %zu bytes (LEC_MAX_PASSAGE_BYTES)", name, i,
				 b->end - b->start);
		prev_end = b->end;
		seg_next = b->seg_first + b->seg_count;
	}
	assert_int_equal(seg_next, note->nsegs);
}

/* No visible segment (outside code blocks) may hold a link's "](http...)":
 * the URL of a well-formed inline link is never text. */
static void check_no_link_urls(const char *name, const struct note *note)
{
	for (size_t i = 0; i < note->nblocks; i++) {
		const struct note_block *b = &note->blocks[i];

		if (b->kind == NOTE_BLOCK_CODE)
			continue;
		for (size_t j = 0; j < b->seg_count; j++) {
			const struct note_segment *s = &note->segs[b->seg_first + j];
			const char *p =
				s->repl ? NULL : memmem(note->src + s->off, s->len, "](http", 6);
			size_t k;

			if (!p)
				continue;
			/* a destination with a space in it is no link: a reader sees it */
			for (k = (size_t)(p - note->src) + 2;
			     k < note->len && note->src[k] > ' ' && note->src[k] != ')'; k++)
				;
			if (k < note->len && note->src[k] == ')')
				fail_msg("%s: block %zu (line %u) shows a link URL", name, i,
					 b->line);
		}
	}
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)n, f);
	fclose(f);
	return buf;
}

/* ---- markdown ---- */

static const char sample_md[] =
	"---\n" /* 1 */
	"title: Sample Notes\n"
	"date: 2019-06-04\n"
	"tags: [js, tc39]\n"
	"speakers:\n" /* 5 */
	"  - Jordan Harband\n"
	"  - Mark Miller\n"
	"lang: en\n"
	"---\n"
	"# Heading One #\n" /* 10 */
	"\n"
	"Paragraph wrapped\n"
	"over two lines.\n"
	"\n"
	"Setext Heading\n" /* 15 */
	"--------------\n"
	"\n"
	"- item one\n"
	"- item two\n"
	"  - nested item\n" /* 20 */
	"\n"
	"> quoted text\n"
	"> continues\n"
	"\n"
	"```js title=\"x\"\n" /* 25 */
	"let x = 1;\n"
	"```\n"
	"\n"
	"    indented code\n"
	"\n" /* 30 */
	"[cattle](https://example.com/x), not pets\n"
	"\n"
	"See [docs][ref] here.\n"
	"\n"
	"[ref]: https://example.com/ref \"Title\"\n" /* 35 */
	"\n"
	"![alt text](https://example.com/img.png) and <https://example.org/auto>\n"
	"\n"
	"foo<br>bar and caf&eacute; &#233;&#xE9; &amp; &bogus;\n"
	"\n" /* 40 */
	"\\*not emphasis\\* and a\\_b\n"
	"\n"
	"[r2]: https://example.com/r2\n"
	"Text after a definition with `code [x](https://in.code)` and [cat](<https://a.b/c d> 'T')s.\n"
	"\n" /* 45 */
	"***\n"
	"<div class=\"note\">\n"
	"Inside <b>html</b> &copy;\n"
	"</div>\n";

static void test_md_blocks(void **state)
{
	struct note n;
	size_t i = 0;

	(void)state;
	parse_md("/notes/sample.md", sample_md, &n);
	check_invariants("sample", &n);
	assert_block(&n, i++, NOTE_BLOCK_HEADING, 10, " Heading One");
	assert_int_equal(n.blocks[0].level, 1);
	assert_block(&n, i++, NOTE_BLOCK_PARAGRAPH, 12, "Paragraph wrapped\nover two lines.");
	assert_block(&n, i, NOTE_BLOCK_HEADING, 15, "Setext Heading");
	assert_int_equal(n.blocks[i].level, 2);
	/* the block covers its underline, the text does not */
	assert_int_equal(n.blocks[i].end,
			 (size_t)(strstr(sample_md, "-------\n\n-") + 7 - sample_md));
	i++;
	assert_block(&n, i++, NOTE_BLOCK_PARAGRAPH, 18, "item one");
	assert_block(&n, i++, NOTE_BLOCK_PARAGRAPH, 19, "item two");
	assert_block(&n, i++, NOTE_BLOCK_PARAGRAPH, 20, "nested item");
	assert_block(&n, i++, NOTE_BLOCK_PARAGRAPH, 22, "quoted text\n> continues");
	assert_block(&n, i, NOTE_BLOCK_CODE, 25, "let x = 1;");
	/* the block spans both fences; its text is only the content */
	assert_int_equal(n.blocks[i].start, (size_t)(strstr(sample_md, "```js") - sample_md));
	i++;
	assert_block(&n, i++, NOTE_BLOCK_CODE, 29, "indented code");
	assert_block(&n, i++, NOTE_BLOCK_PARAGRAPH, 31, "[cattle|, not pets");
	assert_block(&n, i++, NOTE_BLOCK_PARAGRAPH, 33, "See [docs| here.");
	assert_block(&n, i++, NOTE_BLOCK_PARAGRAPH, 37,
		     "![alt text| and <https://example.org/auto>");
	assert_block(&n, i++, NOTE_BLOCK_PARAGRAPH, 39,
		     "foo<|bar and caf|{\xc3\xa9}| |{\xc3\xa9}|{\xc3\xa9}| |{&}| &bogus;");
	assert_block(&n, i++, NOTE_BLOCK_PARAGRAPH, 41, "*not emphasis|* and a|_b");
	assert_block(&n, i++, NOTE_BLOCK_PARAGRAPH, 44,
		     "Text after a definition with `code [x](https://in.code)` and [cat|s.");
	assert_block(&n, i++, NOTE_BLOCK_HTML, 47, "<|\nInside <|html<| |{\xc2\xa9}|\n<");
	assert_int_equal(n.nblocks, i);
	note_release(&n);
}

/* The exact bytes: every segment's source text is what a reader sees. */
static void test_md_link_bytes(void **state)
{
	const char *src = "Intro.\n\n[cattle](https://example.com/x), not pets\n";
	struct note n;
	const struct note_block *b;

	(void)state;
	parse_md("x.md", src, &n);
	assert_int_equal(n.nblocks, 2);
	b = &n.blocks[1];
	assert_int_equal(b->start, 8);
	assert_int_equal(b->seg_count, 2);
	assert_int_equal(n.segs[b->seg_first].off, 8);
	assert_memory_equal(src + n.segs[b->seg_first].off, "[cattle", 7);
	assert_int_equal(n.segs[b->seg_first].len, 7);
	assert_memory_equal(src + n.segs[b->seg_first + 1].off, ", not pets", 10);
	assert_int_equal(n.segs[b->seg_first + 1].len, 10);
	for (size_t i = 0; i < n.nsegs; i++)
		assert_null(memmem(src + n.segs[i].off, n.segs[i].len, "https", 5));
	note_release(&n);
}

static void test_md_no_urls_in_sample(void **state)
{
	struct note n;

	(void)state;
	parse_md("x.md", sample_md, &n);
	for (size_t i = 0; i < n.nsegs; i++) {
		const struct note_segment *s = &n.segs[i];
		const char *hit = memmem(sample_md + s->off, s->len, "https", 5);

		/* only the autolink and the code span show a URL */
		if (hit)
			assert_true(strncmp(hit, "https://example.org/auto", 24) == 0 ||
				    strncmp(hit, "https://in.code", 15) == 0);
	}
	note_release(&n);
}

static void test_md_front_matter(void **state)
{
	struct note n;

	(void)state;
	parse_md("/notes/sample.md", sample_md, &n);
	assert_string_equal(n.title, "Sample Notes");
	assert_string_equal(n.date, "2019-06-04");
	assert_string_equal(n.lang, "en");
	assert_int_equal(n.ntags, 2);
	assert_string_equal(n.tags[0], "js");
	assert_string_equal(n.tags[1], "tc39");
	assert_int_equal(n.nspeakers, 2);
	assert_string_equal(n.speakers[0], "Jordan Harband");
	assert_string_equal(n.speakers[1], "Mark Miller");
	assert_int_equal(n.body_start, (size_t)(strstr(sample_md, "# Heading") - sample_md));
	assert_int_equal(n.nwarnings, 0);
	note_release(&n);

	parse_md("x.md", "---\ntags: a, b ,c\nspeaker: Kevin Gibbons\n...\nBody\n", &n);
	assert_int_equal(n.ntags, 3);
	assert_string_equal(n.tags[2], "c");
	assert_int_equal(n.nspeakers, 1);
	assert_string_equal(n.title, "Body");
	assert_int_equal(n.nblocks, 1);
	assert_int_equal(n.blocks[0].line, 5);
	note_release(&n);
}

static void test_md_broken_front_matter(void **state)
{
	const char *src = "---\ntitle: ok\nbad: [unclosed\n---\n# Real Title\n";
	struct note n;

	(void)state;
	parse_md("x.md", src, &n);
	assert_int_equal(n.nwarnings, 1);
	assert_non_null(strstr(n.warnings[0], "front matter is not valid YAML"));
	assert_true(strncmp(n.warnings[0], "line ", 5) == 0);
	assert_string_equal(n.title, "Real Title");
	assert_int_equal(n.body_start, (size_t)(strstr(src, "# Real") - src));
	assert_int_equal(n.nblocks, 1);
	assert_int_equal(n.blocks[0].line, 5);
	note_release(&n);

	/* no closing fence: no front matter, all markdown */
	parse_md("x.md", "---\ntitle: x\n", &n);
	assert_int_equal(n.body_start, 0);
	assert_string_equal(n.title, "title: x");
	note_release(&n);

	/* only front matter */
	parse_md("x.md", "---\ntitle: Only\n---\n", &n);
	assert_int_equal(n.nblocks, 0);
	assert_string_equal(n.title, "Only");
	note_release(&n);

	/* not a mapping */
	parse_md("x.md", "---\n- a\n- b\n---\ntext\n", &n);
	assert_int_equal(n.nwarnings, 1);
	assert_non_null(strstr(n.warnings[0], "not a YAML mapping"));
	note_release(&n);
}

static void test_md_crlf(void **state)
{
	const char *src = "# T\r\n\r\npara one\r\nline two\r\n\r\n- item\r\n";
	struct note n;

	(void)state;
	parse_md("x.md", src, &n);
	check_invariants("crlf", &n);
	assert_int_equal(n.nblocks, 3);
	assert_block(&n, 0, NOTE_BLOCK_HEADING, 1, " T");
	assert_block(&n, 1, NOTE_BLOCK_PARAGRAPH, 3, "para one\r\nline two");
	assert_block(&n, 2, NOTE_BLOCK_PARAGRAPH, 6, "item");
	note_release(&n);
}

static void test_md_tabs_and_nesting(void **state)
{
	const char *src =
		"-\ttab item\n\t- nested\n\n> > deep\n> > quote\n\n1. one\n\n   para in item\n";
	struct note n;

	(void)state;
	parse_md("x.md", src, &n);
	check_invariants("tabs", &n);
	assert_block(&n, 0, NOTE_BLOCK_PARAGRAPH, 1, "tab item");
	assert_block(&n, 1, NOTE_BLOCK_PARAGRAPH, 2, "nested");
	assert_block(&n, 2, NOTE_BLOCK_PARAGRAPH, 4, "deep\n> > quote");
	assert_block(&n, 3, NOTE_BLOCK_PARAGRAPH, 7, "one");
	assert_block(&n, 4, NOTE_BLOCK_PARAGRAPH, 9, "para in item");
	assert_int_equal(n.nblocks, 5);
	note_release(&n);
}

static void test_md_inline_edges(void **state)
{
	struct note n;

	(void)state;
	/* a link's text joins the word after it: "cats" */
	parse_md("x.md", "[cat](u)s <!-- gone --> x <span a=\"1\" b='2' c=3>y</span>\n", &n);
	assert_block(&n, 0, NOTE_BLOCK_PARAGRAPH, 1, "[cat|s <| x <|y<");
	note_release(&n);

	/* not links: a space before "(", an unclosed destination */
	parse_md("x.md", "[a] (b) and [c](d e f)\n", &n);
	assert_block(&n, 0, NOTE_BLOCK_PARAGRAPH, 1, "[a] (b) and [c](d e f)");
	note_release(&n);

	/* a link inside an image's text; nested parentheses in a destination */
	parse_md("x.md", "![see [x](y)](z) [w](a(b)c \"t\")!\n", &n);
	assert_block(&n, 0, NOTE_BLOCK_PARAGRAPH, 1, "![see [x| [w|!");
	note_release(&n);

	/* escapes stop markup; an entity inside a code span is literal */
	parse_md("x.md", "\\[not](link) `&amp;` \\&amp;\n", &n);
	assert_block(&n, 0, NOTE_BLOCK_PARAGRAPH, 1, "[not](link) `&amp;` |&amp;");
	note_release(&n);
}

/* ---- plain text ---- */

static void test_txt_blocks(void **state)
{
	const char *src = "\xEF\xBB\xBF"
			  "First line\nsecond line\n\n  \t\n"
			  "\xE2\x80\xA2 bullet one\r\n\xE2\x80\xA2 bullet two\n\n\nlast";
	struct note n;

	(void)state;
	parse_ok("/x/plain.txt", src, strlen(src), NOTE_TEXT, &n);
	check_invariants("txt", &n);
	assert_int_equal(n.body_start, 3);
	assert_int_equal(n.nblocks, 3);
	assert_int_equal(n.blocks[0].start, 3);
	assert_block(&n, 0, NOTE_BLOCK_PARAGRAPH, 1, "First line\nsecond line");
	assert_block(&n, 1, NOTE_BLOCK_PARAGRAPH, 5,
		     "\xE2\x80\xA2 bullet one\r\n\xE2\x80\xA2 bullet two");
	assert_block(&n, 2, NOTE_BLOCK_PARAGRAPH, 9, "last");
	assert_string_equal(n.title, "First line");
	assert_null(n.date);
	note_release(&n);

	/* "# x" is no heading in plain text, "---" no front matter */
	parse_txt("/x/n", "---\ntitle: y\n---\n# x\n", &n);
	assert_int_equal(n.nblocks, 1);
	assert_int_equal(n.body_start, 0);
	assert_string_equal(n.title, "---");
	note_release(&n);
}

/* ---- title and date ---- */

static void test_title_date(void **state)
{
	struct note n;

	(void)state;
	parse_md("/c/meetings/2019-06/june-4.md", "# June 4, 2019 Meeting Notes\n", &n);
	assert_string_equal(n.title, "June 4, 2019 Meeting Notes");
	assert_string_equal(n.date, "2019-06-04");
	note_release(&n);

	parse_md("/c/meetings/2019-06/toc.md", "# Agenda\n", &n);
	assert_string_equal(n.date, "2019-06");
	note_release(&n);

	parse_md("/c/2020-03-05-standup.md", "text\n", &n);
	assert_string_equal(n.date, "2020-03-05");
	note_release(&n);

	parse_md("/c/x.md", "---\ndate: 2021-01-25T10:00:00Z\n---\n# T 1999\n", &n);
	assert_string_equal(n.date, "2021-01-25");
	note_release(&n);

	parse_md("/c/x.md", "---\ndate: \"June 4th, 2019\"\n---\n", &n);
	assert_string_equal(n.date, "2019-06-04");
	note_release(&n);

	parse_md("/c/x.md", "---\ndate: someday\n---\nx\n", &n);
	assert_null(n.date);
	assert_int_equal(n.nwarnings, 1);
	note_release(&n);

	parse_md("/c/x.md",
		 "Intro line with *no* heading\n\n## Caf&eacute; [menu](http://m) 2017\n", &n);
	assert_string_equal(n.title, "Caf\xc3\xa9 menu 2017");
	assert_string_equal(n.date, "2017");
	note_release(&n);

	parse_md("/c/x.md", "No heading [here](http://x)\nsecond\n", &n);
	assert_string_equal(n.title, "No heading [here");
	assert_null(n.date);
	note_release(&n);

	parse_txt("/c/2012-reinvent-vogels.txt", "Thursday, November 29, 2012\n\nAWS\n", &n);
	assert_string_equal(n.date, "2012-11-29");
	note_release(&n);

	parse_txt("/c/2015-keynote.txt", "I'm back\n", &n);
	assert_string_equal(n.date, "2015");
	note_release(&n);

	parse_txt("/c/a.txt", "Notes   from\tthe 25 January 2021 call\n", &n);
	assert_string_equal(n.title, "Notes from the 25 January 2021 call");
	assert_string_equal(n.date, "2021-01-25");
	note_release(&n);
}

static void test_format_for_path(void **state)
{
	(void)state;
	assert_int_equal(note_format_for_path("/a/b.md"), NOTE_MARKDOWN);
	assert_int_equal(note_format_for_path("/a/b.MarkDown"), NOTE_MARKDOWN);
	assert_int_equal(note_format_for_path("b.mkd"), NOTE_MARKDOWN);
	assert_int_equal(note_format_for_path("b.mdown"), NOTE_MARKDOWN);
	assert_int_equal(note_format_for_path("/a.md/notes"), NOTE_TEXT);
	assert_int_equal(note_format_for_path("/a/.md"), NOTE_TEXT);
	assert_int_equal(note_format_for_path("/a/b.txt"), NOTE_TEXT);
	assert_int_equal(note_format_for_path("/a/README"), NOTE_TEXT);
}

/* ---- people ---- */

static const char people_md[] =
	"# Meeting\n"
	"Attendees: Istv\xc3\xa1n Sebesty\xc3\xa9n (IS), Jordan Harband (JHD), Chris de Almeida (CDA),\n"
	"Andrew Paprocki (API)\n"
	"\n"
	"| Name | Abbreviation | Organization |\n"
	"| ---- | ---- | ---- |\n"
	"| Ross Kirsling | RKG | Sony |\n"
	"\n"
	"## Topic\n"
	"Presenter: Jordan Harband (JHD)\n"
	"\n"
	"JHD: I think so.\n"
	"\n"
	"RKG: Table person.\n"
	"\n"
	"ZZZ: Unknown person.\n"
	"\n"
	"- IS: in a list.\n"
	"\n"
	"NOTE: not a person.\n"
	"\n"
	"Presenters: Mark Miller, Kevin Gibbons (KG) and CDA\n"
	"\n"
	"CDA: particle name.\n"
	"\n"
	"API: a stop word, but a known person.\n";

static const struct note_person *speaker_of(const struct note *n, const char *prefix)
{
	for (size_t i = 0; i < n->nblocks; i++) {
		const struct note_block *b = &n->blocks[i];

		if (b->end - b->start >= strlen(prefix) &&
		    memcmp(n->src + b->start, prefix, strlen(prefix)) == 0)
			return b->speaker >= 0 ? &n->people[b->speaker] : NULL;
	}
	fail_msg("no block starts with %s", prefix);
	return NULL;
}

static const struct note_block *block_starting(const struct note *n, const char *prefix)
{
	for (size_t i = 0; i < n->nblocks; i++)
		if (strncmp(n->src + n->blocks[i].start, prefix, strlen(prefix)) == 0)
			return &n->blocks[i];
	fail_msg("no block starts with %s", prefix);
	return NULL;
}

static void test_people(void **state)
{
	struct note n;
	const struct note_person *p;
	const struct note_block *b;

	(void)state;
	parse_md("/m/2019-06/june-4.md", people_md, &n);
	check_invariants("people", &n);
	p = speaker_of(&n, "JHD:");
	assert_non_null(p);
	assert_string_equal(p->name, "Jordan Harband");
	assert_string_equal(p->initials, "JHD");
	assert_string_equal(speaker_of(&n, "RKG:")->name, "Ross Kirsling");
	assert_string_equal(speaker_of(&n, "IS:")->name, "Istv\xc3\xa1n Sebesty\xc3\xa9n");
	assert_string_equal(speaker_of(&n, "CDA:")->name, "Chris de Almeida");
	p = speaker_of(&n, "ZZZ:");
	assert_null(p->name);
	assert_string_equal(p->initials, "ZZZ");
	assert_null(speaker_of(&n, "NOTE:"));
	assert_string_equal(speaker_of(&n, "API:")->name, "Andrew Paprocki");
	assert_null(speaker_of(&n, "# Meeting"));

	b = block_starting(&n, "Presenter:");
	assert_true(b->presenter >= 0);
	assert_int_equal(b->speaker, -1);
	assert_string_equal(n.people[b->presenter].name, "Jordan Harband");
	b = block_starting(&n, "Presenters:");
	assert_true(b->presenter >= 0);
	assert_string_equal(n.people[b->presenter].name, "Mark Miller");
	assert_null(n.people[b->presenter].initials);

	/* every presenter became a person, deduplicated by initials */
	{
		int kg = -1, cda = 0;

		for (size_t i = 0; i < n.npeople; i++) {
			if (n.people[i].initials && !strcmp(n.people[i].initials, "KG"))
				kg = (int)i;
			if (n.people[i].initials && !strcmp(n.people[i].initials, "CDA"))
				cda++;
		}
		assert_true(kg >= 0);
		assert_string_equal(n.people[kg].name, "Kevin Gibbons");
		assert_int_equal(cda, 1);
	}
	note_release(&n);

	/* plain-text notes get speakers too */
	parse_txt("/t/n.txt", "Jordan Harband (JHD)\n\nJHD: hi\n", &n);
	assert_int_equal(n.nblocks, 2);
	assert_string_equal(n.people[n.blocks[1].speaker].name, "Jordan Harband");
	note_release(&n);
}

/* ---- real corpora ---- */

static size_t parse_tree(const char *dir, const char *suffix, size_t *files)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t bytes = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;
		size_t len = strlen(e->d_name), slen = strlen(suffix);

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			bytes += parse_tree(path, suffix, files);
		} else if (len > slen && strcmp(e->d_name + len - slen, suffix) == 0) {
			size_t n;
			char *src = slurp(path, &n);
			struct note note;

			parse_ok(path, src, n, note_format_for_path(path), &note);
			check_invariants(path, &note);
			check_no_link_urls(path, &note);
			note_release(&note);
			free(src);
			bytes += n;
			(*files)++;
		}
	}
	closedir(d);
	return bytes;
}

/* Blocks spoken (or presented, when `presenter`) by `name`; any person
 * when name is NULL. */
static size_t count_blocks(const struct note *n, const char *name, bool presenter)
{
	size_t count = 0;

	for (size_t i = 0; i < n->nblocks; i++) {
		int p = presenter ? n->blocks[i].presenter : n->blocks[i].speaker;

		if (p >= 0 && (!name || (n->people[p].name && !strcmp(n->people[p].name, name))))
			count++;
	}
	return count;
}

static void test_tc39_corpus(void **state)
{
	size_t files = 0;
	struct note n;
	size_t len;
	char *src;

	(void)state;
	if (access(TC39_DIR, R_OK) != 0)
		skip();
	parse_tree(TC39_DIR, ".md", &files);
	assert_true(files >= 300);

	src = slurp(TC39_DIR "/2019-06/june-4.md", &len);
	parse_ok(TC39_DIR "/2019-06/june-4.md", src, len, NOTE_MARKDOWN, &n);
	assert_string_equal(n.date, "2019-06-04");
	assert_string_equal(n.title, "June 4, 2019 Meeting Notes");
	assert_string_equal(speaker_of(&n, "IS: Page 3")->name, "Istv\xc3\xa1n Sebesty\xc3\xa9n");
	assert_true(count_blocks(&n, "Jordan Harband", false) >= 5);
	assert_int_equal(count_blocks(&n, NULL, true), 0); /* no Presenter lines in it */
	note_release(&n);
	free(src);

	src = slurp(TC39_DIR "/2021-01/jan-25.md", &len);
	parse_ok(TC39_DIR "/2021-01/jan-25.md", src, len, NOTE_MARKDOWN, &n);
	assert_string_equal(n.date, "2021-01-25");
	assert_int_equal(count_blocks(&n, NULL, true), 9);
	/* the attendee table names the speakers */
	assert_string_equal(speaker_of(&n, "WH:")->name, "Waldemar Horwat");
	note_release(&n);
	free(src);
}

static void test_text_corpus(void **state)
{
	size_t files = 0;

	(void)state;
	if (access(CORPUS_DIR, R_OK) != 0)
		skip();
	parse_tree(CORPUS_DIR, ".txt", &files);
	assert_true(files >= 5);
}

/* ---- hostile input ---- */

/* Parses `src` both ways and checks the result. Quadratic behaviour over
 * these megabytes takes hours: tests/run's timeout fails the program, no
 * clock here. */
static void hostile(const char *name, const char *src, size_t len)
{
	struct note n;

	for (int f = 0; f < 2; f++) {
		parse_ok("/h/x", src, len, f ? NOTE_TEXT : NOTE_MARKDOWN, &n);
		check_invariants(name, &n);
		note_release(&n);
	}
}

static char *repeat(const char *unit, size_t total, size_t *len)
{
	size_t ul = strlen(unit), n = total / ul;
	char *s = malloc(n * ul + 1);

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * ul, unit, ul);
	s[n * ul] = '\0';
	*len = n * ul;
	return s;
}

static void test_hostile(void **state)
{
	static const char *const units[] = {
		"*",
		"[",
		"]",
		"[](",
		"[a](b \"",
		"[a](<",
		"![",
		"`",
		"``x`",
		"<a b='",
		"<!--",
		"<?",
		"&amp;",
		"&a1b2;",
		"\\",
		"[x]: y '",
		"(AB) ",
		"Aaaa (AB) ",
		"| Ann Bo | AB |\n",
		"JHD: x\n\n",
		"Presenter: a, b, c\n\n",
		"> ",
		"- ",
		"  - ",
		"1. ",
		"\n",
		"\r",
		"\r\n",
		"---\n",
		"# ",
		"\t",
		"\xff\xfe",
		"\xc3",
	};
	size_t len;
	char *s;

	(void)state;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		s = repeat(units[i], 1u << 20, &len);
		hostile(units[i], s, len);
		free(s);
	}
	/* backtick runs of every length */
	s = malloc(1u << 20);
	assert_non_null(s);
	for (len = 0; len + 200 < (1u << 20);) {
		for (size_t k = 0, r = (len / 7) % 150 + 1; k < r; k++)
			s[len++] = '`';
		s[len++] = 'x';
	}
	hostile("ticks", s, len);
	free(s);

	/* 100000 nested block quotes and list levels */
	s = repeat(">", 100000, &len);
	hostile("quotes", s, len);
	free(s);
	s = repeat("- ", 200000, &len);
	hostile("lists", s, len);
	free(s);

	/* NUL bytes and invalid UTF-8 */
	{
		const char nul[] = "# Ti\0tle\n\nPara\0graph [l](u\0) x\n\n\0\n";
		const char bad[] = "ok\xff\xfe bad \xc3 text\n\n\xed\xa0\x80 surrogate\n";
		struct note n;

		parse_ok("x.md", nul, sizeof(nul) - 1, NOTE_MARKDOWN, &n);
		check_invariants("nul", &n);
		assert_int_equal(n.nblocks, 3);
		note_release(&n);
		parse_ok("x.md", bad, sizeof(bad) - 1, NOTE_MARKDOWN, &n);
		check_invariants("bad", &n);
		assert_int_equal(n.nwarnings, 1);
		assert_string_equal(n.warnings[0], "invalid UTF-8 at byte 2");
		note_release(&n);
	}

	/* empty input, NULL with length 0, front matter without an end */
	{
		struct note n;

		parse_ok("x.md", "", 0, NOTE_MARKDOWN, &n);
		assert_int_equal(n.nblocks, 0);
		assert_null(n.title);
		note_release(&n);
		parse_ok("x.txt", NULL, 0, NOTE_TEXT, &n);
		assert_int_equal(n.nblocks, 0);
		note_release(&n);
		assert_int_equal(note_parse("x", NULL, 5, NOTE_TEXT, &n), LEC_EINVAL);
		s = repeat("key: value\n", 100000, &len);
		memcpy(s, "---\n", 4);
		memcpy(s + len - 4, "---\n", 4);
		parse_ok("x.md", s, len, NOTE_MARKDOWN, &n);
		assert_int_equal(n.body_start, 0);
		assert_int_equal(n.nwarnings, 1);
		assert_non_null(strstr(n.warnings[0], "front matter not closed"));
		note_release(&n);
		free(s);
	}
}

/* libyaml slows down with nesting: deep flow collections are refused (a
 * warning, the body after them), and aliases are never expanded (an
 * expanded bomb would never end: tests/run's timeout). */
static void test_hostile_front_matter(void **state)
{
	static const char bomb[] = "---\n"
				   "a: &a [x, x, x, x, x, x, x, x, x]\n"
				   "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
				   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
				   "tags: [*c, *c, *c, *c, *c, *c, *c, *c, *c, ok]\n"
				   "---\n";
	struct note n;
	size_t len;
	char *s;

	(void)state;
	s = repeat("[", 60000, &len);
	memcpy(s, "---\n", 4);
	memcpy(s + len - 5, "\n---\n", 5);
	parse_ok("x.md", s, len, NOTE_MARKDOWN, &n);
	assert_int_equal(n.nwarnings, 1);
	assert_non_null(strstr(n.warnings[0], "brackets"));
	assert_int_equal(n.body_start, len);
	note_release(&n);
	free(s);

	parse_md("x.md", bomb, &n);
	assert_int_equal(n.ntags, 1);
	assert_string_equal(n.tags[0], "ok");
	note_release(&n);
}

static void test_long_line(void **state)
{
	size_t len;
	char *s = repeat("lorem ipsum, dolor [sit](amet) ", 50u << 20, &len);

	/* links only near the start: a 50 MB line of links would measure
	 * cmark's node allocation, not this parser */
	for (size_t i = 4096; i < len; i++)
		if (s[i] == '[' || s[i] == ']' || s[i] == '(' || s[i] == ')')
			s[i] = ' ';

	(void)state;
	hostile("50MB line", s, len);
	free(s);
}

/* ---- blocks and passages past LEC_MAX_PASSAGE_BYTES ---- */

/* The visible bytes of a note's segments, in order (replacements as their
 * source bytes): what cutting blocks must keep whole. */
static size_t visible_bytes(const struct note *n)
{
	size_t total = 0;

	for (size_t i = 0; i < n->nsegs; i++)
		total += n->segs[i].len;
	return total;
}

/* Parse src as fmt, check every block fits and nothing visible is lost
 * (want: the visible bytes), and return the note. */
static void parse_split(const char *name, const char *src, size_t len, enum note_format fmt,
			size_t want, struct note *n)
{
	struct passage *ps;
	size_t np;

	parse_ok(fmt == NOTE_MARKDOWN ? "/h/x.md" : "/h/x.txt", src, len, fmt, n);
	check_invariants(name, n);
	if (want)
		assert_int_equal(visible_bytes(n), want);
	assert_int_equal(passages_build(n, &ps, &np), LEC_OK);
	for (size_t i = 0; i < np; i++)
		if (ps[i].end - ps[i].start > LEC_MAX_PASSAGE_BYTES)
			fail_msg("%s: passage %zu spans %zu bytes", name, i,
				 ps[i].end - ps[i].start);
	passages_free(ps, np);
}

static void test_split_long_blocks(void **state)
{
	struct note n;
	size_t len;
	char *s;

	(void)state;
	/* lines without a blank one: cut after a line break, each piece more
	 * than half the limit */
	s = repeat("the committee reached consensus on the proposal today, again\n", 300000, &len);
	parse_split("lines", s, len, NOTE_TEXT, len - 1, &n);
	assert_true(n.nblocks >= 9);
	for (size_t i = 0; i + 1 < n.nblocks; i++) {
		assert_int_equal(s[n.blocks[i].end - 1], '\n');
		assert_true(n.blocks[i].end - n.blocks[i].start > LEC_MAX_PASSAGE_BYTES / 2);
		assert_int_equal(n.blocks[i + 1].start, n.blocks[i].end);
	}
	note_release(&n);
	free(s);

	/* one line of sentences: cut after a sentence end */
	s = repeat("Consensus was reached. ", 200000, &len);
	parse_split("sentences", s, len, NOTE_TEXT, len, &n);
	for (size_t i = 0; i + 1 < n.nblocks; i++)
		assert_memory_equal(s + n.blocks[i].end - 2, ". ", 2);
	note_release(&n);
	free(s);

	/* one line of words: after a space */
	s = repeat("consensus ", 200000, &len);
	parse_split("words", s, len, NOTE_TEXT, len, &n);
	for (size_t i = 0; i + 1 < n.nblocks; i++)
		assert_int_equal(s[n.blocks[i].end - 1], ' ');
	note_release(&n);
	free(s);

	/* no space at all: at a character boundary, never inside one */
	s = repeat("\xc3\xa9t\xc3\xa9", 200000, &len);
	parse_split("one word", s, len, NOTE_TEXT, len, &n);
	assert_true(n.nblocks >= 6);
	for (size_t i = 0; i + 1 < n.nblocks; i++)
		assert_int_not_equal((unsigned char)s[n.blocks[i].end] & 0xC0, 0x80);
	note_release(&n);
	free(s);

	/* markdown: a long heading keeps its first piece a heading; entities
	 * and links are never cut */
	s = repeat("caf&eacute; [link](http://example.com/x) words ", 100000, &len);
	memcpy(s, "# ", 2);
	parse_split("heading", s, len, NOTE_MARKDOWN, 0, &n);
	assert_int_equal(n.blocks[0].kind, NOTE_BLOCK_HEADING);
	assert_true(n.nblocks >= 3);
	for (size_t i = 1; i < n.nblocks; i++)
		assert_int_equal(n.blocks[i].kind, NOTE_BLOCK_PARAGRAPH);
	check_no_link_urls("heading", &n);
	note_release(&n);
	free(s);

	/* a speaker's long turn: every piece is theirs */
	s = repeat("and so on and so forth ", 100000, &len);
	memcpy(s, "JHD: I think", 12);
	parse_split("turn", s, len, NOTE_TEXT, len, &n);
	for (size_t i = 0; i < n.nblocks; i++)
		assert_int_equal(n.blocks[i].speaker, n.blocks[0].speaker);
	assert_true(n.blocks[0].speaker >= 0);
	note_release(&n);
	free(s);

	/* blocks without words do not make a passage grow past the limit */
	s = repeat("....\n\n", 100000, &len);
	parse_split("no words", s, len, NOTE_TEXT, 0, &n);
	note_release(&n);
	free(s);
}

static void test_note_bounds(void **state)
{
	struct note n;
	size_t len;
	char *s;

	(void)state;
	/* more blocks than LEC_MAX_NOTE_BLOCKS: refused */
	s = repeat("a\n\n", 3 * (LEC_MAX_NOTE_BLOCKS + 1), &len);
	assert_int_equal(note_parse("/h/x.txt", s, len, NOTE_TEXT, &n), LEC_ELIMIT);
	free(s);
	/* markdown with more marks than cmark's tree may cost: read as text */
	s = repeat("*a* ", 4 * (LEC_MAX_MARKDOWN_MARKS / 2 + 1), &len);
	parse_ok("/h/x.md", s, len, NOTE_MARKDOWN, &n);
	check_invariants("marks", &n);
	assert_int_equal(n.nwarnings, 1);
	assert_non_null(strstr(n.warnings[0], "LEC_MAX_MARKDOWN_MARKS"));
	assert_int_equal(visible_bytes(&n), len);
	note_release(&n);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md_blocks),
		cmocka_unit_test(test_md_link_bytes),
		cmocka_unit_test(test_md_no_urls_in_sample),
		cmocka_unit_test(test_md_front_matter),
		cmocka_unit_test(test_md_broken_front_matter),
		cmocka_unit_test(test_md_crlf),
		cmocka_unit_test(test_md_tabs_and_nesting),
		cmocka_unit_test(test_md_inline_edges),
		cmocka_unit_test(test_txt_blocks),
		cmocka_unit_test(test_title_date),
		cmocka_unit_test(test_format_for_path),
		cmocka_unit_test(test_people),
		cmocka_unit_test(test_tc39_corpus),
		cmocka_unit_test(test_text_corpus),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_hostile_front_matter),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_split_long_blocks),
		cmocka_unit_test(test_note_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
