; guest-long-sys: long-mode system programming (Intel SDM vol. 3, 6.14
; "Exception and Interrupt Handling in 64-bit Mode", 5.8.8 "Fast System
; Calls in 64-Bit Mode", 4.5 "4-Level Paging", 3.4.4 "Segment Loading
; Instructions in IA-32e Mode", 5.3.1 "Limit Checking in 64-bit Mode"
; (canonical addresses); vol. 2 SYSCALL, SYSRET, SWAPGS, IRET, CALL, RET;
; AMD APM vol. 2, 4.8 "Long Mode Segment Descriptors", 8.9 "Long-Mode
; Interrupt Control Transfers").  Enters long mode through lm.inc and
; prints "ok <check>" for each check.
;
; Checks: #DE through a 64-bit interrupt gate (vector, RIP, CS, the frame's
; RSP and SS); #PF on a not-present 4 KiB page for a read (error 0) and a
; write (error 2) with CR2 and RIP, on a not-present PML4 entry with a CR2
; above 4 GiB, and the page readable once its PTE is set and INVLPG'd;
; INT n: the CPU aligns RSP to 16 before pushing the 5-qword frame, IRETQ
; restores RIP, RFLAGS and RSP; a gate with IST=1 switches to the TSS's
; IST1 stack; IRETQ to a new RSP at CPL 0; IRETQ to CPL 3 (CS 0x3B, SS
; 0x33) and INT n from CPL 3 through a DPL 3 gate onto TSS.RSP0 with the
; user SS:RSP in the frame; SYSCALL from CPL 3 (RCX = return RIP, R11 =
; RFLAGS, FMASK clears CF and DF, CS/SS from STAR) and SYSRET (REX.W) back
; to CPL 3 64-bit code with RFLAGS from R11; SWAPGS exchanging GS.base and
; KERNEL_GS_BASE (in the SYSCALL handler, and directly); SYSRET without
; REX.W to CPL 3 compatibility mode (CS 0x2B, SS 0x33) and INT n from
; there onto TSS.RSP0; RETFQ; IRETQ to compatibility mode at CPL 0 and a
; far JMP back to 64-bit code; FS.base and
; GS.base through their MSRs, with bases above 4 GiB and in the high half;
; a non-canonical data address raising #GP(0), an RBP-based one #SS(0), a
; JMP to a non-canonical RIP #GP(0) at the JMP (as the host CPU does in
; test-difftest64 and kvm-unit-tests' emulator test expects; QEMU 7.2's
; TCG raises #GP for the first and faults at the target for the second,
; so GUEST_QEMU fails these two); compatibility mode (the
; 32-bit CS under EFER.LMA): a far CALL through an m16:32 pointer into it,
; 0x40 decoding as INC EAX there, 4-byte pushes, a far CALL from it back
; to 64-bit code and RETF both ways.

%define GUEST_NAME "guest-long-sys"
; emu-args: -cpu qemu64
%include "guest.inc"
%include "lm.inc"

%define V_KRSP          VARS + 0x80     ; kernel RSP across user mode
%define V_INT_RSP       VARS + 0x88     ; RSP seen by the INT handlers
%define V_FRAME         VARS + 0x90     ; 5 qwords: RIP CS RFLAGS RSP SS
%define V_U_CS          VARS + 0xC0
%define V_U_SS          VARS + 0xC8
%define V_SC_RCX        VARS + 0xD0
%define V_SC_R11        VARS + 0xD8
%define V_SC_RFL        VARS + 0xE0
%define V_SC_CS         VARS + 0xE8
%define V_SC_SS         VARS + 0xF0
%define V_SC_GSB        VARS + 0xF8
%define V_SC_KGSB       VARS + 0x100
%define V_SC_RSP        VARS + 0x108
%define V_U_GS0         VARS + 0x110
%define V_U_RFL         VARS + 0x118
%define V_U_CS2         VARS + 0x120
%define V_U_SS2         VARS + 0x128
%define V_SC_COUNT      VARS + 0x130
%define V_CM_INC        VARS + 0x138
%define V_CM_PUSH       VARS + 0x140
%define V_CM_CS         VARS + 0x148
%define V_CM_BACK       VARS + 0x150
%define V_CM_BACK_CS    VARS + 0x158
%define V_SC_RCX2       VARS + 0x160
%define V_C3_CS         VARS + 0x168
%define V_C3_SS         VARS + 0x170
%define V_C3_INC        VARS + 0x178
%define V_IC_CS         VARS + 0x180
%define V_IC_PUSH       VARS + 0x188

