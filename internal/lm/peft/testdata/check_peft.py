"""Checks an adapter directory as Hugging Face PEFT would read it.

usage: check_peft.py ADAPTER_DIR BASE_DIR MERGED_DIR

Reads adapter_config.json and the safetensors header of
adapter_model.safetensors without sqlforge's code, checks the config keys,
that every tensor is named base_model.model.model.layers.N.<group>.<module>
.lora_{A,B}.weight for a targeted module, that lora_A is [r, in] and lora_B
[out, r] for the base's config.json, and that the merged model's weights
equal W + (lora_alpha/r) B A. Prints "ok" or raises.
"""
import json
import re
import struct
import sys

import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    header.pop("__metadata__", None)
    body = data[8 + n :]
    out = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", (name, info["dtype"])
        b, e = info["data_offsets"]
        t = torch.frombuffer(bytearray(body[b:e]), dtype=torch.float32)
        out[name] = t.reshape(info["shape"])
    return out


def main(adapter, base, merged):
    cfg = json.load(open(f"{adapter}/adapter_config.json"))
    for key, want in [("peft_type", "LORA"), ("task_type", "CAUSAL_LM"), ("bias", "none"),
                      ("fan_in_fan_out", False), ("use_rslora", False), ("modules_to_save", None)]:
        assert cfg[key] == want, (key, cfg[key], want)
    for key in ["r", "lora_alpha", "lora_dropout", "target_modules", "base_model_name_or_path", "inference_mode"]:
        assert key in cfg, key
    mc = json.load(open(f"{base}/config.json"))
    D, F = mc["hidden_size"], mc["intermediate_size"]
    hd = mc.get("head_dim") or D // mc["num_attention_heads"]
    q, kv = mc["num_attention_heads"] * hd, mc.get("num_key_value_heads", mc["num_attention_heads"]) * hd
    dims = {"q_proj": (D, q), "k_proj": (D, kv), "v_proj": (D, kv), "o_proj": (q, D),
            "gate_proj": (D, F), "up_proj": (D, F), "down_proj": (F, D)}
    r, scale = cfg["r"], cfg["lora_alpha"] / cfg["r"]
    pat = re.compile(r"^base_model\.model\.model\.layers\.(\d+)\.(self_attn|mlp)\.(\w+_proj)\.lora_([AB])\.weight$")
    ad = read_safetensors(f"{adapter}/adapter_model.safetensors")
    want = {f"base_model.model.model.layers.{i}.{'mlp' if m in ('gate_proj', 'up_proj', 'down_proj') else 'self_attn'}.{m}.lora_{ab}.weight"
            for i in range(mc["num_hidden_layers"]) for m in cfg["target_modules"] for ab in "AB"}
    assert set(ad) == want, sorted(set(ad) ^ want)
    bw, mw = read_safetensors(f"{base}/model.safetensors"), read_safetensors(f"{merged}/model.safetensors")
    for name, t in ad.items():
        layer, group, mod, ab = pat.match(name).groups()
        fan_in, fan_out = dims[mod]
        shape = [r, fan_in] if ab == "A" else [fan_out, r]
        assert list(t.shape) == shape, (name, list(t.shape), shape)
        if ab == "A":
            stem = name[len("base_model.model."):-len(".lora_A.weight")]
            B = ad[name.replace("lora_A", "lora_B")]
            expect = bw[stem + ".weight"] + scale * (B @ t)
            diff = (mw[stem + ".weight"] - expect).abs().max().item()
            assert diff < 1e-5, (stem, diff)
    print("ok", len(ad), "tensors")


if __name__ == "__main__":
    main(*sys.argv[1:4])
