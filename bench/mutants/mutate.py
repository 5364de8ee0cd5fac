#!/usr/bin/env python3
"""The seeded bugs of the mutation benchmark, and the tool that applies them.

Each mutant is one small change of one place: a file, the exact original
text (which must occur exactly once in that file), its replacement, the
harness whose fuzzer is expected to see it, and what kind of decision it
breaks. Mutants are applied to a scratch copy of the tree, never to the
worktree, so the table survives unrelated edits: when an original text is
no longer found, `check` and `apply` fail loudly and name the mutant.

  mutate.py list                      id, harness, category, file, description
  mutate.py check ROOT                every original text occurs exactly once
  mutate.py apply ID ROOT             apply one mutant in place (a scratch copy!)
  mutate.py file ID                   the file a mutant changes
  mutate.py field ID NAME             one field (harness, category, desc, equivalent)
  mutate.py sync FROM TO [FILE...]     copy each FILE (relative) from FROM to TO where
                                      the content differs (fresh mtime, so make rebuilds);
                                      without FILEs, the NUL-separated list on stdin, and
                                      files of TO outside it (and outside TO/build) go
"""
import os
import sys
from pathlib import Path

# equivalent: why the mutant cannot change any observable behaviour of the
# judged system (it is listed, never counted in the kill rate).
M = []


def mutant(mid, harness, category, path, original, replacement, desc, equivalent=None):
    M.append(dict(id=mid, harness=harness, category=category, file=path, original=original,
                  replacement=replacement, desc=desc, equivalent=equivalent))


# ---- block / contiguous eligibility --------------------------------------
mutant("M01", "builder", "block-eligibility", "core/map.c",
       "pgd_block_allowed(geo, v->level) && !(pa & (v->entry_size - 1)));",
       "pgd_block_allowed(geo, v->level));",
       "a block is written without checking that its PA is aligned")
mutant("M02", "builder", "block-eligibility", "core/map.c",
       "bool whole_entry = v->first == v->entry_va && v->last - v->first == v->entry_size - 1;",
       "bool whole_entry = v->first == v->entry_va;",
       "a block is written when the range starts on an entry but ends inside it")
mutant("M03", "builder", "cont-eligibility", "core/map.c",
       "\tif ((ctx->pa + (group_va - ctx->va)) & (group_size - 1))\n\t\treturn false;\n",
       "",
       "the contiguous bit is set on groups whose output is not group aligned")
mutant("M04", "builder", "cont-eligibility", "core/map.c",
       "if (group_va < ctx->va || group_size - 1 - slack > ctx->last - group_va)",
       "if (group_size - 1 - slack > ctx->last - group_va)",
       "a contiguous group may start before the request")
mutant("M05", "builder", "cont-eligibility", "core/map.c",
       "if ((desc & PGD_DESC_VALID) && desc != want)",
       "if ((desc & PGD_DESC_VALID) && (desc & ~PGD_CONT) != (want & ~PGD_CONT))",
       "a live non-contiguous member equal but for the bit counts as part of the group (the "
       "fixed builder:lint-cont-missing:4k-36 bug)")
mutant("M06", "builder", "block-levels", "core/geometry.c",
       "return level == 1 || level == 2 || (level == 0 && geo->lpa2);",
       "return level == 0 || level == 1 || level == 2;",
       "4K level-0 blocks without LPA2")
mutant("M07", "builder", "block-levels", "core/geometry.c",
       "return level == 2 || (level == 1 && geo->pa_bits == 52);",
       "return level == 2 || level == 1;",
       "64K level-1 (4 TiB) blocks without 52-bit PA")
mutant("M08", "builder", "cont-eligibility", "core/geometry.c",
       "return geo->page_shift == 12 ? 16 : 32;",
       "return 16;",
       "16K/64K level-2 contiguous groups of 16 instead of 32")
mutant("M09", "builder", "cont-eligibility", "core/geometry.c",
       "geo->page_shift == 14 ? 128 : 32;",
       "geo->page_shift == 14 ? 128 : 16;",
       "64K level-3 contiguous groups of 16 instead of 32")
mutant("M10", "builder", "block-levels", "core/geometry.c",
       "return level == 2 || (level == 1 && geo->lpa2);",
       "return level == 2 || level == 1;",
       "16K level-1 (64 GiB) blocks without LPA2")

# ---- encodings ------------------------------------------------------------
mutant("M11", "builder", "encoding", "core/geometry.c",
       "return (pa & low_mask) | ((pa >> 48) & 0xf) << 12;",
       "return (pa & low_mask) | ((pa >> 48) & 0xf) << 8;",
       "64K LPA: PA[51:48] written to bits [11:8] instead of [15:12]")
