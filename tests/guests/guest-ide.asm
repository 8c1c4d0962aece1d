; guest-ide: the PIIX3 IDE function and an ATA disk on ide.0 master, as a
; BIOS or a driver uses them: PIO and bus-master DMA reads and writes,
; the data checked both ways.
; emu-disk: 4M
;
; The runner attaches a blank 4 MiB raw image as ide0-hd0 (see run.sh,
; "emu-disk").  Without a disk (an emu whose front end cannot attach one
; yet) the guest reports SKIP.
;
; Checks: 8086:7010 at 00:01.1 with class 0101; the disk's signature and
; IDENTIFY (word 0, LBA capacity); WRITE SECTORS then READ SECTORS of 4
; sectors (LBA 100) with the data compared; WRITE DMA of 8 sectors from
; two descriptors, the first spanning a page boundary (LBA 200), then
; READ DMA into two other buffers and compared; the bus-master status
; after each (interrupt set, active clear, no error); READ SECTORS of the
; DMA-written data and READ DMA EXT of the PIO-written data (the two paths
; see the same disk); FLUSH CACHE.

%define GUEST_NAME "guest-ide"
%include "guest.inc"

%define IDE_DEVFN_ADDR  0x80000900      ; 00:01.1
%define BM              0xC000          ; BAR4 as we place it
%define PRD_TABLE       0x6000          ; physical, in the scratch area
%define ATA             0x1F0
%define ATA_CTL         0x3F6

%define PIO_SEG         0x1000          ; 0x10000: 4 sectors
; DMA write source: 0x20800 (0xC00 bytes, across 0x21000) + 0x30000 (0x400)
; DMA read target:  0x40800 (0xC00 bytes, across 0x41000) + 0x50000 (0x400)

; ------------------------------------------------------------ helpers

pci_read:                               ; EAX = address -> EAX
        push    dx
        mov     dx, 0xCF8
        out     dx, eax
        mov     dx, 0xCFC
        in      eax, dx
        pop     dx
        ret

pci_write:                              ; EAX = address, ECX = value
        push    dx
        mov     dx, 0xCF8
        out     dx, eax
        mov     dx, 0xCFC
        mov     eax, ecx
        out     dx, eax
        pop     dx
        ret

; pat_word: EAX = word index on the disk (LBA * 256 + word), DL = tag
;   -> AX = (sector * 0x101 + word * 3 + tag) & 0xFFFF.
pat_word:
        push    ebx
        push    ecx
        mov     ebx, eax
        shr     ebx, 8                  ; sector
        imul    ebx, ebx, 0x101
        and     eax, 0xFF
        lea     eax, [eax + eax * 2]
        add     eax, ebx
        movzx   ecx, dl
        add     eax, ecx
        pop     ecx
        pop     ebx
        ret

; fill: ES:DI, CX words, ESI = first word index, DL = tag.
fill:
        push    di
        push    cx
        push    esi
.l:     mov     eax, esi
        call    pat_word
        stosw
        inc     esi
        loop    .l
        pop     esi
        pop     cx
        pop     di
        ret

; compare: ES:DI, CX words, ESI = first word index, DL = tag; CF on error.
compare:
        push    di
        push    cx
        push    esi
.l:     mov     eax, esi
        call    pat_word
        cmp     ax, [es:di]
        jne     .bad
        add     di, 2
        inc     esi
        loop    .l
        clc
        jmp     .out
.bad:   stc
.out:   pop     esi
        pop     cx
        pop     di
        ret

; wait_ready: poll the alternate status until BSY clears -> AL = status.
wait_ready:
        push    ecx
        push    dx
        mov     ecx, 50000000
        mov     dx, ATA_CTL
.l:     in      al, dx
        test    al, 0x80
        jz      .ok
        dec     ecx
        jnz     .l
        FAIL    1, "disk stays busy"
.ok:    pop     dx
        pop     ecx
        ret

; setup_lba: EAX = LBA (28-bit), CL = sector count.
setup_lba:
        push    dx
        push    eax
        mov     dx, ATA + 2
        mov     al, cl
        out     dx, al
        pop     eax
        push    eax
        inc     dx                      ; 1F3: LBA 7:0
        out     dx, al
        shr     eax, 8
        inc     dx
        out     dx, al                  ; 1F4
        shr     eax, 8
        inc     dx
        out     dx, al                  ; 1F5
        shr     eax, 8
        and     al, 0x0F
        or      al, 0xE0
        inc     dx
        out     dx, al                  ; 1F6: LBA, device 0
        pop     eax
        pop     dx
        ret

; command: AL = command.
command:
        push    dx
        mov     dx, ATA + 7
        out     dx, al
        pop     dx
        ret

