; guest-smp-lock: two CPUs update shared counters at the same time with
; LOCKed instructions and must lose nothing.
; emu-args: -smp 2
;
; The BSP starts the AP (INIT, STARTUP, STARTUP) and both run the same
; loop ITER times: LOCK XADD, LOCK INC, LOCK ADD, LOCK SUB, LOCK BTS/BTR
; around a bit, a LOCK CMPXCHG retry loop, a LOCK CMPXCHG8B retry loop
; (with a carry into the high half) and a spinlock taken with XCHG
; (locked without the prefix) around a plain load, increment and store.
; The BSP waits for the AP's "done" and checks every total exactly.  Under
; the translator's turn-taking this passes as long as the instructions are
; right; with vCPUs running in parallel it needs them to be host atomics
; (accel/tcg/atomic.c).

%define GUEST_NAME "guest-smp-lock"
%include "guest.inc"
%include "smp.inc"

%define TRAMP           0x8000          ; STARTUP vector 0x08
%define ITER            200000

%define c_xadd          0x0600          ; dword
%define c_inc           0x0604
%define c_add           0x0608          ; += 3
%define c_sub           0x060C          ; -= 1
%define c_cas           0x0610          ; CMPXCHG loop
%define c_plain         0x0614          ; under the spinlock
%define spin_b          0x0618          ; byte: the spinlock
%define c_bits          0x061C          ; dword: BTS/BTR bit 0 / bit 1
%define c_bad           0x0620          ; dword: a BTS found its bit set
%define ap_done         0x0624          ; dword
%define c_q             0x0628          ; qword: CMPXCHG8B loop
%define Q_START_LO      0xFFFFFF00

; The AP's first instruction, copied to TRAMP: on to the ROM.
ap_tramp:
        jmp     0xF000:ap_main
ap_tramp_end:

; work: the loop, on either CPU; BP = this CPU's bit number in c_bits
; (its own bit: BTS must find it clear, BTR set).
work:
        mov     esi, ITER
.loop:  mov     eax, 1
        lock xadd [c_xadd], eax
        lock inc dword [c_inc]
        lock add dword [c_add], 3
        lock sub dword [c_sub], 1
        movzx   edx, bp
        lock bts [c_bits], edx
        jnc     .set_ok
        lock inc dword [c_bad]
.set_ok:
        lock btr [c_bits], edx
        jc      .clr_ok
        lock inc dword [c_bad]
.clr_ok:
        ; CMPXCHG: read, add one, retry if someone came in between.
        mov     eax, [c_cas]
.cas:   lea     edx, [eax + 1]
        lock cmpxchg [c_cas], edx
        jnz     .cas
        ; CMPXCHG8B: the same on 64 bits (ECX:EBX new, EDX:EAX old).
        mov     eax, [c_q]
        mov     edx, [c_q + 4]
.cas8:  mov     ebx, eax
        mov     ecx, edx
        add     ebx, 1
        adc     ecx, 0
        lock cmpxchg8b [c_q]
        jnz     .cas8
        ; The spinlock: XCHG is locked without the prefix.
.spin:  mov     al, 1
        xchg    [spin_b], al
        test    al, al
        jz      .got
        pause
        jmp     .spin
.got:   mov     eax, [c_plain]
        inc     eax
        mov     [c_plain], eax
        mov     byte [spin_b], 0
        dec     esi
        jnz     .loop
        ret

ap_main:
        cli
        xor     ax, ax
        mov     ds, ax
        mov     ss, ax
        mov     sp, 0x9800
        mov     bp, 1
        call    work
        lock inc dword [ap_done]
.idle:  hlt
        jmp     .idle

main:
        call    ivt_init
        call    unreal_fs
        xor     eax, eax
        mov     di, c_xadd
        mov     cx, (c_q + 8 - c_xadd) / 4
.clr:   mov     [di], eax
        add     di, 4
        loop    .clr
        mov     dword [c_q], Q_START_LO

        push    ds
        push    es
        mov     ax, cs
        mov     ds, ax
        mov     ax, TRAMP >> 4
        mov     es, ax
        mov     si, ap_tramp
        xor     di, di
        mov     cx, ap_tramp_end - ap_tramp
        cld
        rep movsb
        pop     es
        pop     ds

        SEND_IPI 0, 0x000C4500
        mov     ecx, 20000
        call    spin
        SEND_IPI 0, 0x000C4600 | (TRAMP >> 12)
        mov     ecx, 2000
        call    spin
        SEND_IPI 0, 0x000C4600 | (TRAMP >> 12)

        xor     bp, bp
        call    work

        ; Wait for the AP (the runner's timeout catches one that never
        ; finishes).
.wait:  cmp     dword [ap_done], 1
        je      .done
        pause
        in      al, 0x80
        jmp     .wait
.done:
        mov     eax, [c_xadd]
        CHECK_EAX 2 * ITER, 1, "LOCK XADD total"
        mov     eax, [c_inc]
        CHECK_EAX 2 * ITER, 2, "LOCK INC total"
        mov     eax, [c_add]
        CHECK_EAX 6 * ITER, 3, "LOCK ADD total"
        mov     eax, [c_sub]
        CHECK_EAX -2 * ITER, 4, "LOCK SUB total"
        mov     eax, [c_cas]
        CHECK_EAX 2 * ITER, 5, "LOCK CMPXCHG loop total"
        mov     eax, [c_plain]
        CHECK_EAX 2 * ITER, 6, "XCHG spinlock: increments lost"
        mov     eax, [c_bad]
        CHECK_EAX 0, 7, "LOCK BTS/BTR saw another CPU's change of its bit"
        mov     eax, [c_bits]
        CHECK_EAX 0, 8, "LOCK BTS/BTR bits left"
        mov     eax, [c_q]
        CHECK_EAX (Q_START_LO + 2 * ITER) & 0xFFFFFFFF, 9, "CMPXCHG8B low"
        mov     eax, [c_q + 4]
        CHECK_EAX 1, 10, "CMPXCHG8B high (carry)"
        jmp     guest_pass

        GUEST_END
