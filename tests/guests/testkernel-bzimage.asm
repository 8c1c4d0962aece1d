; A test kernel in Linux bzImage format (boot protocol 2.15), for direct
; kernel boot: -kernel build/guests/testkernel-bzimage.bin -append ...
; -initrd FILE -device isa-debug-exit.
;
; It reports on COM1 what the boot loader handed it, one item per line:
;   testkernel-bzimage: entered
;   regs: esi=... ebx=... ebp=... edi=...
;   cpu: cr0=... eflags=... cs=0010 ds=0018 es=0018 ss=0018
;   mode: protected, paging off
;   boot: protocol=020F loader=FF loadflags=81 code32=00100000
;   cmdline: <the -append string>
;   initrd: addr=... size=... data=<its first 16 bytes, '.' if unprintable>
;   e820: N entries
;   e820: <base, 16 hex> <length, 16 hex> <type>     (N lines)
;   result: PASS
; then exits through isa-debug-exit (status 33 pass, 35 fail; see
; testkernel-lib.inc).
;
; Two ways in:
;   - the 32-bit boot protocol (emu's direct boot): the loader jumps to
;     code32_start (0x100000) in flat protected mode with ESI = boot_params;
;   - the 16-bit protocol (QEMU -kernel, through SeaBIOS and its
;     linuxboot option ROM): the loader jumps to the setup code at offset
;     0x200 in real mode; the stub below then does what Linux's setup does
;     for us: a copy of the setup header the loader filled plus the e820
;     map from the BIOS in a boot_params of its own, A20, a GDT with
;     0x10/0x18, protected mode, and the same 32-bit entry.

%include "testkernel-defs.inc"

SETUP_SECTS     equ 1
KERNEL_ADDR     equ 0x100000
BP_E820_ENTRIES equ 0x1e8
BP_E820_TABLE   equ 0x2d0
SMAP            equ 0x534d4150
ZP_OFFSET       equ 0x1000          ; 16-bit path: our boot_params copy

; ---------------------------------------------------------------------------
; Real-mode part: boot sector and setup header (boot.rst, "THE REAL-MODE
; KERNEL HEADER"), then the 16-bit entry.
    bits 16
    section .setup start=0 vstart=0

    times 0x1f1 - ($ - $$) db 0
hdr_setup_sects:    db SETUP_SECTS
hdr_root_flags:     dw 0
hdr_syssize:        dd (pm_end - pm_start + 15) / 16
hdr_ram_size:       dw 0
hdr_vid_mode:       dw 0xffff
hdr_root_dev:       dw 0
hdr_boot_flag:      dw 0xaa55
; 0x200: the jump's displacement also tells where the header ends
    jmp short start16
hdr_magic:          db "HdrS"
hdr_version:        dw 0x020f
hdr_realmode_swtch: dd 0
hdr_start_sys_seg:  dw 0x1000
hdr_kernel_version: dw kernel_version - 0x200
hdr_type_of_loader: db 0
hdr_loadflags:      db 0x01             ; LOADED_HIGH
hdr_setup_move_size: dw 0x8000
hdr_code32_start:   dd KERNEL_ADDR
hdr_ramdisk_image:  dd 0
hdr_ramdisk_size:   dd 0
hdr_bootsect_kludge: dd 0
hdr_heap_end_ptr:   dw 0
hdr_ext_loader_ver: db 0
hdr_ext_loader_type: db 0
hdr_cmd_line_ptr:   dd 0
hdr_initrd_addr_max: dd 0x7fffffff
hdr_kernel_alignment: dd 0x1000
hdr_relocatable:    db 0
hdr_min_alignment:  db 12
hdr_xloadflags:     dw 0
hdr_cmdline_size:   dd 2047
hdr_hw_subarch:     dd 0
hdr_hw_subarch_data: dq 0
hdr_payload_offset: dd 0
hdr_payload_length: dd 0
hdr_setup_data:     dq 0
hdr_pref_address:   dq KERNEL_ADDR
hdr_init_size:      dd pm_end - pm_start
hdr_handover_offset: dd 0
hdr_kernel_info_offset: dd 0

start16:
    cli
    cld
    mov ax, cs
    sub ax, 0x20                ; CS:0 is setup base + 0x200
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0xe000

    ; A fresh boot_params at setup base + ZP_OFFSET, as Linux's setup keeps
    ; its own (the setup code itself sits where e820_table would be).
    mov di, ZP_OFFSET
    mov cx, 4096 / 2
    xor ax, ax
    rep stosw
    mov si, 0x1f1
    mov di, ZP_OFFSET + 0x1f1
    mov cx, start16 - 0x1f1
    rep movsb

    ; The BIOS memory map into boot_params.e820_table (INT 15h, E820h).
    xor ebx, ebx
    xor si, si
    mov di, ZP_OFFSET + BP_E820_TABLE
.e820:
    mov eax, 0xe820
    mov edx, SMAP
    mov ecx, 20
    int 0x15
    jc .e820_done
    cmp eax, SMAP
    jne .e820_done
    inc si
    add di, 20
    cmp si, 128
    jae .e820_done
    test ebx, ebx
    jnz .e820
.e820_done:
    mov ax, si
    mov [ZP_OFFSET + BP_E820_ENTRIES], al

    in al, 0x92                 ; fast A20
    or al, 2
    and al, 0xfe
    out 0x92, al

    xor esi, esi                ; ESI = linear address of boot_params
    mov si, ds
    shl esi, 4
    lea eax, [esi + rm_gdt]
    add esi, ZP_OFFSET
    mov [rm_gdt_ptr + 2], eax
    lea eax, [esi - ZP_OFFSET + rm_pm32]
    mov [rm_far_ptr], eax
    lgdt [rm_gdt_ptr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp far dword [rm_far_ptr]

    bits 32
rm_pm32:
    mov ax, 0x18
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    xor ebp, ebp
    xor edi, edi
    xor ebx, ebx
    jmp [esi + 0x214]           ; code32_start

    align 8
rm_gdt:
    dq 0
    dq 0
    dq 0x00cf9b000000ffff       ; 0x10: flat code
    dq 0x00cf93000000ffff       ; 0x18: flat data
rm_gdt_ptr:
    dw 31
    dd 0
rm_far_ptr:
    dd 0
    dw 0x10

kernel_version: db "emu testkernel-bzimage", 0

    times (SETUP_SECTS + 1) * 512 - ($ - $$) db 0

; ---------------------------------------------------------------------------
; Protected-mode part, loaded at code32_start.
    section .pm follows=.setup vstart=KERNEL_ADDR
    bits 32
pm_start:
    ; Save the registers before anything changes them.
    mov [entry_esi], esi
    mov [entry_ebx], ebx
    mov [entry_ebp], ebp
    mov [entry_edi], edi
    mov esp, stack_top
    pushfd
    pop dword [entry_eflags]

    call serial_init
    PRINT NL, "testkernel-bzimage: entered", NL

    PRINT "regs: esi="
    mov eax, [entry_esi]
    call puthex32
    PRINT " ebx="
    mov eax, [entry_ebx]
    call puthex32
    PRINT " ebp="
    mov eax, [entry_ebp]
    call puthex32
    PRINT " edi="
    mov eax, [entry_edi]
    call puthex32
    call newline
    mov eax, [entry_ebx]
    or eax, [entry_ebp]
    or eax, [entry_edi]
    jz .regs_ok
    FAIL "EBX/EBP/EDI not zero"
.regs_ok:

    mov eax, [entry_eflags]
    call report_cpu
    call check_linux_selectors

    mov ebp, [entry_esi]        ; boot_params
    test ebp, ebp
    jnz .bp_ok
    FAIL "ESI (boot_params) is zero"
    jmp finish
.bp_ok:
    cmp dword [ebp + 0x202], 'HdrS'
    je .magic_ok
    FAIL "boot_params has no setup header"
.magic_ok:
    PRINT "boot: protocol="
    movzx eax, word [ebp + 0x206]
    call puthex16
    PRINT " loader="
    mov al, [ebp + 0x210]
    call puthex8
    PRINT " loadflags="
    mov al, [ebp + 0x211]
    call puthex8
    PRINT " code32="
    mov eax, [ebp + 0x214]
    call puthex32
    call newline
    cmp byte [ebp + 0x210], 0
    jne .loader_ok
    FAIL "type_of_loader is zero"
.loader_ok:

    PRINT "cmdline: "
    mov esi, [ebp + 0x228]
    test esi, esi
    jz .no_cmdline
    mov ecx, 2048
    call puts_n
.no_cmdline:
    call newline

    mov ecx, [ebp + 0x21c]      ; ramdisk_size
    test ecx, ecx
    jnz .initrd
    PRINT "initrd: none", NL
    jmp .e820
.initrd:
    PRINT "initrd: addr="
    mov eax, [ebp + 0x218]
    call puthex32
    PRINT " size="
    mov eax, ecx
    call puthex32
    PRINT " data="
    mov esi, [ebp + 0x218]
    cmp ecx, 16
    jbe .initrd_short
    mov ecx, 16
.initrd_short:
    call puts_n
    call newline
    test dword [ebp + 0x218], 0xfff
    jz .e820
    FAIL "initrd not page aligned"

.e820:
    PRINT "e820: "
    movzx eax, byte [ebp + BP_E820_ENTRIES]
    call putdec
    PRINT " entries", NL
    movzx ecx, byte [ebp + BP_E820_ENTRIES]
    test ecx, ecx
    jnz .e820_some
    FAIL "no e820 entries"
    jmp finish
.e820_some:
    lea esi, [ebp + BP_E820_TABLE]
.e820_loop:
    PRINT "e820: "
    mov eax, [esi + 4]
    call puthex32
    mov eax, [esi]
    call puthex32
    PRINT " "
    mov eax, [esi + 12]
    call puthex32
    mov eax, [esi + 8]
    call puthex32
    PRINT " "
    mov eax, [esi + 16]
    call putdec
    call newline
    add esi, 20
    loop .e820_loop
    jmp finish

%include "testkernel-lib.inc"

    align 4
entry_esi:      dd 0
entry_ebx:      dd 0
entry_ebp:      dd 0
entry_edi:      dd 0
entry_eflags:   dd 0
    align 16
stack:          times 4096 db 0
stack_top:
pm_end:
