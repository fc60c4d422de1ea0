/* test_walk.c - the directory walk over real temporary trees. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ignore.h"
#include "limits.h"
#include "walk.h"

#define MAX_RECS 64
#define NOBODY 65534

/* ---- what a walk reported ---- */

struct rec {
	char *rel, *path;
	uint64_t size;
	int64_t mtime_ns;
	dev_t dev;
	ino_t ino;
};

struct result {
	struct rec files[MAX_RECS];
	size_t nfiles;
	char *wpath[MAX_RECS], *wmsg[MAX_RECS];
	size_t nwarn;
	size_t stop_after; /* stop when this many files were seen; 0: never */
};

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		abort();
	return d;
}

static int on_file(void *ctx, const struct walk_entry *e)
{
	struct result *r = ctx;
	struct rec *rec;

	if (r->nfiles == MAX_RECS)
		abort();
	rec = &r->files[r->nfiles++];
	rec->rel = xstrdup(e->relpath);
	rec->path = xstrdup(e->path);
	rec->size = e->size;
	rec->mtime_ns = e->mtime_ns;
	rec->dev = e->dev;
	rec->ino = e->ino;
	return r->stop_after && r->nfiles >= r->stop_after;
}

static void on_warn(void *ctx, const char *path, const char *message)
{
	struct result *r = ctx;

	if (r->nwarn == MAX_RECS)
		abort();
	r->wpath[r->nwarn] = xstrdup(path);
	r->wmsg[r->nwarn++] = xstrdup(message);
}

static void result_free(struct result *r)
{
	for (size_t i = 0; i < r->nfiles; i++) {
		free(r->files[i].rel);
		free(r->files[i].path);
	}
	for (size_t i = 0; i < r->nwarn; i++) {
		free(r->wpath[i]);
		free(r->wmsg[i]);
	}
	memset(r, 0, sizeof(*r));
}

static void dump(const struct result *r)
{
	for (size_t i = 0; i < r->nfiles; i++)
		print_message("  file %zu: \"%s\"\n", i, r->files[i].rel);
	for (size_t i = 0; i < r->nwarn; i++)
		print_message("  warn: %s: %s\n", r->wpath[i], r->wmsg[i]);
}

/* The reported relpaths are exactly `want`, in that order. */
static void assert_files(const struct result *r, const char *const *want, size_t n)
{
	bool same = r->nfiles == n;

	for (size_t i = 0; same && i < n; i++)
		same = strcmp(r->files[i].rel, want[i]) == 0;
	if (!same) {
		dump(r);
		fail_msg("reported files differ from the %zu expected", n);
	}
}

/* Some warning is about root/rel and says `msg` (a prefix of it). */
static bool has_warning(const struct result *r, const char *root, const char *rel, const char *msg)
{
	char path[8192];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (size_t i = 0; i < r->nwarn; i++) {
		if (!strcmp(r->wpath[i], path) && !strncmp(r->wmsg[i], msg, strlen(msg)))
			return true;
	}
	return false;
}

static void assert_warning(const struct result *r, const char *root, const char *rel,
			   const char *msg)
{
	if (!has_warning(r, root, rel, msg)) {
		dump(r);
		fail_msg("no warning \"%s\" for %s", msg, rel);
	}
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- building and removing trees ---- */

static void join(char *out, size_t cap, const char *root, const char *rel)
{
	int n = snprintf(out, cap, "%s/%s", root, rel);

	assert_true(n > 0 && (size_t)n < cap);
}

/* mkdir -p the parents of root/rel. */
static void make_parents(const char *root, const char *rel)
{
	char path[4096];

	join(path, sizeof(path), root, rel);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
		*p = '/';
	}
}

