; guest-apic: the local APIC, the I/O APIC and the HPET as an OS drives
; them, from real mode with a 4 GiB FS (unreal mode).
;
; Checks: CPUID and IA32_APIC_BASE claim an enabled APIC at 0xFEE00000 on
; the BSP; the ID, version and the LVT after guest_start's virtual-wire
; set-up; a self IPI arrives with its ISR bit set and EOI clears it; TPR
; holds back a vector of its class until lowered; the timer in one-shot
; mode fires once and its current count runs down, in periodic mode fires
; again and again; the I/O APIC's version (24 entries) and a redirection
; entry read back; the PIT through the I/O APIC's pin 2 (8259 masked); the
; HPET's capabilities (vendor 8086, 3 timers, legacy capable, 10 ns) and
; its main counter; HPET timer 0 in legacy replacement mode through pin 2;
; no unexpected vectors.

%define GUEST_NAME "guest-apic"
%include "guest.inc"

%define APIC            0xFEE00000
%define IOAPIC          0xFEC00000
%define HPET            0xFED00000

%define V_IPI           0x45            ; class 4
%define V_TIMER         0x51            ; class 5
%define V_PIN2          0x62

%define cnt_ipi         0x0600          ; dword counters (handlers)
%define cnt_timer       0x0604
%define cnt_pin2        0x0608
%define isr_seen        0x060C          ; ISR dword of vector V_IPI's bank

; APIC_W reg, value / APIC_R reg -> EAX
%macro APIC_W 2
        mov     dword [dword fs:APIC + %1], %2
%endmacro
%macro APIC_R 1
        mov     eax, [dword fs:APIC + %1]
%endmacro
; IOAPIC_W index, value / IOAPIC_R index -> EAX
%macro IOAPIC_W 2
        mov     dword [dword fs:IOAPIC], %1
        mov     dword [dword fs:IOAPIC + 0x10], %2
%endmacro
%macro IOAPIC_R 1
        mov     dword [dword fs:IOAPIC], %1
        mov     eax, [dword fs:IOAPIC + 0x10]
%endmacro

ipi_isr:
        push    eax
        inc     dword [cnt_ipi]
        mov     eax, [dword fs:APIC + 0x120]  ; ISR bits 64-95
        mov     [isr_seen], eax
        mov     dword [dword fs:APIC + 0xB0], 0
        pop     eax
        iret

timer_isr:
        inc     dword [cnt_timer]
        mov     dword [dword fs:APIC + 0xB0], 0
        iret

pin2_isr:
        inc     dword [cnt_pin2]
        mov     dword [dword fs:APIC + 0xB0], 0
        iret

; spin ECX iterations of a port read (a few microseconds each)
spin:
        in      al, 0x80
        dec     ecx
        jnz     spin
        ret

main:
        call    ivt_init
        call    pic_init
        call    unreal_fs
        SET_VECTOR V_IPI, ipi_isr
        SET_VECTOR V_TIMER, timer_isr
        SET_VECTOR V_PIN2, pin2_isr
        xor     eax, eax
        mov     [cnt_ipi], eax
        mov     [cnt_timer], eax
        mov     [cnt_pin2], eax

        ; CPUID.1:EDX.APIC and the base MSR.
        mov     eax, 1
        cpuid
        mov     eax, edx
        and     eax, 1 << 9
        CHECK_EAX 1 << 9, 1, "CPUID does not claim an APIC"
        mov     ecx, 0x1B
        rdmsr
        CHECK_EAX 0xFEE00900, 2, "IA32_APIC_BASE (base, EN, BSP)"

        APIC_R  0x20
        shr     eax, 24
        CHECK_EAX 0, 3, "APIC ID"
        APIC_R  0x30
        and     eax, 0x00FF00FF
        CHECK_EAX 0x00050014, 4, "APIC version (0x14, 6 LVT entries)"
        APIC_R  0xF0
        CHECK_EAX 0x1FF, 5, "SVR after virtual-wire set-up"
        APIC_R  0x350
        and     eax, 0x1FFFF
        CHECK_EAX 0x700, 6, "LVT LINT0: ExtINT"
        APIC_R  0x320
        and     eax, 0x10000
        CHECK_EAX 0x10000, 7, "LVT timer masked out of reset"

        ; Self IPI (fixed, edge, shorthand self).
        APIC_W  0x80, 0
        sti
        APIC_W  0x300, (1 << 18) | V_IPI
        mov     ecx, 1000
        call    spin
        cli
        mov     eax, [cnt_ipi]
        CHECK_EAX 1, 8, "self IPI not delivered once"
        mov     eax, [isr_seen]
        and     eax, 1 << (V_IPI - 64)
        CHECK_EAX 1 << (V_IPI - 64), 9, "ISR bit of the IPI in its handler"
        APIC_R  0x120
        CHECK_EAX 0, 10, "ISR after EOI"

        ; TPR class 4 holds vector 0x45 back; lowering it lets it in.
        APIC_W  0x80, 0x40
        sti
        APIC_W  0x300, (1 << 18) | V_IPI
        mov     ecx, 1000
        call    spin
        mov     eax, [cnt_ipi]
        CHECK_EAX 1, 11, "IPI delivered through TPR 0x40"
        APIC_R  0x220                   ; IRR bits 64-95
        and     eax, 1 << (V_IPI - 64)
        CHECK_EAX 1 << (V_IPI - 64), 12, "IRR bit of the held IPI"
        APIC_W  0x80, 0
        mov     ecx, 1000
        call    spin
        cli
        mov     eax, [cnt_ipi]
        CHECK_EAX 2, 13, "IPI not delivered after TPR lowered"

        ; Timer, one-shot, divide by 1.  The current count first with the
        ; largest initial count (seconds long): a vCPU held off the host
        ; CPU between the write and the reads must not see it at 0.
        APIC_W  0x3E0, 0xB
        APIC_W  0x320, V_TIMER
        APIC_W  0x380, 0xFFFFFFFF
        APIC_R  0x390
        CHECK_RANGE 1, 0xFFFFFFFF, 14, "timer current count out of range"
        mov     ebx, eax
        mov     ecx, 100
        call    spin
        APIC_R  0x390
        cmp     eax, ebx
        jb      .runs
        FAIL_VAL 15, "timer current count does not run down"
