; guest-pci: PCI configuration mechanism #1 (0xCF8/0xCFC) on the i440FX
; host bridge, scanning bus 0 as a BIOS/OS would.
;
; Checks: CONFIG_ADDRESS read-back; bus 0 holds 8086:1237 (host bridge,
; class 0600) at 00.0, 8086:7000 (ISA bridge, class 0601, multi-function)
; at 01.0 and 8086:7113 (PIIX4 ACPI, class 0680) at 01.3; 16- and 8-bit
; reads of CONFIG_DATA; PIIX3 PIRQ routing registers reset to 0x80
; (disabled); the i440FX PAM1 register turns 0xC0000 into RAM and back;
; every implemented BAR on bus 0 sizes to a power of two (memory decoding
; off while sizing, values restored); the PIIX4 PM I/O base (01.3, 0x40),
; present even on a board without any standard BAR, has bits 15:6
; writable and the I/O indicator bit 0 set (the datasheet has the other
; bits read-only zero; QEMU leaves them writable, so they are not checked).

%define GUEST_NAME "guest-pci"
%include "guest.inc"

%define found           0x0600          ; byte: bit0 00.0, bit1 01.0, bit2 01.3
%define bars_sized      0x0601          ; word
%define cur_addr        0x0604          ; dword: address of function being scanned
%define cur_hdr         0x0608          ; byte: header type

%define PCI_ADDR(dev, fn, reg) (0x80000000 | ((dev) << 11) | ((fn) << 8) | (reg))

; pci_read: EAX = config address -> EAX = dword.
pci_read:
        push    dx
        mov     dx, 0xCF8
        out     dx, eax
        mov     dx, 0xCFC
        in      eax, dx
        pop     dx
        ret

; pci_write: EAX = config address, ECX = dword.
pci_write:
        push    dx
        push    eax
        mov     dx, 0xCF8
        out     dx, eax
        mov     dx, 0xCFC
        mov     eax, ecx
        out     dx, eax
        pop     eax
        pop     dx
        ret

; print_bdf: EAX = config address; prints "dd.f".
print_bdf:
        push    eax
        push    eax
        shr     eax, 11
        and     al, 0x1F
        call    put_hex8
        mov     al, '.'
        call    putc
        pop     eax
        shr     eax, 8
        and     al, 0x07
        call    put_hex4
        pop     eax
        ret

; size_bars: size BAR0-5 of the type-0 function at [cur_addr].
size_bars:
        pushad
        ; Command register: turn decoding off while BARs hold all-ones.
        mov     eax, [cur_addr]
        or      al, 0x04
        call    pci_read
        mov     edi, eax                ; original command/status
        mov     ecx, eax
        and     ecx, 0x0000FFFC
        mov     eax, [cur_addr]
        or      al, 0x04
        call    pci_write
        mov     bl, 0x10
.bar:   mov     eax, [cur_addr]
        or      al, bl
        call    pci_read
        mov     esi, eax                ; original BAR value
        mov     eax, [cur_addr]
        or      al, bl
        mov     ecx, 0xFFFFFFFF
        call    pci_write
        call    pci_read
        mov     ebp, eax                ; size mask
        mov     ecx, esi
        mov     eax, [cur_addr]
        or      al, bl
        call    pci_write               ; restore
        test    ebp, ebp
        jz      .next
        PRINT   "INFO ", GUEST_NAME, ": "
        mov     eax, [cur_addr]
        call    print_bdf
        PRINT   " BAR"
        mov     al, bl
        sub     al, 0x10
        shr     al, 2
        call    put_hex4
        test    ebp, 1
        jz      .mem
        PRINT   " io size "
        mov     eax, ebp
        or      eax, 0xFFFF0000
        and     eax, ~3
        neg     eax
        mov     ecx, 4                  ; minimum I/O size
        jmp     .check
.mem:   PRINT   " mem size "
        mov     eax, ebp
        and     eax, ~0xF
        neg     eax
        mov     ecx, 16
        test    ebp, 0x4                ; 64-bit BAR: skip its upper half
        jz      .check
        add     bl, 4
