; guest-excp-db: the debug exception #DB (Intel SDM vol. 3, 17.2 "Debug
; registers", 17.3.1 "Debug exception (#DB)": single-step, instruction and
; data breakpoints).
;
; Checks: after POPF sets TF, the next instruction executes and then traps
; (saved EIP = the one after it, DR6.BS); an instruction breakpoint in DR0
; faults before the instruction (saved EIP = it, DR6.B0) and the
; instruction runs after IRET with RF set; a 4-byte write breakpoint in
; DR1 does not fire on a read, and fires after a 2-byte write that
; overlaps it (a trap: saved EIP = the next instruction, DR6.B1, the write
; done); an instruction breakpoint on the instruction after MOV SS does
; not fire (Intel parts hold it back in the MOV SS shadow; the models
; here are Intel's); with TF set, MOV SS does not trap, the instruction
; after it does (saved EIP = the one after that).

%define GUEST_NAME "guest-excp-db"
%include "guest.inc"
%include "pm.inc"

%define WATCH           0x9000
%define V_BP_COUNT      VARS + 0x40
%define V_BP_EIP        VARS + 0x44
%define V_BP_DR6        VARS + 0x48
%define V_RAN           VARS + 0x4C

main:
        PM_ENTER

        bits    32
pm_main:
        xor     eax, eax
        mov     dr6, eax
        mov     dr7, eax

        ; ---- single-step
        TRY     .ss_done
        pushfd
        or      dword [esp], 0x100
        popfd
        nop                                     ; runs, then #DB
.ss_next:
        nop
        PM_FAIL 1, "TF did not trap"
.ss_done:
        PM_CHECK [EXC_VEC], 1, 2, "single-step: vector"
        PM_CHECK [EXC_EIP], .ss_next, 3, "single-step: saved EIP"
        mov     eax, dr6
        and     eax, 0x4000
        PM_CHECK eax, 0x4000, 4, "single-step: DR6.BS"
        pushfd
        and     dword [esp], ~0x100
        popfd

        ; ---- instruction breakpoint (fault), resumed with RF
        xor     eax, eax
        mov     dr6, eax
        SET_GATE 1, bp_handler, 0x8E
        mov     eax, CODE_BASE + .bp_insn
        mov     dr0, eax
        mov     eax, 0x1                        ; L0, execute, 1 byte
        mov     dr7, eax
        mov     dword [V_RAN], 0
.bp_insn:
        mov     dword [V_RAN], 1
        xor     eax, eax
        mov     dr7, eax
        PM_CHECK [V_BP_COUNT], 1, 5, "instruction breakpoint: #DB count"
        PM_CHECK [V_BP_EIP], .bp_insn, 6, "instruction breakpoint: saved EIP"
        mov     eax, [V_BP_DR6]
        and     eax, 0xF
        PM_CHECK eax, 1, 7, "instruction breakpoint: DR6.B0"
        PM_CHECK [V_RAN], 1, 8, "instruction after the breakpoint"

        ; ---- instruction breakpoint right after MOV SS: held back
        mov     dword [V_BP_COUNT], 0
        mov     dword [V_RAN], 0
        mov     eax, CODE_BASE + .ss_bp_insn
        mov     dr0, eax
        mov     eax, 0x1
        mov     dr7, eax
        mov     ax, ss
        mov     ss, ax
.ss_bp_insn:
        mov     dword [V_RAN], 1
        xor     eax, eax
        mov     dr7, eax
        PM_CHECK [V_BP_COUNT], 0, 14, "breakpoint after MOV SS fired"
        PM_CHECK [V_RAN], 1, 15, "instruction after MOV SS"
        mov     eax, [exc_stub_table + 1 * 4 + CODE_BASE]
        SET_GATE 1, eax, 0x8E

        ; ---- single-step across MOV SS: the trap is held back until
        ; after the next instruction (SDM vol. 3, 6.8.3)
        xor     eax, eax
        mov     dr6, eax
        mov     ax, ss
        TRY     .ms_done
        pushfd
        or      dword [esp], 0x100
        popfd
        mov     ss, ax                          ; no #DB here
        nop                                     ; runs, then #DB
.ms_next:
        nop
        PM_FAIL 16, "TF did not trap after MOV SS"
.ms_done:
        PM_CHECK [EXC_VEC], 1, 17, "single-step after MOV SS: vector"
        PM_CHECK [EXC_EIP], .ms_next, 18, "single-step after MOV SS: saved EIP"
        pushfd
        and     dword [esp], ~0x100
        popfd

        ; ---- data write breakpoint (trap)
        xor     eax, eax
        mov     dr6, eax
        mov     dword [WATCH], 0
        mov     eax, WATCH
        mov     dr1, eax
        mov     eax, (1 << 2) | (1 << 20) | (3 << 22)  ; L1, write, 4 bytes
        mov     dr7, eax
        TRY     .wp_done
        mov     eax, [WATCH]                    ; read: no #DB
        mov     word [WATCH + 2], 0xBEEF
.wp_next:
        nop
        PM_FAIL 9, "write breakpoint did not fire"
.wp_done:
        xor     eax, eax
        mov     dr7, eax
        PM_CHECK [EXC_VEC], 1, 10, "write breakpoint: vector"
        PM_CHECK [EXC_EIP], .wp_next, 11, "write breakpoint: saved EIP"
        mov     eax, dr6
        and     eax, 0xF
        PM_CHECK eax, 2, 12, "write breakpoint: DR6.B1"
        PM_CHECK [WATCH], 0xBEEF0000, 13, "write breakpoint: the write"
        PM_PASS

bp_handler:
        inc     dword [V_BP_COUNT]
        mov     eax, [esp]
        mov     [V_BP_EIP], eax
        mov     eax, dr6
        mov     [V_BP_DR6], eax
        or      dword [esp + 8], 0x10000        ; RF: run the instruction
        cmp     dword [V_BP_COUNT], 3
        jb      .ret
        mov     dword [esp + 8], 0x2            ; looping: give up on RF
        xor     eax, eax
        mov     dr7, eax
.ret:   iretd

        bits    16
        GUEST_END
