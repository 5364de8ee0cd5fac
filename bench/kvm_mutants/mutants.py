#!/usr/bin/env python3
"""Seeded bugs in a Linux tree's arch/arm64/kvm/hyp/pgtable.c, for the kvm
mutation benchmark (bench/kvm_mutants/run.sh). Each mutant is one exact
text edit; it applies to a tree only where its text occurs exactly once, so
the list serves every version (the rest are reported as not applying).

  mutants.py list PGTABLE_C        ids (and descriptions) that apply
  mutants.py apply ID PGTABLE_C OUT   the mutated file to OUT
"""
import sys

# id, what the bug is, the text to find in the user's tree and its
# replacement: a line or two each, as a patch's context would be.
MUTANTS = [
    ("V01", "stage 2: the write permission is never granted",
     "attr |= KVM_PTE_LEAF_ATTR_LO_S2_S2AP_W;", "(void)0;"),
    ("V02", "set_owner: owner annotation off by one",
     "FIELD_PREP(KVM_INVALID_PTE_OWNER_MASK, owner_id)",
     "FIELD_PREP(KVM_INVALID_PTE_OWNER_MASK, owner_id + 1)"),
    ("V03", "stage 2: execute-never inverted",
     "if (!(prot & KVM_PGTABLE_PROT_X))\n\t\tattr |= KVM_PTE_LEAF_ATTR_HI_S2_XN;",
     "if (prot & KVM_PGTABLE_PROT_X)\n\t\tattr |= KVM_PTE_LEAF_ATTR_HI_S2_XN;"),
    ("V04", "stage 2: break-before-make without the TLB invalidation",
     "if (!kvm_pgtable_walk_skip_bbm_tlbi(ctx)) {", "if (0) {"),
    ("V05", "hyp unmap: a leaf is cleared without a TLB invalidation",
     "__tlbi_level(vale2is, __TLBI_VADDR(ctx->addr, 0), ctx->level);", "(void)0;"),
    ("V06", "hyp map: a new table is linked without taking a reference",
     "new = kvm_init_table_pte(childp, mm_ops);\n\tmm_ops->get_page(ctx->ptep);",
     "new = kvm_init_table_pte(childp, mm_ops);"),
    ("V07", "stage 2 unmap: the table page's reference is kept",
     "\t}\n\n\tmm_ops->put_page(ctx->ptep);\n}\n\nstatic bool stage2_pte_cacheable",
     "\t}\n}\n\nstatic bool stage2_pte_cacheable"),
    ("V08", "hyp unmap: a table with live entries is unlinked",
     "\t\tif (mm_ops->page_count(childp) != 1)\n\t\t\treturn 0;\n\n\t\tkvm_clear_pte(ctx->ptep);",
     "\t\tkvm_clear_pte(ctx->ptep);"),
    ("V09", "stage 2 unmap: a zapped table entry is invalidated with a level hint",
     "kvm_call_hyp(__kvm_tlb_flush_vmid_ipa, mmu, ctx->addr,\n\t\t\t\t     TLBI_TTL_UNKNOWN);",
     "kvm_call_hyp(__kvm_tlb_flush_vmid_ipa, mmu, ctx->addr,\n\t\t\t\t     ctx->level);"),
    ("V10", "stage 2 break: the leaf's TLB invalidation names the wrong level",
     "kvm_call_hyp(__kvm_tlb_flush_vmid_ipa, mmu,\n\t\t\t\t     ctx->addr, ctx->level);",
     "kvm_call_hyp(__kvm_tlb_flush_vmid_ipa, mmu,\n\t\t\t\t     ctx->addr, ctx->level + 1);"),
    ("V11", "stage 2 put (6.1): a zapped table entry is invalidated with a level hint",
     "\t\tif (kvm_pte_table(pte, level))\n\t\t\tlevel = 0;\n\n", ""),
    ("V12", "hyp unmap (6.1): a leaf is cleared without a TLB invalidation",
     "__tlbi_level(vale2is, __TLBI_VADDR(addr, 0), level);", "(void)0;"),
]


def applies(text, old):
    return text.count(old) == 1


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "list":
        text = open(sys.argv[2]).read()
        for mid, what, old, _ in MUTANTS:
            if applies(text, old):
                print(f"{mid}\t{what}")
        return 0
    if len(sys.argv) == 5 and sys.argv[1] == "apply":
        mid, src, out = sys.argv[2:]
        text = open(src).read()
        for m, _, old, new in MUTANTS:
            if m == mid:
                if not applies(text, old):
                    print(f"mutants.py: {mid} does not apply to {src}", file=sys.stderr)
                    return 1
                open(out, "w").write(text.replace(old, new))
                return 0
        print(f"mutants.py: no mutant {mid}", file=sys.stderr)
        return 2
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
