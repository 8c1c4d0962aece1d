; guest-long-basic: 64-bit mode user-level instructions (Intel SDM vol. 1,
; 3.2.1 "64-Bit Mode Execution Environment", 3.4.1.1 "General-Purpose
; Registers in 64-Bit Mode"; vol. 2, 2.2.1 "REX Prefixes" and the
; instruction pages named below).  Enters long mode through lm.inc (real
; mode -> protected mode -> 4-level paging -> 64-bit CS) and prints
; "ok <check>" for each check.
;
; Checks: ADD/SUB with REX.W on r8-r15 (results and CF OF SF ZF); a
; 32-bit write zero-extends into the 64-bit register, 8- and 16-bit writes
; keep the rest; RIP-relative loads, stores and LEA (backwards, to below
; the code); MOV r64, imm64 (B8+r with REX.W); MOVSXD from a register and
; from memory; PUSH/POP of 64-bit registers and of a sign-extended
; immediate, RSP moving by 8; CALL/RET with 8-byte return addresses; Jcc
; after 64-bit compares that differ only above bit 31; LOOP counting on
; all of RCX; REP MOVSB/STOSQ/LODSQ/CMPSQ on RSI/RDI/RCX, across 4 GiB
; (a 2 MiB page at linear 4 GiB) and through the high-half alias; SHL with
; counts masked to 6 bits, IMUL/MUL with 128-bit products and CF/OF,
; DIV/IDIV of RDX:RAX, #DE on a 64-bit quotient overflow; CMPXCHG16B,
; both outcomes (if CPUID has CX16); BSWAP r64 and r32; SETcc into
; SPL/BPL/SIL/DIL (REX) and into AH/CH/DH/BH (no REX); CDQE, CQO, NEG,
; XCHG with memory, CMOVcc, BT with a bit above 31, BTS on a bit string
; beyond bit 63, MOVZX r64, SBB; MOVQ between general registers and
; XMM8-XMM15, and XMM0 untouched by them.

%define GUEST_NAME "guest-long-basic"
; emu-args: -cpu qemu64
%include "guest.inc"
%include "lm.inc"

%define V_MEM           VARS + 0x80     ; scratch qwords
%define V_RIPST         VARS + 0xC0     ; RIP-relative store target
%define V_CNT           VARS + 0xC8
%define V_CX16          VARS + 0x100    ; 16-byte aligned
%define V_SRC           VARS + 0x200    ; 64 bytes
%define V_DST           VARS + 0x280

%define FL_CF           0x001
%define FL_ZF           0x040
%define FL_SF           0x080
%define FL_OF           0x800
%define FL_CZSO         (FL_CF | FL_ZF | FL_SF | FL_OF)

main:
        LM_ENTER

        bits    64