%define USER_GS_MAGIC   0x5553455247534253
%define FL_CF           0x001
%define FL_DF           0x400

main:
        LM_ENTER

        bits    64
lm_main:
        ; ---- #DE through a 64-bit gate
        mov     rbx, rsp
        TRY     .de
        xor     ecx, ecx
.de_insn:
        div     rcx
        LM_FAIL 1, "DIV by 0 did not fault"
.de:    LM_CHECK [EXC_VEC], 0, 2, "#DE: vector"
        LM_CHECK [EXC_RIP], ABS(.de_insn), 3, "#DE: RIP"
        LM_CHECK [EXC_CS], SEL_CODE64, 4, "#DE: CS in the frame"
        LM_CHECK [EXC_RSP], rbx, 5, "#DE: RSP in the frame"
        LM_CHECK [EXC_SS], SEL_DATA0, 6, "#DE: SS in the frame"

        ; ---- #PF on a not-present 4 KiB page
        mov     rbx, 0x1111
        TRY     .pf1
.pf1_insn:
        mov     rbx, [NP_PAGE + 8]
        LM_FAIL 7, "read of a not-present page did not fault"
.pf1:   LM_CHECK [EXC_VEC], 14, 8, "#PF read: vector"
        LM_CHECK [EXC_ERR], 0, 9, "#PF read: error code"
        LM_CHECK [EXC_CR2], NP_PAGE + 8, 10, "#PF read: CR2"
        LM_CHECK [EXC_RIP], ABS(.pf1_insn), 11, "#PF read: RIP"
        LM_CHECK rbx, 0x1111, 12, "#PF read: destination unchanged"
        TRY     .pf2
        mov     dword [NP_PAGE + 0xFFC], 1
        LM_FAIL 13, "write to a not-present page did not fault"
.pf2:   LM_CHECK [EXC_ERR], 2, 14, "#PF write: error code"
        LM_CHECK [EXC_CR2], NP_PAGE + 0xFFC, 15, "#PF write: CR2"
        mov     rdi, NP_PML4_LIN + 0x123
        TRY     .pf3
        mov     al, [rdi]
        LM_FAIL 16, "read through a not-present PML4 entry did not fault"
.pf3:   LM_CHECK [EXC_VEC], 14, 17, "#PF PML4: vector"
        LM_CHECK [EXC_ERR], 0, 18, "#PF PML4: error code"
        mov     rax, NP_PML4_LIN + 0x123
        LM_CHECK [EXC_CR2], rax, 19, "#PF PML4: CR2 above 4 GiB"
        ; map it to the frame at 0x300000 (identity-mapped by a 2 MiB page)
        mov     dword [0x300008], 0x600DF00D
        mov     dword [PT + (NP_PAGE >> 12) * 8], 0x300000 | 7
        invlpg  [NP_PAGE]
        mov     eax, [NP_PAGE + 8]
        LM_CHECK rax, 0x600DF00D, 20, "page readable after PTE set + INVLPG"

        ; ---- INT n: RSP aligned to 16, 5-qword frame, IRETQ
        LM_GATE 0x40, int40, 0x8E, 0
        LM_GATE 0x41, int40, 0x8E, 1            ; IST1
        mov     r15, rsp
        and     rsp, ~15
        sub     rsp, 8                          ; RSP = 8 mod 16
        mov     r12, rsp
        stc
        int     0x40
