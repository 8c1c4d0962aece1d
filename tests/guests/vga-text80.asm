; vga-text80: 80x25 text (BIOS mode 3) with every foreground on every
; background colour (blink off, so attribute bit 7 is background
; intensity), all 256 code-page-437 glyphs of the BIOS font, a box drawn
; with the line-graphics characters (whose 9th pixel column repeats the
; 8th), and a shaped cursor (scanlines 4-11) on row 24, column 40.
; tests/functional/test-vga-render.sh compares its screendump with
; QEMU's; the cursor cell is compared once both emulators show it on.
;
; Glyphs B0h-B2h (the shades) are left out here: QEMU repeats the 8th dot
; in the 9th for B0h-DFh, the VGA (and emu) only for C0h-DFh, so the two
; would differ in the 9th column; vga-text40 (8-dot cells) shows them.
; vga-cursor: 40,24,80,25
%define VGA_NAME "vga-text80"
%include "vga.inc"

main:
        mov     ax, 0x0003              ; mode 3: 80x25 16 colours
        int     0x10
        mov     ax, 0x1003              ; attribute bit 7: intensity
        xor     bl, bl
        int     0x10
        mov     ah, 0x01                ; cursor scanlines 4..11
        mov     cx, 0x040B
        int     0x10
        mov     ah, 0x02                ; cursor at row 24, column 40
        xor     bh, bh
        mov     dx, 0x1828
        int     0x10

        mov     ax, 0xB800
        mov     es, ax
        ; Rows 0-15: background = row; 16 foregrounds x 5 cells.
        xor     di, di
        xor     bx, bx                  ; BL = background
.row:   xor     cx, cx                  ; CL = foreground
.fg:    mov     si, sample
        mov     ah, bl
        shl     ah, 4
        or      ah, cl
.cell:  lodsb
        test    al, al
        jz      .fgnext
        stosw
        jmp     .cell
.fgnext:
        inc     cl
        cmp     cl, 16
        jb      .fg
        inc     bl
        cmp     bl, 16
        jb      .row
        ; Rows 17-20: glyphs 0-255, 64 per row from column 8, on blue.
        xor     al, al
        mov     dx, 17
.grow:  mov     di, dx
        imul    di, di, 160
        add     di, 16
        mov     cx, 64
        mov     ah, 0x1F
.g:     cmp     al, 0xB0                ; B0h-B2h: a blank (see above)
        jb      .gput
        cmp     al, 0xB2
        ja      .gput
        push    ax
        mov     al, ' '
        stosw
        pop     ax
        jmp     .gnext
.gput:  stosw
.gnext: inc     al
        loop    .g
        inc     dx
        cmp     dx, 21
        jb      .grow
        ; Rows 21-23: a box of line-graphics characters, yellow on black.
        mov     si, box
        mov     di, 21 * 160 + 2 * 20
        mov     dx, 3
.brow:  push    di
        mov     ah, 0x0E
.b:     lodsb
        test    al, al
        jz      .bend
        stosw
        jmp     .b
.bend:  pop     di
        add     di, 160
        dec     dx
        jnz     .brow
        ; Row 24: a label up to the cursor.
        mov     si, label
        mov     di, 24 * 160 + 2 * 30
        mov     ah, 0x07
.l:     lodsb
        test    al, al
        jz      .ldone
        stosw
        jmp     .l
.ldone:
        jmp     vga_done

sample: db "Ag", 0xDE, 0x03, 0xDB, 0
box:    db 0xC9, 0xCD, 0xCD, 0xCB, 0xCD, 0xCD, 0xBB, " ", 0xDA, 0xC4, 0xC2, 0xC4, 0xBF, " ", 0xDB, 0xDC, 0xDF, 0xDD, 0xDE, 0
        db 0xCC, 0xCD, 0xCD, 0xCE, 0xCD, 0xCD, 0xB9, " ", 0xC3, 0xC4, 0xC5, 0xC4, 0xB4, " ", 0xC6, 0xB5, 0xC7, 0xB6, 0xD5, 0xB8, 0xD6, 0xB7, 0
        db 0xC8, 0xCD, 0xCD, 0xCA, 0xCD, 0xCD, 0xBC, " ", 0xC0, 0xC4, 0xC1, 0xC4, 0xD9, " ", 0xD4, 0xBE, 0xD3, 0xBD, 0xD1, 0xCF, 0xD2, 0xD0, 0
label:  db "cursor -> ", 0

        VGA_END
