; guest-uart: the 16550A UART at COM1 (0x3F8, IRQ4) programmed as a PC OS
; driver would.
;
; Checks: scratch register; LCR and divisor latch read-back; LSR idle
; state (THRE|TEMT); IER read-back; IIR "no interrupt" with the FIFO
; enabled (0xC1); interrupt-driven transmit: one THRE interrupt on IRQ4
; per character written by the handler, plus the first; loopback: MCR
; outputs appear in MSR (DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD), a byte
; comes back, 16 bytes round-trip through both FIFOs in order, and the
; receive-data-available condition shows in IIR and clears on read.

%define GUEST_NAME "guest-uart"
%include "guest.inc"

%define thre_count      0x0600          ; word
%define tx_ptr          0x0602          ; word: next character (CS offset)
%define tx_done         0x0604          ; byte
%define other_iir       0x0605          ; byte: unexpected IIR causes seen
%define last_iir        0x0606          ; byte

%define UART_RBR        COM1 + 0
%define UART_IER        COM1 + 1
%define UART_IIR        COM1 + 2
%define UART_FCR        COM1 + 2
%define UART_LCR        COM1 + 3
%define UART_MCR        COM1 + 4
%define UART_LSR        COM1 + 5
%define UART_MSR        COM1 + 6
%define UART_SCR        COM1 + 7

; OUTB port, value / INB port -> AL
%macro OUTB 2
        mov     dx, %1
        mov     al, %2
        out     dx, al
%endmacro
%macro INB 1
        mov     dx, %1
        in      al, dx
%endmacro

tx_msg: db      "INFO guest-uart: interrupt-driven transmit", 10
TX_LEN  equ     $ - tx_msg
        db      0

uart_isr:
        push    ax
        push    dx
        push    si
        mov     dx, UART_IIR
        in      al, dx
        mov     [last_iir], al
        and     al, 0x0F
        cmp     al, 0x02                ; THR empty
        je      .thre
        inc     byte [other_iir]
        jmp     .eoi
.thre:  inc     word [thre_count]
        mov     si, [tx_ptr]
        cs lodsb
        test    al, al
        jz      .last
        mov     [tx_ptr], si
        mov     dx, UART_RBR
        out     dx, al
        jmp     .eoi
.last:  mov     dx, UART_IER            ; nothing left: stop THRE interrupts
        xor     al, al
        out     dx, al
        mov     byte [tx_done], 1
.eoi:   mov     al, 0x20
        out     0x20, al
        pop     si
        pop     dx
        pop     ax
        iret

; wait_lsr: AH = bit mask; wait (bounded) until LSR has those bits set.
wait_lsr:
        push    ecx
        mov     ecx, 1000000
        mov     dx, UART_LSR
.w:     in      al, dx
        and     al, ah
        cmp     al, ah
        je      .ok
        dec     ecx
        jnz     .w
        pop     ecx
        movzx   eax, al
        movzx   edx, ah
        FAIL_VAL 1, "timeout waiting for LSR bits"
.ok:    pop     ecx
        ret

main:
        call    ivt_init
        call    pic_init
        SET_VECTOR 0x0C, uart_isr

        ; Scratch register.
        OUTB    UART_SCR, 0x55
        INB     UART_SCR
        CHECK_AL 0x55, 2, "scratch register 0x55"
        OUTB    UART_SCR, 0xAA
        INB     UART_SCR
        CHECK_AL 0xAA, 3, "scratch register 0xAA"

        ; LCR and divisor latch.
        INB     UART_LCR
        CHECK_AL 0x03, 4, "LCR read-back (8N1)"
        OUTB    UART_LCR, 0x83
        OUTB    UART_RBR, 0x0C
        OUTB    UART_IER, 0x00
        INB     UART_RBR
        CHECK_AL 0x0C, 5, "DLL read-back"
        INB     UART_IER
        CHECK_AL 0x00, 6, "DLM read-back"
        OUTB    UART_RBR, 0x01
        OUTB    UART_LCR, 0x03

        ; Idle line: THRE and TEMT.
        mov     ah, 0x60
        call    wait_lsr

        ; IER read-back, IIR idle with FIFOs on.
        OUTB    UART_IER, 0x0F
        INB     UART_IER
        CHECK_AL 0x0F, 7, "IER read-back"
        OUTB    UART_IER, 0x00
        INB     UART_IIR
        CHECK_AL 0xC1, 8, "IIR idle with FIFO enabled"

        ; Interrupt-driven transmit on IRQ4.
        mov     word [thre_count], 0
        mov     word [tx_ptr], tx_msg
        mov     byte [tx_done], 0
        mov     byte [other_iir], 0
        OUTB    UART_MCR, 0x0B          ; DTR | RTS | OUT2 (IRQ gate on a PC)
        mov     al, 0xEF
        out     0x21, al
        OUTB    UART_IER, 0x02          ; ETBEI
        sti
        mov     ecx, 2000000
.tx:    cmp     byte [tx_done], 0
        jne     .tx_ok
        in      al, 0x21
        dec     ecx
        jnz     .tx
        movzx   eax, word [thre_count]
        mov     edx, TX_LEN + 1
        FAIL_VAL 9, "interrupt-driven transmit did not finish (THRE IRQs)"
.tx_ok: cli
        movzx   eax, word [thre_count]
        CHECK_EAX TX_LEN + 1, 10, "THRE interrupts for the message"
        movzx   eax, byte [other_iir]
        CHECK_EAX 0, 11, "IRQ4 with an unexpected IIR cause"
        mov     al, 0xFF
        out     0x21, al
        mov     ah, 0x60
        call    wait_lsr

        ; Loopback: modem control outputs feed the modem status inputs.
        OUTB    UART_MCR, 0x11          ; loop | DTR
        INB     UART_MSR
        and     al, 0xF0
        CHECK_AL 0x20, 12, "loopback DTR -> DSR"
        OUTB    UART_MCR, 0x12          ; loop | RTS
        INB     UART_MSR
        and     al, 0xF0
        CHECK_AL 0x10, 13, "loopback RTS -> CTS"
        OUTB    UART_MCR, 0x14          ; loop | OUT1
        INB     UART_MSR
        and     al, 0xF0
        CHECK_AL 0x40, 14, "loopback OUT1 -> RI"
        OUTB    UART_MCR, 0x18          ; loop | OUT2
        INB     UART_MSR
        and     al, 0xF0
        CHECK_AL 0x80, 15, "loopback OUT2 -> DCD"
        OUTB    UART_MCR, 0x13          ; loop | DTR | RTS
        INB     UART_MSR
        and     al, 0xF0
        CHECK_AL 0x30, 16, "loopback DTR|RTS -> DSR|CTS"

        ; One byte round trip.
        OUTB    UART_FCR, 0x07          ; clear FIFOs
        OUTB    UART_RBR, 0x5A
        mov     ah, 0x01
        call    wait_lsr
        INB     UART_RBR
        CHECK_AL 0x5A, 17, "loopback byte"
        INB     UART_LSR
        and     al, 0x01
        CHECK_AL 0x00, 18, "LSR DR after reading the byte"

        ; 16 bytes through the FIFOs.
        mov     bl, 0x30
.fill:  mov     al, bl
        mov     dx, UART_RBR
        out     dx, al
        inc     bl
        cmp     bl, 0x40
        jne     .fill
        mov     ah, 0x40                ; TEMT: all shifted out
        call    wait_lsr
        mov     bl, 0x30
.drain: mov     ah, 0x01
        call    wait_lsr
        INB     UART_RBR
        movzx   eax, al
        movzx   edx, bl
        cmp     al, bl
        je      .same
        FAIL_VAL 19, "FIFO byte out of order"
.same:  inc     bl
        cmp     bl, 0x40
        jne     .drain
        INB     UART_LSR
        and     al, 0x01
        CHECK_AL 0x00, 20, "LSR DR after draining 16 bytes"

        ; Receive-data-available shows in IIR (IRQ4 masked at the PIC).
        OUTB    UART_IER, 0x01          ; ERBFI
        INB     UART_IIR
        CHECK_AL 0xC1, 21, "IIR with RX enabled, nothing received"
        OUTB    UART_RBR, 0xA5
        mov     ah, 0x01
        call    wait_lsr
        INB     UART_IIR
        CHECK_AL 0xC4, 22, "IIR receive data available"
        INB     UART_RBR
        CHECK_AL 0xA5, 23, "loopback byte with ERBFI"
        INB     UART_IIR
        CHECK_AL 0xC1, 24, "IIR after reading RBR"
        OUTB    UART_IER, 0x00

        ; Back to normal operation for the verdict.
        OUTB    UART_MCR, 0x03
        OUTB    UART_FCR, 0x07
        movzx   eax, word [unexpected_irqs]
        CHECK_EAX 0, 25, "unexpected interrupts"
        jmp     guest_pass

        GUEST_END
