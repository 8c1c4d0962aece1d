; A multiboot (v1) test kernel, a flat binary loaded through the a.out
; kludge fields at 1 MiB: -kernel build/guests/testkernel-multiboot.bin
; -append ARGS -initrd "FILE ARGS" -device isa-debug-exit.
;
; It reports on COM1 what the boot loader handed it:
;   testkernel-multiboot: entered
;   magic: 2BADB002
;   cpu: cr0=... eflags=... cs=0010 ds=0018 es=0018 ss=0018
;   mode: protected, paging off
;   legacy: imr=B8 8E ivt8=9FF00001 irq0 wakes hlt   (SeaBIOS's 8259/PIT)
;   mbi: addr=... flags=...
;   mem: lower=<KiB> upper=<KiB>                (decimal)
;   cmdline: <kernel file name> <-append string>
;   loader: <boot loader name>
;   mods: count=N
;   mod0: start=... end=... size=... string=<module string>
;   mod0: data=<first 16 bytes, '.' if unprintable>
;   mmap: <base, 16 hex> <length, 16 hex> <type>  (one line per entry)
;   result: PASS
; then exits through isa-debug-exit (status 33 pass, 35 fail; see
; testkernel-lib.inc).  Self-checks: the magic in EAX, protected mode
; without paging, interrupts off, flat selectors, the MEM/CMDLINE/MMAP flags,
; page-aligned modules (header flag 0 asks for it).

%include "testkernel-defs.inc"

MB_MAGIC        equ 0x1badb002
MB_FLAGS        equ 0x00010003      ; page-align modules, memory info, a.out
LOAD_ADDR       equ 0x100000

MBI_MEM         equ 1 << 0
MBI_CMDLINE     equ 1 << 2
MBI_MODS        equ 1 << 3
MBI_MMAP        equ 1 << 6
MBI_LOADER_NAME equ 1 << 9

    bits 32
    org LOAD_ADDR

mb_header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)
    dd mb_header                    ; header_addr
    dd LOAD_ADDR                    ; load_addr
    dd load_end                     ; load_end_addr
    dd bss_end                      ; bss_end_addr
    dd entry                        ; entry_addr

entry:
    mov [entry_eax], eax
    mov [entry_ebx], ebx
    mov esp, stack_top
    pushfd
    pop dword [entry_eflags]

    call serial_init
    PRINT NL, "testkernel-multiboot: entered", NL
    PRINT "magic: "
    mov eax, [entry_eax]
    call puthex32
    call newline
    cmp eax, 0x2badb002
    je .magic_ok
    FAIL "EAX is not the multiboot magic"
    jmp finish
.magic_ok:
    mov eax, [entry_eflags]
    call report_cpu
    call check_legacy

    mov ebp, [entry_ebx]            ; the multiboot info structure
    PRINT "mbi: addr="
    mov eax, ebp
    call puthex32
    PRINT " flags="
    mov eax, [ebp]
    call puthex32
    call newline

    test dword [ebp], MBI_MEM
    jnz .mem
    FAIL "no memory information (flag 0)"
    jmp .cmdline
.mem:
    PRINT "mem: lower="
    mov eax, [ebp + 4]
    call putdec
    PRINT " upper="
    mov eax, [ebp + 8]
    call putdec
    call newline

.cmdline:
    test dword [ebp], MBI_CMDLINE
    jnz .cmdline_ok
    FAIL "no command line (flag 2)"
    jmp .loader
.cmdline_ok:
    PRINT "cmdline: "
    mov esi, [ebp + 16]
    mov ecx, 2048
    call puts_n
    call newline

.loader:
    test dword [ebp], MBI_LOADER_NAME
    jz .mods
    PRINT "loader: "
    mov esi, [ebp + 64]
    mov ecx, 64
    call puts_n
    call newline

.mods:
    test dword [ebp], MBI_MODS
    jnz .mods_ok
    PRINT "mods: none", NL
    jmp .mmap
.mods_ok:
    PRINT "mods: count="
    mov ecx, [ebp + 20]
    mov eax, ecx
    call putdec
    call newline
    mov ebx, [ebp + 24]             ; module list
    xor edx, edx                    ; module number
.mod_loop:
    cmp edx, ecx
    jae .mmap
    PRINT "mod"
    mov eax, edx
    call putdec
    PRINT ": start="
    mov eax, [ebx]
    call puthex32
    PRINT " end="
    mov eax, [ebx + 4]
    call puthex32
    PRINT " size="
    mov eax, [ebx + 4]
    sub eax, [ebx]
    call puthex32
    PRINT " string="
    mov esi, [ebx + 8]
    push ecx
    mov ecx, 256
    call puts_n
    call newline
    PRINT "mod"
    mov eax, edx
    call putdec
    PRINT ": data="
    mov esi, [ebx]
    mov ecx, [ebx + 4]
    sub ecx, esi
    cmp ecx, 16
    jbe .mod_short
    mov ecx, 16
