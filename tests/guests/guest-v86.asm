; guest-v86: virtual-8086 mode (Intel SDM vol. 3, chapter 20 "8086
; emulation": 20.2 entering and leaving V86, 20.2.7 sensitive
; instructions, 20.3 interrupt and exception handling in V86 mode without
; VME; vol. 2 IRET, INT n).
;
; Checks: IRET from ring 0 with EFLAGS.VM enters V86 (CS = the paragraph
; pushed, PUSHF shows IOPL); with IOPL 3, CLI/STI/PUSHF and a V86 IRET
; work, and INT n goes through a DPL 3 interrupt gate to ring 0: the
; stack comes from the TSS, the frame holds EIP CS EFLAGS(VM) ESP SS ES DS
; FS GS, DS-GS are null in the handler, and IRET returns to V86 restoring
; ES and SP.  With IOPL 0: CLI, PUSHF, INT n and IRET are #GP(0) with the
; V86 CS:IP saved; INT3 is not IOPL-sensitive but its DPL 0 gate gives
; #GP(3*8+2); IN is #GP(0) (the TSS has no I/O bitmap) at any IOPL.

%define GUEST_NAME "guest-v86"
%include "guest.inc"
%include "pm.inc"

%define V86_CS          (CODE_BASE >> 4)
%define V86_SP          0x5800

%define V_V86_CS        VARS + 0x40
%define V_V86_FL        VARS + 0x44
%define V_V86_SP        VARS + 0x48
%define V_V86_SP2       VARS + 0x4C
%define V_V86_ES2       VARS + 0x50
%define V_H_DS          VARS + 0x54
%define V_H_ESP         VARS + 0x58
%define V_H_SS          VARS + 0x5C
%define V_H_CS          VARS + 0x60
%define V_H_FL          VARS + 0x64
%define V_H_ES          VARS + 0x68
%define V_IRET_OK       VARS + 0x6C

; ENTER_V86 eflags, ip: IRET from ring 0 into V86 (segments 0, SP V86_SP)
%macro ENTER_V86 2
        push    dword 0                         ; GS
        push    dword 0                         ; FS
        push    dword 0                         ; DS
        push    dword 0                         ; ES
        push    dword 0                         ; SS
        push    dword V86_SP
        push    dword %1
        push    dword V86_CS
        push    dword %2
        iretd
%endmacro

; V86_FAULT ip, vector, error, code, "text": run ip in V86 with IOPL 0 and
; expect a fault there
%macro V86_FAULT 6
        TRY     %%done
        ENTER_V86 %6, %1
%%done:
        PM_CHECK [EXC_VEC], %2, %4, %5
        PM_CHECK [EXC_ERR], %3, %4, %5
        PM_CHECK [EXC_EIP], %1, %4, %5
        PM_CHECK [EXC_CS], V86_CS, %4, %5
        mov     eax, [EXC_EFL]
        and     eax, 0x20000
        PM_CHECK eax, 0x20000, %4, %5
%endmacro

main:
        PM_ENTER

        bits    32
pm_main:
        SET_GATE 0x60, int60_handler, 0xEE
        SET_GATE 0x61, int61_handler, 0xEE
        ENTER_V86 0x23002, v86_iopl3            ; VM, IOPL 3

        bits    16
v86_iopl3:
        mov     ax, cs
        mov     [V_V86_CS], ax
        pushf
        pop     ax
        mov     [V_V86_FL], ax
        cli
        sti
        cli
        ; IRET inside V86 (IOPL 3: allowed, real-mode frame)
        pushf
        push    cs
        push    word .after_iret
        iret
        ud2
.after_iret:
        mov     word [V_IRET_OK], 1
        mov     ax, 0x1234
        mov     es, ax
        mov     [V_V86_SP], sp
        int     0x60
        mov     [V_V86_SP2], sp
        mov     ax, es
        mov     [V_V86_ES2], ax
        int     0x61                            ; to ring 0 for good

v86_cli:
        cli
        ud2
v86_pushf:
        pushf
        ud2
v86_int:
        int     0x60
        ud2
v86_iret:
        iret
        ud2
v86_int3:
        int3
        ud2
v86_in:
        in      al, 0x80
        ud2

        bits    32
int60_handler:
        mov     ax, ds
        movzx   eax, ax
        mov     [ss:V_H_DS], eax
        mov     [ss:V_H_ESP], esp
        mov     ax, ss
        movzx   eax, ax
        mov     [ss:V_H_SS], eax
        mov     eax, [esp + 4]
        mov     [ss:V_H_CS], eax
        mov     eax, [esp + 8]
        mov     [ss:V_H_FL], eax
        mov     eax, [esp + 20]
        mov     [ss:V_H_ES], eax
        iretd

int61_handler:
        mov     ax, SEL_DATA0
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     esp, R0_STACK
        PM_CHECK [V_V86_CS], V86_CS, 1, "CS in V86"
        mov     eax, [V_V86_FL]
        and     eax, 0x3000
        PM_CHECK eax, 0x3000, 2, "PUSHF in V86: IOPL"
        PM_CHECK [V_IRET_OK], 1, 3, "IRET in V86 with IOPL 3"
        PM_CHECK [V_H_DS], 0, 4, "DS not null in the ring-0 handler"
        PM_CHECK [V_H_ESP], R0_STACK - 36, 5, "V86 INT: ring-0 ESP"
        PM_CHECK [V_H_SS], SEL_DATA0, 6, "V86 INT: ring-0 SS"
        PM_CHECK [V_H_CS], V86_CS, 7, "V86 INT frame: CS"
        mov     eax, [V_H_FL]
        and     eax, 0x23000
        PM_CHECK eax, 0x23000, 8, "V86 INT frame: EFLAGS VM/IOPL"
        PM_CHECK [V_H_ES], 0x1234, 9, "V86 INT frame: ES"
        PM_CHECK [V_V86_ES2], 0x1234, 10, "ES after IRET to V86"
        mov     ecx, [V_V86_SP]
        PM_CHECK [V_V86_SP2], ecx, 11, "SP after IRET to V86"

        ; IOPL 0
        V86_FAULT v86_cli, 13, 0, 12, "V86 CLI with IOPL 0", 0x20002
        V86_FAULT v86_pushf, 13, 0, 13, "V86 PUSHF with IOPL 0", 0x20002
        V86_FAULT v86_int, 13, 0, 14, "V86 INT n with IOPL 0", 0x20002
        V86_FAULT v86_iret, 13, 0, 15, "V86 IRET with IOPL 0", 0x20002
        V86_FAULT v86_int3, 13, 3 * 8 + 2, 16, "V86 INT3 via DPL 0 gate", 0x20002
        V86_FAULT v86_in, 13, 0, 17, "V86 IN without I/O bitmap", 0x20002
        V86_FAULT v86_in, 13, 0, 18, "V86 IN, IOPL 3, no bitmap", 0x23002
        PM_PASS

        bits    16
        GUEST_END
