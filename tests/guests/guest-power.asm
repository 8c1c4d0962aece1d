; guest-power: power-off, reset and fault paths of the pc machine.
;
; One source, several modes chosen when assembling (nasm -DMODE=MODE_xxx;
; tests/guests/power.sh builds every mode and knows what each must do):
;
;   MODE_CHECK (default; the binary tests/guests/run.sh runs with
;              -no-reboot): nothing here may reset or power off.  Finds the
;              PIIX4 PM function at 00:01.3 through 0xCF8/0xCFC, programs
;              PMBASE (config 0x40) = 0xB001 and PMIOSE (config 0x80 bit 0)
;              as SeaBIOS does, checks that the PM timer counts at that base
;              and that PM1_CNT keeps SLP_TYP without SLP_EN; CMOS RAM byte
;              0x5E (the reset marker) and ELCR2 (0x4D1) read back what was
;              written; 0xCF9 = 0x02 (SRST without RST_CPU) and port 0x92
;              with bit 0 clear do not reset.
;   MODE_S5    ACPI soft-off: PM1_CNT (PMBASE + 4) = SLP_EN | SLP_TYP 0 (the
;              S5 type in QEMU's DSDT).  emu must exit with status 0 at once:
;              the guest prints "AFTER" right after the write.
;   MODE_CF9 / MODE_KBD / MODE_P92 / MODE_TRIPLE: reset the machine through
;              0xCF9 = 0x06, the 8042 command 0xFE, port 0x92 bit 0 going
;              0 -> 1, or a triple fault (protected mode, IDT limit 0, UD2).
;   MODE_CF9_NOOP  the control for the reset modes: 0xCF9 = 0x02, which must
;              not reset, so the guest reports "no reset" (status 35).
;
; Second-boot detection: before resetting, the guest writes MAGIC to CMOS
; RAM byte 0x5E (unused by SeaBIOS and the board; RTC RAM survives a reset)
; and sets ELCR2 to 0x0E.  A boot that finds MAGIC is the second one: it
; clears the marker, checks that the reset did reach the devices (ELCR2 is
; 0 again) and passes.  A first boot whose reset does not happen prints
; "AFTER" and, after a while, "no reset", and exits with status 35.

%define GUEST_NAME "guest-power"
%include "guest.inc"

%define MODE_CHECK      0
%define MODE_S5         1
%define MODE_CF9        2
%define MODE_CF9_NOOP   3
%define MODE_KBD        4
%define MODE_P92        5
%define MODE_TRIPLE     6
%ifndef MODE
%define MODE MODE_CHECK
%endif

%define CMOS_MARK       0x5E
%define MAGIC           0xA5
%define ELCR2           0x4D1
%define ELCR2_TEST      0x0E            ; IRQ 9-11 level; bits 0 and 5 are fixed 0
%define NORESET_CODE    0x11            ; status 35: the reset did not happen

%define PM_DEVFN_ADDR   (0x80000000 | (1 << 11) | (3 << 8))   ; 00:01.3
%define PIIX4_PM_ID     0x71138086
%define PM_BASE         0xB000
%define PM1_CNT         (PM_BASE + 4)
%define PM_TMR          (PM_BASE + 8)
%define SLP_EN          (1 << 13)
%define SLP_TYP_SHIFT   10

main:
        CMOS_READ CMOS_MARK
        cmp     al, MAGIC
        je      second_boot
%if MODE == MODE_CHECK
        jmp     check_mode
%elif MODE == MODE_S5
        jmp     s5_mode
%else
        jmp     reset_mode
%endif

; ------------------------------------------------------------ helpers

; pci_cfg_addr: AL = register -> EAX = CONFIG_ADDRESS for 00:01.3.
; pci_read32: AL = register -> EAX.  pci_write32: AL = register, ECX = value.
; pci_read8: AL = register -> AL.    pci_write8: AL = register, CL = value.
pci_cfg_addr:
        movzx   eax, al
        and     al, 0xFC
        or      eax, PM_DEVFN_ADDR
        ret

pci_read32:
        push    dx
        call    pci_cfg_addr
        mov     dx, 0xCF8
        out     dx, eax
        mov     dx, 0xCFC
        in      eax, dx
        pop     dx
        ret

pci_write32:
        push    dx
        call    pci_cfg_addr
        mov     dx, 0xCF8
        out     dx, eax
        mov     dx, 0xCFC
        mov     eax, ecx
        out     dx, eax
        pop     dx
        ret

pci_read8:
        push    dx
        push    bx
        mov     bl, al
        call    pci_cfg_addr
        mov     dx, 0xCF8
        out     dx, eax
        mov     dx, 0xCFC
        and     bl, 3
        add     dl, bl
        in      al, dx
        pop     bx
        pop     dx
        ret

pci_write8:
        push    dx
        push    bx
        mov     bl, al
        call    pci_cfg_addr
        mov     dx, 0xCF8
        out     dx, eax
        mov     dx, 0xCFC
        and     bl, 3
        add     dl, bl
        mov     al, cl
        out     dx, al
        pop     bx
        pop     dx
        ret

; pm_setup: find the PIIX4 PM function and enable its I/O block at PM_BASE.
pm_setup:
        mov     al, 0x00
        call    pci_read32
        CHECK_EAX PIIX4_PM_ID, 1, "00:01.3 is not the PIIX4 PM function"
        mov     al, 0x40                ; PMBA
        mov     ecx, PM_BASE | 1
        call    pci_write32
        mov     al, 0x40
        call    pci_read32
        and     eax, 0xFFC1
        CHECK_EAX PM_BASE | 1, 2, "PMBASE read-back"
        mov     al, 0x80                ; PMREGMISC
        call    pci_read8
        or      al, 0x01                ; PMIOSE
        mov     cl, al
        mov     al, 0x80
        call    pci_write8
        mov     al, 0x80
        call    pci_read8
        and     al, 0x01
        CHECK_AL 0x01, 3, "PMIOSE read-back"
        ret

; delay: about 5000 port reads (each one a VM exit under KVM).
delay:
        push    cx
        push    ax
        mov     cx, 5000
.loop:  in      al, 0x61
        loop    .loop
        pop     ax
        pop     cx
        ret

; ------------------------------------------------------------ second boot

second_boot:
        CMOS_WRITE CMOS_MARK, 0
        PRINTLN "INFO ", GUEST_NAME, ": second boot"
%if MODE == MODE_CHECK || MODE == MODE_S5 || MODE == MODE_CF9_NOOP
        FAIL    4, "second boot in a mode that must not reset"
%endif
        mov     dx, ELCR2
        in      al, dx
        CHECK_AL 0x00, 5, "ELCR2 after the reset (devices not reset?)"
        CMOS_READ CMOS_MARK
        CHECK_AL 0x00, 6, "CMOS marker cleared"
        jmp     guest_pass

; ------------------------------------------------------------ MODE_CHECK

%if MODE == MODE_CHECK
check_mode:
        ; CMOS RAM: the marker byte holds what is written (and was not MAGIC).
        CMOS_WRITE CMOS_MARK, 0x3C
        CMOS_READ CMOS_MARK
        CHECK_AL 0x3C, 10, "CMOS byte 0x5E read-back"
        CMOS_WRITE CMOS_MARK, 0
        CMOS_READ CMOS_MARK
        CHECK_AL 0x00, 11, "CMOS byte 0x5E cleared"

        ; ELCR2: the device state a reset must clear.
        mov     dx, ELCR2
        mov     al, ELCR2_TEST
        out     dx, al
        in      al, dx
        CHECK_AL ELCR2_TEST, 12, "ELCR2 read-back"
        xor     al, al
        out     dx, al

        ; PIIX4 PM at PM_BASE: the timer counts, PM1_CNT holds SLP_TYP.
        call    pm_setup
        mov     dx, PM_TMR
        in      eax, dx
        and     eax, 0x00FFFFFF
        mov     ebx, eax
        call    delay
        in      eax, dx
        and     eax, 0x00FFFFFF
        cmp     eax, ebx
        jne     .tmr_ok
        mov     edx, ebx
        FAIL_VAL 13, "PM timer at PMBASE+8 does not count"
.tmr_ok:
        mov     dx, PM1_CNT
        mov     ax, 5 << SLP_TYP_SHIFT  ; SLP_TYP 5, SLP_EN clear: no effect
        out     dx, ax
        PRINTLN "INFO ", GUEST_NAME, ": PM1_CNT written without SLP_EN"
        in      ax, dx
        and     ax, SLP_EN | (7 << SLP_TYP_SHIFT)
        CHECK_AX 5 << SLP_TYP_SHIFT, 14, "PM1_CNT SLP_TYP read-back"
        xor     ax, ax
        out     dx, ax

        ; 0xCF9 with SRST only and port 0x92 with bit 0 clear: no reset.
        mov     dx, 0xCF9
        mov     al, 0x02
        out     dx, al
        in      al, dx
        and     al, 0x06
        CHECK_AL 0x02, 15, "0xCF9 read-back"
        xor     al, al
        out     dx, al
        in      al, 0x92
        test    al, 0x01
        jz      .p92_ok
        movzx   eax, al
        xor     edx, edx
        FAIL_VAL 16, "port 0x92 bit 0 set at boot"
.p92_ok:
        out     0x92, al
        call    delay
        PRINTLN "INFO ", GUEST_NAME, ": no reset from 0xCF9=0x02 or 0x92 bit 0 clear"
        jmp     guest_pass
%endif

; ------------------------------------------------------------ MODE_S5

%if MODE == MODE_S5
s5_mode:
        call    pm_setup
        PRINTLN "INFO ", GUEST_NAME, ": entering S5"
        mov     dx, PM1_CNT
        mov     ax, SLP_EN | (0 << SLP_TYP_SHIFT)
        out     dx, ax
        PRINTLN "AFTER"
        call    delay
        FAIL    20, "still running after the S5 write"
%endif

; ------------------------------------------------------------ reset modes

%if MODE >= MODE_CF9
reset_mode:
        mov     dx, ELCR2
        mov     al, ELCR2_TEST
        out     dx, al
        in      al, dx
        CHECK_AL ELCR2_TEST, 30, "ELCR2 read-back"
        CMOS_WRITE CMOS_MARK, MAGIC
        CMOS_READ CMOS_MARK
        CHECK_AL MAGIC, 31, "CMOS marker read-back"
        PRINT   "INFO ", GUEST_NAME, ": first boot, reset via "
%if MODE == MODE_CF9
        PRINTLN "0xCF9=0x06"
        mov     dx, 0xCF9
        mov     al, 0x06
        out     dx, al
%elif MODE == MODE_CF9_NOOP
        PRINTLN "0xCF9=0x02 (control: must not reset)"
        mov     dx, 0xCF9
        mov     al, 0x02
        out     dx, al
%elif MODE == MODE_KBD
        PRINTLN "8042 command 0xFE"
        mov     cx, 0xFFFF
.ibf:   in      al, 0x64
        test    al, 0x02
        loopnz  .ibf
        mov     al, 0xFE
        out     0x64, al
%elif MODE == MODE_P92
        PRINTLN "port 0x92 bit 0"
        in      al, 0x92
        and     al, 0xFE
        out     0x92, al
        or      al, 0x01
        out     0x92, al
%elif MODE == MODE_TRIPLE
        PRINTLN "triple fault (IDT limit 0, UD2 in protected mode)"
        cli
        o32 lidt [cs:null_idtr]
        o32 lgdt [cs:unreal_gdtr]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     dword 0x10:0xF0000 + .pm32
        bits    32
.pm32:  mov     ax, 0x08
        mov     ds, ax
        mov     ss, ax
        mov     esp, STACK_TOP
        ud2
        ; Not reached if the fault shuts the CPU down: no COM1 code in
        ; 32-bit mode, so leave with the "no reset" status directly.
        mov     dx, DEBUG_EXIT
        mov     al, NORESET_CODE
        out     dx, al
.hang:  hlt
        jmp     .hang
        bits    16
%else
%error "unknown MODE"
%endif
        PRINTLN "AFTER"
        call    delay
        CMOS_WRITE CMOS_MARK, 0
        PRINTLN "INFO ", GUEST_NAME, ": no reset"
        mov     al, NORESET_CODE
        jmp     guest_exit

null_idtr:
        dw      0
        dd      0
%endif

        GUEST_END
