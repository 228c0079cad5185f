//go:build !purego

#include "textflag.h"

// Cephes expf constants, each broadcast from memory.
DATA expc<>+0(SB)/4, $0x3fb8aa3b  // log2(e)
DATA expc<>+4(SB)/4, $0x3f318000  // ln2 high part 0.693359375
DATA expc<>+8(SB)/4, $0xb95e8083  // ln2 low part -2.12194440e-4
DATA expc<>+12(SB)/4, $0x3950696f // p0 1.9875691500e-4
DATA expc<>+16(SB)/4, $0x3ab743ce // p1 1.3981999507e-3
DATA expc<>+20(SB)/4, $0x3c088908 // p2 8.3334519073e-3
DATA expc<>+24(SB)/4, $0x3d2aa9c1 // p3 4.1665795894e-2
DATA expc<>+28(SB)/4, $0x3e2aaaaa // p4 1.6666665459e-1
DATA expc<>+32(SB)/4, $0x3f000000 // p5 0.5
DATA expc<>+36(SB)/4, $0x3f800000 // 1.0
DATA expc<>+40(SB)/4, $0xc2aeac50 // -87.33654 (lowest input)
DATA expc<>+44(SB)/4, $0x0000007f // 127, the exponent bias
DATA expc<>+48(SB)/4, $0x42b00000 // 88.0 (highest input of the sigmoid's exp)
GLOBL expc<>(SB), RODATA|NOPTR, $52

// EXP sets Y2 = exp(Y0) for Y0 in [-87.33654, 88], 8 lanes, with Y14 log2e,
// Y13 and Y12 the two parts of ln2, Y11 1.0 and Y9 127 loaded; it clobbers
// Y0, Y1, Y3, Y4 and Y5.
#define EXP \
	VMULPS       Y14, Y0, Y1; \
	VROUNDPS     $0, Y1, Y1; \
	VFNMADD231PS Y13, Y1, Y0; \
	VFNMADD231PS Y12, Y1, Y0; \
	VBROADCASTSS expc<>+12(SB), Y2; \
	VBROADCASTSS expc<>+16(SB), Y3; \
	VFMADD213PS  Y3, Y0, Y2; \
	VBROADCASTSS expc<>+20(SB), Y3; \
	VFMADD213PS  Y3, Y0, Y2; \
	VBROADCASTSS expc<>+24(SB), Y3; \
	VFMADD213PS  Y3, Y0, Y2; \
	VBROADCASTSS expc<>+28(SB), Y3; \
	VFMADD213PS  Y3, Y0, Y2; \
	VBROADCASTSS expc<>+32(SB), Y3; \
	VFMADD213PS  Y3, Y0, Y2; \
	VMULPS       Y0, Y0, Y4; \
	VFMADD213PS  Y0, Y4, Y2; \
	VADDPS       Y11, Y2, Y2; \
	VCVTPS2DQ    Y1, Y5; \
	VPADDD       Y9, Y5, Y5; \
	VPSLLD       $23, Y5, Y5; \
	VMULPS       Y5, Y2, Y2

// SIGMOID sets Y2 = 1/(1+exp(-Y7)) with EXP's constants, Y8 88.0 and
// Y10 -87.33654 loaded; it clobbers Y0 to Y5.
#define SIGMOID \
	VXORPS Y0, Y0, Y0; \
	VSUBPS Y7, Y0, Y0; \
	VMINPS Y8, Y0, Y0; \
	VMAXPS Y10, Y0, Y0; \
	EXP; \
	VADDPS Y11, Y2, Y2; \
	VDIVPS Y2, Y11, Y2

#define CONSTS \
	VBROADCASTSS expc<>+0(SB), Y14; \
	VBROADCASTSS expc<>+4(SB), Y13; \
	VBROADCASTSS expc<>+8(SB), Y12; \
	VBROADCASTSS expc<>+36(SB), Y11; \
	VBROADCASTSS expc<>+40(SB), Y10; \
	VPBROADCASTD expc<>+44(SB), Y9; \
	VBROADCASTSS expc<>+48(SB), Y8

// func expShift8(dst, src *float32, n int, shift float32) float32
// dst[i] = exp(src[i] - shift) for n (a multiple of 8) values, all
// src[i] - shift <= 0; returns the sum of dst in float32 lanes.
TEXT ·expShift8(SB), NOSPLIT, $0-36
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS shift+24(FP), Y15
	VBROADCASTSS expc<>+0(SB), Y14  // log2e
	VBROADCASTSS expc<>+4(SB), Y13  // c1
	VBROADCASTSS expc<>+8(SB), Y12  // c2
	VBROADCASTSS expc<>+36(SB), Y11 // 1.0
	VBROADCASTSS expc<>+40(SB), Y10 // lowest input
	VPBROADCASTD expc<>+44(SB), Y9  // 127
	VXORPS       Y8, Y8, Y8         // sum

