; vga-mode13: 320x200 256 colours (BIOS mode 13h, chain-4): a 16x16 grid
; of all 256 colours of the BIOS palette, DAC entries 248-255 rewritten
; through ports 3C8h/3C9h (a grey ramp), and a one-pixel frame and
; diagonal in colour 15 so that addressing errors show.
%define VGA_NAME "vga-mode13"
%include "vga.inc"

main:
        mov     ax, 0x0013
        int     0x10
        ; DAC 248-255: grey ramp 0, 9, 18 .. 63 (6-bit values).
        mov     dx, 0x3C8
        mov     al, 248
        out     dx, al
        inc     dx
        xor     bl, bl
.dac:   mov     al, bl
        imul    ax, ax, 9
        out     dx, al
        out     dx, al
        out     dx, al
        inc     bl
        cmp     bl, 8
        jb      .dac

        mov     ax, 0xA000
        mov     es, ax
        ; Pixel (x, y), x < 320, y < 192: colour (y / 12) * 16 + x / 20.
        xor     di, di
        xor     dx, dx                  ; y
.row:   mov     ax, dx
        mov     bl, 12
        div     bl                      ; al = y / 12
        shl     al, 4
        mov     bh, al
        xor     cx, cx                  ; x
.col:   mov     ax, cx
        mov     bl, 20
        div     bl
        add     al, bh
        stosb
        inc     cx
        cmp     cx, 320
        jb      .col
        inc     dx
        cmp     dx, 192
        jb      .row
        ; Rows 192-199: colour = x & 0xFF.
.tail:  mov     ax, di
        sub     ax, 192 * 320
        xor     dx, dx
        mov     bx, 320
        div     bx                      ; dx = x
        mov     al, dl
        stosb
        cmp     di, 64000
        jb      .tail
        ; Frame and diagonal, colour 15.
        mov     al, 15
        xor     di, di
        mov     cx, 320
        rep     stosb
        mov     di, 199 * 320
        mov     cx, 320
        rep     stosb
        xor     di, di
        mov     cx, 200
.side:  mov     [es:di], al
        mov     [es:di + 319], al
        add     di, 320
        loop    .side
        xor     di, di
        mov     cx, 200
.diag:  mov     [es:di], al
        add     di, 321
        loop    .diag
        jmp     vga_done

        VGA_END
