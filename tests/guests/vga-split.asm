; vga-split: start address and line compare in 640x480x16 (mode 12h).
; 48 bands of 10 lines each (colour = band & 15, band 0 marked by white
; stripes), a vertical ruler on the left; then the start address is set
; to line 100 (80 * 100 bytes) and the line compare to 300: the screen
; shows lines 100-399 of the picture in its top 300 lines, and from
; screen line 301 on the picture restarts at address 0.
%define VGA_NAME "vga-split"
%include "vga.inc"

%define GC      0x3CE
%define CRTC    0x3D4

main:
        mov     ax, 0x0012
        int     0x10
        mov     ax, 0xA000
        mov     es, ax
        mov     dx, GC
        mov     ax, 0x0F01              ; set/reset on all planes
        out     dx, ax
        xor     bx, bx                  ; line
.line:  mov     ax, bx
        mov     cl, 10
        div     cl                      ; al = band
        mov     ah, al
        and     ah, 15
        test    al, 3                   ; every 4th band: colour 15 stripes
        jnz     .sr
        mov     ah, 15
.sr:    mov     al, 0x00
        mov     dx, GC
        out     dx, ax
        imul    di, bx, 80
        mov     cx, 80
        mov     al, 0xFF
        rep     stosb
        ; ruler: byte 0 of the line in colour (line / 40) & 15 | 8
        mov     ax, bx
        mov     cl, 40
        div     cl
        mov     ah, al
        or      ah, 8
        and     ah, 15
        mov     al, 0x00
        mov     dx, GC
        out     dx, ax
        imul    di, bx, 80
        mov     byte [es:di], 0xFF
        inc     bx
        cmp     bx, 480
        jb      .line
        mov     dx, GC
        mov     ax, 0x0001
        out     dx, ax

        mov     dx, CRTC
        mov     ax, (8000 & 0xFF00) | 0x0C      ; start address high
        out     dx, ax
        mov     ax, ((8000 & 0xFF) << 8) | 0x0D ; start address low
        out     dx, ax
        mov     ax, 0x2C18              ; line compare bits 0-7: 300 & 0xFF
        out     dx, ax
        mov     al, 0x07                ; bit 8 of 300 in CR07 bit 4
        out     dx, al
        inc     dx
        in      al, dx
        or      al, 0x10
        out     dx, al
        dec     dx
        mov     al, 0x09                ; bit 9 (0) in CR09 bit 6
        out     dx, al
        inc     dx
        in      al, dx
        and     al, 0xBF
        out     dx, al
        jmp     vga_done

        VGA_END
