# lectern - full-text search for conference and meeting notes.
#
#   make            build ./lectern
#   make demo       install deps, build, index corpus/, run a search
#   make check      install deps, build, run every test; ends "N passed, M failed"
#   make check SANITIZE=1   the same under ASan + UBSan
#   make check-tsan the threaded tests under ThreadSanitizer
#   make bench      benchmarks (never part of check)
#   make install PREFIX=/usr/local
#   make clean

PREFIX ?= /usr/local
# where bash-completion, zsh (Debian's site-functions) and fish look, under PREFIX
BASH_COMPLETIONS ?= share/bash-completion/completions
ZSH_COMPLETIONS ?= share/zsh/site-functions
FISH_COMPLETIONS ?= share/fish/vendor_completions.d
BUILD ?= build
VERSION := 0.1.0

PKGS := xapian-core libcmark libutf8proc jansson yaml-0.1 libxxhash inih
SMALL_PKGS := libcmark libutf8proc jansson yaml-0.1 libxxhash inih
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# The small C libraries (and libstemmer) are linked statically: each shared
# library costs a process ~50 us of loading and relocating at start-up, and
# a one-shot `lectern find` is mostly start-up (2.99 -> 2.74 ms measured).
# Debian ships no static Xapian. STATIC_DEPS=0 links them all shared.
STATIC_DEPS ?= 1
ifeq ($(STATIC_DEPS),1)
  SMALL_LIBS = -Wl,-Bstatic $(shell pkg-config --libs $(SMALL_PKGS) 2>/dev/null) -lstemmer -Wl,-Bdynamic
else
  SMALL_LIBS = $(shell pkg-config --libs $(SMALL_PKGS) 2>/dev/null) -lstemmer
endif
PKG_LIBS = $(SMALL_LIBS) $(shell pkg-config --libs xapian-core 2>/dev/null) -lpthread
# The lectern executable holds the small libraries liblectern-engine.so
# uses whole, and exports their functions (cli/lectern.dynlist), so that
# loading the engine maps no second copy of them (each shared library cost
# a `find --no-daemon` ~0.3 ms here). libcmark's static archive hides its
# symbols: the engine links the shared one (the executable needs none).
EXPORTED_PKGS := libutf8proc jansson yaml-0.1 libxxhash
ifeq ($(STATIC_DEPS),1)
  EXE_LIBS = -Wl,-Bstatic -Wl,--whole-archive $(shell pkg-config --libs $(EXPORTED_PKGS) 2>/dev/null) \
	-lstemmer -Wl,--no-whole-archive $(shell pkg-config --libs libcmark inih 2>/dev/null) -Wl,-Bdynamic
else
  EXE_LIBS = $(SMALL_LIBS)
endif
ENGINE_LIBS = $(shell pkg-config --libs libcmark xapian-core 2>/dev/null) -lpthread

CC ?= cc
CXX ?= c++
WARN := -Wall -Wextra -Werror
OPT ?= -O2 -g
# -iquote, not -I: common/limits.h must not shadow the system <limits.h>.
# Each layer sees only its own headers and those below it, so that an
# include across layers fails the build:
#   common/    alone: the index's layout, Xapian's wrapper, tokens, stems,
#              the note model (a note parsed into blocks and passages)
#   indexer/   over common/: walking the roots, building and committing
#   searcher/  over common/: queries, matching, hits, the daemon's client
#   daemon/    over all three and lib/: `lectern serve` (the protocol's
#              ops, searching through lib/lectern.h, the server's loop,
#              its search threads, its reindex and watch)
#   lsp/       over all three and lib/: `lectern lsp` (searches through the
#              daemon or in process, reads the passages through
#              lib/lectern.h, reindexes a saved note)
# cli/ (main, the engine's table, find and its output through lib/lectern.h),
# lib/ (the public API), the tests, benches
# and fuzzers see them all.
INC_common := -iquote common
INC_indexer := -iquote common -iquote indexer
INC_searcher := -iquote common -iquote searcher
INC_daemon := -iquote common -iquote indexer -iquote searcher -iquote daemon -iquote lib
INC_lsp := -iquote common -iquote indexer -iquote searcher -iquote lsp -iquote lib
INC_ALL := -iquote common -iquote indexer -iquote searcher -iquote daemon -iquote lsp -iquote cli \
	-iquote lib
