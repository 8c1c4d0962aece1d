; guest-smp: start the application processors the way an OS does (INIT,
; STARTUP, STARTUP through the local APIC's ICR) and check they run.
; emu-args: -smp 3
;
; Checks: the BSP is the BSP in IA32_APIC_BASE; each AP starts in real
; mode at the STARTUP vector's page, sees itself as not the BSP with its
; own APIC ID (CPUID and the APIC's ID register agree), and bumps a counter
; with LOCK XADD; both APs arrive, with distinct IDs; a second STARTUP to a
; running AP is ignored; an IPI from the BSP to AP 2 (fixed, physical
; destination) reaches its handler on that AP only.

%define GUEST_NAME "guest-smp"
%include "guest.inc"
%include "smp.inc"

%define TRAMP           0x8000          ; STARTUP vector 0x08
%define ap_count        0x0600          ; dword: APs that arrived
%define ap_ids          0x0604          ; byte per AP slot: APIC ID + 1
%define ap_bad          0x0610          ; dword: an AP saw something wrong
%define ap2_ipis        0x0614          ; dword: IPIs AP 2 took
%define ap_other_ipis   0x0618          ; dword: IPIs some other CPU took
%define V_AP            0x58

%macro APIC_W 2
        mov     dword [dword fs:APIC + %1], %2
%endmacro
%macro APIC_R 1
        mov     eax, [dword fs:APIC + %1]
%endmacro

; The AP's code, copied to TRAMP.  Runs with CS = 0x0800, IP = 0.
ap_code:
        cli
        xor     ax, ax
        mov     ds, ax
        mov     ss, ax
        ; A stack of its own: 0x9000 + 0x400 * (APIC ID)
        mov     eax, 1
        cpuid
        shr     ebx, 24                 ; initial APIC ID
        mov     esi, ebx
        shl     bx, 10
        add     bx, 0x9400
        mov     sp, bx
        mov     ecx, 0x1B
        rdmsr
        test    eax, 1 << 8
        jz      .notbsp
        lock inc dword [ap_bad]         ; an AP must not be the BSP
.notbsp:
        ; The APIC ID register says the same as CPUID (FS from the BSP's
        ; unreal set-up is not ours: read through a 32-bit address with a
        ; flat segment we make ourselves).
        call    0xF000:unreal_fs_far
        mov     eax, [dword fs:APIC + 0x20]
        shr     eax, 24
        cmp     eax, esi
        je      .idok
        lock inc dword [ap_bad]
.idok:  mov     dword [dword fs:APIC + 0xF0], 0x1FF     ; software-enable
        mov     eax, 1
        lock xadd [ap_count], eax
        mov     ebx, esi
        inc     bl
        mov     [ap_ids + eax], bl
        sti
.idle:  hlt
        jmp     .idle
ap_code_end:

; unreal_fs for code outside the ROM's segment.
unreal_fs_far:
        call    unreal_fs
        retf

; The IPI handler (on whichever CPU takes it).
ap_isr:
        push    eax
        push    esi
        mov     eax, [dword fs:APIC + 0x20]
        shr     eax, 24
        cmp     eax, 2
        jne     .other
        lock inc dword [ap2_ipis]
        jmp     .eoi
.other: lock inc dword [ap_other_ipis]
.eoi:   mov     dword [dword fs:APIC + 0xB0], 0
        pop     esi
        pop     eax
        iret

; wait_count: until [ap_count] >= BL or about a second of spinning.
wait_count:
        mov     ecx, 3000000
.w:     cmp     byte [ap_count], bl
        jae     .ok
        pause
        in      al, 0x80
        dec     ecx
        jnz     .w
.ok:    ret

main:
        call    ivt_init
        call    unreal_fs
        SET_VECTOR V_AP, ap_isr
        xor     eax, eax
        mov     [ap_count], eax
        mov     [ap_ids], eax
        mov     [ap_bad], eax
        mov     [ap2_ipis], eax
        mov     [ap_other_ipis], eax

        mov     ecx, 0x1B
        rdmsr
        and     eax, 1 << 8
        CHECK_EAX 1 << 8, 1, "CPU 0 is not the BSP"

        ; Copy the AP code to TRAMP (ES:DI from CS:SI).
        push    ds
        push    es
        mov     ax, cs
        mov     ds, ax
        mov     ax, TRAMP >> 4
        mov     es, ax
        mov     si, ap_code
        xor     di, di
        mov     cx, ap_code_end - ap_code
        cld
        rep movsb
        pop     es
        pop     ds

        ; INIT, then STARTUP twice, to all but self (as Linux's and
        ; SeaBIOS's bring-up does).
        SEND_IPI 0, 0x000C4500
        mov     ecx, 20000
        call    spin
        SEND_IPI 0, 0x000C4600 | (TRAMP >> 12)
        mov     ecx, 2000
        call    spin
        SEND_IPI 0, 0x000C4600 | (TRAMP >> 12)

        mov     bl, 2
        call    wait_count
        mov     eax, [ap_count]
        CHECK_EAX 2, 2, "APs that arrived"
        mov     eax, [ap_bad]
        CHECK_EAX 0, 3, "an AP saw itself as BSP or with a wrong ID"
        ; IDs 1 and 2, in either order: their sum is 2 + 3 (ID + 1 each).
        movzx   eax, byte [ap_ids]
        movzx   edx, byte [ap_ids + 1]
        add     eax, edx
        CHECK_EAX 5, 4, "AP IDs are not 1 and 2"

        ; A STARTUP to running APs changes nothing.
        SEND_IPI 0, 0x000C4600 | (TRAMP >> 12)
        mov     ecx, 200000
        call    spin
        mov     eax, [ap_count]
        CHECK_EAX 2, 5, "a second STARTUP restarted an AP"

        ; A fixed IPI to APIC ID 2 only.
        SEND_IPI 2, V_AP
        mov     ecx, 3000000
.w2:    cmp     dword [ap2_ipis], 0
        jne     .got
        pause
        dec     ecx
        jnz     .w2
.got:   mov     ecx, 20000
        call    spin
        mov     eax, [ap2_ipis]
        CHECK_EAX 1, 6, "IPI to APIC ID 2 taken once by it"
        mov     eax, [ap_other_ipis]
        CHECK_EAX 0, 7, "IPI to APIC ID 2 taken elsewhere"
        jmp     guest_pass

        GUEST_END
