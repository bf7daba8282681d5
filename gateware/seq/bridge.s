; The compact bridge's program: the link layer and the command engine of
; docs/protocol.md on hil_seq, with hil_bridge.v (this folder) doing what
; must keep pace with the bytes and the DUT. Assembled by seqasm.py into
; hil_seq_rom.v (make ucode).
;
; Shape: the command engine is the main line. Wherever it waits (for a
; command byte, for room in the transmit ring, for the DUT's clock) it
; calls `service`, which takes a received frame's end if one is latched
; and starts the next transmit frame if one is due. service calls nothing,
; so the two return addresses always suffice; on a SYNC it jumps to the
; engine's start, leaving whatever called it. Neither getb nor service
; keeps A or X.
;
; A frame's end must be taken before the frame after next starts
; (hil_bridge.v keeps two): a frame is at least 12 bytes, 360 clocks at 12
; Mbaud. A longer stretch without a call to service (a break check of two
; 32-byte ports is about 1200 clocks) costs an overrun: the frame is
; dropped, and the host asked to resend.

; I/O ports (hil_bridge.v has the same numbers)
.equ I_RXB 0
.equ I_STAT 1
.equ I_FEINFO 2
.equ I_RP_LO 4
.equ I_RP_HI 5
.equ I_WP_LO 6
.equ I_WP_HI 7
.equ I_LEFT 8
.equ I_PDATA 10
.equ I_PINFO 11
.equ I_WIDX 12
.equ O_TXB 0
.equ O_TXH 1
.equ O_TXHL 2
.equ O_TXSP_LO 3
.equ O_TXSP_HI 4
.equ O_TXCNT 5
.equ O_WEXP_LO 6
.equ O_WEXP_HI 7
.equ O_RXEND_LO 10
.equ O_RXEND_HI 11
.equ O_LEFT 12
.equ O_PSEL 14
.equ O_PBYTE 15
.equ O_PDATA 16
.equ O_CTL 17
.equ O_MODE 18
; O_CTL's bits
.equ C_STEP 1
.equ C_SNAP 2
.equ C_WSET 4
.equ C_WON 8
.equ C_WACK 16
.equ C_FEACK 64
.equ C_RESET 128
; I_STAT's bits
.equ S_RXAV 0x80
.equ S_FEPEND 0x40
.equ S_TXBUSY 0x20          ; a frame is going out
.equ S_WHIT 0x10
.equ S_LEFT0 0x08
.equ S_FRAME 0x04           ; a frame's end waits in its bank
.equ S_ISIN 0x02
.equ S_RP64 0x01            ; the next byte read is at a multiple of 64
; I_FEINFO's bits
.equ F_OVER 0x01            ; a frame was dropped
.equ F_PHY 0xF0             ; the PHY's error count's low 4 bits
; a frame's end, in its bank at HDR + 7 (HDR + 8: the low byte of the
; ring's write offset after it, F_WHI its 3 bits above)
.equ F_OK 0x80
.equ F_TOOK 0x40          ; a DATA frame at the seq expected, in whole
.equ F_WHI 0x07
; O_MODE's bits
.equ M_RUN 1
.equ M_EVAL 2
.equ M_IDLE 4           ; waiting for a byte, nothing due

; The link (hil_bridge.v's sizes). The ring takes a frame's CRC in after
; its payload, so the limit advertised leaves it room: RXSIZE - 4.
.equ RXSIZE 0x400
.equ RXROOM RXSIZE - 4
.equ TXSIZE 0x400
.equ OFF_HI 0x07        ; the high byte of an offset's 11 low bits, as RP and WP are
.equ FL_DATA 1
.equ FL_NAK 2
.equ FL_SYNC 4
.equ FL_SYNCACK 8
; A report is at most 36 bytes (SAMPLE_R of a 256-bit port with a long
; delta): one starts only with that much room.
.equ REPORT_MAX 36

; Commands by the high nibble of their first byte, and the immediate ones
.equ K_NOW 0
.equ K_WAIT 1
.equ K_POKE 2
.equ K_SAMPLE 3
.equ K_WATCH 4
.equ K_UNWATCH 5
.equ K_BREAK 6
.equ K_RUN 7
.equ OP_HELLO 0x01
.equ OP_RESUME 0x07
.equ OP_STATUS 0x08
; Reports' first bytes, before the delta; HELLO_R's is whole
.equ R_TICK 0x80
.equ R_HELLO 0x81
.equ R_SAMPLE 0x90
.equ R_WATCH 0xa0
.equ R_BREAK 0xb0
.equ R_ERROR 0xc0
.equ R_RUN 0xd0
.equ R_RESUME 0xe0
.equ R_STATUS 0xf0
.equ E_UNKNOWN_OP 1
.equ E_BAD_PORT 2
.equ E_NOT_INPUT 5
.equ E_BAD_UNIT 6
.equ E_BAD_COND 7

; Data memory. Break unit u's value is at BRK + 64u, its mask 32 bytes on;
; hil_bridge.v writes received headers at HDR (two banks of 16) and puts
; HELLO_R's fields after the tag at CONSTS (CONSTS + 1 is nports,
; CONSTS + 2 the number of break units).
.equ BRK 0x100
.equ HDR 0x1c0
.equ CONSTS 0x1f0
.top 0x100

; link, receive side
.var rx_exp 2           ; next offset expected: the committed end
.var crc_err 2
.var seq_err 2
.var frames_ok 2
.var fe_info
.var phy_err 2
.var phy_seen           ; F_PHY when last looked at
.var fe_now
.var rbank              ; the bank of the next frame to take: 0 or 16
.var h_flags
.var h_ack 2
.var h_seq 2
.var h_lim 2
; link, transmit side
.var tx_acked 2
.var sent_hi 2          ; the end of what went out
.var plimit 2           ; the host's limit
.var last_ack 2         ; ack and limit in the last header sent
.var last_limit 2
.var nonce 2            ; the SYNC's, for the SYNC_ACK
.var sp_cur 2           ; where the next data frame starts
.var sync_pend
.var rewind_pend
.var nak_req
.var ack_req
.var want
.var tx_dirty           ; a frame may be due
.var hdr_flags          ; the next header's flags and seq
.var hdr_seq 2
.var sstat
.var svc_from           ; 0: service was called; else where it returns to
.var ncnt               ; a data frame's payload bytes, less one
; scratch, service's
.var t0 2
.var t1 2
.var t2 2
.var t3 2
.var t4 2
; the engine
.var opb
.var aux                ; HELLO's tag, BREAK's unit and condition
.var kind
.var port
.var hasp               ; the command names a port
.var vbytes             ; value bytes behind its fields
.var halted
.var discarded 2
.var code
.var complete
.var arm_a 2            ; a unit armed
.var armed              ; any unit armed
.var bport 2
.var bcond 2
.var u
.var cnt
.var bi
.var diff
.var stat
.var rk
.var e0 2               ; scratch, the engine's
.var dlt                ; the fast path's delta
; The cycles since the last report are sincE - LEFT: sincE is what they
; will be when the DUT has run the cycles in LEFT (8 bits), and it is
; never more than 0xFFFF. rem is what the command has still to run past
; those.
.var sincE 2
.var rem 2
.var chunk
.var wport
.var bj
.var vars_end

.macro inc16 v
    ld v
    addi 1
    st v
    ld v+1
    adci 0
    st v+1
.endm

.macro mov16 d, s
    ld s
    st d
    ld s+1
    st d+1
.endm

; d = a - b
.macro sub16 d, a, b
    ld a
    sub b
    st d
    ld a+1
    sbc b+1
    st d+1
.endm

; C set when a < b, Z when a == b
.macro cmp16 a, b
    ld a
    cmp b
    ld a+1
    cpc b+1
.endm

; ERROR_R with `code` for command opb (a macro: emit_hdr calls service,
; and a third return address there is none).
.macro error
    ldi R_ERROR
    call emit_hdr
    ld code
    out O_TXB
    ld opb
    out O_TXB
.endm

; What I_FEINFO (in A) shows. A frame dropped (F_OVER: it came with both
; banks full, or it was an escape and an END with nothing before) counts
; as a frame spoilt and is asked for again. The PHY's errors since the
; last look are added to phy_err: looked at every frame end and STATUS,
; so a burst of 16 or more between two looks counts short. Nothing new
; when I_FEINFO equals phy_seen.
.macro fe_look
    st fe_now
    andi F_OVER
    add crc_err
    st crc_err
    ld crc_err+1
    adci 0
    st crc_err+1
    ld fe_now
    andi F_OVER
    or nak_req
    st nak_req
    ld fe_now
    andi F_OVER
    or tx_dirty
    st tx_dirty
    ld fe_now
    andi F_PHY
    sub phy_seen
    swap
    andi 0x0F
    add phy_err
    st phy_err
    ld phy_err+1
    adci 0
    st phy_err+1
    ld fe_now
    andi F_PHY
    st phy_seen
.endm

.macro one v
    ldi 1
    st v
.endm

.macro zero v
    ldi 0
    st v
.endm

start:
    ldi C_RESET
    out O_CTL
    ldxi 0
clear:
    ldi 0
    st 0,x
    incx
    txa
    cmpi vars_end
    jnz clear
    ldi lo(RXROOM)
    st last_limit
    ldi hi(RXROOM)
    st last_limit+1
    ldi 0
    out O_RXEND_LO
    out O_RXEND_HI
    jmp eng_restart

; ---------------------------------------------------------------- service

service:
    in I_STAT
    st sstat
    andi S_FEPEND
    jz svc_tx
    ; a frame ended, or one was dropped
    in I_FEINFO
    cmp phy_seen
    jz svc_frame
    fe_look
svc_frame:
    ld sstat
    andi S_FRAME
    jz svc_tx

; A frame ended: its header and what its end showed are in bank rbank.
    ldx rbank
    one tx_dirty
    ld HDR+7,x
    st fe_info
    ld HDR,x
    st h_flags
    ld HDR+1,x
    st h_ack
    ld HDR+2,x
    st h_ack+1
    ld HDR+3,x
    st h_seq
    ld HDR+4,x
    st h_seq+1
    ld HDR+5,x
    st h_lim
    ld HDR+6,x
    st h_lim+1
    ld fe_info
    andi F_OK
    jz rx_bad
    ld h_flags
    andi FL_SYNC
    jnz rx_sync
    ; Every good frame brings the host's ack (taken if it lies between
    ; what was acknowledged and what was sent), limit and NAK.
    sub16 t0, h_ack, tx_acked
    sub16 t1, sent_hi, tx_acked
    cmp16 t1, t0
    jc rx_limit
    mov16 tx_acked, h_ack
