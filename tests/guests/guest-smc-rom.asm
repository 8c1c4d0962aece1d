; guest-smc-rom: a loop that stores into the ROM page it executes from.
;
; The firmware image is ROM: the board drops writes to it.  A store that
; does not reach memory changes no code, so the translator must not
; discard the page's translated blocks for it.  When it did, every
; iteration retranslated the loop, the code cache filled and was flushed
; over and over, and chaining from a block freed by the flush crashed emu
; (issue 6).  Under KVM the stores are MMIO exits to the same ROM region.
;
; Checks: ITERATIONS passes of a long loop body, each storing into the
; immediate of one of its own instructions, complete with the right
; arithmetic result (the loop ran as written every time: the stores
; changed nothing) and the ROM byte still holds its original value.
; run.sh starts this guest with a small code cache (the emu-env line), so
; that a translator that does retranslate the loop flushes often.

; emu-env: EMU_TCG_TB_SIZE=1

%define GUEST_NAME "guest-smc-rom"
%include "guest.inc"

%define ITERATIONS      10000
%define BODY_ADDS       48              ; memory adds per pass (a long block)
%define acc             SCRATCH         ; dword
%define imm_sum         SCRATCH + 4     ; dword: sum of the patched immediate

main:
        mov     dword [acc], 0
        mov     dword [imm_sum], 0
        mov     ecx, ITERATIONS
.loop:
        mov     byte [cs:rom_target], cl        ; dropped: ROM
        mov     eax, strict dword 0x5A
rom_target equ $ - 4                            ; that mov's immediate
        add     [imm_sum], eax
%rep BODY_ADDS
        add     dword [acc], ecx
%endrep
        dec     ecx
        jnz     .loop
.loop_end:
%if (.loop_end - $$) >= 0x1000
%error "the loop must stay in the image's first 4 KiB page"
%endif

        ; acc = BODY_ADDS * (1 + 2 + ... + ITERATIONS), modulo 2^32.
        mov     eax, [acc]
        CHECK_EAX (BODY_ADDS * ITERATIONS * (ITERATIONS + 1) / 2) & 0xFFFFFFFF, 1, "loop sum"
        mov     eax, [imm_sum]
        CHECK_EAX 0x5A * ITERATIONS, 2, "the loop saw its own ROM store"
        movzx   eax, byte [cs:rom_target]
        CHECK_EAX 0x5A, 3, "ROM byte changed by a store"
        jmp     guest_pass

        GUEST_END
