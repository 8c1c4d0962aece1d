; guest-dma-smc: a DMA write over code the CPU already ran must be seen.
;
; A function in RAM (mov al, 0x11; retf) is called, so the translator
; (tcg) has a block for it.  fw_cfg DMA then reads one byte of the
; signature item (key 0x0000, "QEMU") over the function's immediate; the
; next call must return 'Q' (0x51), not the 0x11 of the stale block.  A
; sibling function on the same page, not written, keeps working.  On kvm
; this is plain hardware coherence and must pass the same way.

%define GUEST_NAME "guest-dma-smc"
%include "guest.inc"

%define DMA_CTL_ERROR   0x01
%define DMA_CTL_READ    0x02
%define DMA_CTL_SELECT  0x08
%define DMA_DESC        0x1000          ; FWCfgDmaAccess, 16 bytes
%define FUNC            0x4000          ; mov al, 0x11; retf
%define SIBLING         0x4100          ; mov al, 0x22; retf

%include "fwcfg-dma.inc"

main:
        ; Put the two functions in RAM (CPU stores, before any block).
        mov     byte [FUNC], 0xb0
        mov     byte [FUNC + 1], 0x11
        mov     byte [FUNC + 2], 0xcb
        mov     byte [SIBLING], 0xb0
        mov     byte [SIBLING + 1], 0x22
        mov     byte [SIBLING + 2], 0xcb

        ; Run them (twice: the translator has blocks for both now).
        call    0:FUNC
        CHECK_AL 0x11, 1, "function before the DMA"
        call    0:SIBLING
        CHECK_AL 0x22, 2, "sibling before the DMA"
        call    0:FUNC
        CHECK_AL 0x11, 1, "function before the DMA"

        ; fw_cfg DMA: select key 0 and read its first byte over the
        ; immediate of FUNC.
        mov     eax, DMA_CTL_SELECT | DMA_CTL_READ   ; key 0x0000 << 16
        mov     ecx, 1
        mov     edx, FUNC + 1
        call    fw_dma
        CHECK_EAX 0, 3, "DMA control word after the transfer"
        mov     al, [FUNC + 1]
        CHECK_AL 'Q', 4, "byte the DMA wrote (read as data)"

        ; The new code must run.
        mov     al, 0
        call    0:FUNC
        CHECK_AL 'Q', 5, "function after the DMA (stale translation ran)"
        call    0:SIBLING
        CHECK_AL 0x22, 6, "sibling after the DMA"
        jmp     guest_pass

        GUEST_END
