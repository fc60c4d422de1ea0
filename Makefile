# lectern - full-text search for conference and meeting notes.
#
#   make            build ./lectern
#   make demo       install deps, build, index corpus/, run a search
#   make check      install deps, build, run every test; ends "N passed, M failed"
#   make check SANITIZE=1   the same under ASan + UBSan
#   make bench      benchmarks (never part of check)
#   make install PREFIX=/usr/local
#   make clean

PREFIX ?= /usr/local
BUILD ?= build
VERSION := 0.1.0

PKGS := xapian-core libcmark libutf8proc jansson yaml-0.1 libxxhash
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lpthread

CC ?= cc
CXX ?= c++
WARN := -Wall -Wextra -Werror
OPT ?= -O2 -g
# -iquote, not -I: common/limits.h must not shadow the system <limits.h>.
CPPFLAGS += -iquote common -iquote indexer -iquote searcher -D_GNU_SOURCE -DLECTERN_VERSION='"$(VERSION)"'
CFLAGS += -std=c11 $(WARN) $(OPT)
CXXFLAGS += -std=c++17 $(WARN) $(OPT) -fvisibility=hidden
LDFLAGS +=

ifeq ($(SANITIZE),1)
  BUILD := build-san
  SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  CFLAGS += $(SAN)
  CXXFLAGS += $(SAN)
  LDFLAGS += $(SAN)
endif

# Every .c/.cc under common/ indexer/ searcher/ is part of lectern; main is in
# searcher/lectern.c and stays out of the library the unit tests link.
LIB_SRCS := $(sort $(wildcard common/*.c indexer/*.c searcher/*.c))
LIB_SRCS := $(filter-out searcher/lectern.c,$(LIB_SRCS))
CXX_SRCS := common/xap.cc
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(CXX_SRCS:%.cc=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/searcher/lectern.o
LIBLECTERN := $(BUILD)/liblectern.a

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all lectern demo check check-slow check-unit check-e2e bench install uninstall clean deps
all: lectern

# ./lectern always points at the plain build; a SANITIZE=1 build stays in
# build-san/ (its tests find it there) and leaves the link alone.
lectern: $(BUILD)/lectern
	@if [ "$(SANITIZE)" != 1 ]; then ln -sf $(BUILD)/lectern lectern; fi

$(BUILD)/lectern: $(MAIN_OBJ) $(LIBLECTERN)
	$(CXX) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIBLECTERN) $(PKG_LIBS)

$(LIBLECTERN): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(PKG_CFLAGS) $(CXXFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBLECTERN)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP -o $@ $< $(LIBLECTERN) $(LDFLAGS) $(PKG_LIBS) -lcmocka -lstdc++ -lm

$(BUILD)/bench/find-inproc: bench/find-inproc.c $(LIBLECTERN)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -o $@ $< $(LIBLECTERN) $(LDFLAGS) $(PKG_LIBS) -lstdc++ -lm

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_BINS:=.d)

deps:
	@scripts/install-deps

demo: deps
	@$(MAKE) --no-print-directory lectern
	@scripts/demo

check: deps
	@$(MAKE) --no-print-directory lectern $(UNIT_BINS)
	@BUILD=$(BUILD) tests/run

check-slow: deps
	@$(MAKE) --no-print-directory lectern $(UNIT_BINS)
	@BUILD=$(BUILD) LECTERN_SLOW=1 tests/run

bench: deps
	@$(MAKE) --no-print-directory lectern
	@bench/run

install: $(BUILD)/lectern
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/lectern $(DESTDIR)$(PREFIX)/bin/lectern
	install -m 644 docs/lectern.1 $(DESTDIR)$(PREFIX)/share/man/man1/lectern.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/lectern $(DESTDIR)$(PREFIX)/share/man/man1/lectern.1

clean:
	rm -rf build build-san lectern .lectern-demo