rx_limit:
    mov16 plimit, h_lim
    ld h_flags
    andi FL_NAK
    jz rx_data
    ; A NAK always gets an answer, even with nothing to resend: the host
    ; tells a busy bridge from a dead link by it.
    one rewind_pend
    one ack_req
rx_data:
    ld h_flags
    andi FL_DATA
    jz rx_good
    ; Data: hil_bridge.v took it in if it came at the seq expected by
    ; seq's low 11 bits, and in whole; it counts if the 5 bits above are
    ; the ones expected too, which a frame it took in fails only if the
    ; host's offsets went 2048 astray.
    ld fe_info
    andi F_TOOK
    jz rx_seq
    ld h_seq+1
    xor rx_exp+1
    andi 0xf8
    jnz rx_astray
    ; the payload's length: how far the write offset moved, in 11 bits
    ld HDR+8,x
    sub rx_exp
    st t0
    ld fe_info
    andi F_WHI
    sbc rx_exp+1
    andi OFF_HI
    st t0+1
    ld rx_exp
    add t0
    st rx_exp
    ld rx_exp+1
    adc t0+1
    st rx_exp+1
    ld rx_exp
    out O_RXEND_LO
    ld rx_exp+1
    out O_RXEND_HI
rx_good:
    inc16 frames_ok
    jmp rx_done
