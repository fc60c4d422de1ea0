/* failmalloc.c - an LD_PRELOAD shim that fails the Nth allocation, for
 * tests/e2e/T825-faults-oom.sh (SQLite's way of testing out-of-memory
 * paths: run the same work for every N and accept only the right answer or
 * a clean "out of memory").
 *
 *   LECTERN_FAILMALLOC_N=N      fail the Nth counted allocation (1-based);
 *                               0 or unset: fail none, only count
 *   LECTERN_FAILMALLOC_PERSIST=1  fail every allocation from the Nth on
 *                               (default: that one only, the next succeed)
 *   LECTERN_FAILMALLOC_COUNT=F  at exit, write to F the number of
 *                               allocations counted (and the N that failed)
 *
 * Why a preloaded shim: it sees every allocation of the process, lectern's
 * own, the static C libraries', glibc's (strdup, fopen, getline, asprintf
 * call malloc through the PLT so that it can be replaced) and libstdc++'s
 * (operator new calls malloc), in libraries dlopen'd later too, without a
 * special build of lectern. `-Wl,--wrap=malloc` would see only the objects
 * linked into the executable.
 *
 * Under ASan (build-san/) the shim goes first and ASan's allocator is the
 * "real" one it forwards to (RTLD_NEXT), so that LeakSanitizer still
 * reports what an out-of-memory path forgets to free; run it with
 * ASAN_OPTIONS=verify_asan_link_order=0 (ASan otherwise insists on being
 * first). ASan replaces operator new and strdup without going through
 * malloc, so the shim defines those too.
 *
 * What is counted: only allocations made after main starts (the dynamic
 * loader's and the libraries' start-up allocations are not lectern's to
 * handle), not those made inside dlopen (a library's static constructors
 * abort on bad_alloc whoever loads them; lectern's own dlopen is counted as
 * a whole, by its caller's allocations), not the dynamic loader's own (a
 * thread's first use of a dlopen'd library's thread-local variables
 * allocates, and glibc aborts when that fails: "cannot allocate memory for
 * thread-local data"), not those of glibc's pthread_getattr_np (ASan's
 * start of each thread asks it for the thread's stack, and ASan's runtime
 * CHECK-fails when it cannot: the sanitizer's, not lectern's), and not the
 * nested ones a counted call makes (operator new's malloc counts once). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef void *(*malloc_fn)(size_t);
typedef void *(*calloc_fn)(size_t, size_t);
typedef void *(*realloc_fn)(void *, size_t);
typedef void (*free_fn)(void *);
typedef int (*memalign2_fn)(void **, size_t, size_t);
typedef void *(*aligned_fn)(size_t, size_t);
typedef void *(*dlopen_fn)(const char *, int);
typedef int (*getattr_fn)(pthread_t, pthread_attr_t *);
typedef void *(*new_fn)(size_t);
typedef void (*throw_fn)(void);
typedef int (*start_fn)(int (*)(int, char **, char **), int, char **, void (*)(void),
			void (*)(void), void (*)(void), void *);

static malloc_fn real_malloc;
static calloc_fn real_calloc;
static realloc_fn real_realloc;
static free_fn real_free;
static memalign2_fn real_posix_memalign;
static aligned_fn real_aligned_alloc, real_memalign;
static dlopen_fn real_dlopen;
static getattr_fn real_getattr;

static unsigned long fail_n;  /* 0: never */
static int persist;           /* fail every allocation from fail_n on */
static int armed;             /* main has started */
static unsigned long counted; /* allocations counted so far (atomic) */
static unsigned long failed;  /* how many failed (atomic) */
/* inside a counted call or a dlopen; initial-exec: reading it must not
 * allocate (the shim is loaded at start-up, so its TLS is static) */
static __thread int depth __attribute__((tls_model("initial-exec")));

/* dlsym itself may allocate (calloc for its error state) before the real
 * functions are known: those few come from here and are never freed. */
static char boot[8192] __attribute__((aligned(16)));
static size_t boot_used;

static void *boot_alloc(size_t n)
{
	size_t at = __atomic_fetch_add(&boot_used, (n + 15) & ~(size_t)15, __ATOMIC_RELAXED);
	if (at + n > sizeof(boot))
		return NULL;
	return boot + at;
}