lm_main:
        ; ---- CPU state: 64-bit mode
        mov     ecx, MSR_EFER
        rdmsr
        and     eax, 0x500
        LM_CHECK rax, 0x500, 1, "EFER.LME and EFER.LMA set"
        mov     ax, cs
        movzx   eax, ax
        LM_CHECK rax, SEL_CODE64, 2, "CS is the 64-bit code segment"

        ; ---- ADD/SUB with REX.W and r8-r15
        mov     r8, 0x7FFFFFFFFFFFFFFF
        add     r8, 1
        LM_FLAGS FL_CZSO
        LM_CHECK rax, FL_OF | FL_SF, 3, "ADD r8 overflow: flags"
        LM_CHECK r8, 0x8000000000000000, 4, "ADD r8 overflow: result"
        mov     r15, -1
        add     r15, 1
        LM_FLAGS FL_CZSO
        LM_CHECK rax, FL_CF | FL_ZF, 5, "ADD r15 carry out of bit 63: flags"
        LM_CHECK r15, 0, 6, "ADD r15 carry out of bit 63: result"
        mov     r9, 0x100000000
        mov     r10, 1
        sub     r9, r10
        LM_FLAGS FL_CZSO
        LM_CHECK rax, 0, 7, "SUB r9, r10 borrow across bit 32: flags"
        LM_CHECK r9, 0xFFFFFFFF, 8, "SUB r9, r10 borrow across bit 32"
        xor     r11d, r11d
        sub     r11, 1
        LM_FLAGS FL_CZSO
        LM_CHECK rax, FL_CF | FL_SF, 9, "SUB 0 - 1: flags"
        mov     r12, 0x00000000FFFFFFFF
        add     r12d, 1                         ; 32-bit: CF, ZF
        LM_FLAGS FL_CZSO
        LM_CHECK rax, FL_CF | FL_ZF, 10, "ADD r12d (32-bit) flags"
        mov     r13, 0x8000000000000000
        mov     r14, 0x8000000000000000
        add     r13, r14
        LM_FLAGS FL_CZSO
        LM_CHECK rax, FL_CF | FL_ZF | FL_OF, 11, "ADD r13, r14: CF ZF OF"
        mov     rax, 0x123456789
        mov     rcx, 0x0FFFFFFFF
        stc
        adc     rax, rcx
        LM_CHECK rax, 0x223456789, 12, "ADC 64-bit with carry in"

        ; ---- 32-bit writes zero-extend, 8/16-bit writes keep the rest
        mov     rax, -1
        mov     eax, 0x12345678
        LM_CHECK rax, 0x12345678, 13, "MOV r32 zero-extends"
        mov     r10, -1
        add     r10d, 0
        LM_CHECK r10, 0xFFFFFFFF, 14, "ADD r10d zero-extends"
        mov     rbx, -1
        xor     ebx, ebx
        LM_CHECK rbx, 0, 15, "XOR ebx, ebx clears RBX"
        mov     rbx, -1
        mov     bl, 0x12
        LM_CHECK rbx, 0xFFFFFFFFFFFFFF12, 16, "MOV r8 keeps bits 8-63"
        mov     rbx, -1
        mov     bx, 0x1234
        LM_CHECK rbx, 0xFFFFFFFFFFFF1234, 17, "MOV r16 keeps bits 16-63"
        mov     r11, -1
        mov     r11b, 0
        LM_CHECK r11, 0xFFFFFFFFFFFFFF00, 18, "MOV r11b keeps bits 8-63"
        mov     r11, -1
        mov     r11w, 0
        LM_CHECK r11, 0xFFFFFFFFFFFF0000, 19, "MOV r11w keeps bits 16-63"
        mov     rax, -1
        mov     qword [V_MEM], 0x55
        movzx   eax, byte [V_MEM]
        LM_CHECK rax, 0x55, 20, "MOVZX r32 zero-extends to 64"
        mov     rcx, -1
        mov     eax, 0x80000000
        xchg    ecx, eax                        ; both halves zeroed
        LM_CHECK rcx, 0x80000000, 21, "XCHG r32 zero-extends"

        ; ---- RIP-relative operands
        mov     rax, [rel rip_data]
        LM_CHECK rax, 0x0123456789ABCDEF, 22, "RIP-relative load"
        mov     rax, 0xFEDCBA9876543210
        mov     [rel $$ + V_RIPST - CODE_BASE], rax     ; below the code
        LM_CHECK [V_RIPST], 0xFEDCBA9876543210, 23, "RIP-relative store"
        lea     rax, [rel here]