rx_astray:
    ; hil_bridge.v moved its write offset past it: back.
    ld rx_exp
    out O_WEXP_LO
    ld rx_exp+1
    out O_WEXP_HI
rx_seq:
    ; A seq behind the expected one was taken already: a duplicate, which
    ; gets a plain ack; anything else (or a frame that did not fit) gets a
    ; NAK.
    inc16 seq_err
    sub16 t0, h_seq, rx_exp
    andi 0x80
    jz rx_nak
    one ack_req
    jmp rx_done
rx_bad:
    inc16 crc_err
rx_nak:
    one nak_req
rx_done:
    ldi C_FEACK
    out O_CTL
    ld rbank
    xori 16
    st rbank
    jmp svc_tx

; SYNC: both rings empty, both offsets 0, watches and breaks cleared, the
; halted state left and the command abandoned (the DUT keeps its state).
rx_sync:
    ldi C_RESET + C_FEACK
    out O_CTL
    ld rbank
    xori 16
    st rbank
    ; the link's counters stay
    zero rx_exp
    zero rx_exp+1
    inc16 frames_ok
    ; what the session had (a store each: the next frame may be right behind)
    ldi 0
    st tx_acked
    st tx_acked+1
    st sent_hi
    st sent_hi+1
    st last_ack
    st last_ack+1
    st sp_cur
    st sp_cur+1
    st rewind_pend
    st nak_req
    st ack_req
    st svc_from
    st halted
    st discarded
    st discarded+1
    st armed
    st arm_a
    st arm_a+1
    st sincE
    st sincE+1
    st rem
    st rem+1
    mov16 plimit, h_lim
    mov16 nonce, h_seq
    ldi lo(RXROOM)
    st last_limit
    ldi hi(RXROOM)
    st last_limit+1
    one sync_pend
    one tx_dirty
    ; hil_bridge.v has set the ring's write base to 0 already
    ldi 0
    out O_RXEND_LO
    out O_RXEND_HI
    jmp eng_restart

