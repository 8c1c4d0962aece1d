; guest-pm-realseg: segment registers loaded in real mode stay usable
; after CR0.PE is set, selector 0 included, as on hardware (the descriptor
; caches are what counts; kvm-unit-tests' AP trampoline runs LGDT through
; DS = 0 right after setting PE).
;
; Checks: with DS = 0 and ES = 0x1000 from real mode, PE set and no
; segment reloaded, a load through DS, a store through ES and an LGDT
; through DS work; back in real mode the store is there.

%define GUEST_NAME "guest-pm-realseg"
%include "guest.inc"

        align   8
rs_gdt: dq      0
        dq      0x00CF93000000FFFF
rs_gdt_end:

main:
        cli
        xor     ax, ax
        mov     ds, ax
        mov     dword [0x600], 0x600DCAFE
        mov     word [0x610], rs_gdt_end - rs_gdt - 1
        mov     dword [0x612], 0xF0000 + rs_gdt
        mov     ax, 0x1000
        mov     es, ax
        mov     dword [es:0x20], 0

        mov     eax, cr0
        or      al, 1
        mov     cr0, eax                ; PE, CS/DS/ES caches from real mode
        mov     ebx, [0x600]            ; DS = 0
        mov     [es:0x20], ebx          ; ES = 0x1000
        o32 lgdt [0x610]                ; through DS = 0
        mov     eax, cr0
        and     al, 0xFE
        mov     cr0, eax
        jmp     0xF000:.rm
.rm:
        mov     eax, ebx
        CHECK_EAX 0x600DCAFE, 1, "load through DS = 0 with PE set"
        mov     eax, [es:0x20]
        CHECK_EAX 0x600DCAFE, 2, "store through ES with PE set"
        jmp     guest_pass

        GUEST_END
