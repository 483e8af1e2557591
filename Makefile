# Gureum: `make` builds the four daemons into build/bin; `make check` builds
# them again under AddressSanitizer+UBSan into build-san/ and runs every
# test; `make lab` brings up the one-machine cloud; `make bench` measures.
# Quiet unless V=1.

BUILD	?= build
SAN	?= 0
CC	?= cc
PKGS	:= libmicrohttpd jansson libpq libcurl libvirt openssl libnl-3.0 \
	   libnl-route-3.0 libnftables libnetfilter_conntrack
Q	:= $(if $(filter 1,$(V)),,@)

CFLAGS	?= -O2 -g
CFLAGS	+= -D_GNU_SOURCE -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wno-missing-field-initializers
CFLAGS	+= -Icommon -I$(BUILD)/gen -MMD -MP
CFLAGS	+= $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
libs	= $(shell pkg-config --libs $(1) 2>/dev/null) -lpthread
LDLIBS	+= $(call libs,$(PKGS))
ifeq ($(SAN),1)
CFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
LDFLAGS	+= -fsanitize=address,undefined
endif

DAEMONS	:= controller:gureum-controller compute-agent:gureum-compute \
	   image-service:gureum-image network-agent:gureum-network
BINS	:= $(foreach d,$(DAEMONS),$(BUILD)/bin/$(word 2,$(subst :, ,$(d))))
# Each daemon links only what it uses: the agents never open the database.
LIBS_gureum-controller	:= libmicrohttpd jansson libpq libcurl openssl
LIBS_gureum-image	:= libmicrohttpd jansson libpq openssl
LIBS_gureum-compute	:= libmicrohttpd jansson libcurl libvirt openssl
LIBS_gureum-network	:= libmicrohttpd jansson libcurl openssl libnl-3.0 \
			   libnl-route-3.0 libnftables libnetfilter_conntrack
LIB	:= $(BUILD)/libgureum.a
LIB_SRC	:= $(wildcard common/*.c)
LIB_OBJ	:= $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/migrations.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

all: $(BINS)

# One daemon per directory: build/bin/NAME from DIR/*.c + libgureum.
define daemon
$(BUILD)/bin/$(2): $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard $(1)/*.c)) $(LIB)
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	$(Q)$(CC) $(LDFLAGS) -o $$@ $$^ $(call libs,$(LIBS_$(2)))
endef
$(foreach d,$(DAEMONS),$(eval $(call daemon,$(word 1,$(subst :, ,$(d))),$(word 2,$(subst :, ,$(d))))))

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -Icommon -c -o $@ $<

$(BUILD)/obj/gen/migrations.o: $(BUILD)/gen/migrations.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/gen/migrations.c: common/gen-migrations.sh $(wildcard sql/*.sql)
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)sh common/gen-migrations.sh sql > $@.tmp && mv $@.tmp $@

# The schema number alone, for daemons that carry no SQL (gr_schema.c).
$(BUILD)/obj/common/gr_schema.o: $(BUILD)/gen/gr_schema_version.h
$(BUILD)/gen/gr_schema_version.h: common/gen-migrations.sh $(wildcard sql/*.sql)
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)sh common/gen-migrations.sh -v sql > $@.tmp && mv $@.tmp $@

$(LIB): $(LIB_OBJ)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

# A unit test may also link a daemon's module: TEST_OBJS_<test>. The
# scheduler's filters need the controller's modules that sched.c calls.
TEST_OBJS_test_vm_xml := $(BUILD)/obj/compute-agent/vm_xml.o \
	$(BUILD)/obj/compute-agent/boot_spec.o
TEST_OBJS_test_disk := $(BUILD)/obj/compute-agent/disk.o
TEST_OBJS_test_ipnet := $(BUILD)/obj/controller/ipnet.o
$(BUILD)/tests/test_ipnet: CFLAGS += -iquote controller
TEST_OBJS_test_web := $(BUILD)/obj/controller/web.o \
	$(BUILD)/obj/controller/image_proxy.o
$(BUILD)/tests/test_web: CFLAGS += -iquote controller
# The network agent's pure parts: its document, rulesets, dnsmasq files.
NA_OBJ	= $(BUILD)/obj/network-agent/$(1).o
TEST_OBJS_test_doc = $(call NA_OBJ,doc)
TEST_OBJS_test_nft = $(call NA_OBJ,doc) $(call NA_OBJ,nft) $(call NA_OBJ,ct)
TEST_OBJS_test_dhcp = $(call NA_OBJ,doc) $(call NA_OBJ,dhcp) $(call NA_OBJ,leg) $(call NA_OBJ,ct) \
	$(call NA_OBJ,netlink) $(call NA_OBJ,netns)
$(BUILD)/tests/test_doc $(BUILD)/tests/test_nft $(BUILD)/tests/test_dhcp: \
	CFLAGS += -iquote network-agent
TEST_OBJS_test_sched = $(CTL_OBJ)
$(BUILD)/tests/test_sched: CFLAGS += -iquote controller

.SECONDEXPANSION:
$(BUILD)/tests/%: tests/unit/%.c $$(TEST_OBJS_%) $(LIB)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -Itests/unit -Icompute-agent -o $@ $< \
	    $(TEST_OBJS_$*) $(LIB) $(LDLIBS)

tests: $(UNIT_BIN) $(BUILD)/bench/sched_bench

# The scheduler benchmark's driver: the controller's modules, with
# bench/sched_bench.c in place of its main.c.
CTL_OBJ	:= $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out controller/main.c,\
	   $(wildcard controller/*.c)))
$(BUILD)/obj/bench/sched_bench.o: CFLAGS += -iquote controller
$(BUILD)/bench/sched_bench: $(BUILD)/obj/bench/sched_bench.o $(CTL_OBJ) $(LIB)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Tests run the sanitizer build; memory-bound tests measure the optimised
# one (sanitizers keep freed memory in quarantine), hence both.
check:
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory BUILD=build-san SAN=1 all tests
	$(Q)GUREUM_BIN=$(CURDIR)/build-san/bin GUREUM_UNIT=$(CURDIR)/build-san/tests \
	    GUREUM_OPT_BIN=$(CURDIR)/build/bin bash tests/run.sh

bench: all $(BUILD)/bench/sched_bench
	$(Q)bash bench/run.sh $(CURDIR)/$(BUILD)
	$(Q)bash bench/images.sh $(CURDIR)/$(BUILD)
	$(Q)bash bench/boot.sh $(CURDIR)/$(BUILD)
	$(Q)bash bench/sched.sh $(CURDIR)/$(BUILD)
	$(Q)bash bench/network.sh $(CURDIR)/$(BUILD)
	$(Q)bash bench/web.sh $(CURDIR)/$(BUILD)

fuzz:
	$(Q)$(MAKE) --no-print-directory -f fuzz/Makefile

deps:
	$(Q)bash deploy/install-deps.sh

lab:
	$(Q)bash deploy/lab/lab.sh up

lab-down:
	$(Q)bash deploy/lab/lab.sh down

clean:
	rm -rf build build-san build-fuzz

.PHONY: all tests check bench fuzz deps lab lab-down clean
-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