; Transmit: works out the next frame if one may be due (tx_dirty) and
; none is going out (so acks gather while one is), and hands the framer
; its header. An OUT to TXH waits while the framer has not taken the byte
; before: about 4 byte times for a header, which cost the program less
; than asking each time.
svc_tx:
    ld tx_dirty
    ori 0
    jz tx_ret
    ld sstat
    andi S_TXBUSY
    jnz tx_ret
    ; t2: the engine's read offset (hil_bridge.v keeps its low 11 bits:
    ; it is at most a ring behind rx_exp); t1: the limit to advertise, t2
    ; plus the ring's room.
    in I_RP_LO
    st t2
    in I_RP_HI
    st t2+1
    sub16 t3, rx_exp, t2
    andi OFF_HI
    st t3+1
    sub16 t2, rx_exp, t3
    ld t2
    addi lo(RXROOM)
    st t1
    ld t2+1
    adci hi(RXROOM)
    st t1+1
    zero want
    ld sync_pend
    ori 0
    jz tx_rewind
    zero sync_pend
    ldi FL_SYNCACK
    st hdr_flags
    mov16 hdr_seq, nonce
    jmp tx_header
tx_rewind:
    ; Go back to the host's ack, between frames.
    ld rewind_pend
    ori 0
    jz tx_frontier
    zero rewind_pend
    mov16 sp_cur, tx_acked
tx_frontier:
    ; frontier (t0): what was written (WP's low 11 bits, at most a ring
    ; ahead of tx_acked), but not past the host's limit
    in I_WP_LO
    st t0
    in I_WP_HI
    st t0+1
    sub16 t3, t0, tx_acked
    andi OFF_HI
    st t3+1
    ld tx_acked
    add t3
    st t0
    ld tx_acked+1
    adc t3+1
    st t0+1
    sub16 t4, plimit, tx_acked
    cmp16 t4, t3
    jnc tx_front
    mov16 t0, plimit
tx_front:
    ; what there is to send from sp_cur, at most a payload (256)
    sub16 t0, t0, sp_cur
    ori 0
    jnz tx_full
    ld t0
    ori 0
    jz tx_need
    subi 1
    st ncnt
    one want
    jmp tx_flags
tx_full:
    ldi 255
    st ncnt
    one want
    jmp tx_flags
tx_need:
    ; no data: an ack frame if the ack moved, one was asked for, or the
    ; limit gained a quarter of the ring (or any, with the ring read empty)
    ld nak_req
    or ack_req
    jnz tx_flags
    cmp16 rx_exp, last_ack
    jnz tx_flags
    sub16 t3, t1, last_limit
    ld t3
    or t3+1
    jz tx_idle
    ld t3+1
    ori 0
    jnz tx_flags
    cmp16 t2, rx_exp
    jz tx_flags
tx_idle:
    zero tx_dirty
    jmp svc_exit
tx_flags:
    ld nak_req
    add nak_req
    or want
    st hdr_flags
    zero nak_req
    zero ack_req
    mov16 hdr_seq, sp_cur
    ld want
    ori 0
    jz tx_header
    ; sp_cur moves past the payload, and sent_hi with it when that is
    ; further than it was.
    ld sp_cur
    add ncnt
    st sp_cur
    ld sp_cur+1
    adci 0
    st sp_cur+1
    inc16 sp_cur
    sub16 t2, sp_cur, tx_acked
    sub16 t3, sent_hi, tx_acked
    cmp16 t3, t2
    jnc tx_header
    mov16 sent_hi, sp_cur
