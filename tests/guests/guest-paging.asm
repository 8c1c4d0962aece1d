; guest-paging: 32-bit paging and PAE paging (Intel SDM vol. 3, 4.3
; "32-bit paging", 4.4 "PAE paging", 4.6 "Access rights", 4.7 "Page-fault
; exceptions", 4.8 "Accessed and dirty flags", 4.10.4 "Invalidation of
; TLBs and paging-structure caches").
;
; Checks: a read sets A in the PDE and the PTE but not D; a write sets D;
; #PF for a not-present page on read (error 0) and write (error 2) with CR2
; = the faulting address and the faulting instruction's EIP, also in a
; block entered through chained jumps; a supervisor
; write to a read-only page faults with CR0.WP (error 3) and succeeds
; without it; INVLPG and a CR3 reload make a changed PTE visible; a 4 MiB
; page (CR4.PSE) maps and gets A and D in its PDE; an instruction that
; straddles into a not-present page faults with CR2 = that page and EIP = it,
; the instructions before it in the same page done; PAE paging maps through
; the PDPT and a 2 MiB page; at CPL 3 a read and a write of a supervisor
; page fault with error 5 and 7, and INT n from CPL 3 works with the GDT,
; IDT, TSS and ring-0 stack in supervisor pages; with EFER.NXE, a fetch from an NX page is
; #PF with error 0x11 (P, I/D) and the same page runs once NX is cleared.

%define GUEST_NAME "guest-paging"
%include "guest.inc"
%include "pm.inc"

%define PD              0x20000
%define PT0             0x21000         ; identity 0-4 MiB
%define PT1             0x22000         ; linear 4 MiB: test pages
%define PDPT            0x23000         ; PAE
%define PAE_PD          0x24000
%define PAE_PT          0x25000
%define DATA_A          0x30000
%define DATA_B          0x31000
%define DATA_C          0x32000
%define LIN_T           0x400000        ; PT1[0] -> DATA_A
%define LIN_NP          0x401000        ; PT1[1] not present
%define LIN_RO          0x402000        ; PT1[2] -> DATA_B, read-only
%define LIN_BIG         0x800000        ; PD[2]: 4 MiB page -> 0
%define SEL_FLAT_CODE   0x60
%define NX_PAGE         0x100000        ; PAE: identity, NX

%define V_UINT          VARS + 0x40

; USER_RUN label: IRET to ring 3 at label (flat DPL 3 stack)
%macro USER_RUN 1
        push    dword SEL_DATA3
        push    dword R3_STACK
        push    dword 0x2
        push    dword SEL_CODE3
        push    dword %1
        iretd
%endmacro

main:
        PM_ENTER

        bits    32
pm_main:
        SET_DESC SEL_FLAT_CODE, 0x0000FFFF, 0x00CF9B00
        ; clear the paging structures
        mov     edi, PD
        mov     ecx, (DATA_C + 0x1000 - PD) / 4
        xor     eax, eax
        rep     stosd
        mov     dword [DATA_A], 0xAAAA0000
        mov     dword [DATA_B], 0xBBBB0000
        mov     dword [DATA_C], 0xCCCC0000
        ; PT0: identity, supervisor, writable
        mov     edi, PT0
        mov     eax, 0x003
.pt0:   mov     [edi], eax
        add     edi, 4
        add     eax, 0x1000
        cmp     edi, PT0 + 0x1000
        jb      .pt0
        mov     dword [PD], PT0 | 0x003
        mov     dword [PD + 4], PT1 | 0x003
        mov     dword [PD + 8], 0x00000083      ; 4 MiB page at 0
        mov     dword [PT1], DATA_A | 0x003
        mov     dword [PT1 + 8], DATA_B | 0x001 ; read-only

        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr4
        or      eax, 0x10                       ; PSE
        mov     cr4, eax
        mov     eax, cr0
        or      eax, 0x80010000                 ; PG | WP
        TRY     .pg_refused
        mov     cr0, eax
        jmp     .flush
.pg_refused:
        ; a real CPU never faults here: the host virtualization refused
        PM_SKIP "host refuses CR0.PG (#GP)"
.flush:
        mov     dword [EXC_RESUME], 0
        ; A on read, not D
        mov     eax, [LIN_T]
        PM_CHECK eax, 0xAAAA0000, 1, "read through PT1[0]"
        mov     eax, [PT1]
        and     eax, 0x60
        PM_CHECK eax, 0x20, 2, "PTE A/D after a read"
        mov     eax, [PD + 4]
        and     eax, 0x20
        PM_CHECK eax, 0x20, 3, "PDE A after a read"
        ; D on write
        mov     dword [LIN_T + 4], 0x12345678
        mov     eax, [PT1]
        and     eax, 0x60
        PM_CHECK eax, 0x60, 4, "PTE A/D after a write"
        PM_CHECK [DATA_A + 4], 0x12345678, 5, "write reached the frame"

        ; #PF not present, read
        TRY     .pf1
        mov     ebx, 1
.pf1_insn:
        mov     eax, [LIN_NP]
        mov     ebx, 2
        PM_FAIL 6, "not-present read did not fault"
.pf1:   PM_CHECK [EXC_VEC], 14, 7, "#PF read: vector"
        PM_CHECK [EXC_ERR], 0, 8, "#PF read: error code"
        PM_CHECK [EXC_CR2], LIN_NP, 9, "#PF read: CR2"
        PM_CHECK [EXC_EIP], .pf1_insn, 10, "#PF read: saved EIP"
        PM_CHECK ebx, 1, 11, "#PF read: not precise"
        ; #PF not present, write
        TRY     .pf2
        mov     dword [LIN_NP + 4], 1
        PM_FAIL 12, "not-present write did not fault"
.pf2:   PM_CHECK [EXC_ERR], 2, 13, "#PF write: error code"
        PM_CHECK [EXC_CR2], LIN_NP + 4, 14, "#PF write: CR2"
        ; #PF in a block reached through chained jumps (X -> Y -> X ...):
        ; the fault still reports the faulting instruction
        TRY     .pfc
        mov     esi, LIN_T
        mov     edi, 100
        xor     ebx, ebx
        jmp     .cy
.cx:    inc     ebx
.cx_insn:
        mov     eax, [esi]
        add     esi, 0x400
        jmp     .cy
.cy:    dec     edi
        jnz     .cx
        PM_FAIL 60, "chained loop did not fault"
.pfc:   PM_CHECK [EXC_EIP], .cx_insn, 61, "#PF in a chained block: saved EIP"
        PM_CHECK [EXC_CR2], LIN_NP, 62, "#PF in a chained block: CR2"
        PM_CHECK ebx, 5, 63, "#PF in a chained block: EBX"
        PM_CHECK edi, 95, 64, "#PF in a chained block: EDI"

        ; read-only page, WP=1: fault; WP=0: allowed
        mov     eax, [LIN_RO]
        PM_CHECK eax, 0xBBBB0000, 15, "read of the read-only page"
        TRY     .pf3
        mov     dword [LIN_RO + 8], 0x55
        PM_FAIL 16, "write to read-only page with WP did not fault"
.pf3:   PM_CHECK [EXC_VEC], 14, 17, "#PF WP: vector"
        PM_CHECK [EXC_ERR], 3, 18, "#PF WP: error code"
        PM_CHECK [EXC_CR2], LIN_RO + 8, 19, "#PF WP: CR2"
        mov     eax, cr0
        and     eax, ~0x10000
        mov     cr0, eax
        mov     dword [LIN_RO + 8], 0x55
        PM_CHECK [DATA_B + 8], 0x55, 20, "supervisor write without WP"
        mov     eax, cr0
        or      eax, 0x10000
        mov     cr0, eax

        ; INVLPG makes a changed PTE visible
        mov     eax, [LIN_T]                    ; (TLB now holds DATA_A)
        mov     dword [PT1], DATA_B | 0x003
        invlpg  [LIN_T]
        mov     eax, [LIN_T]
        PM_CHECK eax, 0xBBBB0000, 21, "PTE change after INVLPG"
        ; and a CR3 reload
        mov     dword [PT1], DATA_C | 0x003
        mov     eax, cr3
        mov     cr3, eax
        mov     eax, [LIN_T]
        PM_CHECK eax, 0xCCCC0000, 22, "PTE change after CR3 reload"

        ; 4 MiB page
        mov     eax, [LIN_BIG + DATA_A]
        PM_CHECK eax, 0xAAAA0000, 23, "read through the 4 MiB page"
        mov     eax, [PD + 8]
        and     eax, 0x60
        PM_CHECK eax, 0x20, 24, "4 MiB PDE A/D after a read"
        mov     dword [LIN_BIG + DATA_A + 12], 0x4D4D
        PM_CHECK [DATA_A + 12], 0x4D4D, 25, "write through the 4 MiB page"
        mov     eax, [PD + 8]
        and     eax, 0x60
        PM_CHECK eax, 0x60, 26, "4 MiB PDE A/D after a write"

        ; ---- an instruction straddling into a not-present page: the
        ; ones before it run, the #PF reports it (CR2 = the new page)
        mov     dword [PT1 + 3 * 4], 0x33000 | 3
        mov     dword [PT1 + 4 * 4], 0
        mov     word [0x33FFB], 0x4343          ; inc ebx; inc ebx
        mov     byte [0x33FFD], 0xB8            ; mov eax, 0x12345678 ...
        mov     word [0x33FFE], 0x5678
        mov     word [0x34000], 0x1234          ; ... its last two bytes
        mov     byte [0x34002], 0xCB            ; retf
        mov     eax, cr3
        mov     cr3, eax
        xor     ebx, ebx
        TRY     .xp
        call    SEL_FLAT_CODE:0x403FFB
        PM_FAIL 50, "fetch from a not-present page did not fault"
.xp:    PM_CHECK [EXC_VEC], 14, 51, "straddling fetch: vector"
        PM_CHECK [EXC_CR2], 0x404000, 52, "straddling fetch: CR2"
        PM_CHECK [EXC_EIP], 0x403FFD, 53, "straddling fetch: saved EIP"
        PM_CHECK [EXC_ERR], 0, 54, "straddling fetch: error code"
        PM_CHECK ebx, 2, 55, "straddling fetch: earlier instructions"
        mov     dword [PT1 + 4 * 4], 0x34000 | 3
        invlpg  [0x404000]
        xor     ebx, ebx
        call    SEL_FLAT_CODE:0x403FFB
        PM_CHECK eax, 0x12345678, 56, "straddling instruction once mapped"
        PM_CHECK ebx, 2, 57, "straddling block once mapped"

        ; ---- user mode (CPL 3) under paging: U/S checks, and interrupts
        ; from ring 3 whose GDT, IDT, TSS and ring-0 stack are supervisor
        ; pages
        or      dword [PD], 4
        or      dword [PT0 + 0 * 4], 4          ; VARS
        or      dword [PT0 + 5 * 4], 4          ; ring-3 stack
        mov     ecx, 0x10
.upg:   or      dword [PT0 + ecx * 4], 4        ; the code copy
        inc     ecx
        cmp     ecx, 0x20
        jb      .upg
        mov     eax, cr3
        mov     cr3, eax
        SET_GATE 0x40, user_int, 0xEE
        TRY     .u1
        USER_RUN user_read
.u1:    PM_CHECK [EXC_VEC], 14, 40, "user read of a supervisor page: vector"
        PM_CHECK [EXC_ERR], 5, 41, "user read of a supervisor page: error"
        PM_CHECK [EXC_CR2], 0x7000, 42, "user read of a supervisor page: CR2"
        TRY     .u2
        USER_RUN user_write
.u2:    PM_CHECK [EXC_ERR], 7, 43, "user write to a supervisor page: error"
        mov     dword [TSS0 + 4], 0x7F00        ; ring-0 stack: supervisor
        USER_RUN user_int_test
user_int_done:
        mov     dword [TSS0 + 4], R0_STACK
        PM_CHECK [V_UINT], 0x7F00 - 20, 44, "INT from ring 3 under paging: ESP"

        ; ---- PAE ----
        mov     eax, cr0
        and     eax, 0x7FFFFFFF
        mov     cr0, eax
        mov     eax, 1
        cpuid
        test    edx, 1 << 6
        jnz     .pae
        PM_PRINT "INFO ", GUEST_NAME, ": no PAE", 10
        PM_PASS
.pae:
        mov     dword [PDPT], PAE_PD | 1
        mov     dword [PDPT + 4], 0
        ; PD[0] -> PT (4 KiB identity 0-2 MiB), PD[1]: 2 MiB page -> 0
        mov     dword [PAE_PD], PAE_PT | 3
        mov     dword [PAE_PD + 4], 0
        mov     dword [PAE_PD + 8], 0x000000E3  ; 2 MiB page, A, D preset
        mov     dword [PAE_PD + 12], 0
        mov     edi, PAE_PT
        mov     eax, 0x003
.ptp:   mov     [edi], eax
        mov     dword [edi + 4], 0
        add     edi, 8
        add     eax, 0x1000
        cmp     edi, PAE_PT + 0x1000
        jb      .ptp
        mov     byte [NX_PAGE], 0xCB            ; RETF
        ; NX available?
        xor     esi, esi
        mov     eax, 0x80000000
        cpuid
        cmp     eax, 0x80000001
        jb      .no_nx
        mov     eax, 0x80000001
        cpuid
        test    edx, 1 << 20
        jz      .no_nx
        mov     esi, 1
        mov     ecx, 0xC0000080                 ; EFER.NXE
        rdmsr
        or      eax, 1 << 11
        wrmsr
        or      dword [PAE_PT + (NX_PAGE >> 12) * 8 + 4], 0x80000000
.no_nx:
        mov     eax, PDPT
        mov     cr3, eax
        mov     eax, cr4
        or      eax, 0x20                       ; PAE
        mov     cr4, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        jmp     .flush2
.flush2:
        mov     eax, [0x200000 + DATA_B]
        PM_CHECK eax, 0xBBBB0000, 27, "PAE: read through the 2 MiB page"
        mov     eax, [DATA_C]
        PM_CHECK eax, 0xCCCC0000, 28, "PAE: identity read"
        mov     eax, [PAE_PT + (DATA_C >> 12) * 8]
        and     eax, 0x20
        PM_CHECK eax, 0x20, 29, "PAE: PTE A after a read"
        test    esi, esi
        jnz     .nx
        PM_PRINT "INFO ", GUEST_NAME, ": no NX", 10
        PM_PASS
.nx:
        TRY     .nx_done
        call    SEL_FLAT_CODE:NX_PAGE
        PM_FAIL 30, "fetch from an NX page did not fault"
.nx_done:
        PM_CHECK [EXC_VEC], 14, 31, "NX fetch: vector"
        PM_CHECK [EXC_ERR], 0x11, 32, "NX fetch: error code"
        PM_CHECK [EXC_CR2], NX_PAGE, 33, "NX fetch: CR2"
        and     dword [PAE_PT + (NX_PAGE >> 12) * 8 + 4], 0x7FFFFFFF
        invlpg  [NX_PAGE]
        call    SEL_FLAT_CODE:NX_PAGE
        PM_PASS

; ring-3 parts: DS = the DPL 3 flat segment first
user_read:
        mov     ax, SEL_DATA3
        mov     ds, ax
        mov     eax, [0x7000]
        jmp     $
user_write:
        mov     ax, SEL_DATA3
        mov     ds, ax
        mov     dword [0x7000], 1
        jmp     $
user_int_test:
        mov     ax, SEL_DATA3
        mov     ds, ax
        int     0x40
        jmp     $
user_int:
        mov     [ss:V_UINT], esp
        mov     ax, SEL_DATA0
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     esp, R0_STACK
        jmp     user_int_done

        bits    16
        GUEST_END
