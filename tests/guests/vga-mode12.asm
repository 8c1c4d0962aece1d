; vga-mode12: 640x480 16-colour planar graphics (BIOS mode 12h) drawn
; through the graphics controller: write mode 0 with set/reset (16
; horizontal bands, one per colour), write mode 0 with plain CPU data and
; the map mask (a checkerboard whose planes differ), write mode 2 with the
; bit mask (single pixels: diagonal lines, read first to load the latches)
; and write mode 0 with a function select (XOR) over part of the bands.
%define VGA_NAME "vga-mode12"
%include "vga.inc"

%define GC      0x3CE
%define SEQ     0x3C4

main:
        mov     ax, 0x0012
        int     0x10
        mov     ax, 0xA000
        mov     es, ax

        ; Write mode 0, set/reset enabled on all planes: bands 0-15 of 20
        ; lines each in the left half (columns 0-39 bytes).
        mov     dx, GC
        mov     ax, 0x0F01              ; enable set/reset: all planes
        out     dx, ax
        mov     ax, 0xFF08              ; bit mask: all bits
        out     dx, ax
        xor     bx, bx                  ; band
.band:  mov     dx, GC
        mov     ah, bl
        mov     al, 0x00                ; set/reset value = band colour
        out     dx, ax
        mov     di, bx
        imul    di, di, 20 * 80
        mov     cx, 20
.bline: push    cx
        push    di
        mov     cx, 40
        mov     al, 0xFF                ; any value: set/reset decides
        rep     stosb
        pop     di
        pop     cx
        add     di, 80
        loop    .bline
        inc     bx
        cmp     bx, 16
        jb      .band

        ; Write mode 0, set/reset off: CPU data per plane with the map
        ; mask, a checkerboard in the right half, rows 0-159.
        mov     dx, GC
        mov     ax, 0x0001              ; set/reset off
        out     dx, ax
        mov     bx, 0                   ; plane
.plane: mov     dx, SEQ
        mov     cl, bl
        mov     ah, 1
        shl     ah, cl
        mov     al, 0x02                ; map mask: one plane
        out     dx, ax
        mov     al, [checker + bx]
        xor     dx, dx                  ; row
.crow:  mov     di, dx
        imul    di, di, 80
        add     di, 40
        mov     cx, 40
        test    dx, 8                   ; invert every 8 rows
        jz      .cfill
        not     al
        rep     stosb
        not     al
        jmp     .cnext
.cfill: rep     stosb
.cnext: inc     dx
        cmp     dx, 160
        jb      .crow
        inc     bx
        cmp     bx, 4
        jb      .plane
        mov     dx, SEQ
        mov     ax, 0x0F02              ; map mask: all planes
        out     dx, ax

        ; Write mode 2 with the bit mask: diagonal lines of single pixels
        ; in the right half, rows 160-479, colour = line index.
        mov     dx, GC
        mov     ax, 0x0205              ; write mode 2
        out     dx, ax
        xor     bp, bp                  ; line 0..15
.line:  xor     si, si                  ; step 0..319
.pix:   mov     ax, si                  ; x = 320 + step, y = 160 + step
        add     ax, 320
        mov     bx, bp
        shl     bx, 2
        add     ax, bx                  ; lines 4 pixels apart
        cmp     ax, 640
        jae     .pnext
        mov     cx, ax
        and     cl, 7
        mov     ah, 0x80
        shr     ah, cl
        mov     al, 0x08
        mov     dx, GC
        out     dx, ax                  ; bit mask: this pixel
        mov     ax, si
        add     ax, 160
        imul    di, ax, 80
        mov     ax, si
        add     ax, 320
        add     ax, bx
        shr     ax, 3
        add     di, ax
        mov     al, [es:di]             ; load the latches
        mov     ax, bp
        mov     [es:di], al             ; colour = line index
.pnext: inc     si
        cmp     si, 320
        jb      .pix
        inc     bp
        cmp     bp, 16
        jb      .line

        ; Write mode 0, set/reset white with XOR (function select 3):
        ; the lower half of the bands, columns 8-23 bytes, inverted.
        mov     dx, GC
        mov     ax, 0x0005              ; write mode 0
        out     dx, ax
        mov     ax, 0xFF08              ; bit mask all
        out     dx, ax
        mov     ax, 0x0F00              ; set/reset 15
        out     dx, ax
        mov     ax, 0x0F01              ; enabled
        out     dx, ax
        mov     ax, 0x1803              ; XOR, no rotation
        out     dx, ax
        mov     dx, 160
.xrow:  imul    di, dx, 80
        add     di, 8
        mov     cx, 16
.x:     mov     al, [es:di]             ; latch, then XOR with 1111
        stosb
        loop    .x
        inc     dx
        cmp     dx, 320
        jb      .xrow
        ; Back to the BIOS defaults.
        mov     dx, GC
        mov     ax, 0x0003
        out     dx, ax
        mov     ax, 0x0001
        out     dx, ax
        jmp     vga_done

checker: db 0xF0, 0xCC, 0xAA, 0x3C

        VGA_END