tx_header:
    ; ack and limit, as they stand (the last ones sent, from now on)
    mov16 last_ack, rx_exp
    mov16 last_limit, t1
    ld hdr_flags
    out O_TXH
    ld rx_exp
    out O_TXH
    ld rx_exp+1
    out O_TXH
    ld hdr_seq
    out O_TXH
    ld hdr_seq+1
    out O_TXH
    ld t1
    out O_TXH
    ld want
    ori 0
    jnz tx_stream
    ld t1+1
    out O_TXHL
tx_ret:
    jmp svc_exit
tx_stream:
    ; the header's last byte, then the payload from the frame's seq
    ld t1+1
    out O_TXH
    ld hdr_seq
    out O_TXSP_LO
    ld hdr_seq+1
    out O_TXSP_HI
    ld ncnt
    out O_TXCNT
; Back to where service was entered: by a call (svc_from 0), or by a jump
; from getb or emit_hdr, which are called themselves and so have the one
; return address in use.
svc_exit:
    ld svc_from
    ori 0
    jz svc_ret
    ldx svc_from
    ldi 0
    st svc_from
    txa
    cmpi 1
    jz getb_back
    cmpi 2
    jz getb_idle
    jmp emit_wait
svc_ret:
    ret

; The next command byte in A, once there is one. The link gets a turn
; first when a frame ended or a frame may be due, but a byte there is is
; taken after one turn (a SYNC's end holds the engine's reads in
; hil_bridge.v until it is taken, so no byte behind it is read before).
; Every 64 bytes read, and whenever the ring is read empty, the limit may
; be worth advertising.
getb:
    in I_STAT
    st sstat
    andi S_RXAV + S_FEPEND + S_RP64
    cmpi S_RXAV
    jnz getb_slow
    ld tx_dirty
    ori 0
    jnz getb_slow
    in I_RXB
    ret
getb_slow:
    ld sstat
    andi S_RP64
    jz getb_link
    one tx_dirty
getb_link:
    ld sstat
    andi S_FEPEND
    jnz getb_svc
    ld tx_dirty
    ori 0
    jz getb_rx
    ; (a frame may be due, but none starts while one is going out: what
    ; service would find, without the trip there and back)
    ld sstat
    andi S_TXBUSY
    jnz getb_rx
getb_svc:
    ldi 1
    st svc_from
    jmp service
getb_back:
    in I_STAT
    st sstat
getb_rx:
    ld sstat
    andi S_RXAV
    jnz getb_read
    one tx_dirty
    ldi 2
    st svc_from
    jmp service
getb_idle:
    ; nothing came and nothing is due: the board's simulators may wait
    ; for the host
    ld tx_dirty
    ori 0
    jnz getb
    ldi M_IDLE
    out O_MODE
    jmp getb
getb_read:
    in I_RXB
    ret

; ---------------------------------------------------------------- reports

; Starts a report: A is its first byte but the delta (R_HELLO whole),
; written once there is room for any report; the delta is the cycles
; since the last report, which then count from 0 (not for HELLO_R).
emit_hdr:
    st rk
emit_wait:
    in I_WP_LO
    sub tx_acked
    st e0
    in I_WP_HI
    sbc tx_acked+1
    andi OFF_HI
    st e0+1
    ldi lo(TXSIZE - REPORT_MAX)
    cmp e0
    ldi hi(TXSIZE - REPORT_MAX)
    cpc e0+1
    jnc emit_room
    ldi 3
    st svc_from
    jmp service
emit_room:
    ; (marked once there is room: service may have found nothing to send
    ; while it waited)
    one tx_dirty
    ld rk
    cmpi R_HELLO
    jz emit_hello
    ; (the DUT is stopped here) the delta, and from now 0
    in I_LEFT
    st chunk
    ld sincE
    sub chunk
    st e0
    ld sincE+1
    sbci 0
    st e0+1
    ld chunk
    st sincE
    ldi 0
    st sincE+1
    ld e0+1
    ori 0
    jnz emit_long
    ld e0
    cmpi 15
    jnc emit_long
    or rk
    out O_TXB
    ret
emit_long:
    ld rk
    ori 0x0f
    out O_TXB
    ld e0
    out O_TXB
    ld e0+1
    out O_TXB
    ret
emit_hello:
    out O_TXB
    ret

; The value of port p_sel, its bytes low first.
emit_value:
    ldi 0
    out O_PBYTE
    in I_PINFO
    andi 0x7f
    st cnt
emit_vbyte:
    in I_PDATA
    out O_TXB
    ld cnt
    subi 1
    st cnt
    jnz emit_vbyte
    ret

; ---------------------------------------------------------------- engine

; (a SYNC in service jumps here from wherever the engine was)
.root eng_restart
eng_restart:
    ldi 0
    out O_MODE
