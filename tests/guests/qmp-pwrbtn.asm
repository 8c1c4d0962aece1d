; qmp-pwrbtn: the ACPI power button as QMP's system_powerdown presses it.
; Not a self-running guest (run.sh takes guest-*.asm only):
; tests/functional/test-qmp.py boots it, waits for "READY" on COM1, sends
; system_powerdown and expects "PASS qmp-pwrbtn" and status 33.
;
; The guest enables the PIIX4 PM I/O block at PM_BASE (PMBA, config 0x40,
; and PMIOSE, config 0x80 bit 0, as SeaBIOS does) and PWRBTN_EN in PM1_EN
; (PM_BASE + 2, bit 8; the status bit is only latched while enabled, ACPI
; 4.7.2.2.1.1), checks that PWRBTN_STS (PM1_STS = PM_BASE, bit 8) is clear,
; says READY and polls until the press sets it.  Then it clears the bit
; (write 1 to clear), checks that it reads 0 again, prints PASS and does
; what an OS does on the power button: ACPI S5 (PM1_CNT = SLP_EN, SLP_TYP
; 0, the S5 type of QEMU's DSDT), so emu powers off (or, with
; -no-shutdown, stops).

%define GUEST_NAME "qmp-pwrbtn"
%include "guest.inc"

%define PM_DEVFN_ADDR   (0x80000000 | (1 << 11) | (3 << 8))   ; 00:01.3
%define PM_BASE         0xB000
%define PM1_STS         PM_BASE
%define PM1_EN          (PM_BASE + 2)
%define PM1_CNT         (PM_BASE + 4)
%define PWRBTN          0x0100
%define SLP_EN          (1 << 13)

main:
        mov     dx, 0xCF8
        mov     eax, PM_DEVFN_ADDR | 0x40       ; PMBA
        out     dx, eax
        mov     dx, 0xCFC
        mov     eax, PM_BASE | 1
        out     dx, eax
        mov     dx, 0xCF8
        mov     eax, PM_DEVFN_ADDR | 0x80       ; PMREGMISC
        out     dx, eax
        mov     dx, 0xCFC
        mov     al, 0x01                        ; PMIOSE
        out     dx, al

        mov     dx, PM1_EN
        mov     ax, PWRBTN
        out     dx, ax
        mov     dx, PM1_STS
        in      ax, dx
        test    ax, PWRBTN
        jz      .clear
        FAIL    1, "PWRBTN_STS set before the button was pressed"
.clear:
        PRINTLN "READY"
        mov     dx, PM1_STS
.wait:  in      ax, dx
        test    ax, PWRBTN
        jz      .wait
        PRINTLN "INFO qmp-pwrbtn: PWRBTN_STS set"
        mov     ax, PWRBTN                      ; write 1 to clear
        out     dx, ax
        in      ax, dx
        test    ax, PWRBTN
        jz      .done
        FAIL    2, "PWRBTN_STS did not clear"
.done:
        PRINT   "PASS "
        PRINTLN GUEST_NAME
        mov     dx, PM1_CNT
        mov     ax, SLP_EN
        out     dx, ax
.off:   hlt
        jmp     .off

        GUEST_END