.runs:  ; Then 2,000,000 bus clocks (a new initial count restarts it),
        ; and it must fire once.
        APIC_W  0x380, 2000000
        sti
        mov     ecx, 2000000
.w1:    cmp     dword [cnt_timer], 0
        jne     .fired
        in      al, 0x80
        dec     ecx
        jnz     .w1
.fired: mov     ecx, 20000
        call    spin
        cli
        mov     eax, [cnt_timer]
        CHECK_EAX 1, 16, "one-shot timer did not fire exactly once"
        APIC_R  0x390
        CHECK_EAX 0, 17, "current count after one-shot expiry"

        ; Periodic: 100,000 clocks a period, several interrupts.
        mov     dword [cnt_timer], 0
        APIC_W  0x320, (1 << 17) | V_TIMER
        APIC_W  0x380, 100000
        sti
        mov     ecx, 4000000
.w2:    cmp     dword [cnt_timer], 5
        jae     .per
        in      al, 0x80
        dec     ecx
        jnz     .w2
.per:   cli
        APIC_W  0x320, 0x10000 | V_TIMER        ; mask, stop
        APIC_W  0x380, 0
        mov     eax, [cnt_timer]
        CHECK_RANGE 5, 0xFFFF, 18, "periodic timer: too few interrupts"

        ; I/O APIC: version (max redirection entry 23) and an entry.
        IOAPIC_R 1
        shr     eax, 16
        and     eax, 0xFF
        CHECK_EAX 23, 19, "I/O APIC max redirection entry"
        IOAPIC_R 0x10 + 2 * 2
        and     eax, 0x10000
        CHECK_EAX 0x10000, 20, "I/O APIC pin 2 masked out of reset"

        ; PIT (8259 masked) through pin 2: edge, fixed, to APIC 0.
        IOAPIC_W 0x10 + 2 * 2 + 1, 0
        IOAPIC_W 0x10 + 2 * 2, V_PIN2
        IOAPIC_R 0x10 + 2 * 2
        and     eax, 0x1FFFF
        CHECK_EAX V_PIN2, 21, "I/O APIC pin 2 entry read-back"
        mov     al, 0x34                ; PIT channel 0, mode 2, lo/hi
        out     0x43, al
        mov     al, 0x9C                ; 11932: 100 Hz
        out     0x40, al
        mov     al, 0x2E
        out     0x40, al
        sti
        mov     ecx, 4000000
.w3:    cmp     dword [cnt_pin2], 3
        jae     .pit
        in      al, 0x80
        dec     ecx
        jnz     .w3
.pit:   cli
        mov     eax, [cnt_pin2]
        CHECK_RANGE 3, 0xFFFF, 22, "PIT interrupts through I/O APIC pin 2"

        ; HPET: capabilities and the main counter.
        mov     eax, [dword fs:HPET]
        CHECK_EAX 0x8086A201, 23, "HPET capabilities (vendor, timers)"
        mov     eax, [dword fs:HPET + 4]
        CHECK_EAX 10000000, 24, "HPET period (fs)"
        mov     dword [dword fs:HPET + 0x10], 1       ; ENABLE_CNF
        mov     ebx, [dword fs:HPET + 0xF0]
        mov     ecx, 1000
        call    spin
        mov     eax, [dword fs:HPET + 0xF0]
        cmp     eax, ebx
        ja      .hcount
        FAIL_VAL 25, "HPET main counter does not count"
.hcount:
        ; Legacy replacement: HPET timer 0 takes over pin 2 from the PIT.
        ; The PIT goes quiet first (mode 0, no count) and what it left
        ; pending is taken before counting.
        mov     al, 0x30
        out     0x43, al
        sti
        mov     ecx, 1000
        call    spin
        cli
        mov     dword [cnt_pin2], 0
        mov     dword [dword fs:HPET + 0x10], 0       ; stop
        mov     dword [dword fs:HPET + 0xF0], 0
        mov     dword [dword fs:HPET + 0xF4], 0
        ; As Linux: periodic, 32-bit mode, VAL_SET; the first comparator
        ; write sets the comparator, the second (VAL_SET has cleared
        ; itself) the period.
        mov     dword [dword fs:HPET + 0x100], (1 << 2) | (1 << 3) | (1 << 6) | (1 << 8)
        mov     dword [dword fs:HPET + 0x108], 500000 ; 5 ms
        mov     dword [dword fs:HPET + 0x108], 500000 ; period
        mov     dword [dword fs:HPET + 0x10], 3       ; ENABLE_CNF | LEG_RT_CNF
        sti
        mov     ecx, 4000000
.w4:    cmp     dword [cnt_pin2], 3
        jae     .hpet
        in      al, 0x80
        dec     ecx
        jnz     .w4
.hpet:  cli
        mov     dword [dword fs:HPET + 0x10], 0
        mov     eax, [cnt_pin2]
        CHECK_RANGE 3, 0xFFFF, 26, "HPET timer 0 through pin 2"

        mov     ax, [unexpected_irqs]
        CHECK_AX 0, 27, "unexpected vectors"
        jmp     guest_pass

        GUEST_END