eng_op:
    call getb
    st opb
    ; The fast path: a POKE a few cycles on (no delta bytes), not halted,
    ; no break armed, to an input port; anything else, or a watch or a
    ; TICK_R on the way, takes the general path below.
    andi 0xf0
    cmpi 0x20               ; POKE
    jnz op_general
    ld opb
    andi 0x0f
    cmpi 0x0f
    jz op_general
    st dlt
    ld halted
    or armed
    jnz op_poke_gen
    call getb
    st port
    out O_PSEL
    in I_PINFO
    andi 0x80
    jz op_poke_port
    in I_STAT
    andi S_ISIN
    jz op_poke_port
    in I_PINFO
    andi 0x7f
    st vbytes
    st cnt
    ; sincE + the delta, unless past 0xFFFF (then a TICK_R is due first)
    ld sincE
    add dlt
    st sincE
    jc op_poke_c
op_poke_go:
    ld dlt
    out O_LEFT
    ldi M_RUN
    out O_MODE
    ; (two instructions: a delta of 1 is run by the time STAT is read)
    ldi K_POKE
    st kind
    in I_STAT
    andi S_LEFT0
    jz adv_wait
    ; (a delta of 0 or 1, gone by now: the value is due)
    ldi 0
    out O_MODE
    out O_PBYTE
    jmp ex_poke_b
op_poke_c:
    ld sincE+1
    addi 1
    jc op_poke_back
    st sincE+1
    jmp op_poke_go
op_poke_back:
    ld sincE
    sub dlt
    st sincE
op_poke_far:
    ldi K_POKE
    st kind
    ld dlt
    st rem
    zero rem+1
    jmp adv_start
op_poke_port:
    ; a bad port or an output: the general checks say which (its port read)
    one hasp
    jmp op_poke_set
op_poke_gen:
    ; halted or a break armed: the general path from the port on
    zero hasp
op_poke_set:
    ld dlt
    st rem
    zero rem+1
    ldi K_POKE
    st kind
    zero aux
    zero vbytes
    ld hasp
    ori 0
    jnz op_check
    jmp op_port
op_general:
    zero aux
    zero hasp
    zero vbytes
    ld opb
    swap
    andi 0x0f
    st kind
    jz op_now
    cmpi 8
    jnc op_unknown
    ; the delta: the low nibble, or the two bytes after it
    ld opb
    andi 0x0f
    cmpi 0x0f
    jz op_delta2
    st rem
    zero rem+1
    jmp op_fields
op_delta2:
    call getb
    st rem
    call getb
    st rem+1
op_fields:
    ld kind
    cmpi K_BREAK
    jz op_break
    cmpi K_WAIT
    jz op_check
    cmpi K_RUN
    jz op_check
op_port:
    call getb
    st port
    out O_PSEL
    one hasp
    jmp op_check
op_break:
    ; unit and condition, then a port unless disarming
    call getb
    st aux
    andi 0xf0
    jnz op_port
    jmp op_check
op_now:
    ld opb
    cmpi OP_RESUME
    jz op_check
    cmpi OP_STATUS
    jz op_check
    cmpi OP_HELLO
    jnz op_unknown
    call getb
    st aux
    jmp op_check
op_unknown:
    ; message boundaries are lost: nothing more until a SYNC
    ldi E_UNKNOWN_OP
    st code
    error
lost:
    call getb
    jmp lost

op_check:
    ld opb
    cmpi OP_RESUME
    jz do_resume
    ld hasp
    ori 0
    jz op_vbytes
    in I_PINFO
    andi 0x80
    jnz op_vbytes
    ; a value's length is its port's: past a bad port the stream is lost
    ldi E_BAD_PORT
    st code
    error
    jmp lost
op_vbytes:
    ; a POKE's value, a BREAK's value and mask
    ld kind
    cmpi K_POKE
    jz op_vb1
    cmpi K_BREAK
    jnz op_halted
    ld hasp
    ori 0
    jz op_halted
    in I_PINFO
    andi 0x7f
    st vbytes
    add vbytes
    st vbytes
    jmp op_halted
op_vb1:
    in I_PINFO
    andi 0x7f
    st vbytes
op_halted:
    ld halted
    ori 0
    jz op_act
    inc16 discarded
    jmp skip
