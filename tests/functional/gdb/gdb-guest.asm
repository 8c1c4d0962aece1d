; gdb-guest: the program tests/functional/test-gdb.sh debugs with gdb.
;
; Built twice from this source (tests/functional/test-gdb.sh):
;   nasm -f elf32 -o gdb-guest.o gdb-guest.asm
;   ld -m elf_i386 -T gdb-guest.ld -o gdb-guest.elf gdb-guest.o  (symbols)
;   objcopy -O binary gdb-guest.elf gdb-guest.bin          (the -bios image)
; so gdb's symbols are the addresses the code runs at: the 64 KiB image
; is the BIOS, aliased at 0xF0000, and the code runs there in flat 32-bit
; protected mode (linear = EIP, as gdb expects).
;
; What it prints on COM1 depends on what gdb changed:
;   "EBX=xxxxxxxx"     EAX after the stop at `poke` (gdb sets it)
;   "MAGIC=xxxxxxxx"   the dword `magic` in RAM (gdb writes it)
;   "COUNTER=xxxxxxxx" `counter` after the loop (gdb watches it)
; then "DONE" and leaves through isa-debug-exit with value 0x10 (status 33).
; Left alone it prints EBX=11111111 MAGIC=00000000 COUNTER=00000005.

        cpu     686
        global  start16, pm32, poke, after_poke, count_loop, finish, putc
        global  counter, magic

COM1            equ     0x3F8
DEBUG_EXIT      equ     0x501
counter         equ     0x1000          ; dword in RAM, watched by gdb
magic           equ     0x1004          ; dword in RAM, written by gdb

        section .text progbits alloc exec
        bits    16
start16:                                ; first in .text: at 0xF0000
        cli
        xor     ax, ax
        mov     ds, ax
        mov     ss, ax
        mov     sp, 0x7000
        o32 lgdt [cs:gdt_ptr - start16] ; .text starts at BASE
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     dword 0x08:pm32

        bits    32
pm32:
        mov     ax, 0x10
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     fs, ax
        mov     gs, ax
        mov     esp, 0x7000
        mov     dx, COM1 + 3            ; 8N1 (the reset value is 5 bits)
        mov     al, 3
        out     dx, al
        mov     dword [counter], 0
        mov     dword [magic], 0
        mov     eax, 0x11111111
poke:                                   ; gdb: break poke, stepi, set $eax
        nop
after_poke:
        mov     ebx, eax
        mov     esi, msg_ebx
        call    puts
        mov     eax, ebx
        call    put_hex32
        mov     ecx, 5
count_loop:
        inc     dword [counter]         ; gdb: watch the counter
        dec     ecx
        jnz     count_loop
        mov     esi, msg_magic
        call    puts
        mov     eax, [magic]
        call    put_hex32
        mov     esi, msg_counter
        call    puts
        mov     eax, [counter]
        call    put_hex32
finish:
        mov     esi, msg_done
        call    puts
        mov     dx, DEBUG_EXIT
        mov     al, 0x10
        out     dx, al
.hang:  hlt
        jmp     .hang

; putc: AL on COM1, once the transmitter is empty.
putc:
        push    edx
        push    eax
        mov     dx, COM1 + 5
.wait:  in      al, dx
        test    al, 0x20
        jz      .wait
        pop     eax
        mov     dx, COM1
        out     dx, al
        pop     edx
        ret

; puts: the NUL-terminated string at ESI.
puts:
        push    eax
        push    esi
.next:  lodsb
        test    al, al
        jz      .done
        call    putc
        jmp     .next
.done:  pop     esi
        pop     eax
        ret

; put_hex32: EAX as 8 upper-case hex digits.
put_hex32:
        push    ecx
        push    eax
        mov     ecx, 8
.digit: rol     eax, 4
        push    eax
        and     al, 0x0F
        add     al, '0'
        cmp     al, '9'
        jbe     .out
        add     al, 'A' - '0' - 10
.out:   call    putc
        pop     eax
        loop    .digit
        pop     eax
        pop     ecx
        ret

msg_ebx:        db      10, "EBX=", 0
msg_magic:      db      10, "MAGIC=", 0
msg_counter:    db      10, "COUNTER=", 0
msg_done:       db      10, "DONE", 10, 0

        align   8
gdt:    dq      0
        dq      0x00CF9A000000FFFF      ; 0x08: flat 32-bit code
        dq      0x00CF92000000FFFF      ; 0x10: flat data
gdt_ptr:
        dw      gdt_ptr - gdt - 1
        dd      gdt

; The reset vector: F000:FFF0, the last 16 bytes of the image.
        section .reset progbits alloc exec
        bits    16
reset:
        jmp     0xF000:0               ; start16, at BASE
        times   16 - ($ - reset) db 0