.int_ret:
        LM_FLAGS FL_CF
        mov     r13, rsp
        mov     rsp, r15
        LM_CHECK rax, FL_CF, 21, "IRETQ restores RFLAGS (CF)"
        LM_CHECK r13, r12, 22, "IRETQ restores RSP"
        mov     rax, r12
        and     rax, ~15
        sub     rax, 40
        LM_CHECK [V_INT_RSP], rax, 23, "INT n: RSP aligned to 16, then 40 bytes"
        LM_CHECK [V_FRAME], ABS(.int_ret), 24, "INT n frame: RIP"
        LM_CHECK [V_FRAME + 8], SEL_CODE64, 25, "INT n frame: CS"
        LM_CHECK [V_FRAME + 24], r12, 26, "INT n frame: RSP"
        LM_CHECK [V_FRAME + 32], SEL_DATA0, 27, "INT n frame: SS"
        mov     rax, [V_FRAME + 16]
        and     eax, FL_CF
        LM_CHECK rax, FL_CF, 28, "INT n frame: RFLAGS"
        ; IST1
        int     0x41
        LM_CHECK [V_INT_RSP], IST1_TOP - 40, 29, "IST1: handler runs on the IST stack"
        LM_CHECK [V_FRAME + 24], rsp, 30, "IST1 frame: the interrupted RSP"

        ; ---- IRETQ to a new RSP at CPL 0
        mov     r15, rsp
        mov     rbx, 0x6800
        push    SEL_DATA0
        push    rbx
        push    0x2 | FL_CF
        push    SEL_CODE64
        lea     rax, [rel .iret_to]
        push    rax
        clc
        iretq
        LM_FAIL 31, "IRETQ fell through"
.iret_to:
        LM_FLAGS FL_CF
        mov     r14, rax
        mov     r13, rsp
        mov     rsp, r15
        LM_CHECK r13, 0x6800, 32, "IRETQ at CPL 0 loads the new RSP"
        LM_CHECK r14, FL_CF, 33, "IRETQ at CPL 0 loads RFLAGS"

        ; ---- non-canonical address: #GP(0)
        mov     rax, 0x0000800000000000
        mov     rbx, rax
        TRY     .gp1
.gp1_insn:
        mov     rcx, [rbx]
        LM_FAIL 34, "non-canonical read did not fault"
.gp1:   LM_CHECK [EXC_VEC], 13, 35, "non-canonical read: #GP"
        LM_CHECK [EXC_ERR], 0, 36, "non-canonical read: error code 0"
        LM_CHECK [EXC_RIP], ABS(.gp1_insn), 37, "non-canonical read: RIP"
        mov     rbx, 0xFFFF7FFFFFFFFFF8
        TRY     .gp2
        mov     qword [rbx], 0
        LM_FAIL 38, "non-canonical write did not fault"
.gp2:   LM_CHECK [EXC_VEC], 13, 39, "non-canonical write: #GP"
        ; an RBP-based (SS) reference: #SS(0), not #GP
        push    rbp
        mov     rbp, 0x0000800000000000
        TRY     .ss1
.ss1_insn:
        mov     rcx, [rbp + 8]
        LM_FAIL 88, "non-canonical [rbp] did not fault"
.ss1:   pop     rbp
        LM_CHECK [EXC_VEC], 12, 89, "non-canonical [rbp]: #SS"
        LM_CHECK [EXC_RIP], ABS(.ss1_insn), 90, "non-canonical [rbp]: RIP"
        ; a near JMP to a non-canonical target: #GP(0) at the JMP itself
        mov     rbx, 0xAAAAAAAAAAAAAAAA
        TRY     .gp3
.gp3_insn:
        jmp     rbx
        LM_FAIL 91, "JMP to a non-canonical RIP did not fault"
