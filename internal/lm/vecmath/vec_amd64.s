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

// func adamW8(w, grad, m, v *float32, n int, c *[8]float32)
// One AdamW update of n (a multiple of 8) values, c = {β1, 1−β1, β2, 1−β2,
// step size, √(1−β2ᵗ), ε}: m = β1·m + (1−β1)·g, v = β2·v + (1−β2)·g²,
// w −= step·m / (√v/√(1−β2ᵗ) + ε).
TEXT ·adamW8(SB), NOSPLIT, $0-48
	MOVQ         w+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         m+16(FP), DX
	MOVQ         v+24(FP), BX
	MOVQ         n+32(FP), CX
	MOVQ         c+40(FP), AX
	VBROADCASTSS 0(AX), Y8
	VBROADCASTSS 4(AX), Y9
	VBROADCASTSS 8(AX), Y10
	VBROADCASTSS 12(AX), Y11
	VBROADCASTSS 16(AX), Y12
	VBROADCASTSS 20(AX), Y13
	VBROADCASTSS 24(AX), Y14

adamloop:
	CMPQ        CX, $0
	JLE         adamdone
	VMOVUPS     (SI), Y0        // g
	VMULPS      (DX), Y8, Y1    // β1·m
	VFMADD231PS Y9, Y0, Y1      // + (1−β1)·g
	VMOVUPS     Y1, (DX)
	VMULPS      Y0, Y0, Y4      // g²
	VMULPS      (BX), Y10, Y2   // β2·v
	VFMADD231PS Y11, Y4, Y2     // + (1−β2)·g²
	VMOVUPS     Y2, (BX)
	VSQRTPS     Y2, Y5
	VDIVPS      Y13, Y5, Y5     // √v/√(1−β2ᵗ)
	VADDPS      Y14, Y5, Y5     // + ε
	VMULPS      Y12, Y1, Y6     // step·m
	VDIVPS      Y5, Y6, Y6
	VMOVUPS     (DI), Y3
	VSUBPS      Y6, Y3, Y3
	VMOVUPS     Y3, (DI)
	ADDQ        $32, DI
	ADDQ        $32, SI
	ADDQ        $32, DX
	ADDQ        $32, BX
	SUBQ        $8, CX
	JMP         adamloop

adamdone:
	VZEROUPPER
	RET