.mod_short:
    call puts_n
    call newline
    pop ecx
    test dword [ebx], 0xfff
    jz .mod_aligned
    FAIL "module not page aligned"
.mod_aligned:
    add ebx, 16
    inc edx
    jmp .mod_loop

.mmap:
    test dword [ebp], MBI_MMAP
    jnz .mmap_ok
    FAIL "no memory map (flag 6)"
    jmp finish
.mmap_ok:
    mov esi, [ebp + 48]             ; mmap_addr
    mov edi, esi
    add edi, [ebp + 44]             ; mmap_length
.mmap_loop:
    cmp esi, edi
    jae finish
    PRINT "mmap: "
    mov eax, [esi + 8]
    call puthex32
    mov eax, [esi + 4]
    call puthex32
    PRINT " "
    mov eax, [esi + 16]
    call puthex32
    mov eax, [esi + 12]
    call puthex32
    PRINT " "
    mov eax, [esi + 20]
    call putdec
    call newline
    add esi, [esi]                  ; the size field excludes itself
    add esi, 4
    jmp .mmap_loop

; The interrupt platform as SeaBIOS leaves it before a multiboot kernel
; (hw/pc/pc-legacy-state.c): 8259 masks b8/8e, the real-mode IVT's timer
; vector on an EOI stub, and the PIT ticking into IRQ 0 at vector 8: a HLT
; with IF=1 ends (without the PIT programmed it would hang).
;   legacy: imr=B8 8E ivt8=9FF00001 irq0 wakes hlt
check_legacy:
    PRINT "legacy: imr="
    in al, 0x21
    mov bl, al
    movzx eax, al
    mov ecx, 2
    call puthex
    PRINT " "
    in al, 0xa1
    mov bh, al
    movzx eax, al
    mov ecx, 2
    call puthex
    cmp bx, 0x8eb8
    je .imr_ok
    FAIL "8259 masks are not SeaBIOS's b8/8e"
.imr_ok:
    PRINT " ivt8="
    mov eax, [8 * 4]
    call puthex32
    movzx esi, word [8 * 4 + 2]     ; segment:offset -> linear
    shl esi, 4
    movzx eax, word [8 * 4]
    add esi, eax
    cmp dword [esi], 0xe620b050     ; push ax; mov al, 0x20; out 0x20, al
    je .ivt_ok
    FAIL "IVT vector 8 is not an 8259 EOI handler"
.ivt_ok:
    sidt [saved_idt]
    lidt [legacy_idt]
    mov byte [irq0_seen], 0
    sti
    hlt
.woken:
    cli
    lidt [saved_idt]
    cmp byte [irq0_seen], 1
    je .irq_ok
    FAIL "HLT ended without IRQ 0"
    ret
.irq_ok:
    PRINT " irq0 wakes hlt", NL
    ret

; Leaves without IRET (the interrupt gate cleared IF): some nested KVM
; hosts fail to emulate an IRET here.
irq0_handler:
    add esp, 12                     ; EIP, CS, EFLAGS
    mov byte [irq0_seen], 1
    mov al, 0x20
    out 0x20, al
    jmp check_legacy.woken

%include "testkernel-lib.inc"

    align 4
entry_eax:      dd 0
entry_ebx:      dd 0
entry_eflags:   dd 0
irq0_seen:      db 0
    align 8
; IDT for vectors 0-8, only 8 (IRQ 0 under SeaBIOS's 8259 base) present:
; a 32-bit interrupt gate to irq0_handler in the boot GDT's CS 0x10.
legacy_idt_tab:
    times 8 dq 0
    dw irq0_handler - LOAD_ADDR     ; offset 15:0 (LOAD_ADDR's are zero)
    dw 0x10
    dw 0x8e00
    dw LOAD_ADDR >> 16              ; offset 31:16 (the kernel is < 64 KiB)
legacy_idt:
    dw 9 * 8 - 1
    dd legacy_idt_tab
saved_idt:
    dw 0
    dd 0
load_end:

    ; The stack lives in the bss: the loader must zero/allocate it from
    ; bss_end_addr (nothing of it is in the file).
    absolute load_end
    alignb 16
stack:          resb 4096
stack_top:
bss_end:
