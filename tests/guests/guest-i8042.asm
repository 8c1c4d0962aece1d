; guest-i8042: the 8042 keyboard controller and the PS/2 keyboard behind it,
; at ports 0x60/0x64, programmed as a PC BIOS/OS would.
;
; Checks: controller self test (0xAA -> 0x55); keyboard interface test
; (0xAB -> 0x00); command byte write/read-back and the disable/enable
; keyboard commands (0xAD/0xAE) toggling its bit 4; keyboard reset
; (0xFF -> 0xFA, 0xAA); echo (0xEE -> 0xEE); the echo reply raising IRQ1
; with the keyboard interrupt enabled; the output port (0xD0/0xD1): reset
; line high, A20 bit follows writes.  With A20 enabled, FFFF:6810 must
; not alias 0000:6800.  With A20 disabled the guest reports whether memory
; wraps ("INFO guest-i8042: a20-mask yes|no"): KVM cannot mask A20, so the
; runner requires "yes" only under TCG.

%define GUEST_NAME "guest-i8042"
%include "guest.inc"

%define kbd_count       0x0600          ; word
%define kbd_byte        0x0602          ; byte
%define cmd_byte        0x0603          ; byte
%define outport         0x0604          ; byte
%define PROBE_LO        0x6800          ; 0000:6800 = 0x006800
%define PROBE_HI        0x6810          ; FFFF:6810 = 0x106800

; kbc_wait_in: wait until the controller's input buffer is empty.
kbc_wait_in:
        push    ecx
        mov     ecx, 1000000
.w:     in      al, 0x64
        test    al, 0x02
        jz      .ok
        dec     ecx
        jnz     .w
        FAIL    1, "input buffer never empties (status bit 1)"
.ok:    pop     ecx
        ret

; kbc_read: wait for output buffer full, AL = byte from 0x60.
kbc_read:
        push    ecx
        mov     ecx, 1000000
.w:     in      al, 0x64
        test    al, 0x01
        jnz     .ok
        dec     ecx
        jnz     .w
        FAIL    2, "no reply byte (output buffer stays empty)"
.ok:    in      al, 0x60
        pop     ecx
        ret

; kbc_cmd: AL = controller command.
kbc_cmd:
        push    ax
        call    kbc_wait_in
        pop     ax
        out     0x64, al
        ret

; kbc_data: AL = byte for 0x60 (command parameter or keyboard command).
kbc_data:
        push    ax
        call    kbc_wait_in
        pop     ax
        out     0x60, al
        ret

; kbc_flush: drop anything pending in the output buffer.
kbc_flush:
        push    cx
        mov     cx, 64
.f:     in      al, 0x64
        test    al, 0x01
        jz      .done
        in      al, 0x60
        loop    .f
.done:  pop     cx
        ret

; set_a20: AL = 0/1 through the output port (keeping the reset line high).
set_a20:
        push    ax
        mov     al, 0xD1
        call    kbc_cmd
        pop     ax
        test    al, al
        mov     al, 0xDD
        jz      .w
        mov     al, 0xDF
.w:     call    kbc_data
        call    kbc_wait_in
        ret

; read_outport: AL = controller output port.
read_outport:
        mov     al, 0xD0
        call    kbc_cmd
        call    kbc_read
        ret

; a20_wraps: ZF clear (NZ) if 0xFFFF:PROBE_HI aliases 0000:PROBE_LO.
a20_wraps:
        push    es
        mov     ax, 0xFFFF
        mov     es, ax
        mov     byte [PROBE_LO], 0x11
        mov     byte [es:PROBE_HI], 0x22
        cmp     byte [PROBE_LO], 0x22
        pop     es
        je      .yes
        xor     al, al                  ; ZF set: no wrap
        ret
.yes:   or      al, 1                   ; ZF clear: wraps
        ret

kbd_isr:
        push    ax
        in      al, 0x60
        mov     [kbd_byte], al
        inc     word [kbd_count]
        mov     al, 0x20
        out     0x20, al
        pop     ax
        iret

