; vga-text40: 40x25 text (BIOS mode 1): every foreground on every
; background (blink off), glyphs 0-255, the cursor hidden (CRTC 0Ah bit 5)
; so that the screendump does not depend on the blink phase.
;
; The character clock is switched to 8 dots (SR01 bit 0, panning AR13 0):
; with the BIOS's 9-dot cells at half dot clock a VGA shows 18-pixel
; cells (720 pixels), but QEMU draws 16 ("no 18 pixel wide" in its
; renderer), so only 8-dot cells can be compared with it pixel by pixel.
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
        mov     dx, 0x3C4               ; SR01 bit 0: 8-dot characters
        mov     al, 0x01
        out     dx, al
        inc     dx
        in      al, dx
        or      al, 0x01
        out     dx, al
        mov     dx, 0x3DA               ; attribute flip-flop to index
        in      al, dx
        mov     dx, 0x3C0
        mov     al, 0x33                ; AR13 (panning), display on
        out     dx, al
        xor     al, al
        out     dx, al

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
