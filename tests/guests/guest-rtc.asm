; guest-rtc: the MC146818 RTC/CMOS as a PC OS sees it at ports 0x70/0x71.
;
; Checks: register D valid-RAM-and-time bit; divider bits of register A;
; CMOS RAM read/write; the board's memory size bytes for -m 64
; (0x30/0x31 = 63 MiB in KiB, 0x34/0x35 = 48 MiB in 64 KiB units); the time
; registers hold valid BCD/binary values (register B bit 1 set means
; 24-hour mode); in 12-hour mode the clock, set with SET held as the
; datasheet asks, counts on from the hour written and gives it back with
; the PM flag in bit 7; UIP is seen before each update
; and the seconds advance by one across it; the periodic interrupt at
; 256 Hz on IRQ8 through the slave 8259 (counted over one RTC second,
; +-20%), with register C reporting IRQF|PF and reading C acknowledging;
; no interrupts after PIE is cleared; the update-ended interrupt (UIE)
; fires with UF.

%define GUEST_NAME "guest-rtc"
%include "guest.inc"

%define irq8_count      0x0600          ; dword
%define last_c          0x0604          ; byte: register C in the handler
%define c_or            0x0605          ; byte: OR of all register C values
%define reg_b           0x0606          ; byte: register B at start
%define sec_before      0x0607          ; byte
%define hour24          0x0608          ; byte: hours (0-23) at start
%define hour12          0x0609          ; byte: the same in 12-hour form

%define RATE_LO         205
%define RATE_HI         307

; cmos_read: AL = register index -> AL = value (interrupts held off so an
; ISR cannot move the index between the two accesses).
cmos_read:
        pushf
        cli
        or      al, 0x80
        out     0x70, al
        in      al, 0x71
        popf
        ret

; cmos_write: AL = register index, AH = value.
cmos_write:
        pushf
        cli
        or      al, 0x80
        out     0x70, al
        mov     al, ah
        out     0x71, al
        popf
        ret

; rtc_sec: AL = seconds, CF set if an update is in progress.
rtc_sec:
        mov     al, 0x0A
        call    cmos_read
        test    al, 0x80
        jnz     .busy
        mov     al, 0x00
        call    cmos_read
        clc
        ret
.busy:  stc
        ret

