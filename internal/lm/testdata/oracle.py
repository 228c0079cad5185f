"""PyTorch oracle for internal/lm: a straightforward Llama following Hugging
Face's modeling_llama math (RMSNorm in float32, rotate_half, repeat_kv, SwiGLU)
with LoRA on given modules, and the variants of modeling_mistral (sliding
window), modeling_qwen3 (q_norm, k_norm), modeling_gemma (GeGLU, 1+w norms,
scaled embeddings), modeling_gemma2 (sandwich norms, soft caps,
query_pre_attn_scalar, alternating windows) and modeling_phi3 (fused qkv_proj
and gate_up_proj), each written out here from those files' math. Usage: oracle.py DIR, where DIR holds config.json,
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


def rms_norm(x, w, eps, gemma=False):
    var = x.pow(2).mean(-1, keepdim=True)
    if gemma:
        return (x * torch.rsqrt(var + eps)) * (1.0 + w)
    return w * (x * torch.rsqrt(var + eps))


def activation(name):
    F = torch.nn.functional
    return {"silu": F.silu, "gelu": F.gelu, "gelu_pytorch_tanh": lambda x: F.gelu(x, approximate="tanh")}[name]


def window_of(cfg, i):
    sw = cfg.get("sliding_window") or 0
    mt = cfg.get("model_type")
    if mt in ("mistral", "phi3"):
        return sw
    if mt == "gemma2":
        types = cfg.get("layer_types")
        sliding = types[i] == "sliding_attention" if types else i % 2 == 0
        return sw if sliding else 0
    return 0


def causal_mask(T, window):
    i = torch.arange(T)[:, None]
    j = torch.arange(T)[None, :]
    allowed = j <= i
    if window:
        allowed = allowed & (i - j < window)
    return torch.zeros(T, T).masked_fill(~allowed, float("-inf"))


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
    mt = cfg.get("model_type", "llama")
    gemma = mt in ("gemma", "gemma2")
    act = activation(cfg.get("hidden_activation") or cfg.get("hidden_act", "silu"))
    scaling = (cfg.get("query_pre_attn_scalar") if mt == "gemma2" else Dh) ** -0.5
    attn_cap = cfg.get("attn_logit_softcapping") if mt == "gemma2" else None
    final_cap = cfg.get("final_logit_softcapping") if mt == "gemma2" else None
    tokens = torch.tensor(inp["tokens"]).reshape(B, T)

    def norm(x, name):
        return rms_norm(x, w[name], eps, gemma)

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
    if gemma:
        x = x * torch.tensor(D**0.5, dtype=x.dtype)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = norm(x, p + "input_layernorm.weight")
        if mt == "phi3":
            qkv = linear(h, p + "self_attn.qkv_proj")
            q, k, v = qkv.split([Hq * Dh, Hkv * Dh, Hkv * Dh], dim=-1)
        else:
            q = linear(h, p + "self_attn.q_proj")
            k = linear(h, p + "self_attn.k_proj")
            v = linear(h, p + "self_attn.v_proj")
        q, k, v = q.view(B, T, Hq, Dh), k.view(B, T, Hkv, Dh), v.view(B, T, Hkv, Dh)
        if mt == "qwen3":
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], eps)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k, v = repeat_kv(k, Hq // Hkv), repeat_kv(v, Hq // Hkv)
        att = (q @ k.transpose(2, 3)) * scaling
        if attn_cap:
            att = torch.tanh(att / attn_cap) * attn_cap
        att = att + causal_mask(T, window_of(cfg, i))
        att = torch.softmax(att.float(), dim=-1)
        o = linear((att @ v).transpose(1, 2).reshape(B, T, Hq * Dh), p + "self_attn.o_proj")
        if mt == "gemma2":
            o = norm(o, p + "post_attention_layernorm.weight")
            h = norm(x + o, p + "pre_feedforward_layernorm.weight")
        else:
            h = norm(x + o, p + "post_attention_layernorm.weight")
        x = x + o
        if mt == "phi3":
            g, u = linear(h, p + "mlp.gate_up_proj").chunk(2, dim=-1)
        else:
            g, u = linear(h, p + "mlp.gate_proj"), linear(h, p + "mlp.up_proj")
        y = linear(act(g) * u, p + "mlp.down_proj")
        if mt == "gemma2":
            y = norm(y, p + "post_feedforward_layernorm.weight")
        x = x + y
    x = norm(x, "model.norm.weight")
    head = w.get("lm_head.weight", w["model.embed_tokens.weight"])
    logits = x @ head.T
    if final_cap:
        logits = torch.tanh(logits / final_cap) * final_cap
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
