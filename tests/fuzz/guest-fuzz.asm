; guest-fuzz.asm - the guest-side random I/O fuzzer (a 64 KiB -bios image).
;
; From a seed it performs random operations on the machine and then leaves
; through isa-debug-exit, so a seed's outcome is deterministic:
;   - port reads and writes of 1, 2 and 4 bytes, weighted towards the ports
;     of the devices the pc machine has, and anywhere in 0-0xFFFF;
;   - PCI configuration reads and writes on every function (0xCF8/0xCFC),
;     BAR sizing (write all ones, read back) and remapping, command bits;
;   - MMIO/memory reads and writes over the VGA/SMRAM window, the PAM
;     range, RAM, the PCI hole, the BIOS ROM and anywhere;
;   - fw_cfg DMA with random descriptors: random control words, lengths up
;     to 4 GiB, hostile addresses (the hole, ROM, above 4 GiB, across the
;     4 GiB boundary), descriptors placed outside RAM;
;   - self-modifying code: a store into an instruction that runs next (the
;     result is checked), stores into the BIOS ROM (which must not change:
;     checked), and a loop run from the ROM that stores into its own page.
;
; Parameters are patched into the image by tests/fuzz/run.sh at offset 8
; (after the magic "EMUFUZZ1"): seed, number of operations, flags:
;   bit 0 MASK_PIT  keep PIT channel 0 counts >= 128 (the known timer
;                   storm with counts 2-12)
;   bit 1 MASK_SMC  no self-modifying code and no ROM stores (the known
;                   block-chaining use-after-free when the code cache is
;                   flushed)
;   bit 2 MASK_SMC_SAME  no store into the instruction that follows it in
;                   the same block (a fixed bug: emu's translator ran the
;                   stale one; run.sh no longer sets it by default)
;   bit 3 TRACE     print each operation's number and kind (bisecting)
;
; What the guest never does, so that it cannot end the run early (the
; documented mask list; run.sh repeats it):
;   - writes to isa-debug-exit (0x501-0x502) and to the progress port
;     (0x4E9) except to report;
;   - reset requests: bit 2 of 0xCF9 (PIIX3 RCR) and bit 0 of 0x92 are
;     cleared, i8042 pulse commands 0xF0-0xFE become 0xFF, command 0xD1
;     (write output port, which can pull reset and A20) becomes 0xD0;
;   - power-off: SLP_EN (bit 13 of PM1_CNT at PMBASE+4) is cleared, and the
;     PIIX4 PMBA (config 01.3 0x40-0x43) and PMREGMISC (0x80) are never
;     written after setup (neither by its own configuration cycles nor by
;     a data-port write while CONFIG_ADDRESS points there), so PM1_CNT
;     stays at 0x604;
;   - stores below 2 MiB outside the VGA/PAM window (its own code, stack
;     and tables live below 1 MiB; with A20 off 1-2 MiB aliases them), and
;     DMA into that range; DMA descriptors whose contents it does not
;     write itself (in ROM or PAM RAM: the device would take its target
;     from there, possibly the guest's own memory).
; Interrupts stay disabled (IF=0).  An exception is reported and ends the
; run (status 65 + 2 * (0x20 + vector)): that is a finding too.
;
; Output: "FUZZ seed=S ops=N flags=F", a progress count every 1024
; operations and "FUZZ done" on the progress console at port 0x4E9.  Exit
; statuses (isa-debug-exit, (V << 1) | 1): 33 done, 35 self-modified code
; ran stale (same block), 39 stale (another block), 37 the BIOS ROM
; changed, 65 + 2 * (0x20 + vec) exception.

%define PROGRESS        0x4E9
%define DEBUG_EXIT      0x501
%define PM_BASE         0x600
%define SMB_BASE        0x700
%define CODE_BASE       0x10000
%define STACK_TOP       0x9000
%define DMA_DESC        0xB000          ; the usual descriptor place
%define SAFE_LOW        0x200000        ; stores below this are filtered
%define RAM_TOP         0x3000000
%define RAM_END         0x4000000       ; run.sh gives -m 64
%define IMAGE_SIZE      0x10000

%define MASK_PIT        1
%define MASK_SMC        2
%define MASK_SMC_SAME   4
%define TRACE           8

; ------------------------------------------------------ 32-bit part (RAM)
        section .pm start=0 vstart=CODE_BASE
        bits 32
header: db      "EMUFUZZ1"
p_seed: dd      1
p_ops:  dd      100000
p_flags: dd     0

gdt:    dq      0
        dq      0x00CF9A000000FFFF      ; 0x08 flat code
        dq      0x00CF92000000FFFF      ; 0x10 flat data
gdt_end:
gdtr:   dw      gdt_end - gdt - 1
        dd      gdt
idtr:   dw      32 * 8 - 1
        dd      idt

rng:    dd      0
opno:   dd      0
cf8_latch: dd   0                       ; last CONFIG_ADDRESS written
last_cmd64: db  0

pm_entry:
        mov     ax, 0x10
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     fs, ax
        mov     gs, ax
        mov     esp, STACK_TOP
        ; IDT: vector v -> exc_stubs + 8*v.
        xor     ecx, ecx
.idt:   lea     eax, [exc_stubs + ecx * 8]
        mov     word [idt + ecx * 8], ax
        mov     word [idt + ecx * 8 + 2], 0x08
        mov     word [idt + ecx * 8 + 4], 0x8E00
        shr     eax, 16
        mov     word [idt + ecx * 8 + 6], ax
        inc     ecx
        cmp     ecx, 32
        jb      .idt
        lidt    [idtr]

        ; PIIX4 PM: PMBASE 0x600 enabled, SMBus at 0x700 (like firmware).
        mov     eax, 0x80000B40
        mov     edx, PM_BASE | 1
        call    cfg_write32
        mov     eax, 0x80000B80
        mov     edx, 1
        call    cfg_write32
        mov     eax, 0x80000B90
        mov     edx, SMB_BASE | 1
        call    cfg_write32

        mov     eax, [p_seed]
        xor     eax, 0x9E3779B9
        jnz     .seeded
        inc     eax
.seeded:
        mov     [rng], eax

        mov     esi, msg_start
        call    puts
        mov     eax, [p_seed]
        call    puthex
        mov     esi, msg_ops
        call    puts
        mov     eax, [p_ops]
        call    puthex
        mov     esi, msg_flags
        call    puts
        mov     eax, [p_flags]
        call    puthex
        call    newline

main_loop:
        mov     eax, [opno]
        cmp     eax, [p_ops]
        jae     .done
        test    eax, 1023
        jnz     .noprog
        call    puthex
        call    newline
.noprog:
        call    do_op
        inc     dword [opno]
        jmp     main_loop
.done:
        mov     esi, msg_done
        call    puts
        mov     al, 0x10
        jmp     exit

; exit with AL (status (AL << 1) | 1)
exit:   mov     dx, DEBUG_EXIT
        out     dx, al
.hang:  hlt
        jmp     .hang

; ------------------------------------------------------------ helpers

; EAX = next random number (xorshift32); clobbers nothing else.
rand:   mov     eax, [rng]
        push    edx
        mov     edx, eax
        shl     edx, 13
        xor     eax, edx
        mov     edx, eax
        shr     edx, 17
        xor     eax, edx
        mov     edx, eax
        shl     edx, 5
        xor     eax, edx
        pop     edx
        mov     [rng], eax
        ret

; EAX = random number below ECX (ECX > 0).
rand_below:
        push    edx
        call    rand
        xor     edx, edx
        div     ecx
        mov     eax, edx
        pop     edx
        ret

; ECX = access size 1, 2 or 4 at random.
rand_size:
        push    eax
        call    rand
        and     eax, 3
        mov     ecx, 1
        cmp     eax, 1
        jb      .out
        mov     ecx, 2
        je      .out
        mov     ecx, 4
.out:   pop     eax
        ret

putc:   push    edx
        mov     dx, PROGRESS
        out     dx, al
        pop     edx
        ret

puts:   push    eax
.l:     lodsb
        test    al, al
        jz      .e
        call    putc
        jmp     .l
.e:     pop     eax
        ret

newline:
        push    eax
        mov     al, 10
        call    putc
        pop     eax
        ret

puthex: push    ecx
        push    eax
        mov     ecx, 8
.l:     rol     eax, 4
        push    eax
        and     al, 15
        add     al, '0'
        cmp     al, '9'
        jbe     .d
        add     al, 'a' - '0' - 10
.d:     call    putc
        pop     eax
        loop    .l
        pop     eax
        pop     ecx
        ret

; config write: EAX = CONFIG_ADDRESS, EDX = dword value
cfg_write32:
        push    edx
        mov     [cf8_latch], eax
        mov     dx, 0xCF8
        out     dx, eax
        pop     eax
        mov     dx, 0xCFC
        out     dx, eax
        ret

; ------------------------------------------------------- port filter

; Write EAX to port DX with size ECX (1, 2, 4) after applying the mask
; list byte by byte.  Skips the write if it touches debug-exit or the
; progress port.
port_write:
        push    ebx
        push    esi
        push    edi
        mov     edi, eax                ; value
        ; CONFIG_ADDRESS: remember it; CONFIG_DATA: not into the PIIX4
        ; PM's PMBA or PMREGMISC (that would move PM1_CNT out of reach of
        ; the SLP_EN mask)
        cmp     dx, 0xCF8
        jne     .notaddr
        cmp     ecx, 4
        jne     .notaddr
        mov     [cf8_latch], eax
