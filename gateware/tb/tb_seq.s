; The program tb_seq.v runs on hil_seq: every instruction, each result
; written to port 0 in an order tb_seq.v knows (its table `want`). Port 1
; reads the next of 0x5a, 0xa5, 0x00 (tb_seq.v counts the reads), port 2
; reads the byte tb_seq.v last wrote into data memory from outside, at HW.
.equ OUT 0
.equ SRC 1
.equ HW 0x1f0
.var a16 2
.var b16 2
.var tab 4
.var t

start:
    ldi 0x34            ; ld/st, immediates
    st a16
    ldi 0x12
    st a16+1
    ldi 0xf0
    st b16
    ldi 0x00
    st b16+1
    ld a16
    out OUT             ; 1: 34
    ; 16-bit add: 0x1234 + 0x00f0 = 0x1324
    ld a16
    add b16
    out OUT             ; 2: 24
    ld a16+1
    adc b16+1
    out OUT             ; 3: 13
    ; 16-bit subtract: 0x1234 - 0x00f0 = 0x1144, borrow out of the low byte
    ld a16
    sub b16
    jnc fail            ; 0x34 < 0xf0: borrow
    out OUT             ; 4: 44
    ld a16+1
    sbc b16+1
    jc fail
    out OUT             ; 5: 11
    ; carry out of ADD
    ldi 0xff
    addi 0x02
    jnc fail
    out OUT             ; 6: 01
    ldi 0x00
    adci 0x00           ; takes the carry
    out OUT             ; 7: 01
    ; compares: 0x1234 against 0x1234, then against 0x1235
    ldi 0x34
    st b16
    ldi 0x12
    st b16+1
    ld a16
    cmp b16
    ld a16+1
    cpc b16+1
    jnz fail
    jc fail
    out OUT             ; 8: 12 (cmp leaves A as loaded)
    ldi 0x35
    st b16
    ld a16
    cmp b16
    ld a16+1
    cpc b16+1
    jz fail             ; low bytes differ: Z must not survive the chain
    jnc fail            ; 0x1234 < 0x1235
    ldi 0x77
    out OUT             ; 9: 77
    ; 0x1200 against 0x11ff: the high bytes' difference less the borrow
    ; is 0, but the low ones differed, so Z stays clear
    ldi 0x00
    cmpi 0xff
    ldi 0x12
    cpci 0x11
    jz fail
    jc fail
    ; cmpi on equal values: Z, no borrow
    ldi 0x80
    cmpi 0x80
    jnz fail
    jc fail
    ; logic
    ldi 0xf0
    andi 0x3c
    out OUT             ; 10: 30
    ori 0x05
    out OUT             ; 11: 35
    xori 0xff
    out OUT             ; 12: ca
    andi 0x00
    jnz fail
    ; indexed memory and X
    ldxi 0
fill:
    txa
    addi 0xa0
    st tab,x
    incx
    txa
    cmpi 4
    jnz fill
    ldxi 2
    ld tab,x
    out OUT             ; 13: a2
    ldx a16+1           ; X = 0x12
    txa
    out OUT             ; 14: 12
    ldi 3
    tax
    ld tab,x
    out OUT             ; 15: a3
    decx
    decx
    decx
    jnz fail
    txa
    jnz fail
    addx 0xfe
    txa
    out OUT             ; 16: fe
    ; shifts
    ldi 0x41
    shr
    jnc fail
    out OUT             ; 17: 20
    swap
    out OUT             ; 18: 02
    ; a subroutine, called twice in a row
    ldi 0x10
    call twice
    call twice
    out OUT             ; 19: 40
    jmp jumped
fail:
    ldi 0xee
    out OUT
    jmp fail
jumped:
    ; inputs
    in SRC
    out OUT             ; 20: 5a
    in SRC
    out OUT             ; 21: a5
    in SRC
    ori 0
    jnz fail
    ; the data memory written from outside
    in 2
    st t
    ld HW
    cmp t
    jnz fail
    out OUT             ; 22: what tb_seq.v wrote
    ld 0x1ff            ; the top byte of the data memory, set by CONSTS
    out OUT             ; 23: c5
    ldi 0xd0
    out OUT             ; 24: d0, the end
done:
    jmp done

twice:
    st t
    jmp twice_add
twice_add:
    add t
    ret