.check: call    put_hex32
        call    newline
        cmp     eax, ecx
        jae     .big
        mov     edx, ecx
        FAIL_VAL 20, "BAR smaller than the minimum"
.big:   mov     edx, eax
        dec     edx
        test    edx, eax
        jz      .pow2
        xor     edx, edx
        FAIL_VAL 21, "BAR size not a power of two"
.pow2:  inc     word [bars_sized]
.next:  add     bl, 4
        cmp     bl, 0x28
        jb      .bar
        mov     ecx, edi
        and     ecx, 0x0000FFFF
        mov     eax, [cur_addr]
        or      al, 0x04
        call    pci_write
        popad
        ret

; visit: the function at [cur_addr] exists (EAX = vendor/device).
visit:
        push    eax
        PRINT   "INFO ", GUEST_NAME, ": "
        mov     eax, [cur_addr]
        call    print_bdf
        call    space
        pop     eax
        push    eax
        call    put_hex16               ; vendor
        mov     al, ':'
        call    putc
        pop     eax
        push    eax
        shr     eax, 16
        call    put_hex16               ; device
        PRINT   " class "
        mov     eax, [cur_addr]
        or      al, 0x08
        call    pci_read
        shr     eax, 16
        mov     bp, ax                  ; class/subclass
        call    put_hex16
        call    newline
        pop     eax
        ; Expected functions.
        mov     ebx, [cur_addr]
        cmp     ebx, PCI_ADDR(0, 0, 0)
        jne     .not00
        CHECK_EAX 0x12378086, 3, "00.0 vendor:device (want i440FX 8086:1237)"
        mov     ax, bp
        CHECK_AX 0x0600, 4, "00.0 class (host bridge)"
        or      byte [found], 1
.not00: cmp     ebx, PCI_ADDR(1, 0, 0)
        jne     .not10
        CHECK_EAX 0x70008086, 5, "01.0 vendor:device (want PIIX3 8086:7000)"
        mov     ax, bp
        CHECK_AX 0x0601, 6, "01.0 class (ISA bridge)"
        mov     al, [cur_hdr]
        and     al, 0x80
        CHECK_AL 0x80, 7, "01.0 header type multi-function bit"
        or      byte [found], 2
.not10: cmp     ebx, PCI_ADDR(1, 3, 0)
        jne     .not13
        CHECK_EAX 0x71138086, 8, "01.3 vendor:device (want PIIX4 ACPI 8086:7113)"
        mov     ax, bp
        CHECK_AX 0x0680, 9, "01.3 class (bridge/other)"
        or      byte [found], 4
.not13: mov     al, [cur_hdr]
        and     al, 0x7F
        jnz     .done
        call    size_bars
.done:  ret

main:
        mov     byte [found], 0
        mov     word [bars_sized], 0

        ; CONFIG_ADDRESS is a read/write register.
        mov     dx, 0xCF8
        mov     eax, 0x80000000
        out     dx, eax
        in      eax, dx
        CHECK_EAX 0x80000000, 1, "CONFIG_ADDRESS read-back"

        ; Scan bus 0.
        xor     esi, esi                ; device << 11 | function << 8
.scan:  mov     eax, esi
        or      eax, 0x80000000
        mov     [cur_addr], eax
        call    pci_read
        cmp     ax, 0xFFFF
        je      .absent
        push    eax
        mov     eax, [cur_addr]
        or      al, 0x0C
        call    pci_read
        shr     eax, 16
        mov     [cur_hdr], al
        pop     eax
        call    visit
        jmp     .nextfn
.absent:
        test    esi, 0x700              ; function 0 absent: skip the device
        jz      .nextdev
.nextfn:
        test    esi, 0x700
        jnz     .fn_more
        test    byte [cur_hdr], 0x80    ; function 0: multi-function?
        jz      .nextdev
.fn_more:
        add     esi, 0x100
        test    esi, 0x700
        jnz     .scan
        jmp     .scan_next
.nextdev:
        and     esi, ~0x7FF
        add     esi, 0x800