.notaddr:
        movzx   ebx, dx
        add     ebx, ecx
        cmp     ebx, 0xCFC              ; ends at or below 0xCFC
        jbe     .data_ok
        cmp     dx, 0xCFF
        ja      .data_ok
        mov     ebx, [cf8_latch]
        and     ebx, 0x8000FF00
        cmp     ebx, 0x80000B00
        jne     .data_ok
        mov     ebx, [cf8_latch]
        and     ebx, 0xFC
        cmp     ebx, 0x40
        je      .skip
        cmp     ebx, 0x80
        je      .skip
.data_ok:
        xor     esi, esi                ; byte index
.byte:  movzx   ebx, dx
        add     ebx, esi                ; port of this byte
        cmp     ebx, 0x501
        je      .skip
        cmp     ebx, 0x502
        je      .skip
        cmp     ebx, PROGRESS
        je      .skip
        mov     eax, esi
        shl     eax, 3                  ; bit offset of the byte
        push    ecx
        mov     ecx, eax
        mov     eax, edi
        shr     eax, cl                 ; AL = this byte
        call    mask_byte
        ; put AL back into EDI at the byte's place
        push    edx
        movzx   edx, al
        shl     edx, cl
        mov     eax, 0xFF
        shl     eax, cl
        not     eax
        and     edi, eax
        or      edi, edx
        pop     edx
        pop     ecx
        inc     esi
        cmp     esi, ecx
        jb      .byte
        mov     eax, edi
        cmp     ecx, 1
        je      .o1
        cmp     ecx, 2
        je      .o2
        out     dx, eax
        jmp     .skip
