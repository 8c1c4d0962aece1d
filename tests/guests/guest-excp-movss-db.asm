; guest-excp-movss-db: a data breakpoint hit by MOV SS (Intel SDM vol. 3,
; 6.8.3 "Masking Exceptions and Interrupts When Switching Stacks", 17.3.1.2
; "Data Memory and I/O Breakpoint Exception Conditions").  The #DB trap of
; a MOV SS that reads a watched location is held back until after the
; next instruction, and that instruction decides what becomes of it (what
; hardware does, as Linux's mov_ss_trap selftest and kvm-unit-tests'
; x86_64 debug test, "MOV SS + watchpoint + ICEBP", see it).
;
; Checks, DR1 watching the word MOV SS reads (R/W, 4 bytes):
;   MOV SS; NOP     one #DB, saved EIP = the instruction after the NOP,
;                   DR6.B1
;   MOV SS; ICEBP   one #DB for both (the ICEBP's takes the held one:
;                   DR6.B1), saved EIP = after the ICEBP
;   MOV SS; INT 1   the INT 1 handler is entered and the held #DB stops at
;                   its first instruction: the handler runs twice, the
;                   first time with saved EIP = the handler
;   MOV SS; INT3    the #BP handler (saved EIP after the INT3) and one #DB,
;                   at the #BP handler's first instruction
;   MOV SS; UD2     the fault drops the held #DB: #UD only
;
; Checked against qemu-system-x86_64 -accel tcg (GUEST_QEMU, run.sh): it
; agrees on ICEBP, INT 1 and INT3, and differs on NOP (its #DB comes right
; after the MOV SS, saved EIP = the NOP, which SDM 6.8.3 rules out: debug
; exceptions are inhibited until the boundary after the next instruction)
; and on UD2.

%define GUEST_NAME "guest-excp-movss-db"
%include "guest.inc"
%include "pm.inc"

%define V_DB_COUNT      VARS + 0x40
%define V_DB_EIP        VARS + 0x44     ; of the first #DB since DB_RESET
%define V_DB_DR6        VARS + 0x48
%define V_BP3_COUNT     VARS + 0x4C
%define V_BP3_EIP       VARS + 0x50
%define SS_SRC          0x9000          ; MOV SS reads it; DR1 watches it

; DB_RESET: no #DB or #BP counted yet, DR6 clear.
%macro DB_RESET 0
        xor     eax, eax
        mov     dr6, eax
        mov     dword [V_DB_COUNT], 0
        mov     dword [V_DB_EIP], 0
        mov     dword [V_DB_DR6], 0
        mov     dword [V_BP3_COUNT], 0
        mov     dword [V_BP3_EIP], 0
%endmacro

main:
        PM_ENTER

        bits    32
pm_main:
        SET_GATE 1, db_count_handler, 0x8E
        SET_GATE 3, bp3_handler, 0x8E
        xor     eax, eax
        mov     ax, ss
        mov     [SS_SRC], eax
        mov     eax, SS_SRC
        mov     dr1, eax
        mov     eax, (1 << 2) | (3 << 20) | (3 << 22)  ; L1, R/W, 4 bytes
        mov     dr7, eax

        ; ---- MOV SS; NOP: the trap comes after the NOP
        DB_RESET
        mov     ss, [SS_SRC]
        nop
.nop_next:
        nop
        PM_CHECK [V_DB_COUNT], 1, 1, "MOV SS + watchpoint + NOP: #DB count"
        PM_CHECK [V_DB_EIP], .nop_next, 2, "MOV SS + watchpoint + NOP: saved EIP"
        mov     eax, [V_DB_DR6]
        and     eax, 0xF
        PM_CHECK eax, 2, 3, "MOV SS + watchpoint + NOP: DR6.B1"

        ; ---- MOV SS; ICEBP: one #DB
        DB_RESET
        mov     ss, [SS_SRC]
        db      0x2E, 0x2E, 0xF1                ; CS CS ICEBP
.icebp_next:
        nop
        PM_CHECK [V_DB_COUNT], 1, 4, "MOV SS + watchpoint + ICEBP: #DB count"
        PM_CHECK [V_DB_EIP], .icebp_next, 5, "MOV SS + watchpoint + ICEBP: saved EIP"
        mov     eax, [V_DB_DR6]
        and     eax, 0xF
        PM_CHECK eax, 2, 6, "MOV SS + watchpoint + ICEBP: DR6.B1"

        ; ---- MOV SS; INT 1: the handler twice
        DB_RESET
        mov     ss, [SS_SRC]
        int     1
        PM_CHECK [V_DB_COUNT], 2, 7, "MOV SS + watchpoint + INT 1: #DB count"
        PM_CHECK [V_DB_EIP], db_count_handler, 8, "MOV SS + watchpoint + INT 1: first #DB's saved EIP"

        ; ---- MOV SS; INT3: #BP, then #DB at its handler
        DB_RESET
        mov     ss, [SS_SRC]
        int3
.int3_next:
        nop
        PM_CHECK [V_DB_COUNT], 1, 9, "MOV SS + watchpoint + INT3: #DB count"
        PM_CHECK [V_BP3_COUNT], 1, 10, "MOV SS + watchpoint + INT3: #BP count"
        PM_CHECK [V_BP3_EIP], .int3_next, 11, "MOV SS + watchpoint + INT3: #BP saved EIP"
        PM_CHECK [V_DB_EIP], bp3_handler, 12, "MOV SS + watchpoint + INT3: #DB saved EIP"

        ; ---- MOV SS; UD2: the fault drops the #DB
        DB_RESET
        TRY     .ud_done
        mov     ss, [SS_SRC]
        ud2
        PM_FAIL 13, "UD2 did not fault"
.ud_done:
        PM_CHECK [EXC_VEC], 6, 14, "MOV SS + watchpoint + UD2: vector"
        PM_CHECK [V_DB_COUNT], 0, 15, "MOV SS + watchpoint + UD2: #DB count"

        xor     eax, eax
        mov     dr7, eax
        PM_PASS

; #DB: counted; the first one's saved EIP and DR6 kept (a trap: returns
; to the saved EIP).
db_count_handler:
        push    eax
        inc     dword [V_DB_COUNT]
        cmp     dword [V_DB_COUNT], 1
        jne     .ret
        mov     eax, [esp + 4]
        mov     [V_DB_EIP], eax
        mov     eax, dr6
        mov     [V_DB_DR6], eax
.ret:   pop     eax
        iretd

; #BP: counted, its saved EIP kept.
bp3_handler:
        push    eax
        inc     dword [V_BP3_COUNT]
        mov     eax, [esp + 4]
        mov     [V_BP3_EIP], eax
        pop     eax
        iretd

        bits    16
        GUEST_END
