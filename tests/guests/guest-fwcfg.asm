; guest-fwcfg: QEMU's firmware configuration interface (fw_cfg) at I/O
; ports 0x510 (selector), 0x511 (data) and 0x514 (DMA address), read the
; way SeaBIOS does.
;
; Checks: signature key 0x0000 reads "QEMU"; the ID key 0x0001 advertises
; the traditional interface and DMA; the DMA address register reads back
; the "QEMU CFG" signature; the RAM size key 0x0003 is 64 MiB (-m 64); the
; CPU count key 0x0005 is 1; the file directory (key 0x0019) is well
; formed (names NUL-terminated, sizes and selectors sane) and listed; if it
; holds etc/e820 the table has a RAM entry covering 0 .. 64 MiB; a DMA
; read (select + read) of the signature and of the directory's file count
; returns the same data as the port interface, and completes with the
; control word cleared.

%define GUEST_NAME "guest-fwcfg"
%include "guest.inc"

%define FW_SEL          0x510
%define FW_DATA         0x511

%define file_count      0x0600          ; dword
%define e820_sel        0x0604          ; word (0 = not found)
%define e820_size       0x0608          ; dword
%define DMA_DESC        0x1000          ; FWCfgDmaAccess, 16 bytes
%define DMA_BUF         0x2000
%define ENTRY           0x3000          ; one 64-byte directory entry

; fw_select: AX = key.
fw_select:
        push    dx
        mov     dx, FW_SEL
        out     dx, ax
        pop     dx
        ret

; fw_read8: AL = next byte of the selected item.
fw_read8:
        push    dx
        mov     dx, FW_DATA
        in      al, dx
        pop     dx
        ret

; fw_read_bytes: CX bytes of the selected item to DS:DI.
fw_read_bytes:
        push    ax
        push    cx
        push    di
        jcxz    .done
.b:     call    fw_read8
        mov     [di], al
        inc     di
        loop    .b
.done:  pop     di
        pop     cx
        pop     ax
        ret

%include "fwcfg-dma.inc"

main:
        mov     word [e820_sel], 0

        ; Signature.
        mov     ax, 0x0000
        call    fw_select
        mov     di, DMA_BUF
        mov     cx, 4
        call    fw_read_bytes
        mov     eax, [DMA_BUF]
        CHECK_EAX 'QEMU', 1, "signature key 0x0000"

        ; Features: traditional interface (bit 0) and DMA (bit 1).
        mov     ax, 0x0001
        call    fw_select
        mov     di, DMA_BUF
        mov     cx, 4
        call    fw_read_bytes
        mov     eax, [DMA_BUF]
        PRINT   "INFO ", GUEST_NAME, ": id "
        call    put_hex32
        call    newline
        and     eax, 3
        CHECK_EAX 3, 2, "ID key 0x0001 (traditional + DMA)"

        ; The DMA address register (big endian) reads 0x51454D5520434647,
        ; i.e. the bytes "QEMU CFG" in address order.
        mov     dx, FW_DMA_HI
        in      eax, dx
        CHECK_EAX 'QEMU', 3, "DMA register 0x514 signature 'QEMU'"
        mov     dx, FW_DMA_LO
        in      eax, dx
        CHECK_EAX ' CFG', 4, "DMA register 0x518 signature ' CFG'"

        ; RAM size and CPU count.
        mov     ax, 0x0003
        call    fw_select
        mov     di, DMA_BUF
        mov     cx, 8
        call    fw_read_bytes
        mov     eax, [DMA_BUF]
        CHECK_EAX 0x04000000, 5, "RAM size key 0x0003 low (-m 64)"
        mov     eax, [DMA_BUF + 4]
        CHECK_EAX 0, 6, "RAM size key 0x0003 high"
        mov     ax, 0x0005
        call    fw_select
        mov     di, DMA_BUF
        mov     cx, 2
        call    fw_read_bytes
        mov     ax, [DMA_BUF]
        CHECK_AX 1, 7, "CPU count key 0x0005"

        ; File directory.
        mov     ax, 0x0019
        call    fw_select
        mov     di, DMA_BUF
        mov     cx, 4
        call    fw_read_bytes
        mov     eax, [DMA_BUF]
        bswap   eax
        mov     [file_count], eax
        CHECK_RANGE 1, 4096, 8, "file directory count"
        mov     esi, eax