.o1:    out     dx, al
        jmp     .skip
.o2:    out     dx, ax
.skip:  pop     edi
        pop     esi
        pop     ebx
        ret

; AL = byte written to port EBX; returns the masked byte in AL.
mask_byte:
        cmp     ebx, 0x92
        jne     .n92
        and     al, 0xFE                ; no fast reset
        ret
.n92:   cmp     ebx, 0xCF9
        jne     .ncf9
        and     al, 0xFB                ; no RCR reset
        ret
.ncf9:  cmp     ebx, 0x64
        jne     .n64
        cmp     al, 0xF0
        jb      .n64d1
        mov     al, 0xFF                ; no reset pulse
        ret
.n64d1: cmp     al, 0xD1
        jne     .ret
        mov     al, 0xD0                ; no output port write
        ret
.n64:   cmp     ebx, PM_BASE + 5
        jne     .npm
        and     al, 0xDF                ; no SLP_EN
        ret
.npm:   cmp     ebx, 0x40
        jne     .ret
        test    byte [p_flags], MASK_PIT
        jz      .ret
        or      al, 0x80                ; channel 0 counts >= 128
.ret:   ret

; Read port DX with size ECX (result discarded).
port_read:
        cmp     ecx, 1
        je      .i1
        cmp     ecx, 2
        je      .i2
        in      eax, dx
        ret