mutant("M12", "builder", "encoding", "core/geometry.c",
       "return (pa & (((1ULL << 50) - 1) & ~(pgd_granule(geo) - 1))) | ((pa >> 50) & 3)",
       "return (pa & (((1ULL << 50) - 1) & ~(pgd_granule(geo) - 1))) | ((pa >> 48) & 3)",
       "LPA2: descriptor bits [9:8] take PA[49:48] instead of PA[51:50]")
mutant("M13", "idmap", "encoding", "core/geometry.c",
       "uint64_t pgd_pa_to_desc(const struct pgd_geometry *geo, uint64_t pa)\n{\n"
       "\tuint64_t low_mask = ((1ULL << 48) - 1)",
       "uint64_t pgd_pa_to_desc(const struct pgd_geometry *geo, uint64_t pa)\n{\n"
       "\tuint64_t low_mask = ((1ULL << 47) - 1)",
       "48-bit form: PA bit 47 dropped from output addresses")
mutant("M14", "idmap", "encoding", "core/map.c",
       "| ((root_pa >> 48) & 0xf) << 2;",
       "| ((root_pa >> 48) & 0xf) << 1;",
       "TTBR: PA[51:48] of a 52-bit root packed at bits [4:1] instead of [5:2]")
mutant("M15", "builder", "encoding", "core/map.c",
       "\t\ttcr |= 1ULL << 59;",
       "\t\ttcr |= 1ULL << 58;",
       "TCR.DS written to bit 58 instead of 59 for LPA2")
mutant("M16", "idmap", "encoding", "core/map.c",
       "\tcase 48:\n\t\treturn 5;",
       "\tcase 48:\n\t\treturn 4;",
       "TCR.IPS for 48-bit PA says 44 bits")
mutant("M17", "builder", "encoding", "core/map.c",
       "upper->page_shift == 16 ? 3 : 1;",
       "upper->page_shift == 16 ? 1 : 3;",
       "TCR.TG1 encodings of 16K and 64K swapped")
mutant("M18", "builder", "encoding", "core/internal.h",
       "return geo->lpa2 ? PGD_PROT_MASK & ~PGD_SH_MASK : PGD_PROT_MASK;",
       "return PGD_PROT_MASK;",
       "LPA2: a prot's SH bits are written over PA[51:50]")

# ---- start level, root size, extra idmap levels ---------------------------
mutant("M19", "builder", "start-level", "core/geometry.c",
       "return 3 - (int)((ia_bits - 1 - page_shift) / (page_shift - 3));",
       "return 3 - (int)((ia_bits - page_shift) / (page_shift - 3));",
       "start-level rule off by one at exact level boundaries")
mutant("M20", "builder", "root-size", "core/geometry.c",
       "\t\tia_bits = root_shift + 1;\n",
       "\t\tia_bits = root_shift + 2;\n",
       "forced extra levels get a 4-entry root instead of the smallest (2)")
mutant("M21", "builder", "root-size", "core/geometry.c",
       "out.root_entries = 1u << (ia_bits - root_shift);\n\t*geo = out;",
       "out.root_entries = 1u << (ia_bits - root_shift + 1);\n\t*geo = out;",
       "the root table is sized twice as large as the input address needs")
mutant("M22", "idmap", "idmap-levels", "core/idmap.c",
       "\tif (ia_bits <= base->ia_bits)\n\t\treturn out;",
       "\tif (ia_bits <= base->ia_bits + 1)\n\t\treturn out;",
       "create_idmap does not grow the input size for RAM one bit above the VA range")
mutant("M23", "idmap", "idmap-levels", "core/idmap.c",
       "\twhile (bits < 64 && (last >> bits))\n\t\tbits++;\n\treturn bits;",
       "\twhile (bits < 63 && (last >> (bits + 1)))\n\t\tbits++;\n\treturn bits;",
       "the highest PA's bit count is one short")

# ---- safe-update rules ---------------------------------------------------
mutant("M24", "builder", "safe-update", "core/map.c",
       "if (attr_old != attr_new && attr_old <= PGD_ATTR_INDX(1) &&\n\t\t    attr_new <= PGD_ATTR_INDX(1))",
       "if (attr_old != attr_new && (attr_old <= PGD_ATTR_INDX(1) ||\n\t\t    attr_new <= PGD_ATTR_INDX(1)))",
       "the Normal <-> Normal-Tagged exception takes either side: Normal to Device is allowed")
