; bootsect-reset.asm - a boot sector for the -boot once= test
; (tests/cli/blockdev.sh), not a guest-*.asm BIOS program.
;
; First boot: it marks CMOS byte 0x7E (battery-backed RAM that neither the
; firmware nor a system reset touches) and resets the machine through the
; keyboard controller (command 0xFE pulses the reset line).  Second boot:
; it sees the mark, clears it and leaves through isa-debug-exit (port
; 0x501) with 0x10, exit status 33.  The test then reads the two boot
; orders SeaBIOS logged: the once= order first, the order= one after.
bits 16
org 0x7c00

DEBUG_EXIT equ 0x501
MARK_INDEX equ 0x7e
MARK       equ 0xa5

start:
    cli
    mov al, MARK_INDEX
    out 0x70, al
    in al, 0x71
    cmp al, MARK
    je second

    mov al, MARK_INDEX
    out 0x70, al
    mov al, MARK
    out 0x71, al
.wait_ibf:                      ; input buffer empty before a command
    in al, 0x64
    test al, 2
    jnz .wait_ibf
    mov al, 0xfe
    out 0x64, al
.halt:
    hlt
    jmp .halt

second:
    mov al, MARK_INDEX
    out 0x70, al
    xor al, al
    out 0x71, al
    mov al, 0x10
    mov dx, DEBUG_EXIT
    out dx, al
    jmp start.halt

    times 510 - ($ - $$) db 0
    dw 0xaa55
