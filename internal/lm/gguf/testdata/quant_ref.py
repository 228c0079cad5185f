"""Reference dequantisation for internal/lm/gguf, written from llama.cpp's
ggml-quants.c (dequantize_row_q8_0, _q4_0, _q4_K with get_scale_min_k4,
_q6_K) and ggml-common.h's block layouts, one value at a time in float32.

Usage: quant_ref.py OUT.gguf [SEED]. Writes a GGUF v3 file holding, for each
type, a tensor of random blocks ("q8_0", "q4_0", "q4_k", "q6_k", "f16",
"bf16") and beside it "want.<name>", an F32 tensor of the values this
script dequantises from those bytes. The Go test reads the file with its
own reader and dequantiser and compares. Needs numpy only."""
import struct
import sys

import numpy as np

F32, F16, Q4_0, Q8_0, Q4_K, Q6_K, BF16 = 0, 1, 2, 8, 12, 14, 30


def half(b, off):
    return np.float32(np.frombuffer(b[off:off + 2], dtype=np.float16)[0])


def deq_q8_0(b, n):
    out = []
    for i in range(n // 32):
        blk = b[i * 34:(i + 1) * 34]
        d = half(blk, 0)
        for j in range(32):
            out.append(d * np.float32(struct.unpack("b", blk[2 + j:3 + j])[0]))
    return out


def deq_q4_0(b, n):
    out = []
    for i in range(n // 32):
        blk = b[i * 18:(i + 1) * 18]
        d = half(blk, 0)
        lo = [d * np.float32((blk[2 + j] & 0xF) - 8) for j in range(16)]
        hi = [d * np.float32((blk[2 + j] >> 4) - 8) for j in range(16)]
        out += lo + hi
    return out


def get_scale_min_k4(j, q):
    if j < 4:
        return q[j] & 63, q[j + 4] & 63
    return (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4)


def deq_q4_k(b, n):
    out = []
    for i in range(n // 256):
        blk = b[i * 144:(i + 1) * 144]
        d, dmin = half(blk, 0), half(blk, 2)
        scales, q = blk[4:16], blk[16:]
        qo, is_ = 0, 0
        for _ in range(0, 256, 64):
            sc, m = get_scale_min_k4(is_, scales)
            d1, m1 = d * np.float32(sc), dmin * np.float32(m)
            sc, m = get_scale_min_k4(is_ + 1, scales)
            d2, m2 = d * np.float32(sc), dmin * np.float32(m)
            out += [d1 * np.float32(q[qo + l] & 0xF) - m1 for l in range(32)]
            out += [d2 * np.float32(q[qo + l] >> 4) - m2 for l in range(32)]
            qo += 32
            is_ += 2
    return out


def deq_q6_k(b, n):
    out = []
    for i in range(n // 256):
        blk = b[i * 210:(i + 1) * 210]
        ql, qh = blk[0:128], blk[128:192]
        sc = list(struct.unpack("16b", blk[192:208]))
        d = half(blk, 208)
        y = [np.float32(0)] * 256
        for h in range(2):
            L, H, S, Y = 64 * h, 32 * h, 8 * h, 128 * h
            for l in range(32):
                is_ = l // 16
                q1 = ((ql[L + l] & 0xF) | (((qh[H + l] >> 0) & 3) << 4)) - 32
                q2 = ((ql[L + l + 32] & 0xF) | (((qh[H + l] >> 2) & 3) << 4)) - 32
                q3 = ((ql[L + l] >> 4) | (((qh[H + l] >> 4) & 3) << 4)) - 32
                q4 = ((ql[L + l + 32] >> 4) | (((qh[H + l] >> 6) & 3) << 4)) - 32
                y[Y + l] = d * np.float32(sc[S + is_]) * np.float32(q1)
                y[Y + l + 32] = d * np.float32(sc[S + is_ + 2]) * np.float32(q2)
                y[Y + l + 64] = d * np.float32(sc[S + is_ + 4]) * np.float32(q3)
                y[Y + l + 96] = d * np.float32(sc[S + is_ + 6]) * np.float32(q4)
        out += y
    return out


def random_blocks(rng, typ, n):
    """Random quantised bytes whose f16 scales are finite and moderate."""
    def f16(v):
        return np.float16(v).tobytes()
    out = b""
    if typ == Q8_0:
        for _ in range(n // 32):
            out += f16(rng.normal(0, 0.05)) + rng.integers(0, 256, 32, dtype=np.uint8).tobytes()
    elif typ == Q4_0:
        for _ in range(n // 32):
            out += f16(rng.normal(0, 0.05)) + rng.integers(0, 256, 16, dtype=np.uint8).tobytes()
    elif typ == Q4_K:
        for _ in range(n // 256):
            out += f16(abs(rng.normal(0, 0.01))) + f16(abs(rng.normal(0, 0.01)))
            out += rng.integers(0, 256, 12 + 128, dtype=np.uint8).tobytes()
    elif typ == Q6_K:
        for _ in range(n // 256):
            out += rng.integers(0, 256, 128 + 64 + 16, dtype=np.uint8).tobytes() + f16(abs(rng.normal(0, 0.01)))
    elif typ == F16:
        out = rng.normal(0, 1, n).astype(np.float16).tobytes()
    elif typ == BF16:
        f = rng.normal(0, 1, n).astype(np.float32)
        out = (f.view(np.uint32) >> 16).astype(np.uint16).tobytes()
    return out


def dequant(typ, b, n):
    if typ == F16:
        return list(np.frombuffer(b, dtype=np.float16).astype(np.float32))
    if typ == BF16:
        return list((np.frombuffer(b, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32))
    return {Q8_0: deq_q8_0, Q4_0: deq_q4_0, Q4_K: deq_q4_k, Q6_K: deq_q6_k}[typ](b, n)


def gguf_string(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def write_gguf(path, tensors):
    """tensors: list of (name, [rows, cols], type, raw bytes)."""
    head = struct.pack("<IIQQ", 0x46554747, 3, len(tensors), 1)
    head += gguf_string("general.architecture") + struct.pack("<I", 8) + gguf_string("test")
    data, offsets = b"", []
    for _, _, _, raw in tensors:
        offsets.append(len(data))
        data += raw + b"\0" * ((-len(raw)) % 32)
    for (name, shape, typ, _), off in zip(tensors, offsets):
        head += gguf_string(name) + struct.pack("<I", len(shape))
        head += b"".join(struct.pack("<Q", d) for d in reversed(shape))
        head += struct.pack("<IQ", typ, off)
    head += b"\0" * ((-len(head)) % 32)
    with open(path, "wb") as f:
        f.write(head + data)


def main():
    rng = np.random.default_rng(int(sys.argv[2]) if len(sys.argv) > 2 else 18)
    tensors = []
    for name, typ, shape in [("q8_0", Q8_0, [2, 64]), ("q4_0", Q4_0, [2, 64]), ("q4_k", Q4_K, [2, 256]),
                             ("q6_k", Q6_K, [2, 256]), ("f16", F16, [3, 8]), ("bf16", BF16, [3, 8])]:
        n = shape[0] * shape[1]
        raw = random_blocks(rng, typ, n)
        want = np.array(dequant(typ, raw, n), dtype=np.float32)
        tensors.append((name, shape, typ, raw))
        tensors.append(("want." + name, shape, F32, want.tobytes()))
    write_gguf(sys.argv[1], tensors)


if __name__ == "__main__":
    main()
