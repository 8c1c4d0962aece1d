; savevm-count: a guest that counts timer interrupts forever, for the
; save/restore tests (tests/functional/test-savevm.sh).  Not a guest-*.asm:
; it never ends, so tests/guests/run.sh does not run it.
;
; The 8254 runs channel 0 at 1 kHz into IRQ0 through the 8259A; the
; handler counts ticks in RAM.  The main loop halts until an interrupt,
; and every 20 ticks prints "COUNT n" on COM1 (n = 1, 2, 3, ...).  A
; machine restored from a state saved at any moment must go on with the
; next number: the concatenated serial output of the source and the
; restored machine is COUNT 1, 2, 3 ... with no gap and no repeat, and
; the counters in RAM (ticks at 0x600, n at 0x604) are those saved.

%define GUEST_NAME "savevm-count"
%include "guest.inc"

%define PIT_DIVISOR     1193            ; 1193182 / 1193 = 1000 Hz
%define ticks           0x0600          ; dword
%define printed         0x0604          ; dword: the last n printed
%define next_at         0x0608          ; dword: tick count of the next line

irq0_isr:
        push    ax
        inc     dword [ticks]
        mov     al, 0x20                ; non-specific EOI
        out     0x20, al
        pop     ax
        iret

main:
        call    ivt_init
        call    pic_init
        SET_VECTOR 0x08, irq0_isr
        mov     dword [ticks], 0
        mov     dword [printed], 0
        mov     dword [next_at], 20

        mov     al, 0x34                ; channel 0, lo/hi, mode 2, binary
        out     0x43, al
        mov     al, PIT_DIVISOR & 0xFF
        out     0x40, al
        mov     al, PIT_DIVISOR >> 8
        out     0x40, al
        mov     al, 0xFE                ; unmask IRQ0 only
        out     0x21, al
        PRINTLN "START savevm-count"
        sti

.loop:  hlt
        mov     eax, [ticks]
        cmp     eax, [next_at]
        jb      .loop
        add     dword [next_at], 20
        inc     dword [printed]
        PRINT   "COUNT "
        mov     eax, [printed]
        call    put_dec
        call    newline
        jmp     .loop

        GUEST_END
