; A multiboot (v1) test kernel, a flat binary loaded through the a.out
; kludge fields at 1 MiB: -kernel build/guests/testkernel-multiboot.bin
; -append ARGS -initrd "FILE ARGS" -device isa-debug-exit.
;
; It reports on COM1 what the boot loader handed it:
;   testkernel-multiboot: entered
;   magic: 2BADB002
;   cpu: cr0=... eflags=... cs=0010 ds=0018 es=0018 ss=0018
;   mode: protected, paging off
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

%include "testkernel-lib.inc"

    align 4
entry_eax:      dd 0
entry_ebx:      dd 0
entry_eflags:   dd 0
load_end:

    ; The stack lives in the bss: the loader must zero/allocate it from
    ; bss_end_addr (nothing of it is in the file).
    absolute load_end
    alignb 16
stack:          resb 4096
stack_top:
bss_end:
