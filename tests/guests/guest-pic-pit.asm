; guest-pic-pit: program the 8259A pair and the 8254 as a PC OS would and
; take real timer interrupts.
;
; Checks: IMR read-back; PIT read-back status (mode 2, lo/hi access); the
; latched count runs down within the programmed divisor; IRR latches IRQ0
; while it is masked; an unmasked IRQ0 is delivered with its ISR bit set;
; without EOI no second IRQ0 arrives, a specific EOI lets the next one in;
; the IRQ0 rate over one RTC second matches the programmed 200 Hz (+-20%);
; no unexpected vectors.

%define GUEST_NAME "guest-pic-pit"
%include "guest.inc"

%define PIT_DIVISOR     5966            ; 1193182 / 5966 = 200.0 Hz
%define RATE_LO         160
%define RATE_HI         240

%define irq0_count      0x0600          ; dword
%define last_isr        0x0604          ; byte: PIC ISR seen inside the handler
%define no_eoi          0x0605          ; byte: handler skips EOI when set

irq0_isr:
        push    ax
        inc     dword [irq0_count]
        mov     al, 0x0B                ; OCW3: read ISR
        out     0x20, al
        in      al, 0x20
        mov     [last_isr], al
        cmp     byte [no_eoi], 0
        jne     .out
        mov     al, 0x20                ; non-specific EOI
        out     0x20, al
.out:   pop     ax
        iret

; rtc_sec: AL = RTC seconds register; CF set if an update was in progress
; (the value may be torn, the caller samples again).
rtc_sec:
        CMOS_READ 0x0A
        test    al, 0x80
        jnz     .busy
        CMOS_READ 0x00
        clc
        ret
.busy:  stc
        ret

; read_pit0: AX = latched channel 0 count.
read_pit0:
        mov     al, 0x00                ; counter latch, channel 0
        out     0x43, al
        in      al, 0x40
        mov     ah, al
        in      al, 0x40
        xchg    al, ah
        ret

main:
        call    ivt_init
        call    pic_init
        SET_VECTOR 0x08, irq0_isr
        mov     dword [irq0_count], 0
        mov     byte [no_eoi], 0

        ; IMR is a plain read/write register.
        in      al, 0x21
        CHECK_AL 0xFF, 1, "master IMR after init"
        mov     al, 0xA5
        out     0x21, al
        in      al, 0x21
        CHECK_AL 0xA5, 2, "master IMR read-back"
        mov     al, 0x5A
        out     0xA1, al
        in      al, 0xA1
        CHECK_AL 0x5A, 3, "slave IMR read-back"
        mov     al, 0xFF
        out     0x21, al
        out     0xA1, al

        ; PIT channel 0: mode 2 (rate generator), lo/hi byte, binary.
        mov     al, 0x34
        out     0x43, al
        mov     al, PIT_DIVISOR & 0xFF
        out     0x40, al
        mov     al, PIT_DIVISOR >> 8
        out     0x40, al

        ; Read-back command, status only, channel 0.
        mov     al, 0xE2
        out     0x43, al
        in      al, 0x40
        and     al, 0x3F
        CHECK_AL 0x34, 4, "PIT read-back status (access/mode/bcd)"

        ; The latched count is within the divisor and runs down.
        call    read_pit0
        movzx   eax, ax
        CHECK_RANGE 1, PIT_DIVISOR, 5, "PIT count out of range"
        mov     bx, ax
        mov     cx, 200
.dly:   in      al, 0x21
        loop    .dly
        call    read_pit0
        cmp     ax, bx
        jne     .moving
        movzx   eax, ax
        FAIL    6, "PIT count does not change"
.moving:

        ; IRR latches IRQ0 while it is masked (and interrupts are off).
        mov     al, 0x0A                ; OCW3: read IRR
        out     0x20, al
        mov     ecx, 1000000
.irr:   in      al, 0x20
        test    al, 0x01
        jnz     .irr_ok
        dec     ecx
        jnz     .irr
        FAIL    7, "IRR bit 0 never set with IRQ0 masked"
.irr_ok:
        cmp     dword [irq0_count], 0
        je      .none_yet
        FAIL    8, "IRQ0 delivered while masked"
.none_yet:

        ; Unmask IRQ0, enable interrupts: the pending request comes in.
        mov     al, 0xFE
        out     0x21, al
        sti
        mov     ecx, 1000000
.first: cmp     dword [irq0_count], 0
        jne     .got_first
        in      al, 0x21
        dec     ecx
        jnz     .first
        FAIL    9, "no IRQ0 after unmasking"
.got_first:
        mov     al, [last_isr]
        and     al, 0x01
        CHECK_AL 0x01, 10, "ISR bit 0 not set inside the IRQ0 handler"

        ; Without EOI the in-service IRQ0 blocks the next one.
        cli
        mov     byte [no_eoi], 1
        mov     dword [irq0_count], 0
        sti
        hlt                             ; next tick: handled, not EOIed
        cmp     dword [irq0_count], 1
        je      .held
        mov     eax, [irq0_count]
        mov     edx, 1
        FAIL_VAL 11, "IRQ0 count after one tick without EOI"
.held:  ; wait ~5 periods worth of PIT wraps by watching the count move
        mov     cx, 5
.wait5: call    read_pit0
        mov     bx, ax
.wrap:  call    read_pit0
        cmp     ax, bx
        jbe     .wrap_next
        loop    .wait5
        jmp     .waited
.wrap_next:
        mov     bx, ax
        jmp     .wrap
.waited:
        cmp     dword [irq0_count], 1
        je      .still_one
        mov     eax, [irq0_count]
        mov     edx, 1
        FAIL_VAL 12, "IRQ0 delivered while previous one was in service"
.still_one:
        cli
        mov     byte [no_eoi], 0
        mov     al, 0x60                ; specific EOI for IR0
        out     0x20, al
        sti
        mov     ecx, 1000000
.again: cmp     dword [irq0_count], 1
        ja      .eoi_ok
        in      al, 0x21
        dec     ecx
        jnz     .again
        FAIL    13, "no IRQ0 after specific EOI"
.eoi_ok:

        ; Rate: count IRQ0s over exactly one RTC second.
        ; Synchronise with a seconds change first.
.s0:    call    rtc_sec
        jc      .s0
        mov     bl, al
        mov     dword [irq0_count], 0
.sync:  hlt
        cmp     dword [irq0_count], 1000
        jb      .sync_ok
        FAIL    14, "RTC seconds did not advance (1000 ticks)"
.sync_ok:
        call    rtc_sec
        jc      .sync
        cmp     al, bl
        je      .sync
        mov     bl, al
        mov     dword [irq0_count], 0
.meas:  hlt
        cmp     dword [irq0_count], 1000
        jb      .meas_ok
        FAIL    15, "RTC seconds did not advance while measuring"
.meas_ok:
        call    rtc_sec
        jc      .meas
        cmp     al, bl
        je      .meas
        cli
        mov     eax, [irq0_count]
        PRINT   "INFO ", GUEST_NAME, ": IRQ0 per RTC second = "
        call    put_dec
        call    newline
        CHECK_RANGE RATE_LO, RATE_HI, 16, "IRQ0 rate per RTC second (want ~200)"

        movzx   eax, word [unexpected_irqs]
        CHECK_EAX 0, 17, "unexpected interrupts"
        jmp     guest_pass

        GUEST_END