.gp3:   LM_CHECK [EXC_VEC], 13, 92, "JMP to a non-canonical RIP: #GP"
        LM_CHECK [EXC_RIP], ABS(.gp3_insn), 93, \
                "JMP to a non-canonical RIP: RIP of the JMP"

        ; ---- FS/GS base through the MSRs
        mov     rax, 0xF5F5F5F5A0A0A0A0
        mov     [HI_PHYS + 0x10], rax
        mov     ecx, MSR_FS_BASE
        xor     eax, eax
        mov     edx, 1                          ; 4 GiB
        wrmsr
        mov     rax, [fs:0x10]
        mov     rbx, 0xF5F5F5F5A0A0A0A0
        LM_CHECK rax, rbx, 40, "FS.base = 4 GiB: [fs:0x10]"
        mov     ecx, MSR_FS_BASE
        rdmsr
        shl     rdx, 32
        or      rax, rdx
        mov     rbx, HI_LIN
        LM_CHECK rax, rbx, 41, "RDMSR FS.base"
        mov     rax, HIGH_HALF + VARS + 0x200
        mov     rdx, rax
        shr     rdx, 32
        mov     ecx, MSR_GS_BASE
        wrmsr
        mov     qword [VARS + 0x208], 0x6565
        mov     rax, [gs:8]
        LM_CHECK rax, 0x6565, 42, "GS.base in the high half: [gs:8]"
        mov     ecx, MSR_FS_BASE
        xor     eax, eax
        xor     edx, edx
        wrmsr

        ; ---- SWAPGS directly
        mov     rax, USER_GS_MAGIC
        mov     [USER_GS_AREA], rax
        mov     qword [KERNEL_GS_AREA], SC_STACK
        mov     ecx, MSR_GS_BASE
        mov     eax, USER_GS_AREA
        xor     edx, edx
        wrmsr
        mov     ecx, MSR_KGS_BASE
        mov     eax, KERNEL_GS_AREA
        wrmsr
        swapgs
        mov     rbx, [gs:0]
        mov     ecx, MSR_KGS_BASE
        rdmsr
        mov     r8, rax
        LM_CHECK rbx, SC_STACK, 43, "SWAPGS: [gs:0] from KERNEL_GS_BASE"
        LM_CHECK r8, USER_GS_AREA, 44, "SWAPGS: KERNEL_GS_BASE now the old GS.base"
        swapgs
        mov     rbx, [gs:0]
        mov     rax, USER_GS_MAGIC
        LM_CHECK rbx, rax, 45, "SWAPGS twice: GS.base back"

        ; ---- compatibility mode: far CALL in, far CALL back to 64-bit
        mov     r15, rsp
        mov     dword [rel $$ + V_CM_BACK - CODE_BASE], 0
        call    far dword [rel compat_ptr]
        mov     r13, rsp
        mov     ax, cs
        movzx   eax, ax
        LM_CHECK rax, SEL_CODE64, 46, "RETF from compatibility mode: CS"
        LM_CHECK r13, r15, 47, "far CALL/RETF: RSP balanced"
        LM_CHECK [V_CM_CS], SEL_CODE32, 48, "compatibility mode: CS"
        LM_CHECK [V_CM_INC], 1, 49, "compatibility mode: 0x40 is INC EAX"
        LM_CHECK [V_CM_PUSH], 4, 50, "compatibility mode: PUSH is 4 bytes"
        mov     rax, 0x6464646464646464
        LM_CHECK [V_CM_BACK], rax, 51, "far CALL from compatibility to 64-bit code"
        LM_CHECK [V_CM_BACK_CS], SEL_CODE64, 52, "64-bit CS after far CALL from compat"

        ; ---- RETFQ (REX.W CB): 8-byte RIP and CS
        mov     r15, rsp
        push    SEL_CODE64
        lea     rax, [rel .retfq_to]
        push    rax
        o64 retf
        LM_FAIL 76, "RETFQ fell through"
.retfq_to:
        mov     r13, rsp
        LM_CHECK r13, r15, 77, "RETFQ pops an 8-byte RIP and CS"

        ; ---- IRETQ to compatibility mode at CPL 0, far JMP back
        mov     [V_KRSP], rsp
        mov     rax, rsp
        push    SEL_DATA0
        push    rax
        push    0x2
        push    SEL_CODE32
        lea     rax, [rel iret_compat]
        push    rax
        iretq
