; guest-pm-far: protected-mode entry and far transfers between privilege
; levels (Intel SDM vol. 3, 5.8 "Privilege level checking when
; transferring program control between code segments", 6.12 "Exception
; and interrupt handling"; vol. 2 CALL, RET, IRET).
;
; Checks: PE entry (CS 0x08, CPL 0); far CALL/RETF at the same level;
; IRET to ring 3 (CS and SS RPL 3); CALL through a ring-3 call gate to ring
; 0 with two parameters copied to the TSS's ring-0 stack (new SS:ESP,
; frame layout); RETF 8 back to ring 3 restores SS:ESP, pops the
; parameters and nulls ES (a DPL 0 data segment); INT through a DPL 3
; interrupt gate from ring 3 switches to the ring-0 stack and pushes
; SS, ESP, EFLAGS, CS, EIP; IRET back to ring 3; INT through a DPL 0 gate
; from ring 3 is #GP(vector*8+2); CLI at CPL 3 with IOPL 0 is #GP(0); MOV
; of a DPL 0 data selector into DS at CPL 3 is #GP(selector).

%define GUEST_NAME "guest-pm-far"
%include "guest.inc"
%include "pm.inc"

%define V_PARAM1        VARS + 0x40
%define V_PARAM2        VARS + 0x44
%define V_GATE_ESP      VARS + 0x48
%define V_GATE_SS       VARS + 0x4C
%define V_GATE_CS       VARS + 0x50
%define V_RET_CS        VARS + 0x54
%define V_INT_ESP       VARS + 0x58
%define V_INT_SS        VARS + 0x5C
%define V_FRAME         VARS + 0x60     ; 5 dwords: EIP CS EFLAGS ESP SS
%define V_R3_ESP        VARS + 0x80
%define V_SAME          VARS + 0x84

%define SEL_GATE        0x3B            ; call gate, DPL 3, RPL 3

main:
        PM_ENTER

        bits    32
pm_main:
        mov     ax, cs
        movzx   eax, ax
        PM_CHECK eax, SEL_CODE0, 1, "CS after PE entry"

        ; far CALL / RETF at CPL 0
        mov     dword [V_SAME], 0
        call    SEL_CODE0:same_level
        PM_CHECK [V_SAME], 0x5A5A, 2, "far call same level"
        mov     eax, esp
        PM_CHECK eax, R0_STACK, 3, "ESP after far call/retf"

        ; call gate: DPL 3, 2 dword parameters, to gate_target in CS 0x08
        SET_DESC SEL_GATE, (SEL_CODE0 << 16) + gate_target, 0x0000EC02
        ; DPL 3 interrupt gate 0x40, DPL 0 gate 0x41
        SET_GATE 0x40, int40_handler, 0xEE
        SET_GATE 0x41, int40_handler, 0x8E

        ; IRET to ring 3
        push    dword SEL_DATA3                 ; SS
        push    dword R3_STACK                  ; ESP
        push    dword 0x2                       ; EFLAGS: IF=0 IOPL=0
        push    dword SEL_CODE3                 ; CS
        push    dword ring3
        iret

ring3:
        mov     ax, cs
        movzx   eax, ax
        cmp     eax, SEL_CODE3
        je      .cs_ok
        mov     edx, SEL_CODE3
        jmp     fail_cs3
.cs_ok: mov     ax, ss
        movzx   eax, ax
        cmp     eax, SEL_DATA3
        jne     fail_ss3
        mov     ax, SEL_DATA3
        mov     ds, ax
        mov     es, ax
        ; call gate with two parameters
        push    dword 0x11111111
        push    dword 0x22222222
        mov     [V_R3_ESP], esp
        call    SEL_GATE:0
        ; back in ring 3: parameters popped, ES nulled
        mov     eax, esp
        sub     eax, 8
        cmp     eax, [V_R3_ESP]
        jne     fail_retf_esp
        mov     ax, es
        test    ax, ax
        jnz     fail_es_null
        mov     ax, cs
        cmp     ax, SEL_CODE3
        jne     fail_ret_cs
        ; INT through the DPL 3 gate
        mov     [V_R3_ESP], esp
        int     0x40
        mov     ax, cs
        cmp     ax, SEL_CODE3
        jne     fail_ret_cs
        cmp     esp, [V_R3_ESP]
        jne     fail_int_esp
        ; faults from ring 3: each resumes in ring 0 at the label
        TRY     after_int41
        int     0x41
        jmp     fail_no_fault

same_level:
        mov     dword [V_SAME], 0x5A5A
        retf