; bm_run: AL = bus-master direction (0x08: to memory); the ATA command was
; issued.  Start, wait for the interrupt bit, check, stop.
bm_run:
        mov     dx, BM
        or      al, 1
        out     dx, al
        mov     ecx, 50000000
        mov     dx, BM + 2
.l:     in      al, dx
        test    al, 0x04
        jnz     .irq
        dec     ecx
        jnz     .l
        FAIL    2, "no bus-master interrupt"
.irq:   and     al, 0x07
        CHECK_AL 0x04, 3, "bus-master status after the transfer"
        call    wait_ready
        mov     dx, ATA + 7             ; the status itself (acknowledge)
        in      al, dx
        CHECK_AL 0x50, 4, "ATA status after DMA"
        mov     dx, BM
        xor     al, al
        out     dx, al
        mov     dx, BM + 2
        mov     al, 0x06                ; clear interrupt and error
        out     dx, al
        ret

; prd_set: the two-descriptor table for base physical address EBX
; (EBX + 0x800, 0xC00 bytes; EBX + 0x10000, 0x400 bytes, end of table).
prd_set:
        lea     eax, [ebx + 0x800]
        mov     [PRD_TABLE], eax
        mov     dword [PRD_TABLE + 4], 0x0C00
        lea     eax, [ebx + 0x10000]
        mov     [PRD_TABLE + 8], eax
        mov     dword [PRD_TABLE + 12], 0x80000400
        mov     dx, BM + 4
        mov     eax, PRD_TABLE
        out     dx, eax
        mov     dx, BM + 2
        mov     al, 0x06
        out     dx, al
        ret

; ------------------------------------------------------------ main

main:
        ; The IDE function and its class.
        mov     eax, IDE_DEVFN_ADDR
        call    pci_read
        CHECK_EAX 0x70108086, 5, "IDE function at 00:01.1"
        mov     eax, IDE_DEVFN_ADDR | 0x08
        call    pci_read
        shr     eax, 16
        CHECK_AX 0x0101, 6, "IDE class"
        ; As firmware: decode both channels, BAR4, I/O and bus master.
        mov     eax, IDE_DEVFN_ADDR | 0x40
        mov     ecx, 0x80008000
        call    pci_write
        mov     eax, IDE_DEVFN_ADDR | 0x20
        mov     ecx, BM | 1
        call    pci_write
        mov     eax, IDE_DEVFN_ADDR | 0x04
        mov     ecx, 0x0005
        call    pci_write

        ; A disk on ide.0 master?
        mov     dx, ATA + 7
        in      al, dx
        cmp     al, 0x50
        je      .disk
        PRINTLN "SKIP guest-ide: no disk on ide0-hd0 (emu cannot attach one)"
        jmp     guest_pass
.disk:
        mov     dx, ATA + 4
        in      al, dx
        CHECK_AL 0x00, 7, "disk signature (LBA mid)"

        ; IDENTIFY DEVICE
        mov     al, 0xA0
        mov     dx, ATA + 6
        out     dx, al
        mov     al, 0xEC
        call    command
        call    wait_ready
        and     al, 0x89
        CHECK_AL 0x08, 8, "IDENTIFY: DRQ"
        mov     dx, ATA
        mov     di, 0x1000
        mov     cx, 256
        rep     insw
        mov     ax, [0x1000]
        CHECK_AX 0x0040, 9, "IDENTIFY word 0"
        mov     eax, [0x1000 + 120]     ; words 60-61
        CHECK_EAX 8192, 10, "IDENTIFY LBA capacity (4 MiB)"
        call    wait_ready
        and     al, 0x09
        CHECK_AL 0x00, 11, "IDENTIFY: DRQ after the data"

        ; WRITE SECTORS: 4 at LBA 100, one DRQ block each.
        mov     ax, PIO_SEG
        mov     es, ax
        xor     di, di
        mov     cx, 4 * 256
        mov     esi, 100 * 256
        mov     dl, 0x11
        call    fill
        mov     eax, 100
        mov     cl, 4
        call    setup_lba
        mov     al, 0x30
        call    command
        xor     si, si
        mov     bp, 4
.wr:    call    wait_ready
        and     al, 0x89
        CHECK_AL 0x08, 12, "WRITE SECTORS: DRQ"
        mov     dx, ATA
        mov     cx, 256
        es rep  outsw
        dec     bp
        jnz     .wr
        call    wait_ready
        CHECK_AL 0x50, 13, "WRITE SECTORS: status at the end"

        ; READ SECTORS back into a cleared buffer.
        xor     di, di
        mov     cx, 4 * 256
        xor     ax, ax
        rep     stosw
        mov     eax, 100
        mov     cl, 4
        call    setup_lba
        mov     al, 0x20
        call    command
        xor     di, di
        mov     bp, 4