here:   LM_CHECK rax, ABS(here), 24, "LEA [rel] is the running address"
        mov     dword [V_MEM], 0x11223344
        mov     eax, [rel $$ + V_MEM - CODE_BASE]
        LM_CHECK rax, 0x11223344, 25, "RIP-relative load, negative disp"
        mov     dword [V_CNT], 0xFFFFFFFF
        mov     dword [V_CNT + 4], 0
        add     qword [rel $$ + V_CNT - CODE_BASE], 5   ; read-modify-write
        mov     rax, [V_CNT]
        LM_CHECK rax, 0x100000004, 26, "RIP-relative ADD to memory"

        ; ---- MOV r64, imm64
        mov     r12, strict qword 0x123456789ABCDEF0
        mov     [V_MEM], r12
        mov     eax, [V_MEM]
        LM_CHECK rax, 0x9ABCDEF0, 27, "MOV r12, imm64: low dword"
        mov     eax, [V_MEM + 4]
        LM_CHECK rax, 0x12345678, 28, "MOV r12, imm64: high dword"
        mov     rax, strict qword 0x8000000000000001
        shr     rax, 63
        LM_CHECK rax, 1, 29, "MOV rax, imm64: bit 63"
        mov     rcx, -2                         ; C7 /0 imm32, sign-extended
        LM_CHECK rcx, 0xFFFFFFFFFFFFFFFE, 30, "MOV r/m64, imm32 sign-extends"

        ; ---- MOVSXD
        mov     ecx, 0x80000000
        movsxd  rax, ecx
        LM_CHECK rax, 0xFFFFFFFF80000000, 31, "MOVSXD rax, ecx (negative)"
        mov     dword [V_MEM], 0x7FFFFFFF
        mov     dword [V_MEM + 4], 0xFFFFFFFF
        movsxd  r9, dword [V_MEM]
        LM_CHECK r9, 0x7FFFFFFF, 32, "MOVSXD r9, m32 (positive)"
        mov     rax, -1
        movsx   rax, byte [V_MEM + 4]
        LM_CHECK rax, -1, 33, "MOVSX r64, m8"

        ; ---- PUSH/POP 64
        mov     rbx, rsp
        mov     r13, 0x1122334455667788
        push    r13
        mov     rax, rbx
        sub     rax, rsp
        LM_CHECK rax, 8, 34, "PUSH r13 moves RSP by 8"
        pop     r14
        LM_CHECK r14, 0x1122334455667788, 35, "POP r14 gets all 64 bits"
        push    -2
        pop     rax
        LM_CHECK rax, 0xFFFFFFFFFFFFFFFE, 36, "PUSH imm8 sign-extends to 64"
        push    qword [rel rip_data]
        pop     qword [V_MEM]
        LM_CHECK [V_MEM], 0x0123456789ABCDEF, 37, "PUSH/POP m64"
        pushfq
        mov     rax, rbx
        sub     rax, rsp
        popfq
        LM_CHECK rax, 8, 38, "PUSHFQ pushes 8 bytes"
        LM_CHECK rsp, rbx, 39, "RSP back after the pushes and pops"

        ; ---- CALL/RET
        mov     rbx, rsp
        call    callee
ret_here:
        LM_CHECK r8, ABS(ret_here), 40, "CALL pushes the 64-bit return RIP"
        mov     rax, rbx
        sub     rax, r9
        LM_CHECK rax, 8, 41, "CALL moves RSP by 8"
        LM_CHECK rsp, rbx, 42, "RET pops 8 bytes"
        lea     rax, [rel callee]
        call    rax
ret_ind:
        LM_CHECK r8, ABS(ret_ind), 43, "CALL r64"

        ; ---- Jcc on 64-bit compares
        mov     rax, 0x100000000
        mov     rcx, 1
        xor     edx, edx
        cmp     rax, rcx
        jbe     .j1
        or      edx, 1
.j1:    jle     .j2
        or      edx, 2
.j2:    mov     rax, 0xFFFFFFFF00000000
        cmp     rax, 0                          ; negative as 64-bit
        jge     .j3
        or      edx, 4
.j3:    mov     rax, 0x100000000
        test    rax, rax
        jz      .j4
        or      edx, 8
.j4:    mov     eax, 0
        test    rax, rax
        jnz     .j5
        or      edx, 16
.j5:    LM_CHECK rdx, 31, 44, "Jcc after 64-bit CMP/TEST"

        ; ---- LOOP on RCX
        xor     edx, edx
        mov     rcx, 3
.l1:    inc     edx
        loop    .l1
        LM_CHECK rdx, 3, 45, "LOOP 3 times"
        mov     rcx, 0x100000001
        xor     edx, edx
        loop    .l2
        mov     edx, 0xBAD
.l2:    LM_CHECK rdx, 0, 46, "LOOP counts on all of RCX (taken at ECX 0)"
        LM_CHECK rcx, 0x100000000, 47, "LOOP decrements RCX"
        mov     rcx, 0x100000000
        xor     edx, edx
        jrcxz   .l3
        jmp     .l4