; to_bin: AL (in the RTC's current format) -> binary.
to_bin:
        test    byte [reg_b], 0x04
        jnz     .done
        push    bx
        mov     bl, al
        shr     al, 4
        mov     bh, 10
        mul     bh
        and     bl, 0x0F
        add     al, bl
        pop     bx
.done:  ret

; from_bin: AL binary (0-99) -> the RTC's current format.
from_bin:
        test    byte [reg_b], 0x04
        jnz     .done
        push    bx
        xor     ah, ah
        mov     bl, 10
        div     bl
        shl     al, 4
        or      al, ah
        pop     bx
.done:  ret

; set_hours: AH = register B to run with, AL = hours in that format.
; SET holds the updates while the hour and the format change.
set_hours:
        push    ax
        mov     al, 0x0B
        or      ah, 0x80
        call    cmos_write
        pop     ax
        push    ax
        mov     ah, al
        mov     al, 0x04
        call    cmos_write
        pop     ax
        mov     al, 0x0B
        call    cmos_write
        ret

; check_bcd: fail if AL is not valid BCD (when the RTC is in BCD mode).
check_bcd:
        test    byte [reg_b], 0x04
        jnz     .ok
        push    ax
        and     al, 0x0F
        cmp     al, 9
        pop     ax
        ja      .bad
        push    ax
        shr     al, 4
        cmp     al, 9
        pop     ax
        ja      .bad
.ok:    ret
.bad:   movzx   eax, al
        xor     edx, edx
        FAIL_VAL 9, "time register is not BCD"

; time_reg: AL = register -> EAX = binary value, checked for BCD.
time_reg:
        call    cmos_read
        call    check_bcd
        call    to_bin
        movzx   eax, al
        ret

rtc_isr:
        push    ax
        mov     al, 0x0C
        call    cmos_read
        mov     [last_c], al
        or      [c_or], al
        inc     dword [irq8_count]
        mov     al, 0x20
        out     0xA0, al                ; EOI slave, then master (cascade)
        out     0x20, al
        pop     ax
        iret

main:
        call    ivt_init
        call    pic_init
        SET_VECTOR 0x70, rtc_isr

        mov     al, 0x0D
        call    cmos_read
        CHECK_AL 0x80, 1, "register D (VRT)"
        mov     al, 0x0A
        call    cmos_read
        and     al, 0x70
        CHECK_AL 0x20, 2, "register A divider bits"
        mov     al, 0x0B
        call    cmos_read
        mov     [reg_b], al
        test    al, 0x70                ; no interrupt enables out of reset
        jz      .b_ok
        movzx   eax, al
        xor     edx, edx
        FAIL_VAL 3, "register B has interrupt enables set at reset"
.b_ok:

        ; CMOS RAM is read/write.
        mov     ax, 0xA54E
        call    cmos_write
        mov     al, 0x4E
        call    cmos_read
        CHECK_AL 0xA5, 4, "CMOS RAM byte 0x4E write 0xA5"
        mov     ax, 0x5A4E
        call    cmos_write
        mov     al, 0x4E
        call    cmos_read
        CHECK_AL 0x5A, 5, "CMOS RAM byte 0x4E write 0x5A"

        ; Memory size as the board records it for -m 64.
        mov     al, 0x31
        call    cmos_read
        mov     ah, al
        mov     al, 0x30
        call    cmos_read
        CHECK_AX 0xFC00, 6, "CMOS 0x30/0x31 extended memory KiB (-m 64)"
        mov     al, 0x35
        call    cmos_read
        mov     ah, al
        mov     al, 0x34
        call    cmos_read
        CHECK_AX 0x0300, 7, "CMOS 0x34/0x35 memory above 16M in 64K (-m 64)"

        ; Time registers are valid.
.t0:    mov     al, 0x0A
        call    cmos_read
        test    al, 0x80
        jnz     .t0
        PRINT   "INFO ", GUEST_NAME, ": time "
        mov     al, 0x09                ; year
        call    time_reg
        CHECK_RANGE 0, 99, 10, "year"
        call    put_dec
        PRINT   "-"
        mov     al, 0x08                ; month
        call    time_reg
        CHECK_RANGE 1, 12, 11, "month"
        call    put_dec
        PRINT   "-"
        mov     al, 0x07                ; day of month
        call    time_reg
        CHECK_RANGE 1, 31, 12, "day of month"
        call    put_dec
        PRINT   " "
        test    byte [reg_b], 0x02      ; bit 1 set: 24-hour mode
        jnz     .h24
        mov     al, 0x04
        call    cmos_read
        mov     cl, al                  ; bit 7: PM
        and     al, 0x7F
        call    check_bcd
        call    to_bin
        movzx   eax, al
        CHECK_RANGE 1, 12, 13, "hours (12h)"
        cmp     al, 12                  ; 12 AM is hour 0, 12 PM hour 12
        jne     .h12
        xor     al, al
.h12:   test    cl, 0x80
        jz      .hdone
        add     al, 12
        jmp     .hdone
.h24:   mov     al, 0x04
        call    time_reg
        CHECK_RANGE 0, 23, 13, "hours"
.hdone: mov     [hour24], al
        call    put_dec
        PRINT   ":"
        mov     al, 0x02
        call    time_reg
        CHECK_RANGE 0, 59, 14, "minutes"
        call    put_dec
        PRINT   ":"
        mov     al, 0x00
        call    time_reg
        CHECK_RANGE 0, 59, 15, "seconds"
        call    put_dec
        call    newline

        ; 12-hour mode: write the hour in 12-hour form (1-12, PM in bit 7)
        ; with SET held; once released the chip counts from it and must
        ; read it back.  Then the same for 24-hour mode with the hour read
        ; at start.  (A clock started within a second of an hour's end
        ; could roll over in between: the tests start it at :30:00.)
        movzx   eax, byte [hour24]
        xor     cl, cl
        cmp     al, 12
        jb      .am
        mov     cl, 0x80
        sub     al, 12
.am:    test    al, al
        jnz     .h12v
        mov     al, 12
.h12v:  call    from_bin
        or      al, cl
        mov     [hour12], al
        mov     ah, [reg_b]
        and     ah, ~0x02
        call    set_hours
        PRINT   "INFO ", GUEST_NAME, ": hours in 12-hour mode 0x"
        mov     al, 0x04
        call    cmos_read
        call    put_hex8
        call    newline
        cmp     al, [hour12]
        je      .h12_ok
        movzx   eax, al
        movzx   edx, byte [hour12]
        FAIL_VAL 28, "hours in 12-hour mode"
.h12_ok:
        mov     al, [hour24]
        call    from_bin
        mov     [hour12], al            ; now: the expected 24-hour byte
        mov     ah, [reg_b]
        call    set_hours
        mov     al, 0x04
        call    cmos_read
        cmp     al, [hour12]
        je      .h24_ok
        movzx   eax, al
        movzx   edx, byte [hour12]
        FAIL_VAL 29, "hours back in 24-hour mode"
.h24_ok:

        ; UIP: wait for it to rise, then for it to fall; the seconds must
        ; have advanced by exactly one.  The window is 244 us before each
        ; update: a host thread preempted for longer misses it, so a busy
        ; host may take a few seconds; 20 updates without UIP fail.  (The
        ; unit tests check the window's exact edges on a stepped clock.)
        mov     al, 0x00
        call    cmos_read
        mov     bh, al                  ; seconds at start
        mov     bl, 0                   ; seconds changes seen without UIP
.uip_up:
        mov     al, 0x00
        call    cmos_read
        mov     [sec_before], al
        mov     al, 0x0A
        call    cmos_read
        test    al, 0x80
        jnz     .uip_seen
        mov     al, 0x00
        call    cmos_read
        cmp     al, bh
        je      .uip_up
        mov     bh, al
        inc     bl
        cmp     bl, 20
        jb      .uip_up
        FAIL    16, "seconds changed 20 times without UIP seen"
.uip_seen:
        mov     ecx, 10000000
.uip_dn:
        mov     al, 0x0A
        call    cmos_read
        test    al, 0x80
        jz      .uip_low
        dec     ecx
        jnz     .uip_dn
        FAIL    17, "UIP stuck at 1"
.uip_low:
        mov     al, [sec_before]
        call    to_bin
        movzx   edx, al
        inc     edx
        cmp     edx, 60
        jb      .nowrap
        xor     edx, edx
.nowrap:
        mov     al, 0x00
        call    cmos_read
        call    to_bin
        movzx   eax, al
        cmp     eax, edx
        je      .uip_ok
        FAIL_VAL 18, "seconds after UIP fell"
.uip_ok:

        ; Periodic interrupt, 256 Hz (rate select 8), through IRQ8.
        mov     ax, 0x280A
        call    cmos_write
        mov     al, 0x0C
        call    cmos_read               ; clear stale flags
        mov     dword [irq8_count], 0
        mov     byte [c_or], 0
        mov     al, 0xFB                ; master: cascade only
        out     0x21, al
        mov     al, 0xFE                ; slave: IRQ8 only
        out     0xA1, al
        mov     al, 0x0B
        call    cmos_read
        or      al, 0x40                ; PIE
        mov     ah, al
        mov     al, 0x0B
        call    cmos_write
        sti
        mov     ecx, 1000000
.first: cmp     dword [irq8_count], 0
        jne     .got_first
        in      al, 0x21
        dec     ecx
        jnz     .first
        FAIL    19, "no IRQ8 with PIE set"
.got_first:
        mov     al, [last_c]
        and     al, 0xC0
        CHECK_AL 0xC0, 20, "register C in the handler (IRQF|PF)"

        ; Count over one RTC second.
.s0:    call    rtc_sec
        jc      .s0
        mov     bl, al
        mov     dword [irq8_count], 0
.sync:  hlt
        cmp     dword [irq8_count], 2000
        jb      .sync_ok
        FAIL    21, "RTC seconds did not advance (2000 IRQ8s)"
.sync_ok:
        call    rtc_sec
        jc      .sync
        cmp     al, bl
        je      .sync
        mov     bl, al
        mov     dword [irq8_count], 0
.meas:  hlt
        cmp     dword [irq8_count], 2000
        jb      .meas_ok
        FAIL    22, "RTC seconds did not advance while measuring"
.meas_ok:
        call    rtc_sec
        jc      .meas
        cmp     al, bl
        je      .meas
        mov     eax, [irq8_count]
        PRINT   "INFO ", GUEST_NAME, ": IRQ8 per RTC second at 256 Hz = "
        call    put_dec
        call    newline
        CHECK_RANGE RATE_LO, RATE_HI, 23, "periodic IRQ8 rate (want ~256)"

        ; PIE off: reading C acknowledges, no more interrupts.
        cli
        mov     al, 0x0B
        call    cmos_read
        and     al, ~0x40
        mov     ah, al
        mov     al, 0x0B
        call    cmos_write
        mov     al, 0x0C
        call    cmos_read
        mov     al, 0x0C
        call    cmos_read
        and     al, 0x80
        CHECK_AL 0x00, 24, "register C IRQF after PIE off and a read"
        ; An IRQ8 edge from just before PIE went off may still be latched
        ; in the PIC's IRR: let it through before counting.
        sti
        mov     ecx, 1000
.settle:
        in      al, 0x21
        dec     ecx
        jnz     .settle
        cli
        mov     dword [irq8_count], 0
        sti
        mov     ecx, 100000
.quiet: in      al, 0x21
        dec     ecx
        jnz     .quiet
        mov     eax, [irq8_count]
        CHECK_EAX 0, 25, "IRQ8 after PIE cleared"

        ; Update-ended interrupt: one per second with UF set.  Register C
        ; is read (cleared) before UIE goes on; an update in between may
        ; raise an IRQ8 whose flags the handler still sees, but an IRQ8
        ; from an earlier edge could find C empty: allow a few IRQs.
        cli
        mov     al, 0x0C
        call    cmos_read
        mov     byte [c_or], 0
        mov     dword [irq8_count], 0
        mov     al, 0x0B
        call    cmos_read
        or      al, 0x10                ; UIE
        mov     ah, al
        mov     al, 0x0B
        call    cmos_write
        PRINTLN "INFO ", GUEST_NAME, ": waiting for the update-ended IRQ"
        sti
.uie:   hlt
        test    byte [c_or], 0x10
        jnz     .uf
        cmp     dword [irq8_count], 3
        jb      .uie
        movzx   eax, byte [c_or]
        mov     edx, 0x90
        FAIL_VAL 26, "no UF in register C after 3 IRQ8s with UIE"
.uf:    cli
        mov     al, [c_or]
        and     al, 0x90
        CHECK_AL 0x90, 26, "register C after update-ended IRQ (IRQF|UF)"
        mov     al, 0x0B
        call    cmos_read
        and     al, ~0x10
        mov     ah, al
        mov     al, 0x0B
        call    cmos_write
        mov     al, 0x0C
        call    cmos_read

        movzx   eax, word [unexpected_irqs]
        CHECK_EAX 0, 27, "unexpected interrupts"
        jmp     guest_pass

        GUEST_END
