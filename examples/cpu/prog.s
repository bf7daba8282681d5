# prog.s: the program examples/cpu runs from power-on (and after rst).
# `python3 asm.py` assembles it into cpu.v; `python3 asm.py --run ARG`
# prints what it writes to `out`, and when, for `arg` = ARG.
#
# It reads `arg`: N = arg[15:0] (at most 2048; more counts as 2048), and
# does the work below arg[31:16] + 1 times, each time writing to `out`:
#   1. every prime below N, in order (the sieve of Eratosthenes, a byte a
#      number, with p * p from a shift-and-add multiply subroutine)
#   2. how many there are
#   3. the CRC-32 (zlib's) of those primes as 16-bit little-endian halfwords
#   4. the smallest and the largest of 16 xorshift32 numbers from the seed
#      0x2545f491 + N, as signed words (insertion sort)
#   5. a checksum of the 16 sorted words (see step 5 below)
# then halts (ECALL). test_cpu.py has the same steps in Python.

        .equ IO,     0x80000000   # store: out, load: arg
        .equ SORTV,  0x380        # the 16 words to sort
        .equ PRIMES, 0x400        # the primes found, as halfwords
        .equ FLAGS,  0x800        # the sieve: a byte per number, 1 = not prime
        .equ NMAX,   2048

start:  fence                     # (a no-op here)
        li   s0, IO
        lw   t0, 0(s0)
        srli s7, t0, 16           # rounds left after this one
round:  lw   s1, 0(s0)            # N = arg[15:0], at most NMAX
        slli s1, s1, 16
        srli s1, s1, 16
        li   t0, NMAX
        bge  t0, s1, n_ok
        mv   s1, t0
n_ok:

# ---- 1. the primes below N
        li   s6, FLAGS
        add  t1, s6, s1           # clear flags[0 .. N)
        mv   t0, s6
        j    clr_test
clr:    sb   zero, 0(t0)
        addi t0, t0, 1
clr_test:
        bltu t0, t1, clr
        li   s2, 2                # p
        li   s3, 0                # primes found
        li   s4, PRIMES           # where the next one goes
        li   s5, 0                # 1 once p * p >= N: nothing left to cross out
        li   s8, 1
sieve:  bgeu s2, s1, sieve_end
        add  t0, s6, s2
        lbu  t1, 0(t0)
        bnez t1, sieve_next       # crossed out: not a prime
        sw   s2, 0(s0)            # out: p
        sh   s2, 0(s4)
        addi s4, s4, 2
        addi s3, s3, 1
        bnez s5, sieve_next
        mv   a0, s2
        mv   a1, s2
        call mul                  # a0 = p * p
        bltu a0, s1, cross
        li   s5, 1
        j    sieve_next
cross:  add  t0, s6, a0           # cross out p * p, p * p + p, ... below N
        add  t1, s6, s1
cross_loop:
        sb   s8, 0(t0)
        add  t0, t0, s2
        bltu t0, t1, cross_loop
sieve_next:
        addi s2, s2, 1
        j    sieve
sieve_end:

# ---- 2. how many
        sw   s3, 0(s0)            # out: the number of primes below N

# ---- 3. CRC-32 of the primes' halfwords, a bit at a time
        li   a0, -1
        li   t2, 0xedb88320
        li   t0, PRIMES
        j    crc_test
crc_byte:
        lbu  t1, 0(t0)
        xor  a0, a0, t1
        li   t3, 8
crc_bit:
        and  t4, a0, s8           # s8 = 1
        srli a0, a0, 1
        beqz t4, crc_skip
        xor  a0, a0, t2
crc_skip:
        addi t3, t3, -1
        bnez t3, crc_bit
        addi t0, t0, 1
crc_test:
        bltu t0, s4, crc_byte
        not  a0, a0
        sw   a0, 0(s0)            # out: the CRC

# ---- 4. 16 xorshift32 numbers, sorted as signed words
        li   a0, 0x2545f491
        add  a0, a0, s1
        la   t0, SORTV
        addi t1, t0, 64
gen:    slli t2, a0, 13           # x ^= x << 13; x ^= x >> 17; x ^= x << 5
        xor  a0, a0, t2
        srli t2, a0, 17
        xor  a0, a0, t2
        slli t2, a0, 5
        xor  a0, a0, t2
        sw   a0, 0(t0)
        addi t0, t0, 4
        bltu t0, t1, gen
        li   t0, SORTV+4          # &v[i], i = 1 .. 15
ins:    lw   a1, 0(t0)            # the key v[i]
        mv   t2, t0               # &v[j + 1]
ins_shift:
        li   t3, SORTV
        beq  t2, t3, ins_put      # j < 0
        lw   t4, -4(t2)           # v[j]
        bge  a1, t4, ins_put      # v[j] <= key: the key goes at j + 1
        sw   t4, 0(t2)
        addi t2, t2, -4
        j    ins_shift
ins_put:
        sw   a1, 0(t2)
        addi t0, t0, 4
        bltu t0, t1, ins
        li   t0, SORTV
        lw   t2, 0(t0)
        sw   t2, 0(s0)            # out: the smallest
        lw   t2, 60(t0)
        sw   t2, 0(s0)            # out: the largest

# ---- 5. a checksum h of the sorted words v (u: v unsigned), 32-bit wrapping,
# that takes the instructions the steps above do not
        li   a0, 0
ck:     lw   t2, 0(t0)            # v
        srai t3, t2, 7
        add  a0, a0, t3           # h += v >> 7 (arithmetic)
        lh   t3, 2(t0)
        xor  a0, a0, t3           # h ^= u[31:16], sign-extended
        lb   t3, 1(t0)
        sub  a0, a0, t3           # h -= u[15:8], sign-extended
        lhu  t3, 0(t0)
        add  a0, a0, t3           # h += u[15:0]
        slt  t3, t2, a0
        add  a0, a0, t3           # h += v < h (signed)
        sltu t3, t2, a0
        slli t3, t3, 1
        or   a0, a0, t3           # h |= (u < h (unsigned)) << 1
        sra  t3, t2, a0
        xor  a0, a0, t3           # h ^= v >> (h & 31) (arithmetic)
        li   t5, 3
        sll  t3, a0, t5
        li   t5, 29
        srl  t4, a0, t5
        or   a0, t3, t4           # h = h rotated left by 3
        slti t3, t2, -1000
        sltiu t4, t2, 1000
        add  t3, t3, t4
        add  a0, a0, t3           # h += (v < -1000) + (u < 1000)
        andi t3, a0, 0x7f
        xori t3, t3, 0x55
        ori  t3, t3, 0x100
        add  a0, a0, t3           # h += ((h & 0x7f) ^ 0x55) | 0x100
        addi t0, t0, 4
        blt  t0, t1, ck
        sw   a0, 0(s0)            # out: h

        beqz s7, done
        addi s7, s7, -1
        j    round
done:   ecall                     # halted

# a0 = a0 * a1 (the low 32 bits), by shift and add; uses t4 and t6
mul:    mv   t6, a0
        li   a0, 0
mul_loop:
        andi t4, a1, 1
        beqz t4, mul_skip
        add  a0, a0, t6
mul_skip:
        slli t6, t6, 1
        srli a1, a1, 1
        bnez a1, mul_loop
        ret
