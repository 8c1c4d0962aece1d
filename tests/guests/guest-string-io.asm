; guest-string-io: REP INS / REP OUTS in 32-bit flat protected mode, where
; the translator moves the bulk in C (helper_rep_io_fast), against the same
; transfers done one IN / OUT at a time.
;
; The data port is fw_cfg's (0x511): the file directory (key 0x0019) is a
; long, fixed byte stream, re-read from its start by selecting the key
; again.  Checks, for byte, word and dword elements: the REP INS result
; equals the single-IN result; ECX ends at 0 and EDI advanced by the byte
; count; a transfer that straddles a page boundary and one with an odd
; count left over; DF = 1 stores downwards (the per-element path); REP
; OUTSW to the selector port leaves the last element selected (0x0000:
; "QEMU" then reads back); REP INSB into a page holding code the CPU ran
; sees the new code (self-modifying code through string I/O).

%define GUEST_NAME "guest-string-io"
%include "guest.inc"
%include "pm.inc"

%define FW_SEL          0x510
%define FW_DATA         0x511
%define REF             0x20000         ; single IN reference
%define BUF             0x21FF0         ; REP INS buffer: straddles 0x22000
%define LEN             200             ; bytes compared per round
%define FUNC            0x30000         ; code rewritten by REP INSB
%define SEL_LIST        0x31000
%define SEL_FLAT        0x38            ; flat 32-bit code

main:
        PM_ENTER

        bits    32
pm_main:
        ; --- dwords, words, bytes: REP INS vs single IN ------------------
        ; (fw_cfg's data port is one byte wide: a word or dword access
        ; reads the next ports too, so each size is its own stream; the
        ; byte pass runs last and leaves REF holding the directory bytes.)
        mov     ebp, 4
.size_loop:
        ; the reference: LEN bytes with single IN of size ebp
        call    select_dir
        mov     edi, REF
        mov     ecx, LEN
.ref_loop:
        cmp     ebp, 1
        jne     .ref_w
        in      al, dx
        mov     [edi], al
        jmp     .ref_next
.ref_w:
        cmp     ebp, 2
        jne     .ref_d
        in      ax, dx
        mov     [edi], ax
        jmp     .ref_next
.ref_d:
        in      eax, dx
        mov     [edi], eax
.ref_next:
        add     edi, ebp
        sub     ecx, ebp
        jnz     .ref_loop

        ; the same with REP INS of size ebp
        call    select_dir
        mov     edi, BUF
        mov     eax, LEN
        xor     edx, edx
        div     ebp
        mov     ecx, eax
        mov     dx, FW_DATA
        cld
        cmp     ebp, 1
        jne     .rep_w
        rep insb
        jmp     .rep_done
.rep_w:
        cmp     ebp, 2
        jne     .rep_d
        rep insw
        jmp     .rep_done
.rep_d:
        rep insd
.rep_done:
        PM_CHECK ecx, 0, 1, "ECX after REP INS"
        PM_CHECK edi, BUF + LEN, 2, "EDI after REP INS"
        mov     esi, REF
        mov     edi, BUF
        mov     ecx, LEN
        repe cmpsb
        PM_CHECK ecx, 0, 3, "REP INS data differs from single IN"
        shr     ebp, 1
        jnz     .size_loop

        ; --- an odd count: 7 bytes, then the stream goes on ----------------
        call    select_dir
        mov     edi, BUF
        mov     ecx, 7
        rep insb
        in      al, dx
        mov     [SEL_LIST + 8], al
        PM_CHECK edi, BUF + 7, 4, "EDI after 7 bytes"
        movzx   eax, byte [SEL_LIST + 8]
        movzx   ebx, byte [REF + 7]
        PM_CHECK eax, ebx, 5, "the byte after 7 bytes"

        ; --- DF = 1: downwards, byte by byte ------------------------------
        call    select_dir
        std
        mov     edi, BUF + 15
        mov     ecx, 16
        rep insb
        cld
        PM_CHECK edi, BUF - 1, 6, "EDI after REP INSB with DF=1"
        mov     al, [BUF + 15]
        movzx   eax, al
        movzx   ebx, byte [REF]
        PM_CHECK eax, ebx, 7, "first byte with DF=1 (at the top)"
        mov     al, [BUF]
        movzx   eax, al
        movzx   ebx, byte [REF + 15]
        PM_CHECK eax, ebx, 8, "16th byte with DF=1 (at the bottom)"

        ; --- REP OUTSW to the selector: the last element wins -------------
        mov     word [SEL_LIST], 0x0019
        mov     word [SEL_LIST + 2], 0x0000
        mov     esi, SEL_LIST
        mov     ecx, 2
        mov     dx, FW_SEL
        rep outsw
        PM_CHECK esi, SEL_LIST + 4, 9, "ESI after REP OUTSW"
        mov     dx, FW_DATA
        xor     eax, eax
        in      al, dx
        mov     ah, al
        in      al, dx
        PM_CHECK eax, 0x5145, 10, "signature ('QE') after REP OUTSW (selector)"

        ; --- SMC: REP INSB over code that already ran ----------------------
        ; a flat code selector, so that the function sits outside the image
        SET_DESC SEL_FLAT, 0x0000FFFF, 0x00CF9A00
        mov     dword [FUNC], 0x90cb00b0        ; mov al, 0; retf; nop
        xor     eax, eax
        dec     eax
        call    SEL_FLAT:FUNC
        PM_CHECK eax, 0xffffff00, 11, "function before the rewrite"
        call    SEL_FLAT:FUNC                   ; translated for sure now
        ; the immediate becomes 'Q' (fw_cfg's signature) by REP INSB
        mov     dx, FW_SEL
        mov     ax, 0
        out     dx, ax
        mov     dx, FW_DATA
        mov     edi, FUNC + 1
        mov     ecx, 1
        rep insb
        xor     eax, eax
        call    SEL_FLAT:FUNC
        PM_CHECK eax, 'Q', 12, "function after REP INSB rewrote it"
        PM_PASS

; select_dir: select key 0x0019 (the file directory); DX = data port.
select_dir:
        mov     dx, FW_SEL
        mov     ax, 0x0019
        out     dx, ax
        mov     dx, FW_DATA
        ret

        bits    16
        GUEST_END
