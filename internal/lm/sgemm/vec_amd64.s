//go:build !purego

#include "textflag.h"

// func dot(x, y *float32, n int) float32
// Σ x[i]·y[i] with AVX2 FMA: four 8-wide accumulators, then a scalar tail.
TEXT ·dot(SB), NOSPLIT, $0-28
	MOVQ   x+0(FP), SI
	MOVQ   y+8(FP), DI
	MOVQ   n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

dot32:
	CMPQ        CX, $32
	JLT         dot8
	VMOVUPS     (SI), Y4
	VMOVUPS     32(SI), Y5
	VMOVUPS     64(SI), Y6
	VMOVUPS     96(SI), Y7
	VFMADD231PS (DI), Y4, Y0
	VFMADD231PS 32(DI), Y5, Y1
	VFMADD231PS 64(DI), Y6, Y2
	VFMADD231PS 96(DI), Y7, Y3
	ADDQ        $128, SI
	ADDQ        $128, DI
	SUBQ        $32, CX
	JMP         dot32

dot8:
	CMPQ        CX, $8
	JLT         dotreduce
	VMOVUPS     (SI), Y4
	VFMADD231PS (DI), Y4, Y0
	ADDQ        $32, SI
	ADDQ        $32, DI
	SUBQ        $8, CX
	JMP         dot8

dotreduce:
	VADDPS       Y1, Y0, Y0
	VADDPS       Y3, Y2, Y2
	VADDPS       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VHADDPS      X0, X0, X0
	VHADDPS      X0, X0, X0

dot1:
	CMPQ        CX, $0
	JEQ         dotdone
	VMOVSS      (SI), X1
	VFMADD231SS (DI), X1, X0
	ADDQ        $4, SI
	ADDQ        $4, DI
	DECQ        CX
	JMP         dot1

dotdone:
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func axpy(a float32, x, y *float32, n int)
// y[i] += a·x[i] with AVX2 FMA, then a scalar tail.
TEXT ·axpy(SB), NOSPLIT, $0-32
	VBROADCASTSS a+0(FP), Y0
	MOVQ         x+8(FP), SI
	MOVQ         y+16(FP), DI
	MOVQ         n+24(FP), CX

axpy16:
	CMPQ        CX, $16
	JLT         axpy1
	VMOVUPS     (DI), Y1
	VMOVUPS     32(DI), Y2
	VFMADD231PS (SI), Y0, Y1
	VFMADD231PS 32(SI), Y0, Y2
	VMOVUPS     Y1, (DI)
	VMOVUPS     Y2, 32(DI)
	ADDQ        $64, SI
	ADDQ        $64, DI
	SUBQ        $16, CX
	JMP         axpy16

axpy1:
	CMPQ        CX, $0
	JEQ         axpydone
	VMOVSS      (DI), X1
	VFMADD231SS (SI), X0, X1
	VMOVSS      X1, (DI)
	ADDQ        $4, SI
	ADDQ        $4, DI
	DECQ        CX
	JMP         axpy1

axpydone:
	VZEROUPPER
	RET

// func transpose8(dst *float32, ldd int, src *float32, lds, n int)
// Transposes n 8×8 blocks: block i reads 8 rows of 8 values at src+8i
// (row stride lds elements) and writes them as 8 rows of 8 at dst+8i·ldd
// (row stride ldd): dst[(8i+p)·ldd + j] = src[j·lds + 8i + p].
TEXT ·transpose8(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	MOVQ n+32(FP), CX
	SHLQ $2, R8
	SHLQ $2, R9

tloop:
	CMPQ       CX, $0
	JLE        tdone
	MOVQ       SI, AX
	VMOVUPS    (AX), Y0
	ADDQ       R9, AX
	VMOVUPS    (AX), Y1
	ADDQ       R9, AX
	VMOVUPS    (AX), Y2
	ADDQ       R9, AX
	VMOVUPS    (AX), Y3
	ADDQ       R9, AX
	VMOVUPS    (AX), Y4
	ADDQ       R9, AX
	VMOVUPS    (AX), Y5
	ADDQ       R9, AX
	VMOVUPS    (AX), Y6
	ADDQ       R9, AX
	VMOVUPS    (AX), Y7
	VUNPCKLPS  Y1, Y0, Y8
	VUNPCKHPS  Y1, Y0, Y9
	VUNPCKLPS  Y3, Y2, Y10
	VUNPCKHPS  Y3, Y2, Y11
	VUNPCKLPS  Y5, Y4, Y12
	VUNPCKHPS  Y5, Y4, Y13
	VUNPCKLPS  Y7, Y6, Y14
	VUNPCKHPS  Y7, Y6, Y15
	VSHUFPS    $0x44, Y10, Y8, Y0
	VSHUFPS    $0xEE, Y10, Y8, Y1
	VSHUFPS    $0x44, Y11, Y9, Y2
	VSHUFPS    $0xEE, Y11, Y9, Y3
	VSHUFPS    $0x44, Y14, Y12, Y4
	VSHUFPS    $0xEE, Y14, Y12, Y5
	VSHUFPS    $0x44, Y15, Y13, Y6
	VSHUFPS    $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	MOVQ       DI, AX
	VMOVUPS    Y8, (AX)
	ADDQ       R8, AX
	VMOVUPS    Y9, (AX)
	ADDQ       R8, AX
	VMOVUPS    Y10, (AX)
	ADDQ       R8, AX
	VMOVUPS    Y11, (AX)
	ADDQ       R8, AX
	VMOVUPS    Y12, (AX)
	ADDQ       R8, AX
	VMOVUPS    Y13, (AX)
	ADDQ       R8, AX
	VMOVUPS    Y14, (AX)
	ADDQ       R8, AX
	VMOVUPS    Y15, (AX)
	ADDQ       $32, SI
	LEAQ       (DI)(R8*8), DI
	DECQ       CX
	JMP        tloop

tdone:
	VZEROUPPER
	RET
