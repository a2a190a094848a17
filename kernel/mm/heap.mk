# SPDX-License-Identifier: MIT
# Kernel heap fragment (included by the top-level Makefile): the host unit
# tests of the slab caches and kmalloc.  test_slab runs the heap as a debug
# kernel builds it (red zones, poison, sites); test_kmalloc as DEBUG=0 does.

HEAP_UNIT_DEPS := kernel/mm/slab.c kernel/mm/slab_debug.c kernel/mm/kmalloc.c kernel/lib/format.c
UNIT_DEPS_test_slab    := $(HEAP_UNIT_DEPS)
UNIT_DEPS_test_kmalloc := $(HEAP_UNIT_DEPS)

$(BUILD)/tests/unit/test_slab: HOST_TEST_CFLAGS += -DKESTREL_DEBUG=1
$(BUILD)/tests/unit/test_slab $(BUILD)/tests/unit/test_kmalloc: kernel/mm/heap.h kernel/mm/slab.h