static int from_boot(const void *p)
{
	return (const char *)p >= boot && (const char *)p < boot + sizeof(boot);
}

static int resolving;

static void resolve(void)
{
	if (real_malloc || resolving)
		return;
	resolving = 1;
	real_calloc = (calloc_fn)dlsym(RTLD_NEXT, "calloc");
	real_realloc = (realloc_fn)dlsym(RTLD_NEXT, "realloc");
	real_free = (free_fn)dlsym(RTLD_NEXT, "free");
	real_posix_memalign = (memalign2_fn)dlsym(RTLD_NEXT, "posix_memalign");
	real_aligned_alloc = (aligned_fn)dlsym(RTLD_NEXT, "aligned_alloc");
	real_memalign = (aligned_fn)dlsym(RTLD_NEXT, "memalign");
	real_dlopen = (dlopen_fn)dlsym(RTLD_NEXT, "dlopen");
	real_getattr = (getattr_fn)dlsym(RTLD_NEXT, "pthread_getattr_np");
	real_malloc = (malloc_fn)dlsym(RTLD_NEXT, "malloc");
	resolving = 0;
}

/* The dynamic loader's code, whose allocations are not counted */
static uintptr_t ldso_lo, ldso_hi;

static int find_ldso(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	if (!info->dlpi_name || !strstr(info->dlpi_name, "/ld-linux"))
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
		if (!ldso_lo || lo < ldso_lo)
			ldso_lo = lo;
		if (hi > ldso_hi)
			ldso_hi = hi;
	}
	return 1;
}

/* Called at each failure: `break failmalloc_hit` in gdb shows who asked. */
__attribute__((noinline)) void failmalloc_hit(unsigned long k)
{
	__asm__ volatile("" ::"r"(k) : "memory");
}

/* Whether this allocation fails. Counts it when it is one we count. */
static int should_fail(const void *caller)
{
	if (!armed || depth > 0)
		return 0;
	if ((uintptr_t)caller >= ldso_lo && (uintptr_t)caller < ldso_hi)
		return 0;
	unsigned long k = __atomic_add_fetch(&counted, 1, __ATOMIC_RELAXED);
	if (fail_n == 0 || k < fail_n || (k > fail_n && !persist))
		return 0;
	__atomic_add_fetch(&failed, 1, __ATOMIC_RELAXED);
	failmalloc_hit(k);
	return 1;
}