.l3:    mov     edx, 1
.l4:    LM_CHECK rdx, 0, 48, "JRCXZ tests all of RCX"

        ; ---- string ops
        mov     rdi, V_SRC
        mov     rcx, 8
        mov     rax, 0xA5A5A5A5A5A5A5A5
        rep     stosq
        LM_CHECK rdi, V_SRC + 64, 49, "REP STOSQ: RDI"
        LM_CHECK rcx, 0, 50, "REP STOSQ: RCX"
        mov     rax, 0x0807060504030201
        mov     [V_SRC + 8], rax
        mov     rsi, V_SRC
        mov     rdi, HI_LIN + 0x100             ; above 4 GiB
        mov     rcx, 64
        rep     movsb
        LM_CHECK rsi, V_SRC + 64, 51, "REP MOVSB: RSI"
        mov     rax, HI_LIN + 0x140
        LM_CHECK rdi, rax, 52, "REP MOVSB to 4 GiB: RDI"
        LM_CHECK [HI_PHYS + 0x108], 0x0807060504030201, 53, \
                "REP MOVSB to 4 GiB reached the 2 MiB page's frame"
        mov     rsi, HIGH_HALF + HI_PHYS + 0x108        ; high-half alias
        lodsq
        LM_CHECK rax, 0x0807060504030201, 54, "LODSQ through the high half"
        mov     rax, HIGH_HALF + HI_PHYS + 0x110
        LM_CHECK rsi, rax, 55, "LODSQ: RSI"
        mov     rsi, V_SRC
        mov     rdi, HI_LIN + 0x100
        mov     rcx, 8
        repe    cmpsq
        LM_CHECK rcx, 0, 56, "REPE CMPSQ over equal data"
        mov     byte [HI_PHYS + 0x11B], 0
        mov     rsi, V_SRC
        mov     rdi, HI_LIN + 0x100
        mov     rcx, 8
        repe    cmpsq
        LM_CHECK rcx, 4, 57, "REPE CMPSQ stops at the 4th qword"
        mov     rax, V_SRC + 32
        LM_CHECK rsi, rax, 58, "REPE CMPSQ: RSI"
        std
        mov     rdi, V_DST + 8
        mov     rax, 0x1111111111111111
        stosq
        cld
        LM_CHECK rdi, V_DST, 59, "STOSQ with DF=1 moves RDI back by 8"

        ; ---- shifts, multiply, divide
        mov     rax, 0x8000000000000001
        shl     rax, 1
        LM_FLAGS FL_CF | FL_ZF
        LM_CHECK rax, FL_CF, 60, "SHL 64 by 1: CF from bit 63"
        mov     rax, 1
        mov     cl, 33
        shl     rax, cl
        LM_CHECK rax, 0x200000000, 61, "SHL r64, 33 (6-bit count)"
        mov     rax, 1
        mov     cl, 64
        shl     rax, cl
        LM_CHECK rax, 1, 62, "SHL r64, 64 is a count of 0"
        mov     eax, 1
        mov     cl, 33
        shl     eax, cl
        LM_CHECK rax, 2, 63, "SHL r32, 33 masks the count to 5 bits"
        mov     rax, 0x8000000000000000
        sar     rax, 63
        LM_CHECK rax, -1, 64, "SAR r64, 63"
        mov     rax, 0x8000000000000000
        rol     rax, 1
        LM_CHECK rax, 1, 65, "ROL r64"
        mov     rax, 0x100000000
        imul    rax, rax
        LM_FLAGS FL_CF | FL_OF
        LM_CHECK rax, FL_CF | FL_OF, 66, "IMUL r64 overflow: CF OF"
        mov     rax, 0x100000000
        imul    rax, rax
        LM_CHECK rax, 0, 67, "IMUL r64 overflow: low 64 bits"
        mov     rcx, -3
        imul    r9, rcx, 0x7FFFFFFF
        LM_FLAGS FL_CF | FL_OF
        LM_CHECK rax, 0, 68, "IMUL r64, r64, imm32: no overflow"
        LM_CHECK r9, 0xFFFFFFFE80000003, 69, "IMUL r64, r64, imm32"
        mov     rax, -1
        mov     rbx, 2
        mul     rbx
        mov     r8, rax
        mov     r9, rdx
        LM_FLAGS FL_CF | FL_OF
        LM_CHECK rax, FL_CF | FL_OF, 70, "MUL r64: CF OF"
        LM_CHECK r9, 1, 71, "MUL r64: RDX"
        LM_CHECK r8, 0xFFFFFFFFFFFFFFFE, 72, "MUL r64: RAX"
        mov     rax, -2
        mov     rbx, 3
        imul    rbx
        mov     r8, rax
        LM_CHECK rdx, -1, 73, "IMUL r64 one-operand: RDX sign"
        LM_CHECK r8, -6, 74, "IMUL r64 one-operand: RAX"
        mov     edx, 1
        xor     eax, eax
        mov     rbx, 2
        div     rbx
        mov     r8, rdx
        LM_CHECK rax, 0x8000000000000000, 75, "DIV 2^64 / 2: quotient"
        LM_CHECK r8, 0, 76, "DIV 2^64 / 2: remainder"
        mov     rdx, 0x123
        mov     rax, 0x456789ABCDEF0123
        mov     rbx, 0x1000
        div     rbx
        mov     r8, rdx
        LM_CHECK rax, 0x123456789ABCDEF0, 77, "DIV 128/64: quotient"
        LM_CHECK r8, 0x123, 78, "DIV 128/64: remainder"
        mov     rax, -7
        cqo
        mov     rbx, 2
        idiv    rbx
        mov     r8, rdx
        LM_CHECK rax, -3, 79, "IDIV -7 / 2: quotient"
        LM_CHECK r8, -1, 80, "IDIV -7 / 2: remainder"
        TRY     .de
        mov     edx, 2
        xor     eax, eax
        mov     rbx, 2