.iretc_back:
        LM_CHECK [V_IC_CS], SEL_CODE32, 78, "IRETQ to compatibility mode: CS"
        LM_CHECK [V_IC_PUSH], 4, 79, "IRETQ to compatibility mode: 4-byte PUSH"
        mov     ax, cs
        movzx   eax, ax
        LM_CHECK rax, SEL_CODE64, 80, "far JMP from compatibility to 64-bit"

        ; ---- ring 3: IRETQ there, INT n back through a DPL 3 gate
        LM_GATE 0x42, int42, 0xEE, 0
        mov     [V_KRSP], rsp
        push    SEL_DATA3
        push    R3_STACK
        push    0x2
        push    SEL_CODE64_3
        lea     rax, [rel user1]
        push    rax
        iretq
.user1_back:
        LM_CHECK [V_U_CS], SEL_CODE64_3, 53, "IRETQ to CPL 3: CS"
        LM_CHECK [V_U_SS], SEL_DATA3, 54, "IRETQ to CPL 3: SS"
        LM_CHECK [V_INT_RSP], R0_STACK - 40, 55, "INT from CPL 3: on TSS.RSP0"
        LM_CHECK [V_FRAME], ABS(user1.after_int), 56, "INT from CPL 3 frame: RIP"
        LM_CHECK [V_FRAME + 8], SEL_CODE64_3, 57, "INT from CPL 3 frame: CS"
        LM_CHECK [V_FRAME + 24], R3_STACK, 58, "INT from CPL 3 frame: RSP"
        LM_CHECK [V_FRAME + 32], SEL_DATA3, 59, "INT from CPL 3 frame: SS"

        ; ---- SYSCALL/SYSRET with SWAPGS in the handler
        mov     ecx, MSR_STAR
        xor     eax, eax
        mov     edx, LM_STAR_HI
        wrmsr
        mov     ecx, MSR_LSTAR
        lea     rax, [rel syscall_entry]
        mov     rdx, rax
        shr     rdx, 32
        wrmsr
        mov     ecx, MSR_FMASK
        mov     eax, FL_CF | FL_DF
        xor     edx, edx
        wrmsr
        mov     [V_KRSP], rsp
        push    SEL_DATA3
        push    R3_STACK
        push    0x2
        push    SEL_CODE64_3
        lea     rax, [rel user2]
        push    rax
        iretq
.user2_back:
        LM_CHECK [V_SC_COUNT], 2, 60, "two SYSCALLs reached the handler"
        LM_CHECK [V_SC_RCX], ABS(user2.after_sc1), 61, "SYSCALL: RCX = return RIP"
        mov     rax, [V_SC_R11]
        and     eax, FL_CF | FL_DF
        LM_CHECK rax, FL_CF | FL_DF, 62, "SYSCALL: R11 = user RFLAGS"
        mov     rax, [V_SC_RFL]
        and     eax, FL_CF | FL_DF
        LM_CHECK rax, 0, 63, "SYSCALL: FMASK cleared CF and DF"
        LM_CHECK [V_SC_CS], SEL_CODE64, 64, "SYSCALL: CS from STAR"
        LM_CHECK [V_SC_SS], SEL_DATA0B, 65, "SYSCALL: SS from STAR + 8"
        LM_CHECK [V_SC_RSP], SC_STACK, 66, "SWAPGS in the handler: stack from [gs:0]"
        LM_CHECK [V_SC_GSB], KERNEL_GS_AREA, 67, "handler GS.base = KERNEL_GS_BASE"
        LM_CHECK [V_SC_KGSB], USER_GS_AREA, 68, "handler KERNEL_GS_BASE = user GS"
        mov     rax, USER_GS_MAGIC
        LM_CHECK [V_U_GS0], rax, 69, "CPL 3 reads [gs:0] from its GS.base"
        mov     rax, [V_U_RFL]
        and     eax, FL_CF | FL_DF
        LM_CHECK rax, FL_CF | FL_DF, 70, "SYSRET: RFLAGS from R11"
        LM_CHECK [V_U_CS2], SEL_CODE64_3, 71, "SYSRET: CS = STAR[63:48] + 16"
        LM_CHECK [V_U_SS2], SEL_DATA3, 72, "SYSRET: SS = STAR[63:48] + 8"
        LM_CHECK [V_SC_RCX2], ABS(user2.after_sc2), 73, "second SYSCALL: RCX"
        mov     ecx, MSR_GS_BASE
        rdmsr
        LM_CHECK rax, USER_GS_AREA, 74, "GS.base after the handler's SWAPGS"
        mov     ax, cs
        movzx   eax, ax
        LM_CHECK rax, SEL_CODE64, 75, "back at CPL 0"

        ; ---- SYSRET without REX.W: to CPL 3 compatibility mode, whose
        ; INT n comes back through the 64-bit IDT onto TSS.RSP0
        LM_GATE 0x43, int43, 0xEE, 0
        mov     [V_KRSP], rsp
        push    SEL_DATA3
        push    R3_STACK
        push    0x2
        push    SEL_CODE64_3
        lea     rax, [rel user3]
        push    rax
        iretq
