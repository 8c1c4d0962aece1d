; vnc-echo: prints every byte the 8042 delivers on COM1, for the VNC
; functional test (tests/functional/test-vnc.sh), which types and moves
; the pointer through a VNC client and reads what the guest received.
; Not a self-checking guest (its name does not start with guest-, so
; tests/guests/run.sh leaves it alone): it runs until killed.
;
; Set-up as a BIOS leaves it: keyboard and mouse ports enabled, the 8042
; translating set 2 to set 1, interrupts off (polled); the mouse in
; IntelliMouse mode (a wheel byte) with data reporting on.  Output: "READY", then one line per byte,
; "K xx" from the keyboard and "M xx" from the mouse (status bit 5).

%define GUEST_NAME "vnc-echo"
%include "guest.inc"

kbc_wait_in:
        in      al, 0x64
        test    al, 0x02
        jnz     kbc_wait_in
        ret

; kbc_cmd: AL = controller command.
kbc_cmd:
        push    ax
        call    kbc_wait_in
        pop     ax
        out     0x64, al
        ret

; kbc_data: AL = byte for port 0x60.
kbc_data:
        push    ax
        call    kbc_wait_in
        pop     ax
        out     0x60, al
        ret

; kbc_flush: drop whatever waits in the output buffer.
kbc_flush:
        in      al, 0x64
        test    al, 0x01
        jz      .done
        in      al, 0x60
        jmp     kbc_flush
.done:  ret

; mouse_cmd: AL = byte for the mouse (0xD4 first); waits for its ACK.
mouse_cmd:
        push    ax
        mov     al, 0xD4
        call    kbc_cmd
        pop     ax
        call    kbc_data
.ack:   in      al, 0x64
        test    al, 0x01
        jz      .ack
        in      al, 0x60
        ret

main:
        mov     al, 0xAD                ; keyboard off while we set up
        call    kbc_cmd
        mov     al, 0xA7                ; mouse off
        call    kbc_cmd
        call    kbc_flush
        mov     al, 0x60                ; write the command byte:
        call    kbc_cmd
        mov     al, 0x44                ; XLAT | SYS, no IRQs, ports on
        call    kbc_data
        mov     al, 0xAE
        call    kbc_cmd
        mov     al, 0xA8
        call    kbc_cmd
        ; The IntelliMouse knock (sample rates 200, 100, 80): 4-byte
        ; packets whose last byte is the wheel.
        mov     al, 0xF3
        call    mouse_cmd
        mov     al, 200
        call    mouse_cmd
        mov     al, 0xF3
        call    mouse_cmd
        mov     al, 100
        call    mouse_cmd
        mov     al, 0xF3
        call    mouse_cmd
        mov     al, 80
        call    mouse_cmd
        mov     al, 0xF4                ; enable data reporting
        call    mouse_cmd
        PRINTLN "READY"

.poll:  in      al, 0x64
        test    al, 0x01
        jz      .poll
        mov     bl, al
        in      al, 0x60
        test    bl, 0x20
        jnz     .mouse
        PRINT   "K "
        jmp     .byte
.mouse: PRINT   "M "
.byte:  call    put_hex8
        call    newline
        jmp     .poll

        GUEST_END
