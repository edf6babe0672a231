# inject: a SystemTap-compatible guru-mode compiler and fault-injection tool.
#
#   make            build build/gstap, build/inject, build/guru-run, test tools
#   make check      every test: unit (Check), language, VM
#   make bench      benchmarks (against the named peers, same run)
#   make fuzz       bounded fuzzing of the lexer and parser
#   make install    PREFIX (default /usr/local) and DESTDIR honoured
#   make clean      remove everything built
#
# Layout: inject/*.c is the compiler library (linked by gstap and inject);
# inject/cmd_*.c are the programs' mains; inject/guru_*.c are the pass-5
# loader's own files (guru-run is linked statically against libc only).

BUILD   ?= build
PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
DATADIR  = $(PREFIX)/share/inject
MANDIR   = $(PREFIX)/share/man
CC      ?= cc
CFLAGS  ?= -O2 -g
WERROR  ?= -Werror
PKGS     = libcyaml libbpf libelf libdw liblzma
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)
VERSION := 0.1
WARN     = -std=c11 -Wall -Wextra $(WERROR) -D_GNU_SOURCE
ALL_CFLAGS = $(WARN) $(CFLAGS) -Iinject $(PKG_CFLAGS) -MMD -MP \
	-DINJECT_VERSION='"$(VERSION)"' -DINJECT_DATADIR='"$(DATADIR)"'

CMD_SRCS   := $(wildcard inject/cmd_*.c)
GURU_SRCS  := $(wildcard inject/guru_*.c)
LIB_SRCS   := $(filter-out $(CMD_SRCS) $(GURU_SRCS),$(wildcard inject/*.c))
LIB_OBJS   := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
GURU_OBJS  := $(GURU_SRCS:%.c=$(BUILD)/obj/%.o)
TOOL_SRCS  := $(wildcard tests/tools/*.c)
TOOLS      := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tools/%)
UNIT_SRCS  := $(wildcard tests/unit/*.c)
UNIT_OBJS  := $(UNIT_SRCS:%.c=$(BUILD)/obj/%.o)
GEN_TAPSETS := $(wildcard tapsets/gen/*.py)

PROGS = $(BUILD)/gstap $(BUILD)/inject $(BUILD)/guru-run

all: $(PROGS) $(TOOLS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# session.c compiles the install location in: rebuild it when PREFIX changes,
# so "make install PREFIX=X" after a plain "make" installs a gstap that finds
# its tapsets and runtime under X.
$(BUILD)/datadir.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@
$(BUILD)/obj/inject/session.o: $(BUILD)/datadir.stamp
FORCE:

$(BUILD)/libinject.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/gstap: $(BUILD)/obj/inject/cmd_gstap.o $(BUILD)/libinject.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(BUILD)/inject: $(BUILD)/obj/inject/cmd_inject.o $(BUILD)/libinject.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# The loader runs in a bare busybox guest: static, libc only.
$(BUILD)/guru-run: $(BUILD)/obj/inject/cmd_guru_run.o $(GURU_OBJS) $(BUILD)/obj/inject/cmdline.o
	$(CC) $(CFLAGS) -static -o $@ $^

# Small static programs placed in the test VM.
$(BUILD)/tools/%: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -static -o $@ $< -lm

# The VM runner as a command, for tests/vm (vm.c is the library piece).
$(BUILD)/vmrun: $(BUILD)/obj/tests/vm/vmrun.o $(BUILD)/libinject.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# One Check binary with every suite: each tests/unit/test_X.c defines
# "Suite *X_suite(void)"; the list is generated from the sources.
$(BUILD)/unit_suites.h: $(UNIT_SRCS)
	@mkdir -p $(@D)
	sed -n 's/^Suite \*\([a-z0-9_]*_suite\)(void)$$/SUITE(\1)/p' $(UNIT_SRCS) > $@.tmp
	mv $@.tmp $@

$(BUILD)/obj/tests/unit/main.o: $(BUILD)/unit_suites.h
$(BUILD)/obj/tests/unit/%.o: ALL_CFLAGS += $(CHECK_CFLAGS) -I$(BUILD)

$(BUILD)/unit-tests: $(UNIT_OBJS) $(BUILD)/libinject.a
	$(CC) $(CFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lm

check: all $(BUILD)/unit-tests $(BUILD)/vmrun
	$(BUILD)/unit-tests
	GSTAP=$(BUILD)/gstap tests/lang/run.sh
	BUILD=$(BUILD) tests/scenario/run.sh
	BUILD=$(BUILD) tests/vm/run.sh

check-unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

check-lang: all
	GSTAP=$(BUILD)/gstap tests/lang/run.sh

check-vm: all $(BUILD)/vmrun
	BUILD=$(BUILD) tests/vm/run.sh

bench: all $(BUILD)/vmrun
	BUILD=$(BUILD) bench/run.sh

fuzz:
	tests/fuzz/run.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/tapsets \
		$(DESTDIR)$(DATADIR)/runtime $(DESTDIR)$(DATADIR)/tools \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(BUILD)/gstap $(BUILD)/inject $(DESTDIR)$(BINDIR)/
	install -m 755 $(BUILD)/guru-run $(DESTDIR)$(BINDIR)/
	cp -R tapsets/. $(DESTDIR)$(DATADIR)/tapsets/
	cp -R guru-runtime/. $(DESTDIR)$(DATADIR)/runtime/
	$(if $(TOOLS),install -m 755 $(TOOLS) $(DESTDIR)$(DATADIR)/tools/)
	-install -m 644 docs/*.1 $(DESTDIR)$(MANDIR)/man1/ 2>/dev/null
	-install -m 644 docs/*.5 $(DESTDIR)$(MANDIR)/man5/ 2>/dev/null

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/gstap $(DESTDIR)$(BINDIR)/inject $(DESTDIR)$(BINDIR)/guru-run
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(BUILD) build-*

.PHONY: FORCE all check check-unit check-lang check-vm bench fuzz install uninstall clean

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
