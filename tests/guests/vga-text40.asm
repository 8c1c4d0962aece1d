; vga-text40: 40x25 text (BIOS mode 1): every foreground on every
; background (blink off), glyphs 0-255, the cursor hidden (CRTC 0Ah bit 5)
; so that the screendump does not depend on the blink phase.
%define VGA_NAME "vga-text40"
%include "vga.inc"

main:
        mov     ax, 0x0001              ; mode 1: 40x25 16 colours
        int     0x10
        mov     ax, 0x1003              ; attribute bit 7: intensity
        xor     bl, bl
        int     0x10
        mov     ah, 0x01                ; cursor off (start line bit 5)
        mov     cx, 0x2000
        int     0x10
        mov     dx, 0x3D4               ; and in the CRTC itself
        mov     ax, 0x200A
        out     dx, ax

        mov     ax, 0xB800
        mov     es, ax
        ; Rows 0-15: background = row, foregrounds 0-15 as "<hex>#".
        xor     di, di
        xor     bx, bx
.row:   xor     cx, cx
.fg:    mov     ah, bl
        shl     ah, 4
        or      ah, cl
        mov     si, cx
        mov     al, [hex + si]
        stosw
        mov     al, 0xFE
        stosw
        inc     cl
        cmp     cl, 16
        jb      .fg
        add     di, 16                  ; columns 32-39 stay blank
        inc     bl
        cmp     bl, 16
        jb      .row
        ; Rows 16-23: glyphs 0-255, 32 per row from column 4.
        xor     al, al
        mov     dx, 16
.grow:  mov     di, dx
        imul    di, di, 80
        add     di, 8
        mov     cx, 32
        mov     ah, 0x4E
.g:     stosw
        inc     al
        loop    .g
        inc     dx
        cmp     dx, 24
        jb      .grow
        jmp     vga_done

hex:    db "0123456789ABCDEF"

        VGA_END
