; vga-vbe: VBE 1024x768 at 32 bits per pixel with the linear framebuffer,
; set through the VGA BIOS (INT 10h AX=4F00h mode list, 4F01h mode info,
; 4F02h with bit 14: LFB).  The guest enters "unreal" mode (FS with a
; 4 GiB limit) to write the LFB at the address 4F01h reports, and draws a
; gradient: red = x / 4, green = y / 3, blue = (x + y) / 7 mod 256, plus a
; white frame and a white diagonal.
%define VGA_NAME "vga-vbe"
%include "vga.inc"

%define INFO    0x1000                  ; VbeInfoBlock (512 bytes)
%define MINFO   0x1400                  ; ModeInfoBlock (256 bytes)

main:
        mov     dword [INFO], 'VBE2'
        mov     di, INFO
        mov     ax, 0x4F00
        int     0x10
        cmp     ax, 0x004F
        mov     al, 'V'
        jne     vga_fail
        lfs     si, [INFO + 14]         ; mode list
.mode:  mov     cx, [fs:si]
        cmp     cx, 0xFFFF
        mov     al, 'M'
        je      vga_fail
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
        test    word [MINFO], 0x80      ; LFB available
        jz      .mode
        mov     bx, cx
        or      bx, 0x4000
        mov     ax, 0x4F02
        int     0x10
        cmp     ax, 0x004F
        mov     al, 'S'
        jne     vga_fail

        ; Unreal mode: FS gets a flat 4 GiB data descriptor.
        cli
        lgdt    [gdtr]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     $+2
        mov     bx, 8
        mov     fs, bx
        and     al, 0xFE
        mov     cr0, eax
        jmp     $+2
        xor     ax, ax
        mov     fs, ax
        sti

        mov     edi, [MINFO + 0x28]     ; PhysBasePtr
        movzx   ebp, word [MINFO + 0x10] ; bytes per scan line
        xor     edx, edx                ; y
.row:   push    edi
        xor     ecx, ecx                ; x
.px:    ; red = x / 4
        mov     eax, ecx
        shr     eax, 2
        shl     eax, 16
        mov     ebx, eax
        ; green = y / 3
        mov     eax, edx
        push    edx
        xor     edx, edx
        push    ecx
        mov     ecx, 3
        div     ecx
        pop     ecx
        pop     edx
        shl     eax, 8
        or      ebx, eax
        ; blue = (x + y) / 7 mod 256
        lea     eax, [ecx + edx]
        push    edx
        push    ecx
        xor     edx, edx
        mov     ecx, 7
        div     ecx
        pop     ecx
        pop     edx
        mov     bl, al
        ; white frame and diagonal
        cmp     ecx, edx
        je      .white
        test    ecx, ecx
        jz      .white
        test    edx, edx
        jz      .white
        cmp     ecx, 1023
        je      .white
        cmp     edx, 767
        jne     .put
.white: mov     ebx, 0x00FFFFFF
.put:   mov     [fs:edi + ecx * 4], ebx
        inc     ecx
        cmp     ecx, 1024
        jb      .px
        pop     edi
        add     edi, ebp
        inc     edx
        cmp     edx, 768
        jb      .row
        jmp     vga_done

        align 8
gdt:    dq      0
        dq      0x00CF92000000FFFF      ; data, base 0, limit 4 GiB
gdtr:   dw      gdtr - gdt - 1
        dd      gdt

        VGA_END
