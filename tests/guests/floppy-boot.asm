; floppy-boot: a boot sector of ours that SeaBIOS loads from a 1.44M
; floppy image (-fda) and that then uses the BIOS the way DOS's boot
; sector does.  tests/guests/floppy.sh builds the image: this sector at
; LBA 0, the strings "EMU-LBA-001", "EMU-LBA-002" and "EMU-LBA-071" at
; the start of those sectors; afterwards it checks that LBA 100 holds a
; copy of this sector (our INT 13h write).
;
; Checks: INT 11h says one diskette drive (the CMOS equipment byte);
; INT 13h AH=08 reports a 1.44M drive (type 4 from CMOS 0x10: 80
; cylinders, 18 sectors, 2 heads); AH=02 reads two sectors after the boot
; sector and one on the far side of the disk (C1 H1 S18); AH=03 writes
; C2 H1 S11.  Reports "PASS floppy-boot" / "FAIL floppy-boot: <n>" on
; COM1 and leaves through isa-debug-exit (0x501): status 33 on success.

        bits 16
        cpu 386
        org 0x7C00

%define COM1 0x3F8

start:
        cli
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, 0x7C00
        cld
        mov     [drive], dl
        ; COM1: 115200 8N1 (the firmware may have left it otherwise).
        mov     dx, COM1 + 3
        mov     al, 0x80
        out     dx, al
        mov     dx, COM1
        mov     al, 1
        out     dx, al
        inc     dx
        xor     al, al
        out     dx, al
        mov     dx, COM1 + 3
        mov     al, 0x03
        out     dx, al
        sti
        mov     si, msg_start
        call    puts

        mov     bl, '1'                 ; INT 11h: diskette drives present
        int     0x11
        test    al, 1
        jz      fail
        test    al, 0xC0                ; one drive (bits 6-7 = count - 1)
        jnz     fail

        mov     bl, '2'                 ; AH=08: drive parameters
        mov     ah, 0x08
        mov     dl, [drive]
        push    es
        int     0x13
        pop     es
        jc      fail
        cmp     byte [drive], 0
        jne     fail
        cmp     bl, 4                   ; 1.44M, 3.5"
        mov     bl, '3'
        jne     fail
        cmp     cx, (79 << 8) | 18
        jne     fail
        cmp     dh, 1
        jne     fail

        mov     bl, '4'                 ; AH=02: LBA 1 and 2 to 0x7E00
        mov     ax, 0x0202
        mov     cx, 0x0002
        mov     dh, 0
        mov     dl, [drive]
        mov     bx, 0x7E00
        int     0x13
        mov     bl, '4'
        jc      fail
        mov     di, 0x7E00
        mov     si, want_001
        call    same
        mov     di, 0x8000
        mov     si, want_002
        call    same

        mov     bl, '5'                 ; C1 H1 S18 = LBA 71 to 0x9000
        mov     ax, 0x0201
        mov     cx, (1 << 8) | 18
        mov     dh, 1
        mov     dl, [drive]
        mov     bx, 0x9000
        int     0x13
        mov     bl, '5'
        jc      fail
        mov     di, 0x9000
        mov     si, want_071
        call    same

        mov     bl, '6'                 ; AH=03: this sector to C2 H1 S11
        mov     ax, 0x0301
        mov     cx, (2 << 8) | 11
        mov     dh, 1
        mov     dl, [drive]
        mov     bx, 0x7C00
        int     0x13
        mov     bl, '6'
        jc      fail

        mov     si, msg_pass
        call    puts
        mov     al, 0x10                ; isa-debug-exit: status 33
        jmp     leave

; same: the 11 bytes at DI must be those at SI (BL: the failure code).
same:
        mov     cx, 11
        repe cmpsb
        jne     fail
        ret

fail:
        mov     si, msg_fail
        call    puts
        mov     al, bl
        call    putc
        mov     al, 10
        call    putc
        mov     al, 0x20
leave:
        mov     dx, 0x501
        out     dx, al
        cli
        hlt
        jmp     leave

puts:
        lodsb
        test    al, al
        jz      .done
        call    putc
        jmp     puts
.done:  ret

putc:
        push    dx
        push    ax
        mov     dx, COM1 + 5
.wait:  in      al, dx
        test    al, 0x20
        jz      .wait
        pop     ax
        mov     dx, COM1
        out     dx, al
        pop     dx
        ret

msg_start:      db 10, "START floppy-boot", 10, 0
msg_pass:       db "PASS floppy-boot", 10, 0
msg_fail:       db "FAIL floppy-boot: step ", 0
want_001:       db "EMU-LBA-001"
want_002:       db "EMU-LBA-002"
want_071:       db "EMU-LBA-071"
drive:          db 0

        times   510 - ($ - $$) db 0
        dw      0xAA55