loop:
	CMPQ         CX, $0
	JLE          done
	VMOVUPS      (SI), Y0
	VSUBPS       Y15, Y0, Y0        // x = src - shift
	VMAXPS       Y10, Y0, Y0        // x = max(x, -87.33654)
	VMULPS       Y14, Y0, Y1        // fx = x*log2e
	VROUNDPS     $0, Y1, Y1         // round to nearest
	VFNMADD231PS Y13, Y1, Y0        // x -= fx*c1
	VFNMADD231PS Y12, Y1, Y0        // x -= fx*c2
	VBROADCASTSS expc<>+12(SB), Y2  // y = p0
	VBROADCASTSS expc<>+16(SB), Y3
	VFMADD213PS  Y3, Y0, Y2         // y = y*x + p1
	VBROADCASTSS expc<>+20(SB), Y3
	VFMADD213PS  Y3, Y0, Y2         // y = y*x + p2
	VBROADCASTSS expc<>+24(SB), Y3
	VFMADD213PS  Y3, Y0, Y2         // y = y*x + p3
	VBROADCASTSS expc<>+28(SB), Y3
	VFMADD213PS  Y3, Y0, Y2         // y = y*x + p4
	VBROADCASTSS expc<>+32(SB), Y3
	VFMADD213PS  Y3, Y0, Y2         // y = y*x + p5
	VMULPS       Y0, Y0, Y4         // x²
	VFMADD213PS  Y0, Y4, Y2         // y = y*x² + x
	VADDPS       Y11, Y2, Y2        // y += 1
	VCVTPS2DQ    Y1, Y5             // n = int(fx)
	VPADDD       Y9, Y5, Y5         // n + 127
	VPSLLD       $23, Y5, Y5        // 2^n as float bits
	VMULPS       Y5, Y2, Y2         // y *= 2^n
	VMOVUPS      Y2, (DI)
	VADDPS       Y2, Y8, Y8
	ADDQ         $32, SI
	ADDQ         $32, DI
	SUBQ         $8, CX
	JMP          loop

done:
	VEXTRACTF128 $1, Y8, X1
	VADDPS       X1, X8, X0
	VHADDPS      X0, X0, X0
	VHADDPS      X0, X0, X0
	VZEROUPPER
	MOVSS        X0, ret+32(FP)
	RET

// func swiGLU8(act, gate, up *float32, n int)
// act[i] = silu(gate[i])·up[i] for n (a multiple of 8) values.
TEXT ·swiGLU8(SB), NOSPLIT, $0-32
	MOVQ act+0(FP), DI
	MOVQ gate+8(FP), SI
	MOVQ up+16(FP), DX
	MOVQ n+24(FP), CX
	CONSTS

gluloop:
	CMPQ    CX, $0
	JLE     gludone
	VMOVUPS (SI), Y7
	SIGMOID
	VMULPS  Y7, Y2, Y2
	VMULPS  (DX), Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     gluloop

gludone:
	VZEROUPPER
	RET

// func swiGLUBackward8(dgate, dup, dact, gate, up *float32, n int)
// With s = σ(gate[i]): dup[i] = dact[i]·gate[i]·s and
// dgate[i] = dact[i]·up[i]·s·(1 + gate[i]·(1−s)), n a multiple of 8.
TEXT ·swiGLUBackward8(SB), NOSPLIT, $0-48
	MOVQ dgate+0(FP), DI
	MOVQ dup+8(FP), R8
	MOVQ dact+16(FP), BX
	MOVQ gate+24(FP), SI
	MOVQ up+32(FP), DX
	MOVQ n+40(FP), CX
	CONSTS

glubloop:
	CMPQ        CX, $0
	JLE         glubdone
	VMOVUPS     (SI), Y7
	SIGMOID
	VMOVUPS     (BX), Y6
	VMULPS      Y7, Y6, Y3  // dact·g
	VMULPS      Y2, Y3, Y3  // ·s
	VMOVUPS     Y3, (R8)
	VSUBPS      Y2, Y11, Y4 // 1−s
	VFMADD213PS Y11, Y7, Y4 // g·(1−s) + 1
	VMULPS      (DX), Y6, Y5 // dact·up
	VMULPS      Y2, Y5, Y5  // ·s
	VMULPS      Y4, Y5, Y5
	VMOVUPS     Y5, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DX
	ADDQ        $32, BX
	ADDQ        $32, R8
	ADDQ        $32, DI
	SUBQ        $8, CX
	JMP         glubloop

glubdone:
	VZEROUPPER
	RET