.scan_next:
        mov     byte [cur_hdr], 0
        cmp     esi, 32 << 11
        jb      .scan

        movzx   eax, byte [found]
        CHECK_EAX 7, 2, "required functions found (bits: 00.0, 01.0, 01.3)"

        ; Narrow reads of CONFIG_DATA.
        mov     dx, 0xCF8
        mov     eax, PCI_ADDR(0, 0, 0)
        out     dx, eax
        mov     dx, 0xCFE
        in      ax, dx
        CHECK_AX 0x1237, 10, "16-bit read of 00.0 device id at 0xCFE"
        mov     dx, 0xCFF
        in      al, dx
        CHECK_AL 0x12, 11, "8-bit read of 00.0 at 0xCFF"
        mov     dx, 0xCFC
        in      al, dx
        CHECK_AL 0x86, 12, "8-bit read of 00.0 at 0xCFC"

        ; PIIX3 PIRQ routing: all disabled out of reset.
        mov     eax, PCI_ADDR(1, 0, 0x60)
        call    pci_read
        CHECK_EAX 0x80808080, 13, "PIIX3 PIRQRC[A-D] reset value"

        ; PAM1 (0x5A): 0xC0000-0xC7FFF RAM read/write, then back to ROM/PCI.
        mov     eax, PCI_ADDR(0, 0, 0x58)
        call    pci_read
        mov     edi, eax                ; PAM bytes 0x58-0x5B
        mov     ecx, eax
        and     ecx, 0xFF00FFFF
        or      ecx, 0x00330000
        mov     eax, PCI_ADDR(0, 0, 0x58)
        call    pci_write
        call    pci_read
        shr     eax, 16
        CHECK_AL 0x33, 14, "PAM1 read-back"
        push    es
        mov     ax, 0xC000
        mov     es, ax
        mov     dword [es:0], 0x5AA55AA5
        cmp     dword [es:0], 0x5AA55AA5
        pop     es
        je      .ram_ok
        FAIL    15, "0xC0000 not writable with PAM1 = 0x33"
.ram_ok:
        mov     eax, PCI_ADDR(0, 0, 0x58)
        mov     ecx, edi
        and     ecx, 0xFF00FFFF
        call    pci_write
        push    es
        mov     ax, 0xC000
        mov     es, ax
        mov     dword [es:0], 0x12345678
        mov     eax, [es:0]
        pop     es
        cmp     eax, 0x12345678
        jne     .rom_ok
        FAIL    16, "0xC0000 still RAM with PAM1 = 0x00"
.rom_ok:
        mov     eax, PCI_ADDR(0, 0, 0x58)
        mov     ecx, edi
        and     ecx, 0xFF00FFFF
        or      ecx, 0x00330000
        call    pci_write
        push    es
        mov     ax, 0xC000
        mov     es, ax
        mov     eax, [es:0]
        pop     es
        CHECK_EAX 0x5AA55AA5, 17, "shadow RAM content kept under PAM1 = 0x00"
        mov     eax, PCI_ADDR(0, 0, 0x58)
        mov     ecx, edi
        call    pci_write

        ; PIIX4 PM I/O base sizes like an I/O BAR: bits 15:6, bit 0 = 1.
        mov     eax, PCI_ADDR(1, 3, 0x40)
        call    pci_read
        mov     edi, eax
        mov     ecx, 0xFFFFFFFF
        mov     eax, PCI_ADDR(1, 3, 0x40)
        call    pci_write
        call    pci_read
        mov     ecx, edi
        push    eax
        mov     eax, PCI_ADDR(1, 3, 0x40)
        call    pci_write
        pop     eax
        PRINT   "INFO ", GUEST_NAME, ": 01.3 PMBA after writing ones "
        call    put_hex32
        call    newline
        and     eax, 0x0000FFC1
        CHECK_EAX 0x0000FFC1, 18, "PIIX4 PMBA bits 15:6 writable, bit 0 set"

        PRINT   "INFO ", GUEST_NAME, ": BARs sized: "
        movzx   eax, word [bars_sized]
        call    put_dec
        call    newline
        movzx   eax, word [unexpected_irqs]
        CHECK_EAX 0, 19, "unexpected interrupts"
        jmp     guest_pass

        GUEST_END