.entry: mov     di, ENTRY
        mov     cx, 64
        call    fw_read_bytes
        ; name must be NUL-terminated within 56 bytes
        mov     bx, ENTRY + 8
.nul:   cmp     byte [bx], 0
        je      .named
        inc     bx
        cmp     bx, ENTRY + 64
        jb      .nul
        FAIL    9, "file name not NUL-terminated"
.named: cmp     bx, ENTRY + 8
        jne     .nonempty
        FAIL    10, "empty file name"
.nonempty:
        movzx   eax, word [ENTRY + 4]
        xchg    al, ah                  ; selector, big endian
        CHECK_RANGE 0x0020, 0x3FFF, 11, "file selector"
        PRINT   "INFO ", GUEST_NAME, ": file "
        call    put_hex16
        call    space
        mov     eax, [ENTRY]
        bswap   eax
        call    put_dec
        call    space
        push    si
        mov     si, ENTRY + 8
.pn:    mov     al, [si]
        test    al, al
        jz      .pnd
        call    putc
        inc     si
        jmp     .pn
.pnd:   pop     si
        call    newline
        ; etc/e820?
        push    si
        push    di
        push    es
        push    cs
        pop     es
        mov     si, ENTRY + 8
        mov     di, e820_name
        mov     cx, 9
        repe cmpsb                      ; DS:SI (RAM) vs ES:DI (ROM)
        pop     es
        pop     di
        pop     si
        jne     .not_e820
        mov     ax, [ENTRY + 4]
        xchg    al, ah
        mov     [e820_sel], ax
        mov     eax, [ENTRY]
        bswap   eax
        mov     [e820_size], eax
.not_e820:
        dec     esi
        jnz     .entry

        ; etc/e820: find RAM (type 1) at 0 covering 64 MiB.
        cmp     word [e820_sel], 0
        jne     .e820
        PRINTLN "INFO ", GUEST_NAME, ": no etc/e820 file"
        jmp     .dma
.e820:  mov     eax, [e820_size]
        xor     edx, edx
        mov     ecx, 20
        div     ecx
        test    edx, edx
        jz      .e820_whole
        FAIL_VAL 12, "etc/e820 size not a multiple of 20"
.e820_whole:
        CHECK_RANGE 1, 128, 13, "etc/e820 entries"
        mov     esi, eax
        mov     ax, [e820_sel]
        call    fw_select
        xor     bp, bp                  ; found flag
.e_next:
        mov     di, ENTRY
        mov     cx, 20
        call    fw_read_bytes
        cmp     dword [ENTRY + 16], 1   ; RAM
        jne     .e_skip
        cmp     dword [ENTRY + 0], 0
        jne     .e_skip
        cmp     dword [ENTRY + 4], 0
        jne     .e_skip
        cmp     dword [ENTRY + 8], 0x04000000
        jne     .e_skip
        cmp     dword [ENTRY + 12], 0
        jne     .e_skip
        inc     bp
.e_skip:
        dec     esi
        jnz     .e_next
        test    bp, bp
        jnz     .dma
        FAIL    14, "etc/e820 has no RAM entry 0 .. 64 MiB"

        ; DMA: select the signature key and read it.
.dma:   mov     dword [DMA_BUF], 0
        mov     eax, (0x0000 << 16) | 0x08 | 0x02   ; select | read
        mov     ecx, 4
        mov     edx, DMA_BUF
        call    fw_dma
        CHECK_EAX 0, 15, "DMA control word after the transfer"
        mov     eax, [DMA_BUF]
        CHECK_EAX 'QEMU', 16, "DMA read of the signature"
        ; DMA read of the directory count matches the port read.
        mov     dword [DMA_BUF], 0
        mov     eax, (0x0019 << 16) | 0x08 | 0x02
        mov     ecx, 4
        mov     edx, DMA_BUF
        call    fw_dma
        CHECK_EAX 0, 17, "DMA control word (file directory)"
        mov     eax, [DMA_BUF]
        bswap   eax
        mov     edx, [file_count]
        cmp     eax, edx
        je      .same
        FAIL_VAL 18, "DMA file count differs from the port read"
.same:
        movzx   eax, word [unexpected_irqs]
        CHECK_EAX 0, 19, "unexpected interrupts"
        jmp     guest_pass

e820_name:
        db      "etc/e820", 0

        GUEST_END
