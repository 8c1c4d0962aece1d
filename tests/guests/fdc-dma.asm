; fdc-dma: drive the 82077AA floppy controller and the 8237 DMA channel 2
; ourselves, as a DOS driver or SeaBIOS does, on a 1.44M image that
; tests/guests/floppy.sh prepared (the string "EMU-FDC-MARKER-37" at the
; start of LBA 37 = C1 H0 R2) and checks afterwards (LBA 94 = C2 H1 R5
; must hold the pattern we write: byte i = i * 3 + 0x5A).
;
; Steps: reset through the DOR and the four polling SENSE INTERRUPTs;
; SPECIFY; RECALIBRATE and SEEK with their interrupts on IRQ 6 (vector
; 0x0E) and SENSE INTERRUPT results; READ DATA by DMA (data, result
; bytes, the 8237's TC status bit); WRITE DATA by DMA and READ DATA back;
; READ DATA in non-DMA mode through the FIFO (MSR 0xF0 per byte, end of
; track in the result).  Not a BIOS-run test: no firmware, -bios is us.

%define GUEST_NAME "fdc-dma"
%include "guest.inc"

%define FD_DOR   0x3F2
%define FD_MSR   0x3F4
%define FD_FIFO  0x3F5
%define FD_CCR   0x3F7

%define irq6_count 0x0600               ; word
%define results    0x0610               ; 10 bytes
%define BUF_READ   0x8000
%define BUF_WRITE  0x9000
%define BUF_BACK   0xA000
%define BUF_PIO    0xB000

irq6_isr:
        push    ax
        inc     word [irq6_count]
        mov     al, 0x20
        out     0x20, al
        pop     ax
        iret

; fd_out: AL -> FIFO once the MSR says "ready, from the host".
fd_out:
        push    cx
        push    ax
        mov     cx, 0xFFFF
.wait:  mov     dx, FD_MSR
        in      al, dx
        and     al, 0xC0
        cmp     al, 0x80
        je      .go
        loop    .wait
        FAIL    1, "FIFO never ready for a command byte"
.go:    pop     ax
        mov     dx, FD_FIFO
        out     dx, al
        pop     cx
        ret

; fd_results: read result bytes into [results]; CX = count read.
fd_results:
        push    di
        push    ax
        mov     di, results
        xor     cx, cx
.next:  mov     dx, FD_MSR
        in      al, dx
        and     al, 0xC0
        cmp     al, 0xC0
        jne     .done
        mov     dx, FD_FIFO
        in      al, dx
        mov     [di], al
        inc     di
        inc     cx
        cmp     cx, 10
        jb      .next
.done:  pop     ax
        pop     di
        ret

; wait_irq6: wait (bounded) for irq6_count to move past BX; BX updated.
wait_irq6:
        push    ecx
        mov     ecx, 20000000
        sti
.spin:  cmp     [irq6_count], bx
        jne     .got
        dec     ecx
        jnz     .spin
        cli
        FAIL    2, "no IRQ 6"
.got:   cli
        mov     bx, [irq6_count]
        pop     ecx
        ret

; sense_int: SENSE INTERRUPT STATUS -> AL = ST0, AH = PCN.
sense_int:
        mov     al, 0x08
        call    fd_out
        call    fd_results
        cmp     cx, 2
        je      .ok
        FAIL    3, "SENSE INTERRUPT STATUS: not two result bytes"
.ok:    mov     al, [results]
        mov     ah, [results + 1]
        ret

; dma2: channel 2 at AX (page 0), count CX bytes, mode DL (0x46 write to
; memory, 0x4A read from memory).
dma2:
        push    ax
        mov     al, 0x06
        out     0x0A, al                ; mask channel 2
        out     0x0C, al                ; clear flip-flop
        pop     ax
        out     0x04, al
        mov     al, ah
        out     0x04, al
        dec     cx
        mov     al, cl
        out     0x05, al
        mov     al, ch
        out     0x05, al
        mov     al, dl
        out     0x0B, al
        xor     al, al
        out     0x81, al                ; page of channel 2
        mov     al, 0x02
        out     0x0A, al                ; unmask
        ret

; rw_cmd: AL = opcode, CS:SI -> its 8 parameter bytes.
rw_cmd:
        call    fd_out
        mov     cx, 8
.p:     mov     al, [cs:si]
        inc     si
        call    fd_out
        loop    .p
        ret

read_c1h0r2:    db 0x00, 1, 0, 2, 2, 18, 0x1B, 0xFF
read_c1h0r2_1:  db 0x00, 1, 0, 2, 2, 2, 0x1B, 0xFF
write_c2h1r5:   db 0x04, 2, 1, 5, 2, 18, 0x1B, 0xFF
marker:         db "EMU-FDC-MARKER-37", 0
%define MARKER_LEN 18

; check_marker: [DI] must start with the marker.
check_marker:
        push    si
        mov     si, marker
        mov     cx, MARKER_LEN
.c:     mov     al, [cs:si]
        cmp     al, [di]
        jne     .bad
        inc     si
        inc     di
        loop    .c
        pop     si
        ret
.bad:   FAIL    4, "sector C1 H0 R2 does not hold the marker"

main:
        call    ivt_init
        call    pic_init
        SET_VECTOR 0x0E, irq6_isr
        mov     word [irq6_count], 0
        mov     al, 0xBF                ; unmask IRQ 6 only
        out     0x21, al
        xor     bx, bx

        ; Reset: DOR reset low, then high with DMA gate and motor 0.
        mov     dx, FD_DOR
        mov     al, 0x00
        out     dx, al
        mov     al, 0x1C
        out     dx, al
        call    wait_irq6
        call    sense_int
        CHECK_AL 0xC0, 5, "ST0 of the first SENSE INTERRUPT after reset"
        call    sense_int
        CHECK_AL 0xC1, 5, "ST0 of the second"
        call    sense_int
        call    sense_int
        CHECK_AL 0xC3, 5, "ST0 of the fourth"

        mov     al, 0x10                ; VERSION
        call    fd_out
        call    fd_results
        mov     al, [results]
        CHECK_AL 0x90, 6, "VERSION (82077AA)"

        mov     al, 0x03                ; SPECIFY: SRT/HUT, HLT, DMA mode
        call    fd_out
        mov     al, 0xDF
        call    fd_out
        mov     al, 0x02
        call    fd_out
        mov     dx, FD_CCR
        mov     al, 0x00                ; 500 kb/s
        out     dx, al

        mov     al, 0x07                ; RECALIBRATE drive 0
        call    fd_out
        mov     al, 0x00
        call    fd_out
        call    wait_irq6
        call    sense_int
        CHECK_AL 0x20, 7, "ST0 after RECALIBRATE"
        mov     al, ah
        CHECK_AL 0, 7, "cylinder after RECALIBRATE"

        mov     al, 0x0F                ; SEEK drive 0 to cylinder 1
        call    fd_out
        mov     al, 0x00
        call    fd_out
        mov     al, 1
        call    fd_out
        call    wait_irq6
        call    sense_int
        CHECK_AL 0x20, 8, "ST0 after SEEK"
        mov     al, ah
        CHECK_AL 1, 8, "cylinder after SEEK"

        ; READ DATA by DMA: one sector (the DMA count ends it).
        in      al, 0x08                ; clear old TC bits
        mov     ax, BUF_READ
        mov     cx, 512
        mov     dl, 0x46
        call    dma2
        mov     al, 0x46                ; READ DATA, MFM
        mov     si, read_c1h0r2
        call    rw_cmd
        call    wait_irq6
        call    fd_results
        mov     ax, cx
        CHECK_AL 7, 9, "READ DATA result bytes"
        mov     al, [results]
        CHECK_AL 0x00, 9, "READ DATA ST0"
        mov     al, [results + 5]
        CHECK_AL 3, 9, "READ DATA: next sector R"
        in      al, 0x08
        and     al, 0x04
        CHECK_AL 0x04, 10, "8237 TC bit of channel 2"
        mov     di, BUF_READ
        call    check_marker

        ; WRITE DATA by DMA at C2 H1 R5, then read it back.
        mov     di, BUF_WRITE
        xor     cx, cx
.fill:  mov     al, cl
        mov     ah, 3
        mul     ah
        add     al, 0x5A
        mov     [di], al
        inc     di
        inc     cx
        cmp     cx, 512
        jb      .fill
        mov     ax, BUF_WRITE
        mov     cx, 512
        mov     dl, 0x4A
        call    dma2
        mov     al, 0x45                ; WRITE DATA, MFM
        mov     si, write_c2h1r5
        call    rw_cmd
        call    wait_irq6
        call    fd_results
        mov     al, [results]
        CHECK_AL 0x04, 11, "WRITE DATA ST0 (head 1)"

        mov     ax, BUF_BACK
        mov     cx, 512
        mov     dl, 0x46
        call    dma2
        mov     al, 0x46
        mov     si, write_c2h1r5
        call    rw_cmd
        call    wait_irq6
        call    fd_results
        mov     al, [results]
        CHECK_AL 0x04, 12, "READ DATA (back) ST0"
        mov     si, BUF_WRITE
        mov     di, BUF_BACK
        mov     cx, 512
        repe cmpsb
        je      .same
        FAIL    12, "sector read back differs from the one written"
.same:
        ; Non-DMA mode: SPECIFY ND=1, READ DATA of one sector (EOT = R)
        ; through the FIFO.
        mov     al, 0x03
        call    fd_out
        mov     al, 0xDF
        call    fd_out
        mov     al, 0x03
        call    fd_out
        mov     al, 0x46
        mov     si, read_c1h0r2_1
        call    rw_cmd
        mov     di, BUF_PIO
        xor     bp, bp
.pbyte: mov     ecx, 10000000
.pwait: mov     dx, FD_MSR
        in      al, dx
        cmp     al, 0xF0                ; RQM DIO NON-DMA CB
        je      .pget
        and     al, 0xC0
        cmp     al, 0xC0                ; results already?
        je      .pend
        dec     ecx
        jnz     .pwait
        FAIL    13, "PIO read: no byte"
.pget:  mov     dx, FD_FIFO
        in      al, dx
        mov     [di], al
        inc     di
        inc     bp
        jmp     .pbyte
.pend:  mov     ax, bp
        CHECK_AX 512, 13, "PIO read byte count"
        call    fd_results
        mov     al, [results]
        CHECK_AL 0x40, 14, "PIO read ST0: end of track is abnormal"
        mov     al, [results + 1]
        CHECK_AL 0x80, 14, "PIO read ST1: EN"
        mov     di, BUF_PIO
        call    check_marker

        mov     ax, [unexpected_irqs]
        CHECK_AX 0, 15, "unexpected interrupts"
        jmp     guest_pass

        GUEST_END
