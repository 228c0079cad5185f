"""Training-step benchmark in plain PyTorch on CPU, the counterpart of
`sqlforge bench train`: the same Llama architecture as internal/lm (RMSNorm,
rotate-half RoPE, grouped-query attention, SwiGLU, tied or untied head), the
same shapes, LoRA on the same targets (dropout, scale alpha/r) or every weight
trained, cross-entropy over all B·T tokens, backward, AdamW step.
Usage: bench_torch.py CONFIG.json MODE B T STEPS [R ALPHA TARGETS]; MODE is
lora or full, TARGETS a comma list such as q_proj,v_proj. Prints one JSON
object: the fastest step's seconds, tokens per second, threads (torch's
intra-op threads, and the BLAS's own threads where it is OpenBLAS: Debian's
torch runs its matrix products through libblas.so.3, whose pthreads build uses
every core even when torch reports one thread), torch version."""
import ctypes
import json
import math
import sys
import time

import torch
import torch.nn.functional as F


class LoRALinear(torch.nn.Module):
    def __init__(self, inp, out, bias, r, alpha, dropout):
        super().__init__()
        self.base = torch.nn.Linear(inp, out, bias=bias)
        self.r = r
        if r:
            self.a = torch.nn.Parameter(torch.empty(r, inp).uniform_(-1 / math.sqrt(inp), 1 / math.sqrt(inp)))
            self.b = torch.nn.Parameter(torch.zeros(out, r))
            self.scale = alpha / r
            self.drop = torch.nn.Dropout(dropout)

    def forward(self, x):
        y = self.base(x)
        if self.r:
            y = y + self.scale * ((self.drop(x) @ self.a.T) @ self.b.T)
        return y


def rms_norm(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Llama(torch.nn.Module):
    def __init__(self, cfg, r, alpha, targets):
        super().__init__()
        D, Fd, V = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
        self.Hq, self.Hkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
        self.Dh = cfg.get("head_dim") or D // self.Hq
        self.eps = cfg["rms_norm_eps"]
        self.embed = torch.nn.Embedding(V, D)
        torch.nn.init.normal_(self.embed.weight, std=0.02)
        dims = {"q_proj": (D, self.Hq * self.Dh), "k_proj": (D, self.Hkv * self.Dh), "v_proj": (D, self.Hkv * self.Dh),
                "o_proj": (self.Hq * self.Dh, D), "gate_proj": (D, Fd), "up_proj": (D, Fd), "down_proj": (Fd, D)}
        self.layers = torch.nn.ModuleList()
        for _ in range(cfg["num_hidden_layers"]):
            l = torch.nn.ModuleDict({n: LoRALinear(i, o, False, r if n in targets else 0, alpha, 0.05) for n, (i, o) in dims.items()})
            l.n1 = torch.nn.Parameter(torch.ones(D))
            l.n2 = torch.nn.Parameter(torch.ones(D))
            self.layers.append(l)
        self.norm = torch.nn.Parameter(torch.ones(D))
        self.head = None if cfg.get("tie_word_embeddings") else torch.nn.Linear(D, V, bias=False)
        inv = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, self.Dh, 2).float() / self.Dh))
        self.inv_freq = inv

    def forward(self, tokens):
        B, T = tokens.shape
        freqs = torch.arange(T).float()[:, None] * self.inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        mask = torch.full((T, T), float("-inf")).triu(1)
        g = self.Hq // self.Hkv
        x = self.embed(tokens)
        for l in self.layers:
            h = rms_norm(x, l.n1, self.eps)
            q = l["q_proj"](h).view(B, T, self.Hq, self.Dh).transpose(1, 2)
            k = l["k_proj"](h).view(B, T, self.Hkv, self.Dh).transpose(1, 2)
            v = l["v_proj"](h).view(B, T, self.Hkv, self.Dh).transpose(1, 2)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            k = k.repeat_interleave(g, dim=1)
            v = v.repeat_interleave(g, dim=1)
            att = torch.softmax((q @ k.transpose(2, 3)) / math.sqrt(self.Dh) + mask, dim=-1)
            o = (att @ v).transpose(1, 2).reshape(B, T, self.Hq * self.Dh)
            x = x + l["o_proj"](o)
            h = rms_norm(x, l.n2, self.eps)
            x = x + l["down_proj"](F.silu(l["gate_proj"](h)) * l["up_proj"](h))
        x = rms_norm(x, self.norm, self.eps)
        return x @ self.embed.weight.T if self.head is None else self.head(x)


def blas_threads():
    """OpenBLAS's thread count as torch's process loaded it, or 0."""
    for name in ("libblas.so.3", "libopenblas.so.0"):
        try:
            return int(ctypes.CDLL(name).openblas_get_num_threads())
        except (OSError, AttributeError):
            continue
    return 0


def main():
    cfg = json.load(open(sys.argv[1]))
    mode, B, T, steps = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    r, alpha, targets = 0, 0.0, []
    if mode == "lora":
        r, alpha, targets = int(sys.argv[6]), float(sys.argv[7]), sys.argv[8].split(",")
    torch.manual_seed(1)
    m = Llama(cfg, r, alpha, targets)
    for n, p in m.named_parameters():
        p.requires_grad_(mode == "full" or n.endswith(".a") or n.endswith(".b"))
    params = [p for p in m.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)
    V = cfg["vocab_size"]
    tokens = torch.randint(0, V, (B, T))
    targets_t = torch.randint(0, V, (B * T,))
    m.train()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(m(tokens).reshape(B * T, V), targets_t)
        loss.backward()
        opt.step()

    step()  # warm-up
    sec = float("inf")
    for _ in range(steps):  # the fastest step, as the Go side reports
        t0 = time.perf_counter()
        step()
        sec = min(sec, time.perf_counter() - t0)
    json.dump({"seconds_per_step": sec, "tokens_per_second": B * T / sec, "threads": torch.get_num_threads(), "blas_threads": blas_threads(),
               "torch": torch.__version__, "trainable": sum(p.numel() for p in params)}, sys.stdout)


if __name__ == "__main__":
    main()