op_act:
    ld opb
    cmpi OP_HELLO
    jz do_hello
    cmpi OP_STATUS
    jz do_status
    ld kind
    cmpi K_BREAK
    jnz op_poke
    ld aux
    andi 0x0f
    cmp CONSTS+2
    jnc fail_unit
    ld aux
    swap
    andi 0x0f
    cmpi 3
    jnc fail_cond
    jmp adv_start
op_poke:
    cmpi K_POKE
    jnz adv_start
    in I_STAT
    andi S_ISIN
    jz fail_input
    jmp adv_start
fail_unit:
    ldi E_BAD_UNIT
    jmp fail
fail_cond:
    ldi E_BAD_COND
    jmp fail
fail_input:
    ldi E_NOT_INPUT
fail:
    ; an error halts, and counts its command as discarded
    st code
    one halted
    one discarded
    zero discarded+1
    error
skip:
    ; the command's value bytes, unread (and its cycles, not run)
    ldi 0
    st rem
    st rem+1
    ld vbytes
    ori 0
    jz eng_op
skip_byte:
    call getb
    ld vbytes
    subi 1
    st vbytes
    jnz skip_byte
    jmp eng_op

do_resume:
    ldi R_RESUME
    call emit_hdr
    ld discarded
    out O_TXB
    ld discarded+1
    out O_TXB
    zero halted
    zero discarded
    zero discarded+1
    jmp eng_op
do_hello:
    ldi R_HELLO
    call emit_hdr
    ldxi 0
    ld aux
    out O_TXB
do_hello_f:
    ld CONSTS,x
    out O_TXB
    incx
    txa
    cmpi 15
    jnz do_hello_f
    jmp eng_op
do_status:
    ldi R_STATUS
    call emit_hdr
    ld crc_err
    out O_TXB
    ld crc_err+1
    out O_TXB
    ld seq_err
    out O_TXB
    ld seq_err+1
    out O_TXB
    ld frames_ok
    out O_TXB
    ld frames_ok+1
    out O_TXB
    ld halted
    out O_TXB
    in I_FEINFO
    cmp phy_seen
    jz st_phy
    fe_look
st_phy:
    ld phy_err
    out O_TXB
    ld phy_err+1
    out O_TXB
    jmp eng_op

; Advance the command's delta (rem). The DUT runs a cycle a clock by
; itself while no watch changed and no break is armed; otherwise each
; cycle's evaluation point is here, and so are a due TICK_R and the
; delta's end.
adv_start:
    call load_left
adv:
    ld armed
    ori 0
    ldi M_RUN
    jz adv_mode
    ldi M_RUN + M_EVAL
adv_mode:
    out O_MODE
adv_wait:
    in I_STAT
    st stat
    andi S_LEFT0
    jnz adv_left0
    ld stat
    andi S_WHIT
    jnz adv_eval
    ld armed
    ori 0
    jnz adv_eval
    call service
    jmp adv_wait
adv_left0:
    ld rem
    or rem+1
    jz adv_done
    ; more to run; at 0xFFFF cycles since the last report, a TICK_R first
    ld sincE
    and sincE+1
    cmpi 0xff
    jz adv_tick
    call load_left
    jmp adv_wait
adv_tick:
    ldi 0
    out O_MODE
    ldi R_TICK
    call emit_hdr
    jmp adv
adv_eval:
    ldi 0
    out O_MODE
    zero complete
    jmp eval
adv_done:
    ldi 0
    out O_MODE
    ld kind
    cmpi K_RUN
    jnz exec
    one complete
    jmp eval

; LEFT = the next piece of rem (LEFT is 0): at most 255, and no further
; than 0xFFFF cycles since the last report.
load_left:
    ld rem+1
    ori 0
    ldi 0xff
    jnz ll_cap
    ld rem
ll_cap:
    st chunk
    ld sincE+1
    cmpi 0xff
    jnz ll_go
    ldi 0xff
    sub sincE
    cmp chunk
    jnc ll_go
    st chunk
ll_go:
    ld rem
    sub chunk
    st rem
    ld rem+1
    sbci 0
    st rem+1
    ld sincE
    add chunk
    st sincE
    ld sincE+1
    adci 0
    st sincE+1
    ld chunk
    out O_LEFT
    ret

exec:
    ; the evaluation points on the way may have used the port bus
    ld port
    out O_PSEL
    ld kind
    cmpi K_POKE
    jz ex_poke
    cmpi K_SAMPLE
    jz ex_sample
    cmpi K_WATCH
    jz ex_watch
    cmpi K_UNWATCH
    jz ex_unwatch
    cmpi K_BREAK
    jz ex_break
    jmp eng_op