static void put(const char *root, const char *rel, const char *text)
{
	char path[4096];
	FILE *f;

	make_parents(root, rel);
	join(path, sizeof(path), root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void mkdir_rel(const char *root, const char *rel)
{
	char path[4096];

	make_parents(root, rel);
	join(path, sizeof(path), root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void link_rel(const char *root, const char *rel, const char *target)
{
	char path[4096];

	make_parents(root, rel);
	join(path, sizeof(path), root, rel);
	assert_int_equal(symlink(target, path), 0);
}

/* rm -rf name in dfd, restoring permissions first; works at any depth. */
static void rm_at(int dfd, const char *name)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int fd;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlinkat(dfd, name, 0);
		return;
	}
	fchmodat(dfd, name, 0700, 0);
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (fd >= 0 && (d = fdopendir(fd)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				rm_at(dirfd(d), de->d_name);
		}
		closedir(d);
	} else if (fd >= 0) {
		close(fd);
	}
	unlinkat(dfd, name, AT_REMOVEDIR);
}

/* Each tree test gets a fresh root in *state, removed even if it fails. */
static int setup_root(void **state)
{
	char *root = strdup("/tmp/lectern-walk-XXXXXX");

	if (!root || !mkdtemp(root)) {
		free(root);
		return -1;
	}
	*state = root;
	return 0;
}

static int teardown_root(void **state)
{
	char *root = *state;
	struct stat st;
	int gone;

	rm_at(AT_FDCWD, root);
	gone = lstat(root, &st) != 0;
	free(root);
	return gone ? 0 : -1;
}

static lec_status walk(const char *root, struct result *r)
{
	memset(r, 0, sizeof(*r));
	return walk_root(root, on_file, on_warn, r);
}

/* ---- tests ---- */

static void test_sorted_nested(void **state)
{
	static const char *const want[] = {
		"B.md", "a b.md", "a.md", "ab/x.md", "b.md", "c/a/y.md", "c/z.md",
	};
	const char *root = *state;
	char path[4096];
	struct timespec times[2] = { { 0, UTIME_OMIT }, { 1600000000, 123456789 } };
	struct result r;
	struct stat st;

	put(root, "b.md", "bb");
	put(root, "a.md", "a");
	put(root, "c/z.md", "");
	put(root, "c/a/y.md", "");
	put(root, "B.md", "");
	put(root, "a b.md", "");
	put(root, "ab/x.md", "");
	mkdir_rel(root, "empty");
	join(path, sizeof(path), root, "b.md");
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
	assert_int_equal(stat(path, &st), 0);

	assert_int_equal(walk(root, &r), LEC_OK);
	assert_files(&r, want, ARRAY_LEN(want));
	assert_int_equal(r.nwarn, 0);
	for (size_t i = 0; i < r.nfiles; i++) {
		join(path, sizeof(path), root, r.files[i].rel);
		assert_string_equal(r.files[i].path, path);
	}
	assert_int_equal(r.files[4].size, 2);
	assert_int_equal(r.files[4].mtime_ns, INT64_C(1600000000123456789));
	assert_int_equal(r.files[4].dev, st.st_dev);
	assert_int_equal(r.files[4].ino, st.st_ino);
	result_free(&r);

	/* trailing slashes on the root do not double the separator */
	snprintf(path, sizeof(path), "%s//", root);
	assert_int_equal(walk(path, &r), LEC_OK);
	assert_files(&r, want, ARRAY_LEN(want));
	join(path, sizeof(path), root, "B.md");
	assert_string_equal(r.files[0].path, path);
	result_free(&r);
}

static void test_hidden_skipped(void **state)
{
	static const char *const want[] = { "sub/v.md", "visible.md" };
	const char *root = *state;
	struct result r;

	put(root, ".hidden.md", "");
	put(root, ".git/config", "");
	put(root, ".git/notes.md", "");
	put(root, ".dir/x.md", "");
	put(root, "sub/.x.md", "");
	put(root, "sub/v.md", "");
	put(root, "visible.md", "");
	put(root, ".lecternignore", "# nothing\n");
	assert_int_equal(walk(root, &r), LEC_OK);
	assert_files(&r, want, ARRAY_LEN(want));
	assert_int_equal(r.nwarn, 0);
	result_free(&r);
}

static void test_ignore_files(void **state)
{
	static const char *const want[] = {
		"keep.log",       "other/build", "sub/anchored", "sub/n.log",
		"sub/tmpfile.md", "sub/y/x.md",  "x.md",
	};
	const char *root = *state;
	struct result r;

	put(root, ".lecternignore", "*.log\nbuild/\n/anchored\n!keep.log\n**/tmp\n");
	put(root, "a.log", "");
	put(root, "keep.log", "");
	put(root, "x.md", "");
	put(root, "build/out.md", "");
	put(root, "sub/build/out.md", "");
	put(root, "other/build", ""); /* a file: build/ is for directories */
	put(root, "anchored", "");
	put(root, "sub/anchored", "");
	put(root, "tmp/t.md", "");
	put(root, "sub/deep/tmp/t.md", "");
	put(root, "sub/tmpfile.md", "");
	/* the nested file overrides its parent, only below itself */
	put(root, "sub/.lecternignore", "!*.log\n/x.md\n");
	put(root, "sub/n.log", "");
	put(root, "sub/x.md", "");
	put(root, "sub/y/x.md", "");
	put(root, "zz/n.log", "");
	assert_int_equal(walk(root, &r), LEC_OK);
	assert_files(&r, want, ARRAY_LEN(want));
	assert_int_equal(r.nwarn, 0);
	result_free(&r);
}

static void test_caller_rules(void **state)
{
	static const char *const want[] = { "a.md", "d/keep.txt" };
	const char *root = *state;
	struct ign_set *rules;
	struct result r;

	put(root, "a.md", "");
	put(root, "b.txt", "");
	put(root, "d/keep.txt", "");
	put(root, "d/other.txt", "");
	put(root, "d/.lecternignore", "!keep.txt\n");
	assert_int_equal(ign_new(&rules), LEC_OK);
	assert_int_equal(ign_add_rules_text(rules, "", "*.txt", 5), LEC_OK);
	memset(&r, 0, sizeof(r));
	assert_int_equal(
		walk_tree(root, &(struct walk_opts){ .rules = rules }, on_file, on_warn, &r),
		LEC_OK);
	assert_files(&r, want, ARRAY_LEN(want));
	assert_int_equal(ign_mark(rules), 1); /* the caller's set is untouched */
	ign_free(rules);
	result_free(&r);
}

/* Walk root/rel with top (NULL: none). */
static lec_status walk_under(const char *root, const char *rel, const char *top, struct result *r)
{
	char path[4096];

	join(path, sizeof(path), root, rel);
	memset(r, 0, sizeof(*r));
	return walk_tree(path, &(struct walk_opts){ .top = top }, on_file, on_warn, r);
}

/* .gitignore counts only inside a git repository; .ignore always. */
static void test_gitignore_needs_repo(void **state)
{
	static const char *const outside[] = { "a.log", "b.md", "sub/c.log" };
	static const char *const inside[] = { "b.md" };
	const char *root = *state;
	struct result r;

	put(root, ".gitignore", "*.log\n");
	put(root, ".ignore", "*.tmp\n");
	put(root, "a.log", "");
	put(root, "b.md", "");
	put(root, "c.tmp", "");
	put(root, "sub/c.log", "");
	assert_int_equal(walk(root, &r), LEC_OK);
	assert_files(&r, outside, ARRAY_LEN(outside));
	result_free(&r);

	mkdir_rel(root, ".git");
	assert_int_equal(walk(root, &r), LEC_OK);
	assert_files(&r, inside, ARRAY_LEN(inside));
	assert_int_equal(r.nwarn, 0);
	result_free(&r);
}

/* A worktree's .git is a file; the repository's top may be above the
 * walked root, and its .gitignore (anchored there) applies below. */
static void test_repo_above_root(void **state)
{
	static const char *const want[] = { "notes/a.md", "notes/sub/drafts/d.md" };
	static const char *const part[] = { "a.md", "sub/drafts/d.md" };
	const char *root = *state;
	char path[4096];
	struct result r;

	put(root, ".git", "gitdir: /somewhere/else\n");
	put(root, ".gitignore", "/notes/drafts/\n*.bak\n");
	put(root, "notes/a.md", "");
	put(root, "notes/a.bak", "");
	put(root, "notes/drafts/x.md", "");
	put(root, "notes/sub/drafts/d.md", "");
	assert_int_equal(walk(root, &r), LEC_OK);
	assert_files(&r, want, ARRAY_LEN(want));
	result_free(&r);
	join(path, sizeof(path), root, "notes");
	assert_int_equal(walk(path, &r), LEC_OK);
	assert_files(&r, part, ARRAY_LEN(part));
	assert_int_equal(r.nwarn, 0);
	result_free(&r);
}

/* .lecternignore beats .ignore beats .gitignore beats .git/info/exclude,
 * whatever their depths; within a kind, deeper files win. */
static void test_kinds_precedence(void **state)
{
	static const char *const want[] = {
		"keep.md", "n.x", "sub/k.gen", "sub/w.md", "y.x",
	};
	const char *root = *state;
	struct result r;

	put(root, ".git/info/exclude", "*.x\n*.gen\n");
	put(root, ".gitignore", "*.md\n*.txt\n!y.x\n");
	put(root, ".ignore", "!keep.md\n!keep2.md\n*.log\n!n.x\n");
	put(root, ".lecternignore", "keep2.md\n");
	put(root, "a.md", "");
	put(root, "keep.md", "");
	put(root, "keep2.md", "");
	put(root, "t.txt", "");
	put(root, "l.log", "");
	put(root, "e.x", "");
	put(root, "y.x", "");
	put(root, "n.x", "");
	/* a deeper .gitignore re-includes against the shallower one, but not
	 * against .ignore; and it beats info/exclude */
	put(root, "sub/.gitignore", "!w.md\n!*.log\n!k.gen\n");
	put(root, "sub/w.md", "");
	put(root, "sub/v.log", "");
	put(root, "sub/k.gen", "");
	assert_int_equal(walk(root, &r), LEC_OK);
	assert_files(&r, want, ARRAY_LEN(want));
	assert_int_equal(r.nwarn, 0);
	result_free(&r);
}

/* An outer project's .gitignore stops at a nested repository's top, and a
 * repository's rules do not reach a directory outside it. */
static void test_nested_repo(void **state)
{
	/* outer/in/e.txt: only the inner repository's own rules apply there */
	static const char *const want[] = {
		"inner/a.txt", "outer/d.md", "outer/in/e.txt", "plain/r/y.txt", "plain/x.txt",
	};
	const char *root = *state;
	struct result r;

	put(root, "outer/.gitignore", "*.txt\n");
	mkdir_rel(root, "outer/.git");
	put(root, "outer/b.txt", "");
	put(root, "outer/d.md", "");
	put(root, "outer/in/.git", "gitdir: x\n");
	put(root, "outer/in/.gitignore", "*.md\n");
	put(root, "outer/in/c.md", "");
	put(root, "outer/in/e.txt", "");
	mkdir_rel(root, "inner/.git");
	put(root, "inner/a.txt", "");
	put(root, "plain/.gitignore", "*.txt\n");
	put(root, "plain/x.txt", "");
	mkdir_rel(root, "plain/r/.git");
	put(root, "plain/r/y.txt", "");
	assert_int_equal(walk(root, &r), LEC_OK);
	assert_files(&r, want, ARRAY_LEN(want));
	assert_int_equal(r.nwarn, 0);
	result_free(&r);
}

/* A lectern index kept among the notes is not walked, whatever its name;
 * a directory that merely looks like one is. */
static void test_index_dir_skipped(void **state)
{
	static const char *const want[] = { "lookalike/roots", "lookalike/xapian/notes.md",
					    "n.md" };
	const char *root = *state;
	struct result r;

	put(root, "n.md", "");
	put(root, "idx/roots", "1\t..\n");
	put(root, "idx/xapian/iamglass", "");
	put(root, "idx/xapian/postlist.glass", "");
	put(root, "sharded/roots", "1\t..\n");
	put(root, "sharded/shards.stub", "auto xapian\n");
	put(root, "sharded/xapian/x", "");
	put(root, "building/roots", "1\t..\n");
	put(root, "building/.build/roots", "");
	put(root, "building/other.md", "");
	put(root, "lookalike/roots", "a note about roots\n");
	put(root, "lookalike/xapian/notes.md", "");
	assert_int_equal(walk(root, &r), LEC_OK);
	assert_files(&r, want, ARRAY_LEN(want));
	assert_int_equal(r.nwarn, 0);
	result_free(&r);
}

/* A part of a root is walked as the walk from its root reaches it: the
 * ignore files above apply, and a part that walk skips gives nothing. A
 * root given itself is walked whatever the rules above say. */
static void test_part_of_root(void **state)
{
	static const char *const keep[] = { "a.md" };
	static const char *const given[] = { "b.log" };
	const char *root = *state;
	struct result r;

	put(root, ".lecternignore", "skip/\n*.log\n");
	put(root, "skip/sub/s.md", "");
	put(root, "keep/a.md", "");
	put(root, "keep/b.log", "");
	put(root, ".hidden/h.md", "");
	put(root, "idx/roots", "");
	put(root, "idx/shards.stub", "");
	put(root, "idx/z.md", "");

	assert_int_equal(walk_under(root, "skip/sub", root, &r), LEC_OK);
	assert_int_equal(r.nfiles, 0);
	result_free(&r);
	assert_int_equal(walk_under(root, "skip/sub", NULL, &r), LEC_OK);
	assert_int_equal(r.nfiles, 1); /* a root: given, walked */
	result_free(&r);
	assert_int_equal(walk_under(root, "keep", root, &r), LEC_OK);
	assert_files(&r, keep, ARRAY_LEN(keep));
	result_free(&r);
	assert_int_equal(walk_under(root, "keep", NULL, &r), LEC_OK);
	assert_files(&r, keep, ARRAY_LEN(keep)); /* the rules above apply */
	result_free(&r);
	assert_int_equal(walk_under(root, "keep/b.log", root, &r), LEC_OK);
	assert_int_equal(r.nfiles, 0);
	result_free(&r);
	assert_int_equal(walk_under(root, "keep/b.log", NULL, &r), LEC_OK);
	assert_files(&r, given, ARRAY_LEN(given));
	result_free(&r);
	assert_int_equal(walk_under(root, ".hidden/h.md", root, &r), LEC_OK);
	assert_int_equal(r.nfiles, 0);
	result_free(&r);
	assert_int_equal(walk_under(root, "idx/z.md", root, &r), LEC_OK);
	assert_int_equal(r.nfiles, 0);
	result_free(&r);
	/* a top that is not above the path checks nothing */
	assert_int_equal(walk_under(root, "keep", "/nowhere", &r), LEC_OK);
	assert_files(&r, keep, ARRAY_LEN(keep));
	assert_int_equal(r.nwarn, 0);
	result_free(&r);
}

static void test_symlinks(void **state)
{
	static const char *const want[] = {
		"ext/o.md",
		"file-link.md",
		"real/f.md",
		"real/g/h.md",
	};
	const char *root = *state;
	char outside[4096];
	char path[4096];
	struct result r;

	put(root, "real/f.md", "12345");
	put(root, "real/g/h.md", "");
	put(root, ".outside/o.md", ""); /* hidden: reached only by the link */
	join(outside, sizeof(outside), root, ".outside");
	link_rel(root, "file-link.md", "real/f.md");
	link_rel(root, "ext", outside);         /* a directory elsewhere: walked */
	link_rel(root, "zdup", "real");         /* seen already: skipped quietly */
	link_rel(root, "real/g/loop", "../.."); /* an ancestor: a loop */
	link_rel(root, "real/self", ".");
	link_rel(root, "broken.md", "does-not-exist");
	link_rel(root, "ping", "pong");
	link_rel(root, "pong", "ping");

	assert_int_equal(walk(root, &r), LEC_OK);
	assert_files(&r, want, ARRAY_LEN(want));
	assert_int_equal(r.files[1].size, 5); /* the target's size */
	assert_warning(&r, root, "broken.md", "broken symbolic link");
	snprintf(path, sizeof(path), "symlink loop (already visited: %s)", root);
	assert_warning(&r, root, "real/g/loop", path);
	snprintf(path, sizeof(path), "symlink loop (already visited: %s/real)", root);
	assert_warning(&r, root, "real/self", path);
	assert_warning(&r, root, "ping", "symlink loop");
	assert_warning(&r, root, "pong", "symlink loop");
	assert_false(has_warning(&r, root, "zdup", ""));
	assert_int_equal(r.nwarn, 5);
	result_free(&r);
}

/* A FIFO, as a note or as the ignore file, is never opened: the walk would
 * block forever. The alarm turns a hang into a failure. */
static void test_fifo_not_opened(void **state)
{
	static const char *const want[] = { "a.md", "sub/b.md" };
	const char *root = *state;
	char path[4096];
	struct result r;

	put(root, "a.md", "");
	put(root, "sub/b.md", "");
	join(path, sizeof(path), root, "pipe");
	assert_int_equal(mkfifo(path, 0644), 0);
	join(path, sizeof(path), root, "sub/.lecternignore");
	assert_int_equal(mkfifo(path, 0644), 0);
	alarm(20);
	assert_int_equal(walk(root, &r), LEC_OK);
	alarm(0);
	assert_files(&r, want, ARRAY_LEN(want));
	assert_warning(&r, root, "pipe", "is a FIFO, not a regular file; skipped");
	assert_warning(&r, root, "sub/.lecternignore", "ignore file is not a regular file");
	result_free(&r);
}

/* In a child that drops to nobody when run as root (root reads anything),
 * walk a tree with an unreadable directory and file. Exit code: 0 ok. */
static int permission_child(const char *root)
{
	struct result r;
	char path[4096];
	lec_status st;

	if (geteuid() == 0 &&
	    (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0))
		return 2;
	st = walk(root, &r);
	if (st != LEC_OK || r.nfiles != 2 || strcmp(r.files[0].rel, "b/ok.md") ||
	    strcmp(r.files[1].rel, "open.md"))
		return 3;
	if (!has_warning(&r, root, "locked", "permission denied") ||
	    !has_warning(&r, root, "secret.md", "permission denied") || r.nwarn != 2)
		return 4;
	/* an unreadable root is an error, and said so */
	join(path, sizeof(path), root, "locked");
	memset(&r, 0, sizeof(r));
	if (walk_root(path, on_file, on_warn, &r) != LEC_EIO || r.nwarn != 1)
		return 5;
	return 0;
}

static void test_permission_denied(void **state)
{
	const char *root = *state;
	char path[4096];
	int status;
	pid_t pid;

	assert_int_equal(chmod(root, 0755), 0);
	put(root, "locked/inside.md", "");
	put(root, "open.md", "");
	put(root, "secret.md", "");
	put(root, "b/ok.md", "");
	join(path, sizeof(path), root, "locked");
	assert_int_equal(chmod(path, 0), 0);
	join(path, sizeof(path), root, "secret.md");
	assert_int_equal(chmod(path, 0), 0);
	if (geteuid() == 0)
		print_message("  (running as root: the check runs in a child as uid %d)\n", NOBODY);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(permission_child(root));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_odd_names(void **state)
{
	static const char *const want[] = { "bad\xff\xfe.md", "line\nbreak.md", "tab\there.md" };
	const char *root = *state;
	char path[4096];
	struct result r;

	put(root, "line\nbreak.md", "");
	put(root, "bad\xff\xfe.md", "");
	put(root, "tab\there.md", "");
	assert_int_equal(walk(root, &r), LEC_OK);
	assert_files(&r, want, ARRAY_LEN(want));
	join(path, sizeof(path), root, "line\nbreak.md");
	assert_string_equal(r.files[1].path, path);
	result_free(&r);
}

static void test_single_file_root(void **state)
{
	const char *root = *state;
	char path[4096];
	struct result r;

	put(root, "only.md", "abc");
	put(root, "other.md", "");
	join(path, sizeof(path), root, "only.md");
	assert_int_equal(walk(path, &r), LEC_OK);
	assert_int_equal(r.nfiles, 1);
	assert_string_equal(r.files[0].rel, "only.md");
	assert_string_equal(r.files[0].path, path);
	assert_int_equal(r.files[0].size, 3);
	result_free(&r);
}

static void test_bad_roots(void **state)
{
	const char *root = *state;
	char path[4096];
	struct result r;

	join(path, sizeof(path), root, "missing");
	assert_int_equal(walk(path, &r), LEC_ENOTFOUND);
	join(path, sizeof(path), root, "missing/deeper");
	assert_int_equal(walk(path, &r), LEC_ENOTFOUND);
	link_rel(root, "dangling", "nowhere");
	join(path, sizeof(path), root, "dangling");
	assert_int_equal(walk(path, &r), LEC_ENOTFOUND);
	assert_int_equal(walk("relative/path", &r), LEC_EINVAL);
	assert_int_equal(walk_root(root, NULL, NULL, NULL), LEC_EINVAL);
	join(path, sizeof(path), root, "fifo");
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(walk(path, &r), LEC_EINVAL);
	assert_int_equal(r.nfiles, 0);
	result_free(&r);
	/* an empty directory is fine, and a NULL warning callback too */
	memset(&r, 0, sizeof(r));
	mkdir_rel(root, "empty");
	join(path, sizeof(path), root, "empty");
	assert_int_equal(walk_root(path, on_file, NULL, &r), LEC_OK);
	assert_int_equal(r.nfiles, 0);
}

static void test_callback_stop(void **state)
{
	const char *root = *state;
	struct result r;

	put(root, "a.md", "");
	put(root, "b/c.md", "");
	put(root, "b/d.md", "");
	put(root, "e.md", "");
	memset(&r, 0, sizeof(r));
	r.stop_after = 2;
	assert_int_equal(walk_root(root, on_file, on_warn, &r), LEC_ESTOP);
	assert_int_equal(r.nfiles, 2);
	assert_string_equal(r.files[1].rel, "b/c.md");
	result_free(&r);
}

/* Make `levels` nested directories `name` under root with a file "f.md" in
 * each of the last two. */
static void make_deep(const char *root, const char *name, int levels)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY);

	assert_true(fd >= 0);
	for (int i = 0; i < levels; i++) {
		int sub;

		assert_int_equal(mkdirat(fd, name, 0755), 0);
		sub = openat(fd, name, O_RDONLY | O_DIRECTORY);
		assert_true(sub >= 0);
		close(fd);
		fd = sub;
		if (i >= levels - 2)
			close(openat(fd, "f.md", O_WRONLY | O_CREAT, 0644));
	}
	close(fd);
}

static void test_depth_limit(void **state)
{
	const char *root = *state;
	struct result r;
	size_t n;

	make_deep(root, "d", LEC_MAX_WALK_DEPTH + 1);
	assert_int_equal(walk(root, &r), LEC_OK);
	/* the file at depth LEC_MAX_WALK_DEPTH is found, the one below is not */
	assert_int_equal(r.nfiles, 1);
	n = strlen(r.files[0].rel);
	assert_int_equal(n, 2 * LEC_MAX_WALK_DEPTH + 4);
	assert_int_equal(r.nwarn, 1);
	assert_string_equal(r.wmsg[0], "too deep (over LEC_MAX_WALK_DEPTH levels), skipped");
	result_free(&r);
}

static void test_path_too_long(void **state)
{
	const char *root = *state;
	char name[201];
	struct result r;

	memset(name, 'n', 200);
	name[200] = '\0';
	put(root, "short.md", "");
	make_deep(root, name, LEC_MAX_PATH_BYTES / 200 + 3);
	assert_int_equal(walk(root, &r), LEC_OK);
	assert_int_equal(r.nfiles, 1);
	assert_string_equal(r.files[0].rel, "short.md");
	assert_int_equal(r.nwarn, 1);
	assert_string_equal(r.wmsg[0], "path too long (over LEC_MAX_PATH_BYTES), skipped");
	assert_true(strlen(r.wpath[0]) > LEC_MAX_PATH_BYTES);
	result_free(&r);
}

/* The root "/" joins without a double slash (stops at the first note). */
static void test_slash_root(void **state)
{
	struct result r;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.stop_after = 1;
	assert_int_equal(walk_root("/", on_file, NULL, &r), LEC_ESTOP);
	assert_int_equal(r.nfiles, 1);
	assert_true(r.files[0].path[0] == '/' && r.files[0].path[1] != '/');
	assert_string_equal(r.files[0].path + 1, r.files[0].rel);
	result_free(&r);
}

static int count_file(void *ctx, const struct walk_entry *e)
{
	(void)e;
	++*(size_t *)ctx;
	return 0;
}

/* The shared corpus, when present: reports how long a real walk takes. */
static void test_corpus_timing(void **state)
{
	static const char corpus[] = "/work/shared/corpora/tc39-notes";
	struct timespec t0, t1;
	size_t n = 0;
	struct stat st;

	(void)state;
	if (stat(corpus, &st) != 0) {
		print_message("  (no %s: skipped)\n", corpus);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(walk_root(corpus, count_file, NULL, &n), LEC_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(n > 0);
	print_message("  %s: %zu files in %.2f ms\n", corpus, n,
		      (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			      (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sorted_nested, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_hidden_skipped, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_ignore_files, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_caller_rules, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_gitignore_needs_repo, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_repo_above_root, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_kinds_precedence, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_nested_repo, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_index_dir_skipped, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_part_of_root, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_symlinks, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_fifo_not_opened, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_permission_denied, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_odd_names, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_single_file_root, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_bad_roots, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_callback_stop, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_depth_limit, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_path_too_long, setup_root, teardown_root),
		cmocka_unit_test(test_slash_root),
		cmocka_unit_test(test_corpus_timing),
	};

	umask(022); /* the permission test's child must read what we create */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