.de_insn:
        div     rbx
        LM_FAIL 81, "DIV with a 65-bit quotient did not fault"
.de:    LM_CHECK [EXC_VEC], 0, 82, "DIV quotient overflow: #DE"
        LM_CHECK [EXC_RIP], ABS(.de_insn), 83, "#DE: RIP of the DIV"

        ; ---- CMPXCHG16B
        mov     eax, 1
        cpuid
        test    ecx, 1 << 13
        jnz     .cx16
        LM_INFO "no CMPXCHG16B (CPUID.1:ECX.CX16 clear): not checked"
        jmp     .cx16_done
.cx16:  mov     qword [V_CX16], 0x1111
        mov     qword [V_CX16 + 8], 0x2222
        mov     eax, 0x1111
        mov     edx, 0x2222
        mov     rbx, 0x3333333333333333
        mov     rcx, 0x4444444444444444
        lock cmpxchg16b [V_CX16]
        LM_FLAGS FL_ZF
        LM_CHECK rax, FL_ZF, 84, "CMPXCHG16B equal: ZF"
        LM_CHECK [V_CX16], 0x3333333333333333, 85, "CMPXCHG16B equal: low"
        LM_CHECK [V_CX16 + 8], 0x4444444444444444, 86, "CMPXCHG16B equal: high"
        mov     eax, 0x1111
        mov     edx, 0x2222
        cmpxchg16b [V_CX16]
        mov     r8, rdx
        mov     r9, rax
        LM_FLAGS FL_ZF
        LM_CHECK rax, 0, 87, "CMPXCHG16B different: ZF clear"
        LM_CHECK r9, 0x3333333333333333, 88, "CMPXCHG16B different: RAX"
        LM_CHECK r8, 0x4444444444444444, 89, "CMPXCHG16B different: RDX"