ex_poke:
    ldi 0
    out O_PBYTE
    ld vbytes
    st cnt
ex_poke_b:
    call getb
    out O_PDATA
    ld cnt
    subi 1
    st cnt
    jnz ex_poke_b
    jmp eng_op
ex_sample:
    ldi R_SAMPLE
    call emit_hdr
    ld port
    out O_TXB
    call emit_value
    jmp eng_op
ex_watch:
    ldi C_WSET + C_WON
    out O_CTL
    jmp eng_op
ex_unwatch:
    ldi C_WSET
    out O_CTL
    jmp eng_op
ex_break:
    ld aux
    andi 0x0f
    st u
    tax
    ldi 0
    st arm_a,x
    ld port
    st bport,x
    ld aux
    swap
    andi 0x0f
    st bcond,x
    jz brk_any
    ; its value, then its mask, each as long as the port; a unit's 64
    ; bytes start at BRK + 64u (two units)
    ld u
    ori 0
    ldi 0
    jz brk_base
    ldi 64
brk_base:
    st bi
    addi 32
    st bj
    ld vbytes
    shr
    st cnt
brk_val:
    call getb
    ldx bi
    st BRK,x
    ld bi
    addi 1
    st bi
    ld cnt
    subi 1
    st cnt
    jnz brk_val
    ld vbytes
    shr
    st cnt
brk_mask:
    call getb
    ldx bj
    st BRK,x
    ld bj
    addi 1
    st bj
    ld cnt
    subi 1
    st cnt
    jnz brk_mask
    ldx u
    ldi 1
    st arm_a,x
brk_any:
    ld arm_a
    or arm_a+1
    st armed
    jmp eng_op

; The evaluation point: watches, then breaks, then the cycle advances (or
; a completing RUN reports).
eval:
    in I_STAT
    andi S_WHIT
    jz ev_breaks
    in I_WIDX
    out O_PSEL
    st wport
    ldi R_WATCH
    call emit_hdr
    ld wport
    out O_TXB
    call emit_value
    ldi C_WACK
    out O_CTL
    jmp eval
ev_breaks:
    zero u
ev_unit:
    ldx u
    ld arm_a,x
    ori 0
    jz ev_next
    ld bport,x
    out O_PSEL
    ldi 0
    out O_PBYTE
    zero diff
    in I_PINFO
    andi 0x7f
    st cnt
    ld u
    ori 0
    ldi 0
    jz ev_base
    ldi 64
ev_base:
    tax
ev_byte:
    in I_PDATA
    xor BRK,x
    and BRK+32,x
    or diff
    st diff
    incx
    ld cnt
    subi 1
    st cnt
    jnz ev_byte
    ; condition 1 fires when equal under the mask, 2 when not
    ldx u
    ld bcond,x
    cmpi 1
    jz ev_c1
    ld diff
    ori 0
    jz ev_next
    jmp ev_fire
ev_c1:
    ld diff
    ori 0
    jnz ev_next
ev_fire:
    ; the rest of the delta is dropped: sincE - LEFT stays the count
    in I_LEFT
    st chunk
    ld sincE
    sub chunk
    st sincE
    ld sincE+1
    sbci 0
    st sincE+1
    ldi 0
    out O_LEFT
    st rem
    st rem+1
    st arm_a,x
    ld arm_a
    or arm_a+1
    st armed
    ldi R_BREAK
    call emit_hdr
    ld u
    out O_TXB
    ldi C_SNAP
    out O_CTL
    ; halted; the command's value bytes, if any, are its port's
    ld port
    out O_PSEL
    one halted
    one discarded
    zero discarded+1
    jmp skip
ev_next:
    ; (a frame's end may be waiting: a unit's check is up to 32 bytes; a
    ; run of watched cycles calls service nowhere else.) What service
    ; would find nothing to do in, looked at here, without the trip.
    in I_STAT
    st sstat
    andi S_FEPEND
    jnz ev_svc
    ld tx_dirty
    ori 0
    jz ev_skip
    ld sstat
    andi S_TXBUSY
    jnz ev_skip
ev_svc:
    call service
ev_skip:
    ld u
    addi 1
    st u
    cmp CONSTS+2
    jc ev_unit
    ld complete
    ori 0
    jnz ev_run
    ldi C_STEP
    out O_CTL
    jmp adv
ev_run:
    ldi C_SNAP
    out O_CTL
    ldi R_RUN
    call emit_hdr
    jmp eng_op
