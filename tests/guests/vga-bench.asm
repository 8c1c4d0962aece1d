; vga-bench: the guest of make bench-display (tests/bench/display.sh).
; It redraws whole screens as fast as it can and counts them: first in
; mode 13h (64000 bytes through the 0xA0000 window per frame), and after
; the host sends 'v' on COM1, in VBE 1024x768x32 on the linear
; framebuffer (3 MiB per frame, "unreal" mode for the 32-bit addresses).
; Every frame's colour differs from the last, so every frame dirties the
; whole screen.  Reports on COM1: "B13 <frames, hex>" every 16 frames,
; "BVBE <frames, hex>" every 4; the host times them.  'i' switches to a
; static 80x25 text screen, prints "IDLE" and halts with interrupts on
; (an idle guest), for the host-CPU part of the benchmark.
%define VGA_NAME "vga-bench"
%include "vga.inc"

%define MINFO   0x1400
%define INFO    0x1000

main:
        mov     ax, 0x0013
        int     0x10
        mov     si, msg_start
        call    vga_puts
        xor     ebx, ebx                ; frame counter
        mov     ax, 0xA000
        mov     es, ax
.f13:   mov     eax, ebx
        imul    eax, eax, 0x01010101
        xor     di, di
        mov     cx, 16000
        rep     stosd
        inc     ebx
        test    bl, 15
        jnz     .cmd13
        mov     si, msg_b13
        call    report
.cmd13: call    command
        cmp     al, 'v'
        je      vbe
        cmp     al, 'i'
        je      idle
        jmp     .f13

vbe:    call    set_vbe
        jc      vga_fail
        xor     ebx, ebx
.fv:    mov     eax, ebx
        imul    eax, eax, 0x00010101
        mov     edi, [MINFO + 0x28]     ; LFB
        mov     ecx, 1024 * 768
        a32 rep stosd                   ; ES: 4 GiB limit (unreal)
        inc     ebx
        test    bl, 3
        jnz     .cmdv
        mov     si, msg_bvbe
        call    report
.cmdv:  call    command
        cmp     al, 'i'
        je      idle
        jmp     .fv

idle:   mov     ax, 0x0003
        int     0x10
        mov     ax, 0xB800
        mov     es, ax
        xor     di, di
        mov     si, msg_idle_screen
        mov     ah, 0x1F
.t:     lodsb
        test    al, al
        jz      .shown
        stosw
        jmp     .t
.shown: mov     si, msg_idle
        call    vga_puts
.halt:  sti
        hlt
        jmp     .halt

; command: AL = byte received on COM1, or 0.
command:
        mov     dx, COM1 + 5
        in      al, dx
        test    al, 1
        jz      .none
        mov     dx, COM1
        in      al, dx
        ret
.none:  xor     al, al
        ret

; report SI = prefix: "<prefix> <EBX in hex>\r\n".
report:
        push    es
        call    vga_puts
        mov     cx, 8
        mov     edx, ebx
.d:     rol     edx, 4
        mov     al, dl
        and     al, 15
        add     al, '0'
        cmp     al, '9'
        jbe     .p
        add     al, 'a' - '9' - 1
.p:     call    vga_putc
        loop    .d
        mov     al, 13
        call    vga_putc
        mov     al, 10
        call    vga_putc
        pop     es
        ret

; set_vbe: VBE 1024x768x32 with the LFB through the BIOS (mode info at
; MINFO), then ES and FS with 4 GiB limits.  CF on failure, AL = reason.
set_vbe:
        xor     ax, ax
        mov     es, ax
        mov     dword [INFO], 'VBE2'
        mov     di, INFO
        mov     ax, 0x4F00
        int     0x10
        cmp     ax, 0x004F
        mov     al, 'V'
        jne     .fail
        lfs     si, [INFO + 14]
.mode:  mov     cx, [fs:si]
        cmp     cx, 0xFFFF
        mov     al, 'M'
        je      .fail
        add     si, 2
        mov     di, MINFO
        mov     ax, 0x4F01
        push    cx
        int     0x10
        pop     cx
        cmp     ax, 0x004F
        jne     .mode
        cmp     word [MINFO + 0x12], 1024
        jne     .mode
        cmp     word [MINFO + 0x14], 768
        jne     .mode
        cmp     byte [MINFO + 0x19], 32
        jne     .mode
        test    word [MINFO], 0x80
        jz      .mode
        cmp     word [MINFO + 0x10], 4096 ; the fill assumes no padding
        mov     al, 'P'
        jne     .fail
        mov     bx, cx
        or      bx, 0x4000
        mov     ax, 0x4F02
        int     0x10
        cmp     ax, 0x004F
        mov     al, 'S'
        jne     .fail
        cli
        lgdt    [gdtr]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     $+2
        mov     bx, 8
        mov     es, bx
        mov     fs, bx
        and     al, 0xFE
        mov     cr0, eax
        jmp     $+2
        xor     ax, ax
        mov     es, ax
        mov     fs, ax
        sti
        clc
        ret
.fail:  stc
        ret

        align 8
gdt:    dq      0
        dq      0x00CF92000000FFFF
gdtr:   dw      gdtr - gdt - 1
        dd      gdt

msg_start:      db "BSTART", 13, 10, 0
msg_b13:        db "B13 ", 0
msg_bvbe:       db "BVBE ", 0
msg_idle:       db "IDLE", 13, 10, 0
msg_idle_screen: db "emu display benchmark: the guest idles at this static text screen", 0

        VGA_END