.user3_back:
        LM_CHECK [V_C3_CS], SEL_CODE32_3, 81, "32-bit SYSRET: CS = STAR[63:48]"
        LM_CHECK [V_C3_SS], SEL_DATA3, 82, "32-bit SYSRET: SS = STAR[63:48] + 8"
        LM_CHECK [V_C3_INC], 1, 83, "32-bit SYSRET: compatibility mode"
        LM_CHECK [V_FRAME], ABS(user_compat.after_int), 84, \
                "INT from compatibility mode frame: RIP"
        LM_CHECK [V_FRAME + 8], SEL_CODE32_3, 85, \
                "INT from compatibility mode frame: CS"
        LM_CHECK [V_FRAME + 32], SEL_DATA3, 86, \
                "INT from compatibility mode frame: SS"
        LM_CHECK [V_INT_RSP], R0_STACK - 40, 87, \
                "INT from compatibility mode: on TSS.RSP0"

        LM_PASS

; ---- handlers (CPL 0)
int40:
        mov     [V_INT_RSP], rsp
        push    rax
        mov     rax, [rsp + 8]
        mov     [V_FRAME], rax
        mov     rax, [rsp + 16]
        mov     [V_FRAME + 8], rax
        mov     rax, [rsp + 24]
        mov     [V_FRAME + 16], rax
        mov     rax, [rsp + 32]
        mov     [V_FRAME + 24], rax
        mov     rax, [rsp + 40]
        mov     [V_FRAME + 32], rax
        pop     rax
        clc
        iretq

int42:
        mov     [V_INT_RSP], rsp
        mov     rax, [rsp]
        mov     [V_FRAME], rax
        mov     rax, [rsp + 8]
        mov     [V_FRAME + 8], rax
        mov     rax, [rsp + 24]
        mov     [V_FRAME + 24], rax
        mov     rax, [rsp + 32]
        mov     [V_FRAME + 32], rax
        mov     rsp, [V_KRSP]
        jmp     lm_main.user1_back

syscall_entry:
        swapgs
        mov     [gs:8], rsp
        mov     rsp, [gs:0]
        inc     qword [V_SC_COUNT]
        cmp     eax, 3
        je      .to_compat
        cmp     eax, 1
        jne     .second
        mov     [V_SC_RSP], rsp
        mov     [V_SC_RCX], rcx
        mov     [V_SC_R11], r11
        pushfq
        pop     qword [V_SC_RFL]
        mov     ax, cs
        movzx   eax, ax
        mov     [V_SC_CS], rax
        mov     ax, ss
        movzx   eax, ax
        mov     [V_SC_SS], rax
        mov     ecx, MSR_GS_BASE
        rdmsr
        mov     [V_SC_GSB], eax
        mov     [V_SC_GSB + 4], edx
        mov     ecx, MSR_KGS_BASE
        rdmsr
        mov     [V_SC_KGSB], eax
        mov     [V_SC_KGSB + 4], edx
        mov     rcx, [V_SC_RCX]
        mov     rsp, [gs:8]
        swapgs
        o64 sysret
