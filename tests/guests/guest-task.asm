; guest-task: hardware task switches with 32-bit TSSs (Intel SDM vol. 3,
; chapter 7 "Task management": 7.3 task switching, 7.4 task linking, the
; busy flag and NT; 6.11 task gates in the IDT).
;
; Checks: JMP to a TSS descriptor loads the new task's registers and TR,
; leaves NT clear, marks the new TSS busy and the old one available, and
; saves the old task's registers and the EIP after the JMP in its TSS;
; JMP back resumes there.  CALL through a task gate nests: NT set, back
; link = the caller's TR; IRET returns to the caller and clears the busy
; flag of the task it leaves; a second entry resumes after that IRET.
; INT n through an IDT task gate does the same.  An exception (#GP) through
; a task gate pushes its error code on the new task's stack and the old
; task's saved EIP is the faulting instruction.  JMP to a busy TSS is
; #GP(selector).

%define GUEST_NAME "guest-task"
%include "guest.inc"
%include "pm.inc"

%define TSS1            0x3100
%define TSS2            0x3200
%define TSS3            0x3300
%define SEL_TSS1        0x38
%define SEL_TSS2        0x40
%define SEL_TGATE2      0x48
%define SEL_TSS3        0x50

%define V_T1_TR         VARS + 0x40
%define V_T1_EBX        VARS + 0x44
%define V_T1_NT         VARS + 0x48
%define V_T1_TYPE0      VARS + 0x4C
%define V_T1_TYPE1      VARS + 0x50
%define V_T2_COUNT      VARS + 0x54
%define V_T2_LINK       VARS + 0x58
%define V_T2_NT         VARS + 0x5C
%define V_T3_ERR        VARS + 0x60
%define V_T3_EIP        VARS + 0x64

; INIT_TSS base, eip, esp
%macro INIT_TSS 3
        mov     edi, %1
        xor     eax, eax
        mov     ecx, 0x68 / 4
        rep     stosd
        mov     dword [%1 + 0x20], %2
        mov     dword [%1 + 0x24], 0x2
        mov     dword [%1 + 0x38], %3
        mov     dword [%1 + 0x48], SEL_DATA0
        mov     dword [%1 + 0x4C], SEL_CODE0
        mov     dword [%1 + 0x50], SEL_DATA0
        mov     dword [%1 + 0x54], SEL_DATA0
        mov     dword [%1 + 0x58], SEL_DATA0
        mov     dword [%1 + 0x5C], SEL_DATA0
        mov     word [%1 + 0x66], 0x68
%endmacro

; TSS_TYPE sel -> EAX: the descriptor type (9 available, 11 busy)
%macro TSS_TYPE 1
        movzx   eax, byte [GDT_BASE + %1 + 5]
        and     eax, 0x0F
%endmacro

main:
        PM_ENTER

        bits    32
pm_main:
        INIT_TSS TSS1, task1, 0x4800
        mov     dword [TSS1 + 0x34], 0x1111     ; EBX
        INIT_TSS TSS2, task2, 0x4600
        INIT_TSS TSS3, task3, 0x4400
        SET_DESC SEL_TSS1, (TSS1 << 16) | 0x67, 0x00008900
        SET_DESC SEL_TSS2, (TSS2 << 16) | 0x67, 0x00008900
        SET_DESC SEL_TGATE2, SEL_TSS2 << 16, 0x00008500
        SET_DESC SEL_TSS3, (TSS3 << 16) | 0x67, 0x00008900

        ; ---- JMP to a TSS and back
        mov     esi, 0xABCD
        jmp     SEL_TSS1:0
back_from_t1:
        str     ax
        movzx   eax, ax
        PM_CHECK eax, SEL_TSS0, 1, "TR after JMP back"
        PM_CHECK [V_T1_TR], SEL_TSS1, 2, "TR in task 1"
        PM_CHECK [V_T1_EBX], 0x1111, 3, "EBX loaded from TSS 1"
        PM_CHECK [V_T1_NT], 0, 4, "NT after JMP to a task"
        PM_CHECK [V_T1_TYPE0], 9, 5, "old TSS not available after JMP"
        PM_CHECK [V_T1_TYPE1], 11, 6, "new TSS not busy after JMP"
        PM_CHECK [TSS0 + 0x40], 0xABCD, 7, "ESI saved in TSS 0"
        PM_CHECK [TSS0 + 0x20], back_from_t1, 8, "EIP saved in TSS 0"
        TSS_TYPE SEL_TSS1
        PM_CHECK eax, 9, 9, "TSS 1 busy after JMP away"
        TSS_TYPE SEL_TSS0
        PM_CHECK eax, 11, 10, "TSS 0 not busy after JMP back"

        ; ---- CALL through a task gate, IRET back
        call    SEL_TGATE2:0
        PM_CHECK [V_T2_COUNT], 1, 11, "task 2 did not run"
        PM_CHECK [V_T2_LINK], SEL_TSS0, 12, "back link of task 2"
        PM_CHECK [V_T2_NT], 0x4000, 13, "NT in a called task"
        TSS_TYPE SEL_TSS2
        PM_CHECK eax, 9, 14, "TSS 2 busy after IRET"
        TSS_TYPE SEL_TSS0
        PM_CHECK eax, 11, 15, "TSS 0 not busy after IRET back"
        pushfd
        pop     eax
        and     eax, 0x4000
        PM_CHECK eax, 0, 16, "NT of the caller after IRET back"

        ; ---- INT through an IDT task gate: resumes after task 2's IRET
        mov     word [IDT_BASE + 0x50 * 8 + 2], SEL_TSS2
        mov     word [IDT_BASE + 0x50 * 8 + 4], 0x8500
        int     0x50
        PM_CHECK [V_T2_COUNT], 2, 17, "INT via task gate"
        PM_CHECK [V_T2_LINK], SEL_TSS0, 18, "back link after INT"

        ; ---- #GP through a task gate
        mov     word [IDT_BASE + 13 * 8 + 2], SEL_TSS3
        mov     word [IDT_BASE + 13 * 8 + 4], 0x8500
        mov     ax, 0x0800
.fault:
        mov     ds, ax
        ; (task 3 made us resume here)
        PM_CHECK [V_T3_ERR], 0x800, 19, "#GP error code on the task's stack"
        PM_CHECK [V_T3_EIP], .fault, 20, "saved EIP of the faulting task"
        mov     word [IDT_BASE + 13 * 8 + 2], SEL_CODE0
        mov     word [IDT_BASE + 13 * 8 + 4], 0x8E00

        ; ---- JMP to a busy TSS
        TRY     .busy
        jmp     SEL_TSS0:0
        PM_FAIL 21, "JMP to a busy TSS did not fault"
.busy:  PM_CHECK [EXC_VEC], 13, 22, "busy TSS: vector"
        PM_CHECK [EXC_ERR], SEL_TSS0, 23, "busy TSS: error code"
        PM_PASS

task1:
        str     ax
        movzx   eax, ax
        mov     [V_T1_TR], eax
        mov     [V_T1_EBX], ebx
        pushfd
        pop     eax
        and     eax, 0x4000
        mov     [V_T1_NT], eax
        TSS_TYPE SEL_TSS0
        mov     [V_T1_TYPE0], eax
        TSS_TYPE SEL_TSS1
        mov     [V_T1_TYPE1], eax
        jmp     SEL_TSS0:0

task2:
        inc     dword [V_T2_COUNT]
        movzx   eax, word [TSS2]
        mov     [V_T2_LINK], eax
        pushfd
        pop     eax
        and     eax, 0x4000
        mov     [V_T2_NT], eax
        iret
        jmp     task2

task3:
        pop     eax
        mov     [V_T3_ERR], eax
        mov     eax, [TSS0 + 0x20]
        mov     [V_T3_EIP], eax
        add     dword [TSS0 + 0x20], 2          ; skip MOV DS, AX
        iret
        jmp     task3

        bits    16
        GUEST_END
