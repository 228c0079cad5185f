//go:build !purego

#include "textflag.h"

// func max8(x *float32, n int) float32
// The largest of n (a multiple of 8, at least 8) values.
TEXT ·max8(SB), NOSPLIT, $0-20
	MOVQ    x+0(FP), SI
	MOVQ    n+8(FP), CX
	VMOVUPS (SI), Y0
	VMOVAPS Y0, Y1
	ADDQ    $32, SI
	SUBQ    $8, CX

max16:
	CMPQ    CX, $16
	JLT     max8tail
	VMAXPS  (SI), Y0, Y0
	VMAXPS  32(SI), Y1, Y1
	ADDQ    $64, SI
	SUBQ    $16, CX
	JMP     max16

max8tail:
	CMPQ    CX, $0
	JLE     maxreduce
	VMAXPS  (SI), Y0, Y0

maxreduce:
	VMAXPS       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPS       X1, X0, X0
	VPERMILPS    $0x4e, X0, X1
	VMAXPS       X1, X0, X0
	VPERMILPS    $0xb1, X0, X1
	VMAXPS       X1, X0, X0
	VZEROUPPER
	MOVSS        X0, ret+16(FP)
	RET

// func scale8(x *float32, n int, s float32)
// x[i] *= s for n (a multiple of 8) values.
TEXT ·scale8(SB), NOSPLIT, $0-20
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS s+16(FP), Y2

scaleloop:
	CMPQ    CX, $16
	JLT     scale8tail
	VMULPS  (SI), Y2, Y0
	VMULPS  32(SI), Y2, Y1
	VMOVUPS Y0, (SI)
	VMOVUPS Y1, 32(SI)
	ADDQ    $64, SI
	SUBQ    $16, CX
	JMP     scaleloop

scale8tail:
	CMPQ    CX, $0
	JLE     scaledone
	VMULPS  (SI), Y2, Y0
	VMOVUPS Y0, (SI)

scaledone:
	VZEROUPPER
	RET
