; gdb-guest64: the long-mode program tests/functional/test-gdb64.sh
; debugs with gdb (-cpu qemu64, the x86-64 register set).
;
; A 64 KiB BIOS image of the tests/guests kind:
;   nasm -f bin -I tests/guests/ -o gdb-guest64.bin gdb-guest64.asm
; lm.inc enters long mode (4-level paging, the high half
; 0xFFFF800000000000 an alias of the low 1 GiB, linear 4 GiB a 2 MiB page
; at physical 0x400000).  Then, with FS.base set by WRMSR, the code jumps
; to the high-half alias of hi_poke, which sits at image offset 0x2000:
; linear 0xFFFF800000012000 (CODE_BASE 0x10000 + 0x2000), the address gdb
; breaks at (no symbols: this is a flat binary).
;
; What it prints on COM1 depends on what gdb changed:
;   "RAX=xxxxxxxxxxxxxxxx"     RAX after the stop at hi_poke (gdb sets it)
;   "MAGIC=xxxxxxxxxxxxxxxx"   the qword at 0x880 (gdb writes it through
;                              the high-half alias)
;   "COUNTER=xxxxxxxxxxxxxxxx" the qword at 4 GiB after the loop (gdb
;                              watches it)
; then "PASS gdb-guest64" and isa-debug-exit with status 33.  Left alone:
; RAX=1111111111111111 MAGIC=0000000000000000 COUNTER=0000000000000005.

%define GUEST_NAME "gdb-guest64"
%include "guest.inc"
%include "lm.inc"

%define MAGIC           VARS + 0x80     ; 0x880
%define COUNTER         HI_LIN          ; linear 4 GiB
%define HI(l)           (HIGH_HALF + ABS(l))
%define FS_BASE_HI      0x00001234      ; FS.base = 0x000012349ABC0000
%define FS_BASE_LO      0x9ABC0000

main:
        LM_ENTER

        bits    64
lm_main:
        mov     ecx, MSR_FS_BASE
        mov     eax, FS_BASE_LO
        mov     edx, FS_BASE_HI
        wrmsr
        mov     qword [MAGIC], 0
        mov     rdi, COUNTER
        mov     qword [rdi], 0
        mov     r8, 0x1122334455667788
        mov     rax, 0x1111111111111111
        mov     rcx, HI(hi_poke)
        jmp     rcx

%if ($ - $$) > 0x2000
%error "gdb-guest64: hi_poke must stay at image offset 0x2000"
%endif
        times   0x2000 - ($ - $$) db 0xCC
hi_poke:                                ; 0xFFFF800000012000: gdb breaks here
        nop
hi_after:                               ; stepi lands here
        mov     rbx, rax
        LM_PRINT "RAX="
        mov     rax, rbx
        call    lm_hex64
        mov     ecx, 5
.count: inc     qword [rdi]             ; gdb watches the counter at 4 GiB
        dec     ecx
        jnz     .count
        LM_PRINT 10, "MAGIC="
        mov     rax, [MAGIC]
        call    lm_hex64
        LM_PRINT 10, "COUNTER="
        mov     rax, [rdi]
        call    lm_hex64
        LM_PRINT 10
        LM_PASS

        bits    16                      ; the reset vector
        GUEST_END