mutant("M25", "builder", "safe-update", "core/map.c",
       "attr_new <= PGD_ATTR_INDX(1))\n\t\t\trest &= ~PGD_ATTR_INDX_MASK;",
       "attr_new <= PGD_ATTR_INDX(2))\n\t\t\trest &= ~PGD_ATTR_INDX_MASK;",
       "the Normal-Tagged exception off by one: Normal to Normal-NC (AttrIndx 2) is allowed")
mutant("M24e", "builder", "safe-update", "core/map.c",
       "\tif (diff & 0x0003fffffffff000ULL)\n\t\twhy = \"pfn-change\";\n\telse if",
       "\tif",
       "the pfn-change rule removed",
       equivalent="the output-address bits are outside the allowed mask, so the catch-all "
       "attribute-change rule refuses the same changes; only err.rule's name differs")
mutant("M25e", "builder", "safe-update", "core/map.c",
       "\t\tif (rest & PGD_ATTR_INDX_MASK)\n\t\t\twhy = \"memory-type\";\n\t\telse if",
       "\t\tif",
       "the memory-type rule removed",
       equivalent="AttrIndx is outside the allowed mask, so the catch-all attribute-change rule "
       "refuses the same changes; only err.rule's name differs")
mutant("M26", "builder", "safe-update", "core/map.c",
       "else if (old_desc & ~new_desc & PGD_NG)",
       "else if (new_desc & ~old_desc & PGD_NG)",
       "the nG rule reversed: global to non-global refused, non-global to global allowed")
mutant("M27", "builder", "safe-update", "core/map.c",
       "const uint64_t allowed = PGD_PXN | PGD_AP_RDONLY | PGD_DBM | PGD_NG | PGD_SW_MASK;",
       "const uint64_t allowed = PGD_PXN | PGD_AP_RDONLY | PGD_NG | PGD_SW_MASK;",
       "a DBM change (RW to RO) is refused as unsafe")
mutant("M28", "builder", "safe-update", "core/map.c",
       "\telse if ((old_desc | new_desc) & PGD_CONT)\n\t\twhy = diff ? \"contiguous\" : NULL;\n",
       "",
       "a live contiguous entry may change on its own")
mutant("M29", "builder", "safe-update", "core/map.c",
       "\t    .dry_run = true,\n",
       "\t    .dry_run = false,\n",
       "map has no dry run: a refused map leaves part of its change written")
mutant("M30", "builder", "safe-update", "core/map.c",
       "if (v->first != v->entry_va || v->last - v->first != v->entry_size - 1)\n"
       "\t\treturn pgd_fail(ctx->err, PGD_EUNSAFE, v->first, v->level, \"block-split\",\n"
       "\t\t\t\t\"changing",
       "if (v->first != v->entry_va)\n"
       "\t\treturn pgd_fail(ctx->err, PGD_EUNSAFE, v->first, v->level, \"block-split\",\n"
       "\t\t\t\t\"changing",
       "update of a range ending inside a block changes the whole block")

# ---- table attributes ------------------------------------------------------
mutant("M31", "builder", "table-attrs", "core/map.c",
       "PGD_TABLE_UXN | (ctx->flags & PGD_NO_EXEC ? PGD_TABLE_PXN : 0);",
       "(ctx->flags & PGD_NO_EXEC ? PGD_TABLE_PXN : 0);",
       "new tables lack UXNTable")
mutant("M32", "builder", "table-attrs", "core/map.c",
       "(ctx->flags & PGD_NO_EXEC ? PGD_TABLE_PXN : 0);",
       "(ctx->flags & PGD_NO_CONT ? PGD_TABLE_PXN : 0);",
       "PXNTable follows NO_CONT instead of NO_EXEC")
mutant("M33", "builder", "table-attrs", "core/map.c",
       "PGD_TABLE_UXN | (ctx->flags & PGD_NO_EXEC ? PGD_TABLE_PXN : 0);",
       "PGD_TABLE_UXN | 1ULL << 61 | (ctx->flags & PGD_NO_EXEC ? PGD_TABLE_PXN : 0);",
       "new tables carry APTable[0] (no EL0 access below)")
mutant("M34", "builder", "table-attrs", "core/map.c",
       "write_desc(ctx->dst, dst_desc_pa, (v->desc & ~src_addr) | pgd_pa_to_desc(geo, table));",
       "write_desc(ctx->dst, dst_desc_pa, (v->desc & 3) | pgd_pa_to_desc(geo, table));",
       "pgd_copy drops the table attributes of copied tables")

# ---- allocator ---------------------------------------------------------------
mutant("M35", "builder", "allocator", "core/alloc.c",
       "\tif (!physmem_zero(tree->mem, table, granule))\n",
       "\tif (!physmem_zero(tree->mem, table, 8))\n",
       "only the first descriptor of a new table is zeroed")
mutant("M36", "idmap", "allocator", "core/alloc.c",
       "\tif (top > alloc->limit)\n",
       "\tif (top > alloc->limit + alloc->granule)\n",
       "the PA limit is off by one page: a table may sit just above 2^pa_bits")
mutant("M37", "reloc", "allocator", "core/alloc.c",
       "if (base < rb + rs && rb < base + size) {",
       "if (base < rb + rs && rb < base) {",
       "a page starting exactly at a reserved range's base is handed out")
mutant("M38", "builder", "allocator", "core/alloc.c",
       "if (alloc->next_top < bank.base + alloc->granule) {",
       "if (alloc->next_top < bank.base) {",
       "an exhausted bank hands out the page just below its base")
mutant("M39", "reloc", "allocator", "core/alloc.c",
       "\t\t\talloc->next_top = reserved_base & ~(alloc->granule - 1);\n\t\t\tcontinue;",
       "\t\t\talloc->next_top = candidate;\n\t\t\tcontinue;",
       "skipping a reserved range moves down one page at a time",
       equivalent="each skipped page is tested again on the next iteration, so the same "
       "pages are handed out, only more slowly (the bound is the range size)")

# ---- walker and operations ------------------------------------------------------
mutant("M40", "builder", "walk", "core/walk.c",
       "\t\t\tif (pgd_desc_is_table(desc, level)) {",
       "\t\t\tif (pgd_desc_is_table(visit.desc, level)) {",
       "the walker descends by the descriptor as it was before the visitor wrote it")
mutant("M41", "builder", "range-contract", "core/map.c",
       "\t\t       (*pa + (*last - *va)) >> tree->geo.pa_bits))",
       "\t\t       (*pa + (*last - *va)) >> (tree->geo.pa_bits + 1)))",
       "a map whose PA range ends above 2^pa_bits is accepted")
mutant("M42", "reloc", "idmap-levels", "core/idmap.c",
       "&page, 1, PGD_PROT_KERNEL_ROX, 0, err);",
       "&page, 1, PGD_PROT_KERNEL_RO, 0, err);",
       "idmap_page maps the control page non-executable")

# ---- relocation: reloc.S and its host side ----------------------------------------
mutant("R01", "reloc", "reloc-entry-regs", "emulate/reloc.S",
       "\tmov\tx0, x2\n", "\tmov\tx0, x1\n",
       "x0 at entry is the entry address, not the dtb")
mutant("R02", "reloc", "reloc-entry-regs", "emulate/reloc.S",
       "\tmov\tx1, xzr\n", "",
       "x1 is not cleared at entry")
mutant("R03", "reloc", "reloc-copy-bounds", "emulate/reloc.S",
       "\tsubs\tx9, x9, #32\n", "\tsubs\tx9, x9, #16\n",
       "the copy loop copies two pages per source entry")
mutant("R04", "reloc", "reloc-copy-bounds", "emulate/reloc.S",
       "\tmov\tx9, x7\n", "\tsub\tx9, x7, #32\n",
       "the copy loop stops 32 bytes short of the page end")
mutant("R05", "reloc", "reloc-mmu-at-entry", "emulate/reloc.S",
       "\tmsr\tsctlr_el1, x6\n", "",
       "the new image is entered with the MMU still on")
mutant("R06", "reloc", "reloc-ttbr-bbm", "emulate/reloc.S",
       "\tmsr\tttbr1_el1, x4\n\tisb\n.Lttbr1_ready:",
       "\tisb\n.Lttbr1_ready:",
       "the TTBR1 switch stops at the zero page (break without make)")
mutant("R07", "reloc", "reloc-cache", "emulate/reloc.S",
       "\tdc\tcivac, x20\n", "\tdc\tcvau, x20\n",
       "each copied page is cleaned to PoU only, not to PoC",
       equivalent="Unicorn 2.0.1 models no data cache: every DC operation is a no-op, so "
       "cache maintenance is unobservable in emulation")
mutant("R08", "reloc", "reloc-copy-bounds", "emulate/reloc.c",
       "for (uint64_t off = 0; off < s->size; off += granule)\n\t\t\tentries[n++]",
       "for (uint64_t off = granule; off < s->size; off += granule)\n\t\t\tentries[n++]",
       "the entry list omits each segment's first source page")