.i1:    in      al, dx
        ret
.i2:    in      ax, dx
        ret

; ------------------------------------------------------- operations

do_op:  call    rand
        and     eax, 0xFF
        test    byte [p_flags], TRACE
        jz      .notrace
        push    eax
        mov     eax, [opno]
        call    puthex
        mov     al, ' '
        call    putc
        pop     eax
        call    puthex
        call    newline
.notrace:
        cmp     eax, 100
        jb      op_dev_port
        cmp     eax, 120
        jb      op_any_port
        cmp     eax, 165
        jb      op_pci_cfg
        cmp     eax, 200
        jb      op_mmio
        cmp     eax, 220
        jb      op_dma
        cmp     eax, 235
        jb      op_smc
        cmp     eax, 245
        jb      op_bar
        jmp     op_delay

; A device port: the table holds (base, count) words.
op_dev_port:
        mov     ecx, (dev_ports_end - dev_ports) / 4
        call    rand_below
        movzx   edx, word [dev_ports + eax * 4]
        movzx   ecx, word [dev_ports + eax * 4 + 2]
        call    rand_below
        add     edx, eax
        jmp     port_op

op_any_port:
        call    rand
        movzx   edx, ax
        ; fall through
; Port DX: a read or a write of random size and value.
port_op:
        call    rand_size
        call    rand
        test    eax, 0x100000
        jz      port_read
        call    rand
        jmp     port_write

; PCI configuration cycle.
op_pci_cfg:
        call    rand
        mov     ebx, eax
        and     ebx, 0xFC               ; register (dword)
        test    eax, 0x3000
        jnz     .known
        ; any device and function on bus 0, sometimes no enable bit or
        ; another bus
        mov     ecx, eax
        and     ecx, 0xFF00
        or      ebx, ecx
        or      ebx, 0x80000000
        test    eax, 0x0F000000
        jnz     .cycle
        call    rand
        and     eax, 0x7FFF0000
        xor     ebx, eax
        jmp     .cycle
.known: mov     ecx, 4
        call    rand_below
        movzx   ecx, byte [known_devfn + eax]
        shl     ecx, 8
        or      ebx, ecx
        or      ebx, 0x80000000
.cycle: call    rand_size
        call    rand
        mov     esi, eax
        and     esi, 3                  ; byte offset in the dword
        ; a 2-byte access at offset 3 still works (the window is 4 wide)
        mov     eax, ebx
        mov     [cf8_latch], eax
        mov     dx, 0xCF8
        out     dx, eax
        mov     edx, 0xCFC
        add     edx, esi
        call    rand
        test    eax, 0x400
        jz      port_read
        ; writes: never move the PIIX4 PM block (01.3, 0x40-0x43, 0x80)
        mov     eax, ebx
        and     eax, 0x8000FF00
        cmp     eax, 0x80000B00
        jne     .w
        mov     eax, ebx
        and     eax, 0xFC
        cmp     eax, 0x40
        je      .ret
        cmp     eax, 0x80
        je      .ret
.w:     call    rand
        jmp     port_write
.ret:   ret

; BAR sizing and remapping on a known function or any.
op_bar: call    rand
        mov     ebx, eax
        and     ebx, 0xFF00
        test    eax, 0x30000
        jz      .any
        mov     ecx, 4
        call    rand_below
        movzx   ebx, byte [known_devfn + eax]
        shl     ebx, 8
.any:   or      ebx, 0x80000000
        mov     ecx, 8
        call    rand_below
        cmp     eax, 6
        jb      .bar
        je      .rom
        ; command register: random enables
        call    rand
        and     eax, 0x0407
        mov     edx, eax
        mov     eax, ebx
        or      eax, 0x04
        jmp     cfg_write32