.rd:    call    wait_ready
        and     al, 0x89
        CHECK_AL 0x08, 14, "READ SECTORS: DRQ"
        mov     dx, ATA
        mov     cx, 256
        rep     insw
        dec     bp
        jnz     .rd
        call    wait_ready
        CHECK_AL 0x50, 15, "READ SECTORS: status at the end"
        xor     di, di
        mov     cx, 4 * 256
        mov     esi, 100 * 256
        mov     dl, 0x11
        call    compare
        jnc     .pio_ok
        FAIL    16, "PIO data read back differs"
.pio_ok:
        PRINTLN "INFO guest-ide: PIO write and read of 4 sectors ok"

        ; WRITE DMA: 8 sectors at LBA 200 from 0x20800 (+0xC00) and 0x30000.
        mov     ax, 0x2000
        mov     es, ax
        mov     di, 0x800
        mov     cx, 0x600
        mov     esi, 200 * 256
        mov     dl, 0x22
        call    fill
        mov     ax, 0x3000
        mov     es, ax
        xor     di, di
        mov     cx, 0x200
        mov     esi, 200 * 256 + 0x600
        call    fill
        mov     ebx, 0x20000
        call    prd_set
        mov     eax, 200
        mov     cl, 8
        call    setup_lba
        mov     al, 0xCA
        call    command
        xor     al, al                  ; the engine reads memory
        call    bm_run

        ; READ DMA into 0x40800 (+0xC00) and 0x50000, cleared first.
        mov     ax, 0x4000
        mov     es, ax
        xor     di, di
        mov     cx, 0x8000
        xor     ax, ax
        rep     stosw
        mov     ax, 0x5000
        mov     es, ax
        xor     ax, ax
        xor     di, di
        mov     cx, 0x400
        rep     stosw
        mov     ebx, 0x40000
        call    prd_set
        mov     eax, 200
        mov     cl, 8
        call    setup_lba
        mov     al, 0xC8
        call    command
        mov     al, 0x08                ; the engine writes memory
        call    bm_run
        mov     ax, 0x4000
        mov     es, ax
        mov     di, 0x800
        mov     cx, 0x600
        mov     esi, 200 * 256
        mov     dl, 0x22
        call    compare
        jc      .dma_bad
        mov     ax, 0x5000
        mov     es, ax
        xor     di, di
        mov     cx, 0x200
        mov     esi, 200 * 256 + 0x600
        call    compare
        jc      .dma_bad
        cmp     word [es:0x400], 0      ; nothing past the descriptor
        jne     .dma_bad
        jmp     .dma_ok
.dma_bad:
        FAIL    17, "DMA data read back differs"
.dma_ok:
        PRINTLN "INFO guest-ide: DMA write and read of 8 sectors ok"

        ; Cross-check: PIO sees the DMA data (LBA 203)...
        mov     ax, PIO_SEG
        mov     es, ax
        mov     eax, 203
        mov     cl, 1
        call    setup_lba
        mov     al, 0x20
        call    command
        call    wait_ready
        xor     di, di
        mov     dx, ATA
        mov     cx, 256
        rep     insw
        xor     di, di
        mov     cx, 256
        mov     esi, 203 * 256
        mov     dl, 0x22
        call    compare
        jnc     .x1
        FAIL    18, "PIO read of DMA-written data"
.x1:
        ; ...and READ DMA EXT sees the PIO data (LBA 100, 4 sectors: the
        ; first 0x800 bytes of the first descriptor).
        mov     ebx, 0x40000
        call    prd_set
        mov     dword [PRD_TABLE + 4], 0x80000800
        mov     dx, ATA + 6
        mov     al, 0x40                ; LBA, device 0
        out     dx, al
        mov     dx, ATA + 2
        xor     al, al
        out     dx, al                  ; count 15:8
        mov     al, 4
        out     dx, al                  ; count 7:0
        inc     dx
        xor     al, al
        out     dx, al                  ; LBA 31:24
        mov     al, 100
        out     dx, al                  ; LBA 7:0
        inc     dx
        xor     al, al
        out     dx, al                  ; LBA 39:32
        out     dx, al                  ; LBA 15:8
        inc     dx
        out     dx, al                  ; LBA 47:40
        out     dx, al                  ; LBA 23:16
        mov     al, 0x25
        call    command
        mov     al, 0x08
        call    bm_run
        mov     ax, 0x4000
        mov     es, ax
        mov     di, 0x800
        mov     cx, 4 * 256
        mov     esi, 100 * 256
        mov     dl, 0x11
        call    compare
        jnc     .x2
        FAIL    19, "READ DMA EXT of PIO-written data"
.x2:
        ; FLUSH CACHE
        mov     al, 0xE7
        call    command
        call    wait_ready
        mov     dx, ATA + 7
        in      al, dx
        CHECK_AL 0x50, 20, "FLUSH CACHE"
        jmp     guest_pass

        GUEST_END