void *malloc(size_t n)
{
	resolve();
	if (!real_malloc)
		return boot_alloc(n);
	if (should_fail(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	depth++;
	void *p = real_malloc(n);
	depth--;
	return p;
}

void *calloc(size_t k, size_t n)
{
	resolve();
	if (!real_malloc) {
		void *p = k && n > SIZE_MAX / k ? NULL : boot_alloc(k * n);
		return p ? memset(p, 0, k * n) : NULL; /* boot is zeroed already */
	}
	if (should_fail(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	depth++;
	void *p = real_calloc(k, n);
	depth--;
	return p;
}

void *realloc(void *old, size_t n)
{
	resolve();
	if (from_boot(old)) { /* a boot block grown: copy it out */
		size_t room = (size_t)(boot + sizeof(boot) - (char *)old);
		void *p = malloc(n);
		if (p)
			memcpy(p, old, n < room ? n : room);
		return p;
	}
	/* realloc(p, 0) frees: not an allocation that can fail */
	if (n > 0 && should_fail(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	depth++;
	void *p = real_realloc(old, n);
	depth--;
	return p;
}

void *reallocarray(void *old, size_t k, size_t n)
{
	if (k && n > SIZE_MAX / k) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(old, k * n);
}

void free(void *p)
{
	if (!p || from_boot(p))
		return;
	resolve();
	real_free(p);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	resolve();
	if (should_fail(__builtin_return_address(0)))
		return ENOMEM;
	depth++;
	int r = real_posix_memalign(out, align, n);
	depth--;
	return r;
}

static inline __attribute__((always_inline)) void *aligned(aligned_fn real, size_t align, size_t n)
{
	resolve();
	if (should_fail(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	depth++;
	void *p = real(align, n);
	depth--;
	return p;
}

void *aligned_alloc(size_t align, size_t n)
{
	return aligned(real_aligned_alloc, align, n);
}

void *memalign(size_t align, size_t n)
{
	return aligned(real_memalign, align, n);
}

/* glibc's strdup calls malloc; ASan's does not: one definition for both */
char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	return p ? memcpy(p, s, n) : NULL;
}

char *strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* libstdc++, wherever it was loaded: the lectern executable does not link
 * it, a library it dlopens (RTLD_LOCAL) does, so it may be in no global
 * scope. */
static void *cxx_sym(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);
	if (p)
		return p;
	depth++;
	void *h = real_dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_NOLOAD);
	depth--;
	return h ? dlsym(h, name) : NULL;
}

/* operator new (size_t), new[] (size_t), and their nothrow forms. The
 * throwing ones throw std::bad_alloc through libstdc++'s own thrower, so
 * that this file stays C (built with -fexceptions: the throw unwinds
 * through these frames). The real operator is ASan's, or libstdc++'s
 * (which calls malloc: not counted again). */
static void *cxx_new(int i, size_t n)
{
	static const char *names[4] = { "_Znwm", "_Znam", "_ZnwmRKSt9nothrow_t",
					"_ZnamRKSt9nothrow_t" };
	static new_fn reals[4];
	int nothrow = i >= 2;
	resolve();
	if (should_fail(__builtin_return_address(0))) {
		if (nothrow)
			return NULL;
		throw_fn thrower = (throw_fn)cxx_sym("_ZSt17__throw_bad_allocv");
		if (thrower)
			thrower();
		abort();
	}
	if (!reals[i])
		reals[i] = (new_fn)cxx_sym(names[i]);
	depth++;
	void *p = reals[i] ? reals[i](n) : NULL;
	depth--;
	return p;
}

void *_Znwm(size_t n)
{
	return cxx_new(0, n);
}

void *_Znam(size_t n)
{
	return cxx_new(1, n);
}

void *_ZnwmRKSt9nothrow_t(size_t n, const void *tag)
{
	(void)tag;
	return cxx_new(2, n);
}

void *_ZnamRKSt9nothrow_t(size_t n, const void *tag)
{
	(void)tag;
	return cxx_new(3, n);
}

/* A library's loading and its static constructors are not counted. */
void *dlopen(const char *path, int flags)
{
	resolve();
	depth++;
	void *h = real_dlopen(path, flags);
	depth--;
	return h;
}

int pthread_getattr_np(pthread_t t, pthread_attr_t *attr)
{
	resolve();
	depth++;
	int rc = real_getattr ? real_getattr(t, attr) : ENOSYS;
	depth--;
	return rc;
}

static void write_count(void)
{
	const char *path = getenv("LECTERN_FAILMALLOC_COUNT");
	if (!path || !*path)
		return;
	char line[64];
	int len = snprintf(line, sizeof(line), "%lu %lu\n",
			   __atomic_load_n(&counted, __ATOMIC_RELAXED),
			   __atomic_load_n(&failed, __ATOMIC_RELAXED));
	FILE *f;
	depth++; /* this fopen must not fail */
	f = fopen(path, "a");
	depth--;
	if (f) {
		fwrite(line, 1, (size_t)len, f);
		fclose(f);
	}
}

static int (*real_main)(int, char **, char **);

static int main_armed(int argc, char **argv, char **envp)
{
	const char *n = getenv("LECTERN_FAILMALLOC_N");
	const char *p = getenv("LECTERN_FAILMALLOC_PERSIST");
	fail_n = n ? strtoul(n, NULL, 10) : 0;
	persist = p && *p == '1';
	/* written at exit, after lectern's own atexit handlers (registered
	 * later, run earlier); _exit and signals leave no count */
	atexit(write_count);
	dl_iterate_phdr(find_ldso, NULL);
	armed = 1;
	return real_main(argc, argv, envp);
}

/* main starts: wrap it to arm the counter first */
int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack)
{
	start_fn real = (start_fn)dlsym(RTLD_NEXT, "__libc_start_main");
	real_main = main;
	return real(main_armed, argc, argv, init, fini, rtld_fini, stack);
}
