; guest-smp-smc: cross-modifying code.  The AP calls a routine over and
; over, serializing (CPUID) between calls; the BSP rewrites the routine's
; immediate and waits for the AP to return the new value.  With the vCPUs
; on their own host threads (-accel tcg, thread=multi, the default) the
; AP runs its translated copy of the routine while the BSP stores into
; it: the store must drop that translation (and the chained jump into it)
; on the other thread.
; emu-args: -smp 2
;
; Checks: the AP runs the routine as first written; each of 200 rewrites
; (a plain store of a new immediate) is seen by the AP after its next
; CPUID; the BSP had written to the routine's page before the AP
; translated it (so its TLB held a fast write entry, which the AP's
; translation must have made slow); the AP never returns a value that was
; not written (a torn or stale-then-new mix).

%define GUEST_NAME "guest-smp-smc"
%include "guest.inc"
%include "smp.inc"

%define TRAMP           0x8000          ; STARTUP vector 0x08
%define ROUTINE         0x6000          ; far 0000:6000 (its own page)
%define ROUTINE_DATA    0x6800          ; data on the routine's page
%define ap_count        0x0600          ; dword: APs that arrived
%define ap_seen         0x0604          ; dword: the routine's last result
%define ap_iter         0x0608          ; dword: calls the AP made
%define ap_bad          0x060C          ; dword: a result never written
%define ROUNDS          200
%define WAIT            10000000        ; spins before giving up

; The AP's code, copied to TRAMP.  Runs with CS = 0x0800, IP = 0.
ap_code:
        cli
        xor     ax, ax
        mov     ds, ax
        mov     ss, ax
        mov     sp, 0x9800
        lock inc dword [ap_count]
.loop:  call    0x0000:ROUTINE
        ; Every value the BSP writes is 0x1111 or 0x5A000000 + round.
        cmp     eax, 0x1111
        je      .ok
        mov     edx, eax
        and     edx, 0xFFFF0000
        cmp     edx, 0x5A000000
        je      .ok
        lock inc dword [ap_bad]
.ok:    mov     [ap_seen], eax
        inc     dword [ap_iter]
        xor     eax, eax
        cpuid                           ; serializing: sees new code
        jmp     .loop
ap_code_end:

; The routine, copied to ROUTINE: mov eax, imm32; retf.
routine:
        mov     eax, 0x1111
        retf
routine_end:
%define IMM     (ROUTINE + 2)           ; 66 B8 imm32

; wait_seen: until [ap_seen] == EBX; ZF set if it came.
wait_seen:
        mov     ecx, WAIT
.w:     cmp     [ap_seen], ebx
        je      .ok
        pause
        dec     ecx
        jnz     .w
        or      ecx, 1                  ; ZF clear: timed out
.ok:    ret

main:
        call    ivt_init
        call    unreal_fs
        xor     eax, eax
        mov     [ap_count], eax
        mov     [ap_seen], eax
        mov     [ap_iter], eax
        mov     [ap_bad], eax

        ; Copy the AP code and the routine (DS:SI from CS).
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
        xor     ax, ax
        mov     es, ax
        mov     si, routine
        mov     di, ROUTINE
        mov     cx, routine_end - routine
        rep movsb
        pop     es
        pop     ds
        ; A store onto the routine's page before any code there is
        ; translated: the BSP's TLB gets a fast write entry for it.
        mov     dword [ROUTINE_DATA], 0

        SEND_IPI 0, 0x000C4500
        mov     ecx, 20000
        call    spin
        SEND_IPI 0, 0x000C4600 | (TRAMP >> 12)

        ; The AP runs the routine as written.
        mov     ebx, 0x1111
        call    wait_seen
        mov     eax, [ap_seen]
        CHECK_EAX 0x1111, 1, "the AP's first result"
        ; ...many times (its translation is in use and chained).
        mov     ecx, WAIT
.many:  cmp     dword [ap_iter], 1000
        jae     .ran
        pause
        dec     ecx
        jnz     .many
.ran:   mov     eax, [ap_iter]
        cmp     eax, 1000
        jae     .runs
        FAIL_VAL 2, "the AP stopped calling the routine"
.runs:
        ; Rewrite the immediate, round after round.
        mov     ebx, 0x5A000000
.round: inc     ebx
        mov     [ROUTINE_DATA], ebx     ; the page's data too: no effect
        mov     [IMM], ebx
        call    wait_seen
        jz      .seen
        mov     eax, [ap_seen]
        mov     edx, ebx
        jmp     .stale
.seen:  cmp     ebx, 0x5A000000 + ROUNDS
        jb      .round
        mov     eax, [ap_bad]
        CHECK_EAX 0, 4, "the AP returned a value never written"
        jmp     guest_pass
.stale: FAIL_VAL 3, "the AP kept running the routine's old code"

        GUEST_END