.to_compat:
        lea     rcx, [rel user_compat]          ; below 4 GiB
        mov     r11d, 0x2
        mov     rsp, [gs:8]
        swapgs
        sysret                                  ; no REX.W: 32-bit
.second:
        mov     [V_SC_RCX2], rcx
        mov     [V_U_GS0], r12
        mov     [V_U_RFL], r13
        mov     [V_U_CS2], r14
        mov     [V_U_SS2], r15
        swapgs
        mov     rsp, [V_KRSP]
        jmp     lm_main.user2_back

int43:
        mov     [V_INT_RSP], rsp
        mov     rax, [rsp]
        mov     [V_FRAME], rax
        mov     rax, [rsp + 8]
        mov     [V_FRAME + 8], rax
        mov     rax, [rsp + 32]
        mov     [V_FRAME + 32], rax
        mov     rsp, [V_KRSP]
        jmp     lm_main.user3_back

; ---- CPL 3 code (every page is a user page)
user1:
        mov     ax, cs
        movzx   eax, ax
        mov     [V_U_CS], rax
        mov     ax, ss
        movzx   eax, ax
        mov     [V_U_SS], rax
        int     0x42
.after_int:
        jmp     $

user2:
        mov     r12, [gs:0]
        stc
        std
        mov     eax, 1
        syscall
.after_sc1:
        pushfq
        pop     r13
        cld
        mov     r14w, cs
        movzx   r14d, r14w
        mov     r15w, ss
        movzx   r15d, r15w
        mov     eax, 2
        syscall
.after_sc2:
        jmp     $

user3:
        mov     eax, 3
        syscall
        jmp     $

; ---- compatibility mode
        bits    32
user_compat:                                    ; CPL 3
        mov     ax, SEL_DATA3
        mov     ds, ax
        mov     es, ax
        mov     ax, cs
        movzx   eax, ax
        mov     [V_C3_CS], eax
        mov     ax, ss
        movzx   eax, ax
        mov     [V_C3_SS], eax
        xor     eax, eax
        db      0x40                            ; INC EAX
        nop
        mov     [V_C3_INC], eax
        int     0x43
.after_int:
        jmp     $

iret_compat:                                    ; CPL 0
        mov     ax, SEL_DATA0
        mov     ds, ax
        mov     ax, cs
        movzx   eax, ax
        mov     [V_IC_CS], eax
        mov     ebx, esp
        push    eax
        sub     ebx, esp
        pop     eax
        mov     [V_IC_PUSH], ebx
        jmp     SEL_CODE64:ABS(iret_compat_back)

        bits    64
iret_compat_back:
        mov     rsp, [V_KRSP]
        jmp     lm_main.iretc_back

        align   4
compat_ptr:
        dd      ABS(compat_entry)
        dw      SEL_CODE32

        bits    32
compat_entry:
        mov     ax, cs
        movzx   eax, ax
        mov     [V_CM_CS], eax
        xor     eax, eax
        db      0x40                            ; INC EAX here, REX in 64-bit
        nop
        mov     [V_CM_INC], eax
        mov     ebx, esp
        push    eax
        sub     ebx, esp
        pop     eax
        mov     [V_CM_PUSH], ebx
        call    SEL_CODE64:ABS(back64)
        retf

        bits    64
back64:
        mov     rax, 0x6464646464646464
        mov     [V_CM_BACK], rax
        mov     ax, cs
        movzx   eax, ax
        mov     [V_CM_BACK_CS], rax
        retf                                    ; 32-bit operands: CB

        bits    16
        GUEST_END
