/* physmem: sparse banks up to 2^52, lazy zero-fill, bounded host memory. */
#include "check.h"
#include "physmem.h"

#include <string.h>

static void test_banks(void)
{
	struct physmem *mem = physmem_new();
	const char *why = NULL;
	CHECK_EQ(physmem_add_bank(mem, 0xfff0000000000ULL, 0x10000000000ULL, &why), 0);
	CHECK_EQ(physmem_add_bank(mem, 0x80000000, 0x1000, &why), 0);
	CHECK_EQ(physmem_add_bank(mem, 0x80000800, 0x1000, &why), -1);
	CHECK(strstr(why, "aligned") != NULL);
	CHECK_EQ(physmem_add_bank(mem, 0x80000000, 0x2000, &why), -1);
	CHECK(strstr(why, "overlap") != NULL);
	CHECK_EQ(physmem_add_bank(mem, 0xffffffffff000ULL, 0x2000, &why), -1);
	CHECK_EQ(physmem_add_bank(mem, 0x1000, 0, &why), -1);
	CHECK_EQ(physmem_bank_count(mem), 2);
	CHECK_EQ(physmem_bank_at(mem, 0).base, 0x80000000); /* sorted */
	CHECK(physmem_is_ram(mem, 0x80000ff8, 8));
	CHECK(!physmem_is_ram(mem, 0x80000ffc, 8));
	physmem_free(mem);
}

