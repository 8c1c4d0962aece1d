; guest-pit-storm: PIT counter 0 at its fastest rates, with IRQ0 enabled.
;
; A count of 2 makes OUT0 change every 838 ns.  The emulator cannot run a
; timer callback per edge; when it tried (replaying every missed edge under
; the global lock) the main loop never caught up and the vCPU made no
; progress at all (issue 6).  The i8259 latches one IRQ0 edge until it is
; acknowledged, so the edges the host cannot keep up with coalesce.
;
; Each phase programs counter 0 (mode 2 count 2, mode 3 count 2, mode 3
; count 12) with a handler that counts IRQ0 and sends the EOI, and loops
; until it has done ITERATIONS passes and seen MIN_IRQS interrupts: both
; the program and the interrupts make progress.  A starved vCPU runs into
; the runner's timeout.

%define GUEST_NAME "guest-pit-storm"
%include "guest.inc"

%define ITERATIONS      200000
%define MIN_IRQS        300
%define irq_count       0x0600          ; dword, counted by irq0_isr

irq0_isr:
        push    ax
        inc     dword [irq_count]
        mov     al, 0x20                ; non-specific EOI
        out     0x20, al
        pop     ax
        iret

; run_phase: AL = control word for counter 0, BX = count.  Returns with
; interrupts off, ECX = loop passes, EAX = interrupts seen.
run_phase:
        cli
        mov     dword [irq_count], 0
        out     0x43, al
        mov     al, bl
        out     0x40, al
        mov     al, bh
        out     0x40, al
        xor     ecx, ecx
        sti
.loop:  inc     ecx
        js      .starved                ; 2^31 passes and too few IRQs
        cmp     ecx, ITERATIONS
        jb      .loop
        cmp     dword [irq_count], MIN_IRQS
        jb      .loop
        cli
        mov     eax, [irq_count]
        ret
.starved:
        cli
        mov     eax, [irq_count]
        mov     edx, MIN_IRQS
        FAIL_VAL 1, "too few IRQ0s while the loop ran"

; report: "INFO guest-pit-storm: <what> passes=<ECX> irqs=<EAX>"
%macro REPORT 1
        push    eax
        PRINT   "INFO ", GUEST_NAME, ": ", %1, " passes="
        mov     eax, ecx
        call    put_dec
        PRINT   " irqs="
        pop     eax
        call    put_dec
        call    newline
%endmacro

main:
        call    ivt_init
        call    pic_init
        SET_VECTOR 0x08, irq0_isr
        mov     al, 0xFE                ; IRQ0 only
        out     0x21, al

        mov     al, 0x34                ; counter 0, LSB/MSB, mode 2
        mov     bx, 2
        call    run_phase
        REPORT  "mode 2 count 2"

        mov     al, 0x36                ; mode 3
        mov     bx, 2
        call    run_phase
        REPORT  "mode 3 count 2"

        mov     al, 0x36
        mov     bx, 12
        call    run_phase
        REPORT  "mode 3 count 12"

        ; Back to the BIOS rate (65536), IRQ0 masked.
        mov     al, 0xFF
        out     0x21, al
        mov     al, 0x36
        out     0x43, al
        xor     al, al
        out     0x40, al
        out     0x40, al

        movzx   eax, word [unexpected_irqs]
        CHECK_EAX 0, 2, "unexpected interrupts"
        jmp     guest_pass

        GUEST_END