.rom:   mov     eax, 8                  ; 0x10 + 8 * 4 = 0x30
.bar:   lea     ebx, [ebx + 0x10 + eax * 4]
        mov     eax, ebx
        mov     edx, 0xFFFFFFFF
        call    cfg_write32             ; size it
        mov     dx, 0xCFC
        in      eax, dx
        mov     esi, eax                ; size mask
        call    rand
        test    eax, 1
        jz      .hole
        call    rand                    ; anywhere
        jmp     .set
.hole:  call    rand
        and     eax, 0x0FFFFFFF
        or      eax, 0xE0000000
.set:   and     eax, esi
        mov     edx, eax
        mov     eax, ebx
        jmp     cfg_write32

; A memory access.
op_mmio:
        mov     ecx, 6
        call    rand_below
        mov     ebx, eax
        call    rand
        cmp     ebx, 0
        jne     .r1
        and     eax, 0x7FFFF            ; 0xA0000-0xFFFFF
        cmp     eax, 0x60000
        jb      .lowwin
        sub     eax, 0x60000
.lowwin:
        add     eax, 0xA0000
        jmp     .go
.r1:    cmp     ebx, 1
        jne     .r2
        xor     edx, edx
        mov     ecx, RAM_TOP - SAFE_LOW
        div     ecx
        lea     eax, [edx + SAFE_LOW]
        jmp     .go
.r2:    cmp     ebx, 2
        jne     .r3
        and     eax, 0x1FFFFFFF
        or      eax, 0xE0000000         ; PCI hole and above
        jmp     .go
.r3:    cmp     ebx, 3
        jne     .go                     ; anywhere
        or      eax, 0xFFFC0000         ; BIOS ROM
