; bootsect-write.asm - a boot sector for the disk front-end tests
; (tests/cli/blockdev.sh), not a guest-*.asm BIOS program.
;
; SeaBIOS loads it from the first hard disk (or floppy) at 0:7C00 with the
; drive number in DL.  It writes itself to sector 2 (CHS 0/0/2) through
; INT 13h AH=03h, reads that sector back into another buffer with AH=02h
; and compares, then leaves through isa-debug-exit (port 0x501): 0x10
; (exit status 33) when the write and the read-back worked, 0x11 (35) when
; a call failed, 0x12 (37) when the data read back differs.  The test
; looks at sector 2 of the image afterwards: written without -snapshot,
; untouched with it.
bits 16
org 0x7c00

DEBUG_EXIT equ 0x501

start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7c00
    sti
    mov [drive], dl

    mov ax, 0x0301          ; write 1 sector
    mov cx, 0x0002          ; cylinder 0, sector 2
    xor dh, dh              ; head 0
    mov dl, [drive]
    mov bx, 0x7c00          ; this sector
    int 0x13
    jc fail

    mov ax, 0x0201          ; read it back
    mov cx, 0x0002
    xor dh, dh
    mov dl, [drive]
    mov bx, 0x8000
    int 0x13
    jc fail

    mov si, 0x7c00
    mov di, 0x8000
    mov cx, 256
    cld
    repe cmpsw
    jne differs

    mov al, 0x10
    jmp leave
fail:
    mov al, 0x11
    jmp leave
differs:
    mov al, 0x12
leave:
    mov dx, DEBUG_EXIT
    out dx, al
.halt:
    hlt
    jmp .halt

drive: db 0

    times 510 - ($ - $$) db 0
    dw 0xaa55
