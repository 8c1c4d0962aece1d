; guest-smc-same: a store into an instruction that follows it in the same
; translation block.
;
; x86 guarantees that a store to the instruction stream is seen by the
; instructions after it (SDM 8.1.3: self-modifying code in one thread);
; the translator had already translated the whole straight-line block, so
; the old instruction ran (found by the guest fuzzer, issue 6).  Each
; routine below is copied to RAM and entered once: its first block holds
; both the store and the instruction whose immediate it patches.
;
; Checks, one routine each: a plain MOV store; read-modify-write stores
; (INC, ADD) two blocks in a row; a REP STOSB over the next instruction
; (REP ends its block: covered, but it was not broken); a block that
; spans two pages, stored into on the first page, on the second, and by
; an ADD whose dword itself straddles the two pages (the RMW must not see
; half of its store).

%define GUEST_NAME "guest-smc-same"
%include "guest.inc"

%define CODE_SEG        0x1000          ; ram_code runs at 1000:0000
; cross_code: so placed that rx.c's immediate straddles 1000:1000.
%define CROSS_OFF       (0x1000 - (rx.c - 2 - cross_code))
%define RC(l)           ((l) - ram_code)
%define XC(l)           ((l) - cross_code + CROSS_OFF)

ram_code:
r_mov:
        mov     byte [cs:RC(r_mov.imm) - 4], 0x11
        mov     eax, strict dword 0x22
.imm:
        retf

r_rmw:
        inc     byte [cs:RC(r_rmw.a) - 4]
        mov     eax, strict dword 0x22
.a:     add     byte [cs:RC(r_rmw.b) - 4], 0x10
        mov     ebx, strict dword 0x40
.b:     retf

r_stos:
        push    es
        mov     ax, CODE_SEG
        mov     es, ax
        mov     di, RC(r_stos.imm) - 4
        mov     cx, 4
        mov     al, 0x5a
        cld
        rep stosb
        mov     eax, strict dword 0x22
.imm:
        pop     es
        retf
ram_code_end:

cross_code:
rx:
        mov     byte [cs:XC(rx.a) - 4], 0x33        ; page 1
        mov     eax, strict dword 0x44
.a:     add     dword [cs:XC(rx.c) - 4], 0x01010101 ; both pages
        mov     ecx, strict dword 0x01010101
.c:     mov     byte [cs:XC(rx.b) - 4], 0x55        ; page 2
        mov     ebx, strict dword 0x66
.b:     retf
cross_code_end:

; copy cx bytes from cs:si to CODE_SEG:di
copy_code:
        push    ds
        push    es
        mov     ax, CODE_SEG
        mov     es, ax
        push    cs
        pop     ds
        rep movsb
        pop     es
        pop     ds
        ret

main:
        mov     si, ram_code
        xor     di, di
        mov     cx, ram_code_end - ram_code
        call    copy_code
        mov     si, cross_code
        mov     di, CROSS_OFF
        mov     cx, cross_code_end - cross_code
        call    copy_code

        call    CODE_SEG:RC(r_mov)
        CHECK_EAX 0x11, 1, "mov store into the next instruction"

        call    CODE_SEG:RC(r_rmw)
        CHECK_EAX 0x23, 2, "inc store into the next instruction"
        mov     eax, ebx
        CHECK_EAX 0x50, 3, "add store into the next instruction"

        call    CODE_SEG:RC(r_stos)
        CHECK_EAX 0x5a5a5a5a, 4, "rep stosb over the next instruction"

        call    CODE_SEG:XC(rx)
        push    ecx
        push    ebx
        CHECK_EAX 0x33, 5, "store into a two-page block, first page"
        pop     eax
        CHECK_EAX 0x55, 6, "store into a two-page block, second page"
        pop     eax
        CHECK_EAX 0x02020202, 7, "add straddling the two pages of its block"
        jmp     guest_pass

        GUEST_END