.go:    mov     edi, eax
        cmp     edi, 0xFFFFFFFC         ; no access across 4 GiB (#GP)
        jbe     .inlim
        mov     edi, 0xFFFFFFFC
.inlim: call    rand_size
        call    rand
        test    eax, 0x10000
        jz      .read
        ; writes: not into our own memory, nor ROM when MASK_SMC
        cmp     edi, SAFE_LOW
        jae     .notlow
        cmp     edi, 0xA0000
        jb      .ret
        cmp     edi, 0x100000           ; 1-2 MiB: the A20 alias of ours
        jae     .ret
.notlow:
        test    byte [p_flags], MASK_SMC
        jz      .write
        cmp     edi, 0xFFFC0000
        jae     .ret
        cmp     edi, 0xC0000
        jb      .write
        cmp     edi, 0x100000
        jb      .ret
.write: call    rand
        cmp     ecx, 1
        je      .w1
        cmp     ecx, 2
        je      .w2
        mov     [edi], eax
        ret
.w1:    mov     [edi], al
        ret
.w2:    mov     [edi], ax
        ret
.read:  cmp     ecx, 1
        je      .r1b
        cmp     ecx, 2
        je      .r2b
        mov     eax, [edi]
        ret
.r1b:   mov     al, [edi]
        ret
.r2b:   mov     ax, [edi]
.ret:   ret

; A hostile address for DMA in EAX (low) : EDX (high).
dma_addr:
        mov     ecx, 5
        call    rand_below
        mov     ebx, eax
        xor     edx, edx
        call    rand
        cmp     ebx, 0
        jne     .a1
        and     eax, 0x00FFFFFF         ; RAM above SAFE_LOW
        or      eax, SAFE_LOW
        ret
.a1:    cmp     ebx, 1
        jne     .a2
        or      eax, 0xE0000000         ; hole, MMIO, ROM
        ret
.a2:    cmp     ebx, 2
        jne     .a3
        or      eax, 0xFFFFF000         ; last page below 4 GiB
        ret
.a3:    cmp     ebx, 3
        jne     .a4
        or      eax, 0x80000000         ; above 2 GiB: unassigned
        ret
.a4:    call    rand                    ; above 4 GiB
        mov     edx, eax
        or      edx, 1
        call    rand
        or      eax, SAFE_LOW
        ret

; fw_cfg DMA with a random descriptor.
op_dma: ; control
        call    rand
        mov     ebx, eax
        and     eax, 7
        movzx   ecx, byte [dma_ctls + eax]
        test    ebx, 0x700
        jnz     .nokey
        mov     ecx, ebx                ; any bits at all
        jmp     .ctl
.nokey: test    ecx, 8
        jz      .ctl
        call    rand
        and     eax, 0x003F0000         ; keys 0-0x3F
        test    ebx, 0x800
        jz      .k
        or      eax, 0x80000000         ; arch-local or write channel
.k:     or      ecx, eax
.ctl:   bswap   ecx
        mov     [DMA_DESC], ecx
        ; length
        call    rand
        mov     ebx, eax
        and     ebx, 3
        cmp     ebx, 0
        jne     .l1
        and     eax, 0xFFF
        jmp     .len
.l1:    cmp     ebx, 1
        jne     .len                    ; anything
        and     eax, 0xFFFFF
.len:   mov     edi, eax                ; length
        ; address
        call    dma_addr
        ; a transfer must not wrap at 4 GiB into our low memory (also
        ; above 4 GiB, in case addresses wrap at the address space size)
        mov     ecx, eax
        add     ecx, edi
        jnc     .addr
        mov     edi, eax
        neg     edi                     ; stop at 4 GiB
.addr:  bswap   edi
        mov     [DMA_DESC + 4], edi
        bswap   edx
        mov     [DMA_DESC + 8], edx
        bswap   eax
        mov     [DMA_DESC + 12], eax
        ; descriptor address: usually ours, sometimes hostile
        call    rand
        test    eax, 0x3C
        jz      .hostile
        xor     edx, edx
        mov     eax, DMA_DESC
        jmp     .kick
.hostile:
        ; Only where the descriptor's contents are ours or absent: the
        ; device reads whatever is there (ROM or PAM RAM would give it
        ; parameters we do not choose).
        mov     ecx, 3
        call    rand_below
        xor     edx, edx
        cmp     eax, 1
        jb      .inram
        je      .inhole
        call    rand                    ; above 4 GiB: never RAM
        mov     edx, eax
        or      edx, 1
        call    rand
        jmp     .kick
.inhole:
        call    rand
        and     eax, 0x0FFFFFF0
        or      eax, 0xE0000000
        jmp     .kick
.inram: call    rand                    ; a copy in RAM, maybe across its end
        test    eax, 0x10000
        jz      .ramany
        and     eax, 15
        add     eax, RAM_END - 16
        jmp     .copy
.ramany:
        and     eax, 0x00FFFFFF
        or      eax, SAFE_LOW
.copy:  mov     ecx, 16
.cb:    mov     bl, [DMA_DESC + ecx - 1]
        mov     [eax + ecx - 1], bl
        loop    .cb
        xor     edx, edx
.kick:  push    eax
        bswap   edx
        mov     eax, edx
        mov     dx, 0x514
        out     dx, eax
        pop     eax
        bswap   eax
        mov     dx, 0x518
        out     dx, eax
        ret

; Self-modifying code: patch the immediate of the next instruction to
; run and check it ran with the new value; store into the BIOS ROM and
; check the ROM did not change.
op_smc: test    byte [p_flags], MASK_SMC
        jnz     op_dev_port
        call    rand
        test    eax, 0x300
        jz      .rom
        test    eax, 0x3000
        jz      .romexec
        mov     ebx, eax
        test    eax, 0x400
        jz      .other
        test    byte [p_flags], MASK_SMC_SAME
        jnz     .other
        ; the very next instruction, in the block being run
        mov     [..@smc_insn + 1], ebx  ; the imm32 of "mov eax, imm32"
..@smc_insn:
        mov     eax, 0x12345678
        cmp     eax, ebx
        jne     .stale
        ret
.other: ; a snippet in another block that ran before
        mov     [smc_snip + 1], ebx
        call    smc_snip
        cmp     eax, ebx
        jne     .stale2
        ret
.stale: mov     esi, msg_stale
        call    puts
        mov     al, 0x11
        jmp     exit
.stale2:
        mov     esi, msg_stale2
        call    puts
        mov     al, 0x13
        jmp     exit
.romexec:
        ; code in the ROM that stores into its own page (dropped stores);
        ; A20 on first (fast A20), or bit 20 of its address is masked
        and     eax, 0xFFF
        lea     ecx, [eax + 1]
        in      al, 0x92
        and     al, 0xFE
        or      al, 0x02
        out     0x92, al
        mov     eax, 0xFFFF0000 + rom_store_loop
        call    eax
        ret
.rom:   and     eax, 0xFFFF
        lea     edi, [eax + 0xFFFF0000]
        mov     bl, [edi]
        not     byte [edi]
        cmp     bl, [edi]
        jne     .romchg
        ret
.romchg:
        mov     esi, msg_rom
        call    puts
        mov     eax, edi
        call    puthex
        call    newline
        mov     al, 0x12
        jmp     exit

smc_snip:
        mov     eax, 0x87654321
        ret

; Let time pass: read the PIT and port 0x61 a random number of times.
op_delay:
        mov     ecx, 64
        call    rand_below
        mov     ecx, eax
        inc     ecx
.l:     in      al, 0x61
        in      al, 0x40
        loop    .l
        ret

; ------------------------------------------------------- exceptions

exc_common:                             ; vector pushed by the stub
        pop     ebx
        mov     esi, msg_exc
        call    puts
        mov     eax, ebx
        call    puthex
        mov     esi, msg_at
        call    puts
        mov     eax, [opno]
        call    puthex
        call    newline
        lea     eax, [ebx + 0x20]
        jmp     exit

        align   8
exc_stubs:                              ; 8 bytes per vector
%assign v 0
%rep 32
        push    byte v
        jmp     near exc_common
        nop
%assign v v + 1
%endrep

; ------------------------------------------------------- data

dev_ports:
        dw      0x20, 2,   0xA0, 2,   0x4D0, 2,  0x40, 4
        dw      0x61, 1,   0x70, 2,   0x3F8, 8,  0x2F8, 8
        dw      0x3E8, 8,  0x2E8, 8,  0x60, 1,   0x64, 1
        dw      0x92, 1,   0xCF8, 8,  0x510, 2,  0x514, 8
        dw      PM_BASE, 64, SMB_BASE, 16, 0xAFE0, 4, 0xB2, 2
        dw      0xE9, 1,   0x402, 1,  0xCF9, 1,  0x510, 2
dev_ports_end:

known_devfn:
        db      0x00, 0x08, 0x0B, 0x09  ; 00.0, 01.0, 01.3, 01.1
dma_ctls:
        db      0x02, 0x04, 0x10, 0x0A, 0x0C, 0x00, 0x02, 0x0A

msg_start: db   "FUZZ seed=", 0
msg_ops:   db   " ops=", 0
msg_flags: db   " flags=", 0
msg_done:  db   "FUZZ done", 10, 0
msg_stale: db   "FUZZ stale code: a store into the running block", 10, 0
msg_stale2: db  "FUZZ stale code: a store into a block that ran before", 10, 0
msg_rom:   db   "FUZZ ROM changed at ", 0
msg_exc:   db   "FUZZ exception ", 0
msg_at:    db   " at op ", 0

        align   8
idt:    times   32 * 8 db 0
pm_end:
GDTR_OFF equ gdtr - header
PM_DWORDS equ (pm_end - header + 3) / 4

; ------------------------------------------------------ 16-bit entry (ROM)
        section .rm start=0xE000 vstart=0xE000
        bits 16
rm_start:
        cli
        cld
        ; copy the 32-bit part to RAM at CODE_BASE
        mov     ax, 0xF000
        mov     ds, ax
        mov     ax, CODE_BASE >> 4
        mov     es, ax
        xor     si, si
        xor     di, di
        mov     cx, PM_DWORDS
        rep     movsd
        mov     ax, CODE_BASE >> 4
        mov     ds, ax
        o32 lgdt [GDTR_OFF]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     dword 0x08:pm_entry

; 32-bit code run from the ROM at 0xFFFF0000 + offset (op_smc): ECX
; stores into the page it runs from.
        bits 32
rom_store_loop:
        mov     byte [0xFFFF0000 + rom_store_loop + 0x100], cl
        loop    rom_store_loop
        ret

        section .reset start=0xFFF0 vstart=0xFFF0
        bits 16
        jmp     0xF000:rm_start
        times   16 - ($ - $$) db 0