gate_target:
        ; ring 0 through the call gate: stack from TSS0
        mov     [V_GATE_ESP], esp
        mov     ax, ss
        movzx   eax, ax
        mov     [V_GATE_SS], eax
        mov     eax, [esp + 8]                  ; parameters above CS:EIP
        mov     [V_PARAM2], eax
        mov     eax, [esp + 12]
        mov     [V_PARAM1], eax
        mov     eax, [esp + 4]
        mov     [V_RET_CS], eax
        mov     ax, cs
        movzx   eax, ax
        mov     [V_GATE_CS], eax
        mov     ax, SEL_DATA0
        mov     es, ax                          ; nulled by the return
        retf    8

int40_handler:
        mov     [V_INT_ESP], esp
        mov     ax, ss
        movzx   eax, ax
        mov     [V_INT_SS], eax
        mov     eax, [esp]
        mov     [V_FRAME], eax
        mov     eax, [esp + 4]
        mov     [V_FRAME + 4], eax
        mov     eax, [esp + 8]
        mov     [V_FRAME + 8], eax
        mov     eax, [esp + 12]
        mov     [V_FRAME + 12], eax
        mov     eax, [esp + 16]
        mov     [V_FRAME + 16], eax
        iret

fail_cs3:
        PM_FAIL 4, "IRET to ring 3: CS"
fail_ss3:
        PM_FAIL 5, "IRET to ring 3: SS"
fail_retf_esp:
        PM_FAIL 6, "RETF 8 to ring 3: ESP"
fail_es_null:
        PM_FAIL 7, "RETF to ring 3 did not null ES (DPL 0)"
fail_ret_cs:
        PM_FAIL 8, "return to ring 3: CS"
fail_int_esp:
        PM_FAIL 9, "IRET to ring 3: ESP"
fail_no_fault:
        PM_FAIL 10, "no fault"

after_int41:
        ; ring 0 again: check what the ring-3 part recorded
        PM_CHECK [V_GATE_CS], SEL_CODE0, 11, "call gate: CS"
        PM_CHECK [V_GATE_SS], SEL_DATA0, 12, "call gate: SS from TSS"
        PM_CHECK [V_GATE_ESP], R0_STACK - 24, 13, "call gate: ring-0 ESP"
        PM_CHECK [V_PARAM1], 0x11111111, 14, "call gate: parameter 1"
        PM_CHECK [V_PARAM2], 0x22222222, 15, "call gate: parameter 2"
        PM_CHECK [V_RET_CS], SEL_CODE3, 16, "call gate: pushed CS"
        PM_CHECK [V_INT_SS], SEL_DATA0, 17, "INT from ring 3: SS"
        PM_CHECK [V_INT_ESP], R0_STACK - 20, 18, "INT from ring 3: ESP"
        PM_CHECK [V_FRAME + 4], SEL_CODE3, 19, "INT frame: CS"
        mov     ecx, [V_R3_ESP]
        PM_CHECK [V_FRAME + 12], ecx, 20, "INT frame: ESP"
        PM_CHECK [V_FRAME + 16], SEL_DATA3, 21, "INT frame: SS"
        mov     eax, [V_FRAME + 8]
        and     eax, 0x3202
        PM_CHECK eax, 0x0002, 22, "INT frame: EFLAGS"
        ; the #GP of INT 0x41 (DPL 0 gate) from CPL 3
        PM_CHECK [EXC_VEC], 13, 23, "INT via DPL 0 gate: vector"
        PM_CHECK [EXC_ERR], 0x41 * 8 + 2, 24, "INT via DPL 0 gate: error code"
        PM_CHECK [EXC_CS], SEL_CODE3, 25, "#GP frame: CS"
        PM_CHECK [EXC_OSS], SEL_DATA3, 26, "#GP frame: SS"

        ; CLI at CPL 3, IOPL 0
        TRY     after_cli
        push    dword SEL_DATA3
        push    dword R3_STACK
        push    dword 0x2
        push    dword SEL_CODE3
        push    dword ring3_cli
        iret
ring3_cli:
        cli
        jmp     fail_no_fault
after_cli:
        PM_CHECK [EXC_VEC], 13, 27, "CLI at CPL 3: vector"
        PM_CHECK [EXC_ERR], 0, 28, "CLI at CPL 3: error code"

        ; MOV DS, DPL 0 selector at CPL 3
        TRY     after_movds
        push    dword SEL_DATA3
        push    dword R3_STACK
        push    dword 0x2
        push    dword SEL_CODE3
        push    dword ring3_movds
        iret
ring3_movds:
        mov     ax, SEL_DATA0
        mov     ds, ax
        jmp     fail_no_fault
after_movds:
        PM_CHECK [EXC_VEC], 13, 29, "MOV DS (DPL 0) at CPL 3: vector"
        PM_CHECK [EXC_ERR], SEL_DATA0, 30, "MOV DS (DPL 0) at CPL 3: error"
        PM_PASS

        bits    16
        GUEST_END