static void test_access(void)
{
	struct physmem *mem = physmem_new();
	uint64_t top = 0xfff0000000000ULL, value = 1;
	CHECK_EQ(physmem_add_bank(mem, top, 0x10000000000ULL, NULL), 0);
	/* Untouched RAM reads zero; outside RAM fails. */
	CHECK(physmem_read64(mem, top + 0x123458, &value));
	CHECK_EQ(value, 0);
	CHECK(!physmem_read64(mem, 0x1000, &value));
	CHECK(!physmem_write64(mem, 0x1000, 5));
	/* Writes spread across 2^40 bytes cost only the touched chunks. */
	for (uint64_t i = 0; i < 64; i++)
		CHECK(physmem_write64(mem, top + (i << 34) + 8, i));
	for (uint64_t i = 0; i < 64; i++) {
		CHECK(physmem_read64(mem, top + (i << 34) + 8, &value));
		CHECK_EQ(value, i);
	}
	CHECK(physmem_host_bytes(mem) < (64 + 64) * PHYSMEM_CHUNK);
	/* A write crossing a page boundary, and an unaligned read. */
	uint8_t buf[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, back[16];
	CHECK(physmem_write(mem, top + 0xff8, buf, 16));
	CHECK(physmem_read(mem, top + 0xff8, back, 16));
	CHECK(memcmp(buf, back, 16) == 0);
	CHECK(physmem_read64(mem, top + 0xffc, &value));
	CHECK_EQ(value, 0x0c0b0a0908070605ULL);
	/* The emulator view shares bytes with the accessors. */
	uint8_t *host = physmem_chunk(mem, top + 0x10000);
	CHECK(host != NULL);
	if (host) {
		CHECK_EQ(host[0x20], 0);
		host[0x20] = 0x5a;
		CHECK(physmem_read(mem, top + 0x10020, back, 1));
		CHECK_EQ(back[0], 0x5a);
	}
	/* Reset forgets contents and banks but reuses host memory. */
	size_t held = physmem_host_bytes(mem);
	physmem_reset(mem);
	CHECK(!physmem_read64(mem, top + 8, &value));
	CHECK_EQ(physmem_add_bank(mem, top, 0x10000000000ULL, NULL), 0);
	CHECK(physmem_read64(mem, top + 8, &value));
	CHECK_EQ(value, 0);
	for (int round = 0; round < 1000; round++) {
		physmem_reset(mem);
		CHECK_EQ(physmem_add_bank(mem, top, 0x10000000000ULL, NULL), 0);
		for (uint64_t i = 0; i < 64; i++)
			physmem_write64(mem, top + (i << 34), i);
	}
	CHECK_EQ(physmem_host_bytes(mem), held);

	/* A copy holds the same bytes and diverges independently. */
	struct physmem *copy = physmem_new();
	uint64_t writes = physmem_write_count(mem);
	CHECK(physmem_copy(copy, mem));
	CHECK_EQ(physmem_write_count(mem), writes);
	CHECK(physmem_read64(copy, top + (5ULL << 34), &value));
	CHECK_EQ(value, 5);
	CHECK(physmem_write64(copy, top + (5ULL << 34), 99));
	CHECK(physmem_read64(mem, top + (5ULL << 34), &value));
	CHECK_EQ(value, 5);
	CHECK_EQ(physmem_write_count(mem), writes);
	CHECK(physmem_write64(mem, top, 1));
	CHECK_EQ(physmem_write_count(mem), writes + 1);
	physmem_free(copy);
	physmem_free(mem);
}

/* Views are handed out only over written RAM in one chunk, and change
 * nothing: the walker falls back to read64 whenever one is refused. */
static void test_view(void)
{
	struct physmem *mem = physmem_new();
	const uint64_t base = 0x80000000;
	uint64_t value;

	CHECK_EQ(physmem_add_bank(mem, base, 0x30000, NULL), 0);
	CHECK(physmem_view(mem, base, 0x1000) == NULL); /* never written: no bytes yet */
	CHECK(physmem_write64(mem, base + 0x1008, 0x1122334455667788ULL));
	uint64_t writes = physmem_write_count(mem);
	const uint8_t *view = physmem_view(mem, base + 0x1000, 0x1000);
	CHECK(view != NULL);
	if (view) {
		memcpy(&value, view + 8, 8);
		CHECK_EQ(value, 0x1122334455667788ULL);
		memcpy(&value, view, 8);
		CHECK_EQ(value, 0); /* the rest of a written page reads as zero */
	}
	CHECK(physmem_view(mem, base, 0x2000) == NULL);		 /* page 0 not live */
	CHECK(physmem_view(mem, base + 0x1000, 0x2000) == NULL); /* page 2 not live */
	CHECK(physmem_view(mem, base + 0x1000, 0) == NULL);
	CHECK(physmem_write_count(mem) == writes); /* views write nothing */
	CHECK(physmem_zero(mem, base, 0x30000));
	CHECK(physmem_view(mem, base, 0x10000) != NULL);
	CHECK(physmem_view(mem, base + 0x8000, 0x10000) == NULL); /* spans two chunks */
	CHECK(physmem_view(mem, base + 0x28000, 0x8000) != NULL);
	CHECK(physmem_view(mem, base + 0x2c000, 0x8000) == NULL); /* runs past RAM */
	CHECK(physmem_view(mem, 0x1000, 8) == NULL);		  /* not RAM */
	physmem_reset(mem);
	CHECK_EQ(physmem_add_bank(mem, base, 0x30000, NULL), 0);
	CHECK(physmem_view(mem, base, 0x1000) == NULL); /* reset forgets contents */
	physmem_free(mem);
}

/* A copy brought up to date from dirty pages must equal a full copy, and
 * physmem_differs must see every kind of change since it was made. */
static void test_incremental(void)
{
	struct physmem *mem = physmem_new(), *snap = physmem_new(), *other = physmem_new();
	const uint64_t base = 0x40000000;
	uint64_t value, where;
	CHECK_EQ(physmem_add_bank(mem, base, 0x1000000, NULL), 0);
	for (uint64_t i = 0; i < 32; i++)
		CHECK(physmem_write64(mem, base + i * 0x11000, i + 1));
	CHECK(physmem_copy(snap, mem));
	CHECK(!physmem_differs(snap, mem, &where));
	CHECK_EQ(where, 0);
	/* A write after the copy, then an incremental copy. */
	CHECK(physmem_write64(mem, base + 5 * 0x11000, 77));
	CHECK(physmem_differs(snap, mem, &where));
	CHECK_EQ(where, base + 5 * 0x11000);
	CHECK(physmem_copy(snap, mem));
	CHECK(physmem_read64(snap, base + 5 * 0x11000, &value));
	CHECK_EQ(value, 77);
	CHECK(physmem_read64(snap, base + 6 * 0x11000, &value));
	CHECK_EQ(value, 7);
	CHECK(!physmem_differs(snap, mem, &where));
	/* The lowest difference wins, whatever order the chunks were made in. */
	CHECK(physmem_write64(mem, base + 0xff0000, 1));
	CHECK(physmem_write64(mem, base + 0x20008, 2));
	CHECK(physmem_differs(snap, mem, &where));
	CHECK_EQ(where, base + 0x20008);
	CHECK(physmem_copy(snap, mem));
	/* Writes through a host pointer are not seen one by one: the chunk is
	 * compared and copied whole from then on. */
	uint8_t *host = physmem_chunk(mem, base + 0x30000);
	CHECK(physmem_copy(snap, mem));
	CHECK(!physmem_differs(snap, mem, &where));
	if (host)
		host[0x4321] = 9;
	CHECK(physmem_differs(snap, mem, &where));
	CHECK_EQ(where, base + 0x34321);
	CHECK(physmem_copy(snap, mem));
	CHECK(physmem_read(snap, base + 0x34321, &value, 1));
	CHECK_EQ(value & 0xff, 9);
	/* Writing the copy, or copying mem elsewhere, ends the mirror: the
	 * next copy and comparison are whole, and still right. */
	CHECK(physmem_write64(snap, base + 8, 5));
	CHECK(physmem_differs(snap, mem, &where));
	CHECK_EQ(where, base + 8);
	CHECK(physmem_copy(snap, mem));
	CHECK(!physmem_differs(snap, mem, &where));
	CHECK(physmem_copy(other, mem));
	CHECK(physmem_write64(mem, base + 0x100, 3));
	CHECK(physmem_differs(snap, mem, &where)); /* snap is not current, other is */
	CHECK_EQ(where, base + 0x100);
	CHECK(physmem_differs(other, mem, &where));
	CHECK(physmem_copy(snap, mem));
	CHECK(physmem_read64(snap, base + 0x100, &value));
	CHECK_EQ(value, 3);
	CHECK(physmem_read64(snap, base + 8, &value));
	CHECK_EQ(value, 0);
	/* A copy of a copy: updating the middle one must not leave the last
	 * one current. */
	struct physmem *third = physmem_new();
	CHECK(physmem_copy(other, mem));
	CHECK(physmem_copy(third, other));
	CHECK(physmem_write64(mem, base + 0x300, 6));
	CHECK(physmem_copy(other, mem)); /* incremental */
	CHECK(physmem_copy(third, other));
	CHECK(physmem_read64(third, base + 0x300, &value));
	CHECK_EQ(value, 6);
	CHECK(!physmem_differs(third, mem, &where));
	physmem_free(third);
	/* A reset of the source starts over. */
	physmem_reset(mem);
	CHECK_EQ(physmem_add_bank(mem, base, 0x1000000, NULL), 0);
	CHECK(physmem_write64(mem, base + 0x200, 4));
	CHECK(physmem_copy(snap, mem));
	CHECK(physmem_read64(snap, base + 5 * 0x11000, &value));
	CHECK_EQ(value, 0);
	CHECK(physmem_read64(snap, base + 0x200, &value));
	CHECK_EQ(value, 4);
	CHECK(!physmem_differs(snap, mem, &where));
	physmem_free(other);
	physmem_free(snap);
	physmem_free(mem);
}

int main(void)
{
	test_banks();
	test_access();
	test_view();
	test_incremental();
	return check_report("test_physmem");
}
