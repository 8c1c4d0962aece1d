; vga-modex: "Mode X", unchained 256 colours at 320x240: mode 13h, then
; chain-4 and odd/even off in the sequencer, byte addressing in the CRTC
; and the 480-line timing (double-scanned to 240 lines).  Every pixel is
; written through the map mask, one plane per column modulo 4: colour =
; (x / 4 + y) & 0xFF with a frame in colour 15; then page 2 (offset
; 19200) gets a different pattern that must NOT show (start address 0).
%define VGA_NAME "vga-modex"
%include "vga.inc"

%define SEQ     0x3C4
%define CRTC    0x3D4

main:
        mov     ax, 0x0013
        int     0x10
        mov     dx, SEQ
        mov     ax, 0x0604              ; memory mode: chain-4 off, odd/even off
        out     dx, ax
        mov     ax, 0x0100              ; synchronous reset
        out     dx, ax
        mov     dx, 0x3C2
        mov     al, 0xE3                ; 25 MHz, 480-line sync polarity
        out     dx, al
        mov     dx, SEQ
        mov     ax, 0x0300              ; run
        out     dx, ax
        mov     dx, CRTC
        mov     al, 0x11                ; unprotect CR0-7
        out     dx, al
        inc     dx
        in      al, dx
        and     al, 0x7F
        out     dx, al
        dec     dx
        mov     si, crtc_regs
        mov     cx, crtc_count
.crtc:  lodsw
        out     dx, ax
        loop    .crtc

        ; Clear all four planes.
        mov     dx, SEQ
        mov     ax, 0x0F02
        out     dx, ax
        mov     ax, 0xA000
        mov     es, ax
        xor     di, di
        xor     ax, ax
        mov     cx, 32768
        rep     stosw

        ; Page 0: for each plane p, columns x = 4 * i + p.
        xor     bx, bx                  ; plane
.plane: mov     dx, SEQ
        mov     cl, bl
        mov     ah, 1
        shl     ah, cl
        mov     al, 0x02
        out     dx, ax
        xor     di, di
        xor     dx, dx                  ; y
.row:   xor     si, si                  ; i = x / 4
.col:   mov     ax, si
        add     ax, dx                  ; (i + y)
        ; frame: x == 0, x == 319, y == 0, y == 239 -> 15
        test    dx, dx
        jz      .white
        cmp     dx, 239
        je      .white
        mov     cx, si
        shl     cx, 2
        add     cx, bx                  ; x
        jcxz    .white
        cmp     cx, 319
        je      .white
        jmp     .put
.white: mov     al, 15
.put:   stosb
        inc     si
        cmp     si, 80
        jb      .col
        inc     dx
        cmp     dx, 240
        jb      .row
        ; Page 1 (offset 19200): colour 4 everywhere, never shown.
        mov     cx, 19200
        mov     al, 4
        rep     stosb
        inc     bx
        cmp     bx, 4
        jb      .plane
        jmp     vga_done

crtc_regs:
        dw      0x0D06                  ; vertical total
        dw      0x3E07                  ; overflow
        dw      0x4109                  ; max scan line: double scan off, 2 lines
        dw      0xEA10                  ; vertical retrace start
        dw      0xAC11                  ; retrace end (and protect)
        dw      0xDF12                  ; vertical display end: 480
        dw      0x0014                  ; underline: dword mode off
        dw      0xE715                  ; vertical blank start
        dw      0x0616                  ; vertical blank end
        dw      0xE317                  ; mode control: byte mode
        dw      0x000C                  ; start address 0
        dw      0x000D
crtc_count equ ($ - crtc_regs) / 2

        VGA_END
