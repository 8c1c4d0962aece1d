; guest-excp: protected-mode exceptions, their error codes and the saved
; CS:EIP (Intel SDM vol. 3, 6.13 "Error code", 6.15 "Exception and
; interrupt reference", table 6-5 for the double fault).
;
; Checks, each with the vector, the error code and, for faults, the saved
; EIP of the faulting instruction (precise: the instructions before it in
; the same block are done, the one after it is not):
;   #DE (DIV by 0), #UD (UD2), #BP (INT3: EIP after it);
;   #GP(sel) for a selector beyond the GDT limit, #GP(sel) for a code
;   segment that is not readable loaded into DS, #GP(0) for a null SS;
;   #NP(sel) for DS with a not-present descriptor, #SS(sel) for SS;
;   #NP(vector*8+2) for INT n through a not-present gate;
;   #GP(0) for a far JMP beyond the target's limit;
;   #DF (error code 0) when delivering #GP finds its gate not present.

%define GUEST_NAME "guest-excp"
%include "guest.inc"
%include "pm.inc"

%define SEL_NP_DATA     0x40            ; data, not present
%define SEL_NP_STACK    0x48            ; writable data, not present
%define SEL_XO_CODE     0x50            ; execute-only code
%define SEL_SMALL_CODE  0x58            ; code32, limit 0xFF

main:
        PM_ENTER

        bits    32
pm_main:
        SET_DESC SEL_NP_DATA, 0x0000FFFF, 0x00CF1300
        SET_DESC SEL_NP_STACK, 0x0000FFFF, 0x00CF1300
        SET_DESC SEL_XO_CODE, 0x0000FFFF, 0x00CF9900
        SET_DESC SEL_SMALL_CODE, 0x000000FF, 0x00409B01

        ; #DE, precise
        TRY     .de_done
        xor     ebx, ebx
        mov     eax, 10
        xor     edx, edx
        mov     ecx, 0x1234
.de_insn:
        div     ebx
        mov     ecx, 0x5678
        PM_FAIL 1, "DIV by 0 did not fault"
.de_done:
        PM_CHECK [EXC_VEC], 0, 2, "#DE vector"
        PM_CHECK [EXC_EIP], .de_insn, 3, "#DE saved EIP"
        PM_CHECK [EXC_CS], SEL_CODE0, 4, "#DE saved CS"

        ; #UD
        TRY     .ud_done
.ud_insn:
        ud2
.ud_done:
        PM_CHECK [EXC_VEC], 6, 5, "#UD vector"
        PM_CHECK [EXC_EIP], .ud_insn, 6, "#UD saved EIP"

        ; #BP is a trap: EIP after INT3
        TRY     .bp_done
        int3
.bp_after:
        PM_FAIL 7, "INT3 did not trap"
.bp_done:
        PM_CHECK [EXC_VEC], 3, 8, "#BP vector"
        PM_CHECK [EXC_EIP], .bp_after, 9, "#BP saved EIP"

        ; #GP(sel): beyond the GDT limit
        TRY     .gp1_done
        mov     ax, 0x0800
.gp1_insn:
        mov     ds, ax
        PM_FAIL 10, "selector beyond GDT limit did not fault"
.gp1_done:
        PM_CHECK [EXC_VEC], 13, 11, "GDT limit: vector"
        PM_CHECK [EXC_ERR], 0x800, 12, "GDT limit: error code"
        PM_CHECK [EXC_EIP], .gp1_insn, 13, "GDT limit: saved EIP"

        ; #GP(sel): execute-only code into DS
        TRY     .gp2_done
        mov     ax, SEL_XO_CODE
        mov     ds, ax
        PM_FAIL 14, "execute-only code in DS did not fault"
.gp2_done:
        PM_CHECK [EXC_VEC], 13, 15, "XO code in DS: vector"
        PM_CHECK [EXC_ERR], SEL_XO_CODE, 16, "XO code in DS: error code"

        ; #GP(0): null SS
        TRY     .gp3_done
        xor     eax, eax
        mov     ss, ax
        PM_FAIL 17, "null SS did not fault"
.gp3_done:
        PM_CHECK [EXC_VEC], 13, 18, "null SS: vector"
        PM_CHECK [EXC_ERR], 0, 19, "null SS: error code"

        ; #NP(sel) for DS
        TRY     .np_done
        mov     ax, SEL_NP_DATA
        mov     es, ax
        PM_FAIL 20, "not-present ES did not fault"
.np_done:
        PM_CHECK [EXC_VEC], 11, 21, "not-present ES: vector"
        PM_CHECK [EXC_ERR], SEL_NP_DATA, 22, "not-present ES: error code"

        ; #SS(sel) for SS
        TRY     .ss_done
        mov     ax, SEL_NP_STACK
        mov     ss, ax
        PM_FAIL 23, "not-present SS did not fault"
.ss_done:
        PM_CHECK [EXC_VEC], 12, 24, "not-present SS: vector"
        PM_CHECK [EXC_ERR], SEL_NP_STACK, 25, "not-present SS: error code"

        ; #NP(vector*8+2) for INT through a not-present gate
        SET_GATE 0x30, .ss_done, 0x0E
        TRY     .int_done
        int     0x30
        PM_FAIL 26, "INT through not-present gate did not fault"
.int_done:
        PM_CHECK [EXC_VEC], 11, 27, "not-present gate: vector"
        PM_CHECK [EXC_ERR], 0x30 * 8 + 2, 28, "not-present gate: error code"

        ; #GP(0): far JMP beyond the target segment's limit
        TRY     .lim_done
        jmp     SEL_SMALL_CODE:0x1000
.lim_done:
        PM_CHECK [EXC_VEC], 13, 29, "far JMP beyond limit: vector"
        PM_CHECK [EXC_ERR], 0, 30, "far JMP beyond limit: error code"
        mov     ax, cs
        movzx   eax, ax
        PM_CHECK eax, SEL_CODE0, 31, "far JMP beyond limit: CS changed"

        ; #DF: #GP whose gate is not present
        and     byte [IDT_BASE + 13 * 8 + 5], 0x7F
        TRY     .df_done
        mov     ax, 0x0800
        mov     ds, ax
        PM_FAIL 32, "no fault for #DF test"
.df_done:
        or      byte [IDT_BASE + 13 * 8 + 5], 0x80
        PM_CHECK [EXC_VEC], 8, 33, "#GP with absent gate: not #DF"
        PM_CHECK [EXC_ERR], 0, 34, "#DF error code"
        PM_PASS

        bits    16
        GUEST_END
