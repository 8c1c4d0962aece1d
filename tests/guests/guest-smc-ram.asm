; guest-smc-ram: heavy self-modifying code in RAM.
;
; A routine in RAM is patched before every run (the immediate of its
; first instruction), so the translator discards and retranslates it
; each time; its long body makes each translation big, so the code cache
; fills and is flushed again and again (run.sh starts this guest with a
; small cache, see the emu-env line).  Chaining from a block that a flush
; had freed crashed emu (issue 6).
;
; Checks: every run saw the value just patched in (the sum of the
; immediates) and ran its body in full (the sum of the body's adds).

; emu-env: EMU_TCG_TB_SIZE=1

%define GUEST_NAME "guest-smc-ram"
%include "guest.inc"

%define ITERATIONS      10000
%define BODY_ADDS       48              ; memory adds per call (a long block)
%define CODE_SEG        0x1000          ; ram_code runs at 1000:0000
%define acc             SCRATCH         ; dword
%define imm_sum         SCRATCH + 4     ; dword

; Copied to CODE_SEG:0 and called there: a loop that patches the first
; instruction of `routine` and jumps to it.  The jumps are direct, so the
; block that jumps to the freshly patched routine is the one the exec loop
; would chain to its new translation.
ram_code:
        mov     ecx, ITERATIONS
.loop:
        mov     [cs:routine.imm - 4 - ram_code], ecx
        jmp     routine
.back:
        dec     ecx
        jnz     .loop
        retf
routine:
        mov     eax, strict dword 0
.imm:                                   ; just after the patched immediate
        add     [imm_sum], eax
%rep BODY_ADDS
        add     dword [acc], ecx
%endrep
        jmp     ram_code.back
ram_code_end:

main:
        ; Copy the code to RAM.
        push    ds
        push    es
        mov     ax, CODE_SEG
        mov     es, ax
        push    cs
        pop     ds
        mov     si, ram_code
        xor     di, di
        mov     cx, ram_code_end - ram_code
        rep movsb
        pop     es
        pop     ds

        mov     dword [acc], 0
        mov     dword [imm_sum], 0
        call    CODE_SEG:0

        ; imm_sum = 1 + 2 + ... + ITERATIONS; acc = BODY_ADDS times that.
        mov     eax, [imm_sum]
        CHECK_EAX (ITERATIONS * (ITERATIONS + 1) / 2) & 0xFFFFFFFF, 1, "sum of the patched immediates"
        mov     eax, [acc]
        CHECK_EAX (BODY_ADDS * ITERATIONS * (ITERATIONS + 1) / 2) & 0xFFFFFFFF, 2, "sum of the routine's adds"
        jmp     guest_pass

        GUEST_END
