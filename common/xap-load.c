/* xap-load.c - load liblectern-xap.so on first use (xap-load.h). */
#include "xap-load.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xap-table.h"

#define XAP_LIB_NAME "liblectern-xap.so"
#define EXE_PATH_BYTES 4096 /* Linux's PATH_MAX */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const struct xap_table *loaded;
static char why[4 * EXE_PATH_BYTES + 256];

/* The table of the library at path, or NULL with the reason in why. */
static const struct xap_table *try_load(const char *path)
{
	void *h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	if (!h) {
		snprintf(why, sizeof(why), "%s", dlerror());
		return NULL;
	}
	const struct xap_table *(*get)(void);
	void *sym = dlsym(h, XAP_TABLE_SYMBOL);
	if (!sym) {
		snprintf(why, sizeof(why), "%s: no %s", path, XAP_TABLE_SYMBOL);
		return NULL; /* not ours: left loaded, as a failed start would */
	}
	memcpy(&get, &sym, sizeof(get));
	const struct xap_table *t = get();
	if (!t || t->size != sizeof(*t) || !t->abi || strcmp(t->abi, XAP_TABLE_ABI) != 0) {
		snprintf(why, sizeof(why), "%s was built for another version of lectern", path);
		return NULL;
	}
	return t;
}

static void load(void)
{
	const char *env = getenv("LECTERN_XAP_LIB");
	if (env && *env) {
		loaded = try_load(env);
		return;
	}
	char exe[EXE_PATH_BYTES], path[EXE_PATH_BYTES + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		snprintf(why, sizeof(why), "cannot find the executable (/proc/self/exe)");
		return;
	}
	exe[n] = '\0';
	char dir[EXE_PATH_BYTES];
	snprintf(dir, sizeof(dir), "%s", exe);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	/* a build tree, then make install's layout */
	snprintf(path, sizeof(path), "%s/%s", dir, XAP_LIB_NAME);
	if (access(path, F_OK) != 0)
		snprintf(path, sizeof(path), "%s/../lib/lectern/%s", dir, XAP_LIB_NAME);
	if (access(path, F_OK) != 0) {
		snprintf(why, sizeof(why), "neither %s/%s nor %s exists (beside %s)", dir,
			 XAP_LIB_NAME, path, exe);
		return;
	}
	loaded = try_load(path);
}

const struct xap_table *xap_table(void)
{
	pthread_once(&once, load);
	if (!loaded) {
		fprintf(stderr, "lectern: cannot load %s (the Xapian index engine): %s\n",
			XAP_LIB_NAME, why);
		exit(2);
	}
	return loaded;
}