main:
        call    ivt_init
        call    pic_init
        SET_VECTOR 0x09, kbd_isr

        call    kbc_flush
        mov     al, 0xAD                ; disable keyboard
        call    kbc_cmd
        mov     al, 0xA7                ; disable aux
        call    kbc_cmd
        call    kbc_flush

        mov     al, 0xAA                ; controller self test
        call    kbc_cmd
        call    kbc_read
        CHECK_AL 0x55, 3, "controller self test"
        mov     al, 0xAB                ; keyboard interface test
        call    kbc_cmd
        call    kbc_read
        CHECK_AL 0x00, 4, "keyboard interface test"

        ; Command byte.
        mov     al, 0x20
        call    kbc_cmd
        call    kbc_read
        mov     [cmd_byte], al
        PRINT   "INFO ", GUEST_NAME, ": command byte "
        call    put_hex8
        call    newline
        mov     al, 0x60
        call    kbc_cmd
        mov     al, 0x74                ; translate, aux off, kbd off, sys
        call    kbc_data
        mov     al, 0x20
        call    kbc_cmd
        call    kbc_read
        CHECK_AL 0x74, 5, "command byte read-back"
        mov     al, 0xAE                ; enable keyboard clears bit 4
        call    kbc_cmd
        mov     al, 0x20
        call    kbc_cmd
        call    kbc_read
        CHECK_AL 0x64, 6, "command byte after 0xAE (enable keyboard)"
        mov     al, 0xAD                ; disable keyboard sets bit 4
        call    kbc_cmd
        mov     al, 0x20
        call    kbc_cmd
        call    kbc_read
        CHECK_AL 0x74, 7, "command byte after 0xAD (disable keyboard)"
        mov     al, 0xAE
        call    kbc_cmd

        ; Keyboard reset and echo.
        call    kbc_flush
        mov     al, 0xFF
        call    kbc_data
        call    kbc_read
        CHECK_AL 0xFA, 8, "keyboard reset ACK"
        call    kbc_read
        CHECK_AL 0xAA, 9, "keyboard reset BAT result"
        mov     al, 0xEE
        call    kbc_data
        call    kbc_read
        CHECK_AL 0xEE, 10, "keyboard echo"

        ; Echo again with the keyboard interrupt on: IRQ1 delivers it.
        mov     al, 0x60
        call    kbc_cmd
        mov     al, 0x65                ; + keyboard interrupt
        call    kbc_data
        call    kbc_wait_in
        call    kbc_flush
        mov     word [kbd_count], 0
        mov     byte [kbd_byte], 0
        mov     al, 0xFD                ; unmask IRQ1
        out     0x21, al
        sti
        mov     al, 0xEE
        call    kbc_data
        mov     ecx, 1000000
.irq:   cmp     word [kbd_count], 0
        jne     .irq_ok
        in      al, 0x21
        dec     ecx
        jnz     .irq
        FAIL    11, "no IRQ1 for the keyboard echo reply"
.irq_ok:
        cli
        mov     al, [kbd_byte]
        CHECK_AL 0xEE, 12, "byte read in the IRQ1 handler"
        mov     al, 0xFF
        out     0x21, al
        mov     al, 0x60
        call    kbc_cmd
        mov     al, 0x64
        call    kbc_data
        call    kbc_wait_in

        ; Output port and A20.
        call    read_outport
        mov     [outport], al
        PRINT   "INFO ", GUEST_NAME, ": output port "
        call    put_hex8
        call    newline
        test    al, 0x01
        jnz     .rst_ok
        movzx   eax, al
        mov     edx, 1
        FAIL_VAL 13, "output port reset line (bit 0) low"
.rst_ok:
        mov     al, 0
        call    set_a20
        call    read_outport
        and     al, 0x03
        CHECK_AL 0x01, 14, "output port after A20 disable"
        call    a20_wraps
        jz      .nomask
        PRINTLN "INFO ", GUEST_NAME, ": a20-mask yes"
        jmp     .masked
.nomask:
        PRINTLN "INFO ", GUEST_NAME, ": a20-mask no"
.masked:
        mov     al, 1
        call    set_a20
        call    read_outport
        and     al, 0x03
        CHECK_AL 0x03, 15, "output port after A20 enable"
        call    a20_wraps
        jz      .nowrap
        FAIL    16, "memory wraps at 1 MiB with A20 enabled"
.nowrap:

        movzx   eax, word [unexpected_irqs]
        CHECK_EAX 0, 17, "unexpected interrupts"
        jmp     guest_pass

        GUEST_END