mutant("R09", "reloc", "reloc-idmap", "emulate/reloc.c",
       "if (plan->segments[i].dst != plan->segments[i].src)\n\t\t\tranges[n++]",
       "if (plan->segments[i].dst == plan->segments[i].src)\n\t\t\tranges[n++]",
       "the relocation idmap leaves out the destinations")
mutant("R10", "reloc", "reloc-reserved", "emulate/reloc.c",
       "\t\treserve_failed |=\n\t\t    pgd_page_alloc_reserve(alloc, in->segments[i].dst, in->segments[i].size);\n",
       "",
       "destinations are not reserved: tables may be placed where the copy writes")
mutant("R11", "reloc", "reloc-reserved", "emulate/reloc.c",
       "\t\treserve_failed |=\n\t\t    pgd_page_alloc_reserve(alloc, in->segments[i].src, in->segments[i].size);\n",
       "",
       "sources are not reserved: tables may be placed over the image to copy")
mutant("R12", "reloc", "reloc-mmu-at-entry", "emulate/reloc.c",
       "#define SCTLR_MMU_OFF 0x30500800ULL", "#define SCTLR_MMU_OFF 0x30500801ULL",
       "the \"MMU off\" SCTLR value keeps SCTLR.M set")
mutant("R13", "reloc", "reloc-entry-regs", "emulate/reloc.c",
       "\t    plan->dtb,\n\t    plan->phys_offset,\n",
       "\t    plan->dtb,\n\t    0,\n",
       "the linear strategy's routine gets phys_offset 0 (list PAs used as VAs)")


def find(mid):
    for m in M:
        if m["id"] == mid:
            return m
    sys.exit(f"mutate.py: no mutant {mid}")


def occurrences(root, m):
    text = (Path(root) / m["file"]).read_text()
    return text, text.count(m["original"])


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd = argv[1]
    if cmd == "list":
        for m in M:
            eq = " (equivalent)" if m["equivalent"] else ""
            print(f"{m['id']}\t{m['harness']}\t{m['category']}\t{m['file']}\t{m['desc']}{eq}")
    elif cmd == "check" and len(argv) == 3:
        bad = 0
        ids = set()
        for m in M:
            if m["id"] in ids:
                print(f"mutate.py: duplicate id {m['id']}", file=sys.stderr)
                bad += 1
            ids.add(m["id"])
            _, n = occurrences(argv[2], m)
            if n != 1:
                print(f"mutate.py: {m['id']}: original text found {n} times in {m['file']} "
                      f"(must be exactly once): update bench/mutants/mutate.py",
                      file=sys.stderr)
                bad += 1
        if bad:
            sys.exit(1)
        print(f"mutate.py: all {len(M)} mutants apply")
    elif cmd == "apply" and len(argv) == 4:
        m = find(argv[2])
        text, n = occurrences(argv[3], m)
        if n != 1:
            sys.exit(f"mutate.py: {m['id']}: original text found {n} times in {m['file']} "
                     f"(must be exactly once)")
        (Path(argv[3]) / m["file"]).write_text(text.replace(m["original"], m["replacement"]))
    elif cmd == "file" and len(argv) == 3:
        print(find(argv[2])["file"])
    elif cmd == "field" and len(argv) == 4:
        value = find(argv[2])[argv[3]]
        print(value if value else "")
    elif cmd == "sync" and len(argv) >= 4:
        src, dst = Path(argv[2]), Path(argv[3])
        names = argv[4:] if len(argv) > 4 else sys.stdin.read().split("\0")
        if len(argv) == 4:
            # A whole-tree sync also drops files the tree no longer has
            # (a renamed seed would otherwise still be encoded), never
            # touching the scratch tree's own build directory.
            keep = {os.path.normpath(n) for n in names if n}
            for path in dst.rglob("*"):
                rel = path.relative_to(dst)
                if rel.parts[0] != "build" and path.is_file() and str(rel) not in keep:
                    path.unlink()
        for name in filter(None, names):
            a, b = src / name, dst / name
            if not a.is_file():
                continue
            data = a.read_bytes()
            if b.is_file() and b.read_bytes() == data:
                continue
            b.parent.mkdir(parents=True, exist_ok=True)
            b.write_bytes(data)
            b.chmod(a.stat().st_mode & 0o777)
    elif cmd == "ids":
        print(" ".join(m["id"] for m in M))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
