"""PyTorch oracle for internal/lm: a straightforward Llama following Hugging
Face's modeling_llama math (RMSNorm in float32, rotate_half, repeat_kv, SwiGLU)
with LoRA on given modules. Usage: oracle.py DIR, where DIR holds config.json,
model.safetensors, lora.safetensors and inputs.json. Prints JSON with the
logits, the loss and the gradients of every LoRA matrix."""
import json
import math
import struct
import sys

import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8 : 8 + n])
    data = buf[8 + n :]
    dtypes = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[b:e]), dtype=dtypes[info["dtype"]])
        out[name] = t.reshape(info["shape"]).float()
    return out


def rms_norm(x, w, eps):
    var = x.pow(2).mean(-1, keepdim=True)
    return w * (x * torch.rsqrt(var + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def repeat_kv(x, n):
    b, h, t, d = x.shape
    if n == 1:
        return x
    return x[:, :, None, :, :].expand(b, h, n, t, d).reshape(b, h * n, t, d)


def main():
    d = sys.argv[1]
    cfg = json.load(open(f"{d}/config.json"))
    w = read_safetensors(f"{d}/model.safetensors")
    lora = read_safetensors(f"{d}/lora.safetensors")
    inp = json.load(open(f"{d}/inputs.json"))
    for t in lora.values():
        t.requires_grad_(True)
    scale = inp["lora_alpha"] / inp["lora_r"]
    B, T = inp["B"], inp["T"]
    D = cfg["hidden_size"]
    Hq, Hkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    Dh = cfg.get("head_dim") or D // Hq
    eps = cfg["rms_norm_eps"]
    tokens = torch.tensor(inp["tokens"]).reshape(B, T)

    def linear(x, name):
        y = x @ w[name + ".weight"].T
        if name + ".bias" in w:
            y = y + w[name + ".bias"]
        a = lora.get("base_model.model." + name + ".lora_A.weight")
        if a is not None:
            b = lora["base_model.model." + name + ".lora_B.weight"]
            y = y + scale * ((x @ a.T) @ b.T)
        return y

    inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, Dh, 2, dtype=torch.int64).float() / Dh))
    pos = torch.arange(T).float()
    freqs = pos[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()

    x = w["model.embed_tokens.weight"][tokens]
    mask = torch.full((T, T), float("-inf")).triu(1)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = linear(h, p + "self_attn.q_proj").view(B, T, Hq, Dh).transpose(1, 2)
        k = linear(h, p + "self_attn.k_proj").view(B, T, Hkv, Dh).transpose(1, 2)
        v = linear(h, p + "self_attn.v_proj").view(B, T, Hkv, Dh).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k, v = repeat_kv(k, Hq // Hkv), repeat_kv(v, Hq // Hkv)
        att = (q @ k.transpose(2, 3)) / math.sqrt(Dh) + mask
        att = torch.softmax(att.float(), dim=-1)
        o = (att @ v).transpose(1, 2).reshape(B, T, Hq * Dh)
        x = x + linear(o, p + "self_attn.o_proj")
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        g = linear(h, p + "mlp.gate_proj")
        u = linear(h, p + "mlp.up_proj")
        x = x + linear(torch.nn.functional.silu(g) * u, p + "mlp.down_proj")
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w.get("lm_head.weight", w["model.embed_tokens.weight"])
    logits = x @ head.T
    targets = torch.tensor(inp["targets"])
    m = torch.tensor(inp["mask"], dtype=torch.float32)
    nll = torch.nn.functional.cross_entropy(logits.reshape(B * T, -1), targets, reduction="none")
    loss = (nll * m).sum() / m.sum()
    loss.backward()
    out = {
        "logits": logits.detach().reshape(-1).tolist(),
        "loss": loss.item(),
        "grads": {n: t.grad.reshape(-1).tolist() for n, t in lora.items()},
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