# the include path of a source file: its top directory's
layer_inc = $(or $(INC_$(firstword $(subst /, ,$(1)))),$(INC_ALL))
CPPFLAGS += -D_GNU_SOURCE -DLECTERN_VERSION='"$(VERSION)"'
CFLAGS += -std=c11 $(WARN) $(OPT)
CXXFLAGS += -std=c++17 $(WARN) $(OPT) -fvisibility=hidden -fPIC
LDFLAGS +=

ifeq ($(SANITIZE),1)
  BUILD := build-san
  SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  CFLAGS += $(SAN)
  CXXFLAGS += $(SAN)
  LDFLAGS += $(SAN)
endif

# Every .c/.cc under common/ indexer/ searcher/ daemon/ lsp/ is in
# liblectern.a (for the unit tests, benches and fuzzers, and the engine
# below); cli/ holds main.
#
# The lectern executable does not link libxapian (cli/engine.h): it is
# cli/lectern.c (main, the command table), cli/engine-load.c and
# cli/report.c over liblectern-core.a, which is liblectern.a without
# common/xap*.o, so that its link fails if code it reaches reaches Xapian.
# The commands that open the index run in $(BUILD)/liblectern-engine.so
# (cli/engine.c over liblectern.a, with libxapian), loaded on first use;
# it exports one table (cli/engine.map).
LIB_SRCS := $(sort $(wildcard common/*.c indexer/*.c searcher/*.c daemon/*.c lsp/*.c))
CXX_SRCS := $(sort $(wildcard common/*.cc))
# The public API (lib/) is there too: its reading of results and passages
# (lectern-results.o, lectern-json.o) and of a query's options as a
# request (lectern-options.o) in the core, which `lectern find` prints
# through and asks the daemon with; lib/lectern.o, which opens and searches the index (the
# daemon searches through it), beside Xapian.
API_CORE_OBJS := $(BUILD)/lib/lectern-results.o $(BUILD)/lib/lectern-json.o \
	$(BUILD)/lib/lectern-options.o
CORE_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(API_CORE_OBJS)
XAP_OBJ := $(CXX_SRCS:%.cc=$(BUILD)/%.o)
LIB_OBJS := $(CORE_OBJS) $(XAP_OBJ) $(BUILD)/lib/lectern.o
MAIN_OBJS := $(BUILD)/cli/lectern.o $(BUILD)/cli/engine-load.o $(BUILD)/cli/report.o \
	$(BUILD)/cli/cmd-find.o $(BUILD)/cli/emit.o
ENGINE_OBJS := $(BUILD)/cli/engine.o $(BUILD)/cli/report.o
LIBLECTERN := $(BUILD)/liblectern.a
LIBCORE := $(BUILD)/liblectern-core.a
ENGINE_SO := $(BUILD)/liblectern-engine.so
# The C libraries shared, for a shared object (their static archives are
# not built for one); libxapian as always.
SHARED_LIBS = $(shell pkg-config --libs $(SMALL_PKGS) xapian-core 2>/dev/null) -lstemmer -lpthread

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all lectern demo check check-tsan check-slow check-unit check-e2e bench install uninstall clean deps
all: lectern

# ./lectern always points at the plain build; a SANITIZE=1 build stays in
# build-san/ (its tests find it there) and leaves the link alone.
lectern: $(BUILD)/lectern
	@if [ "$(SANITIZE)" != 1 ]; then ln -sf $(BUILD)/lectern lectern; fi

# linked by the C compiler: no libstdc++, no libxapian
$(BUILD)/lectern: $(MAIN_OBJS) $(LIBCORE) $(ENGINE_SO) cli/lectern.dynlist
	$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJS) $(LIBCORE) -Wl,--dynamic-list=cli/lectern.dynlist \
		$(EXE_LIBS) -ldl -lpthread -lm

# Not -z defs: the small libraries' symbols come from the executable (T010
# loads the engine with LD_BIND_NOW=1: one missing fails it at once).
$(ENGINE_SO): $(ENGINE_OBJS) $(LIBLECTERN) cli/engine.map
	$(CC) $(LDFLAGS) -shared -Wl,--version-script=cli/engine.map \
		-o $@ $(ENGINE_OBJS) $(LIBLECTERN) $(ENGINE_LIBS) -lstdc++ -lm

$(LIBLECTERN): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(LIBCORE): $(CORE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(call layer_inc,$<) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(call layer_inc,$<) $(CPPFLAGS) $(PKG_CFLAGS) $(CXXFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBLECTERN)
	@mkdir -p $(dir $@)
	$(CC) $(INC_ALL) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP -o $@ $< $(LIBLECTERN) $(LDFLAGS) $(PKG_LIBS) -lcmocka -lstdc++ -lm

# test_proto prints a result decoded from the daemon's answer with the
# CLI's own printer, which is not in liblectern.a
$(BUILD)/tests/test_proto: tests/unit/test_proto.c $(BUILD)/cli/emit.o $(LIBLECTERN)
	@mkdir -p $(dir $@)
	$(CC) $(INC_ALL) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP -o $@ $< $(BUILD)/cli/emit.o $(LIBLECTERN) $(LDFLAGS) $(PKG_LIBS) -lcmocka -lstdc++ -lm

$(BUILD)/bench/find-inproc: bench/find-inproc.c $(LIBLECTERN)
	@mkdir -p $(dir $@)
	$(CC) $(INC_ALL) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -o $@ $< $(LIBLECTERN) $(LDFLAGS) $(PKG_LIBS) -lstdc++ -lm

include lib/Makefile.local
include tests/Makefile.local

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJS:.o=.d) $(ENGINE_OBJS:.o=.d) $(UNIT_BINS:=.d)

deps:
	@scripts/install-deps

demo: deps
	@$(MAKE) --no-print-directory lectern
	@scripts/demo

check: deps
	@$(MAKE) --no-print-directory lectern $(UNIT_BINS) $(EXAMPLE_BINS)
	@BUILD=$(BUILD) tests/run

# The tests that run threads (the indexer's workers and shards, the daemon's
# search threads and reindex worker, commits under a live daemon) against a
# ThreadSanitizer build in build-tsan/: a race aborts the program
# (halt_on_error), and the test that ran it fails.
TSAN_TESTS := T100 T110 T300 T310 T320 T330 T340 T500 T510 T860
check-tsan: deps
	@$(MAKE) --no-print-directory BUILD=build-tsan OPT="-O1 -g -fsanitize=thread" \
		LDFLAGS=-fsanitize=thread build-tsan/lectern
	@BUILD=build-tsan TSAN_OPTIONS="halt_on_error=1 $${TSAN_OPTIONS:-}" tests/run $(TSAN_TESTS)

check-slow: deps
	@$(MAKE) --no-print-directory lectern $(UNIT_BINS)
	@BUILD=$(BUILD) LECTERN_SLOW=1 tests/run

bench: deps
	@$(MAKE) --no-print-directory lectern
	@bench/run

install: $(BUILD)/lectern
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/lectern \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/lectern $(DESTDIR)$(PREFIX)/bin/lectern
	install -m 644 $(ENGINE_SO) $(DESTDIR)$(PREFIX)/lib/lectern/liblectern-engine.so
	install -m 644 docs/lectern.1 $(DESTDIR)$(PREFIX)/share/man/man1/lectern.1
	install -m 755 editors/fzf/lectern-fzf $(DESTDIR)$(PREFIX)/bin/lectern-fzf
	@# the completion scripts, written by the lectern just built (no config
	@# file of the installing user read), where each shell looks for them
	install -d $(DESTDIR)$(PREFIX)/$(BASH_COMPLETIONS) $(DESTDIR)$(PREFIX)/$(ZSH_COMPLETIONS) \
		$(DESTDIR)$(PREFIX)/$(FISH_COMPLETIONS)
	LECTERN_CONFIG= $(BUILD)/lectern completion bash >$(DESTDIR)$(PREFIX)/$(BASH_COMPLETIONS)/lectern
	LECTERN_CONFIG= $(BUILD)/lectern completion zsh >$(DESTDIR)$(PREFIX)/$(ZSH_COMPLETIONS)/_lectern
	LECTERN_CONFIG= $(BUILD)/lectern completion fish >$(DESTDIR)$(PREFIX)/$(FISH_COMPLETIONS)/lectern.fish

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/lectern $(DESTDIR)$(PREFIX)/share/man/man1/lectern.1
	rm -f $(DESTDIR)$(PREFIX)/bin/lectern-fzf $(DESTDIR)$(PREFIX)/$(BASH_COMPLETIONS)/lectern \
		$(DESTDIR)$(PREFIX)/$(ZSH_COMPLETIONS)/_lectern \
		$(DESTDIR)$(PREFIX)/$(FISH_COMPLETIONS)/lectern.fish
	rm -f $(DESTDIR)$(PREFIX)/lib/lectern/liblectern-engine.so
	-rmdir $(DESTDIR)$(PREFIX)/lib/lectern

clean:
	rm -rf build build-san build-tsan lectern .lectern-demo

# ---- fuzzing (tests/fuzz/README.md) ---------------------------------------
#
#   make fuzz                  build the libFuzzer targets with clang into
#                              build-fuzz/ and run each for FUZZ_SECONDS
#   make fuzz-build            build them only (make fuzz-clean removes build-fuzz/)
#   make $(BUILD)/fuzz/replay-TARGET   a target without libFuzzer (gcc), which
#                              replays files; tests/e2e/T800 runs the seeds and
#                              regressions through it
#
# The C library is rebuilt with clang -fsanitize=fuzzer-no-link,address,undefined
# and each target links with clang++ -fsanitize=fuzzer. common/xap*.cc stay
# with the normal C++ compiler, uninstrumented: clang rejects their nothrow
# definitions against xap.h's plain declarations, and they are only a thin layer
# over the (uninstrumented) libxapian anyway.
FUZZ_TARGETS := tokenize note query proto
FUZZ_SECONDS ?= 10
FUZZ_BUILD := build-fuzz
FUZZ_CC ?= clang
FUZZ_CXX ?= clang++
FUZZ_XAP_CXX ?= $(CXX)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 $(WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_XAP_CXXFLAGS := -std=c++17 $(WARN) -O1 -g -fvisibility=hidden
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/%.o) $(CXX_SRCS:%.cc=$(FUZZ_BUILD)/%.o) \
	$(patsubst $(BUILD)/%,$(FUZZ_BUILD)/%,$(API_CORE_OBJS)) $(FUZZ_BUILD)/lib/lectern.o
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz-%)
REPLAY_BINS := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay-%)

.PHONY: fuzz fuzz-build fuzz-clean replay
fuzz-build: $(FUZZ_BINS)

fuzz-clean:
	rm -rf $(FUZZ_BUILD)

fuzz: fuzz-build
	@tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

replay: $(REPLAY_BINS)

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(call layer_inc,$<) $(CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(FUZZ_XAP_CXX) $(call layer_inc,$<) $(CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_XAP_CXXFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/liblectern.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz-%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/liblectern.a
	$(FUZZ_CC) $(INC_ALL) $(CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_CFLAGS) -MMD -MP -MT $@ -MF $@.d -c -o $@.o $<
	$(FUZZ_CXX) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $@.o $(FUZZ_BUILD)/liblectern.a $(PKG_LIBS) -lm

$(BUILD)/fuzz/replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIBLECTERN)
	@mkdir -p $(dir $@)
	$(CC) $(INC_ALL) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -o $@ $< tests/fuzz/replay.c $(LIBLECTERN) $(LDFLAGS) $(PKG_LIBS) -lstdc++ -lm

-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_BINS:=.d)

# ---- scaling benchmark ------------------------------------------------------
#
#   make bench-scale   shards (local and over xapian-tcpsrv) and corpus size
#                      x1/x10/x40: bench/results/scaling.md (bench/scale.py;
#                      SCALE_SIZES="1" for a short run). Never part of check.
.PHONY: bench-scale
bench-scale: deps
	@$(MAKE) --no-print-directory lectern
	@/usr/bin/python3 bench/scale.py