.cx16_done:

        ; ---- BSWAP
        mov     r10, 0x0102030405060708
        bswap   r10
        LM_CHECK r10, 0x0807060504030201, 90, "BSWAP r10"
        mov     rax, -1
        mov     eax, 0x11223344
        bswap   eax
        LM_CHECK rax, 0x44332211, 91, "BSWAP eax zero-extends"

        ; ---- SETcc on SPL/BPL/SIL/DIL, high-byte registers without REX
        mov     r15, rsp
        mov     rsp, 0x1234567812345600
        stc
        setc    spl
        mov     rax, rsp
        mov     rsp, r15
        LM_CHECK rax, 0x1234567812345601, 92, "SETC SPL"
        mov     rbp, -1
        xor     eax, eax                        ; ZF=1
        setnz   bpl
        LM_CHECK rbp, 0xFFFFFFFFFFFFFF00, 93, "SETNZ BPL"
        mov     rsi, 0x5500
        mov     rdi, 0x6600
        stc
        setc    sil
        setnc   dil
        mov     r8, rsi
        LM_CHECK r8, 0x5501, 94, "SETC SIL"
        LM_CHECK rdi, 0x6600, 95, "SETNC DIL"
        mov     rbx, 0x1122334455667788
        mov     rcx, rbx
        mov     bh, 0xAA                        ; 88 /r without REX: BH
        LM_CHECK rbx, 0x112233445566AA88, 96, "MOV BH (no REX)"
        mov     ch, bl
        LM_CHECK rcx, 0x1122334455668888, 97, "MOV CH, BL (no REX)"
        mov     rdx, 0
        stc
        setc    dh
        LM_CHECK rdx, 0x100, 98, "SETC DH (no REX)"
        mov     rax, 0x1122334455667788
        mov     ah, [rel rip_data]              ; 0xEF
        LM_CHECK rax, 0x112233445566EF88, 99, "MOV AH, m8"
        mov     rsi, 0x1234
        mov     rax, 0
        mov     al, sil                          ; REX: SIL, not DH
        LM_CHECK rax, 0x34, 100, "MOV AL, SIL (REX)"

        ; ---- more 64-bit forms: CDQE/CQO, NEG, XCHG, CMOVcc, BT, BTS
        mov     eax, 0x80000000
        cdqe
        LM_CHECK rax, 0xFFFFFFFF80000000, 106, "CDQE"
        mov     rax, 0x8000000000000000
        cqo
        LM_CHECK rdx, -1, 107, "CQO"
        mov     r10, 1
        neg     r10
        LM_CHECK r10, -1, 108, "NEG r10"
        mov     rax, 0x1111111111111111
        mov     qword [V_MEM], -1
        xchg    rax, [V_MEM]
        LM_CHECK rax, -1, 109, "XCHG r64, m64: register"
        LM_CHECK [V_MEM], 0x1111111111111111, 110, "XCHG r64, m64: memory"
        mov     r9, 0x100000000
        mov     r8, 5
        cmp     r9, 1                           ; above
        cmova   r8, r9
        LM_CHECK r8, 0x100000000, 111, "CMOVA r64 (64-bit compare)"
        mov     rbx, 0x10000000000              ; bit 40
        xor     edx, edx
        bt      rbx, 40
        setc    dl
        LM_CHECK rdx, 1, 112, "BT r64, 40"
        mov     qword [V_MEM], 0
        mov     qword [V_MEM + 8], 0
        mov     rcx, 64 + 33                    ; bit 33 of the next qword
        bts     [V_MEM], rcx
        LM_CHECK [V_MEM + 8], 0x200000000, 113, "BTS m64, r64 beyond 63"
        mov     rax, -1
        movzx   rax, word [V_MEM + 12]          ; 0x0002
        LM_CHECK rax, 2, 114, "MOVZX r64, m16"
        mov     rax, 0
        mov     rcx, 1
        stc
        sbb     rax, rcx
        LM_CHECK rax, -2, 115, "SBB r64 with borrow in"

        ; ---- MOVQ with XMM8-XMM15
        pxor    xmm0, xmm0
        mov     rax, 0x0123456789ABCDEF
        movq    xmm8, rax
        movdqa  xmm15, xmm8
        movq    rbx, xmm15
        LM_CHECK rbx, 0x0123456789ABCDEF, 101, "MOVQ xmm8 <- rax -> xmm15 -> rbx"
        mov     qword [V_MEM], -2
        movq    xmm12, [V_MEM]
        paddq   xmm12, xmm8
        movq    r11, xmm12
        LM_CHECK r11, 0x0123456789ABCDED, 102, "MOVQ xmm12, m64; PADDQ xmm12, xmm8"
        movq    [V_MEM + 8], xmm15
        LM_CHECK [V_MEM + 8], 0x0123456789ABCDEF, 103, "MOVQ m64, xmm15"
        movq    rax, xmm0
        LM_CHECK rax, 0, 104, "XMM0 untouched by XMM8-15"
        mov     r9, 0x55
        movq    xmm9, r9
        movq    xmm1, xmm9
        movq    rax, xmm1
        LM_CHECK rax, 0x55, 105, "MOVQ xmm1, xmm9"

        LM_PASS

callee:
        mov     r9, rsp
        mov     r8, [rsp]
        ret

        align   8
rip_data:
        dq      0x0123456789ABCDEF

        bits    16
        GUEST_END
