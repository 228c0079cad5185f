"""Writes the small tokenizer.json fixtures used by the tests (run: python3 make_fixtures.py).

Each is a hand-sized vocabulary whose expected ids are checked by hand in the Go tests.
"""
import json

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]  # in GPT-2's id order

def added(id, content):
    return {"id": id, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}

def byte_level(merges, extra=(), ignore_merges=False):
    vocab = {c: i for i, c in enumerate(bytes_to_unicode())}
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    for t in extra:
        vocab.setdefault(t, len(vocab))
    return vocab

def model(vocab, merges, string_merges, **kw):
    m = {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
         "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
         "vocab": vocab, "merges": [a + " " + b for a, b in merges] if string_merges else [[a, b] for a, b in merges]}
    m.update(kw)
    return m

def write(name, obj):
    with open(name, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write("\n")

# GPT-2 style: ByteLevel pre-tokenizer with the GPT-2 regex, merges as "a b" strings.
gpt2_merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("S", "E"), ("L", "E"), ("SE", "LE"), ("C", "T"),
               ("SELE", "CT"), ("i", "n")]
v = byte_level(gpt2_merges)
write("gpt2.json", {
    "version": "1.0", "truncation": None, "padding": None,
    "added_tokens": [added(len(v), "<|endoftext|>")],
    "normalizer": None,
    "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
    "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
    "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
    "model": model(v, gpt2_merges, True)})

# Llama 3 style: Split(regex) + ByteLevel(use_regex=false), ignore_merges, list merges, BOS template.
llama3_pattern = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
l3_merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("1", "2"), ("12", "3"), ("Ċ", "Ċ")]
v = byte_level(l3_merges, extra=["ĠFROM"])
n = len(v)
specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
write("llama3.json", {
    "version": "1.0", "truncation": None, "padding": None,
    "added_tokens": [added(n + i, s) for i, s in enumerate(specials)],
    "normalizer": None,
    "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": llama3_pattern}, "behavior": "Isolated", "invert": False},
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
    "post_processor": {"type": "Sequence", "processors": [
        {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        {"type": "TemplateProcessing",
         "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
         "pair": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                  {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
         "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [n], "tokens": ["<|begin_of_text|>"]}}}]},
    "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
    "model": model(v, l3_merges, False, ignore_merges=True)})

# Llama 2 style SentencePiece export: Prepend/Replace normalizer, no pre-tokenizer, byte fallback.
sp_vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
for b in range(256):
    sp_vocab["<0x%02X>" % b] = len(sp_vocab)
for c in ["▁", "h", "e", "l", "o", "w", "r", "d", "S", "E", "L", "C", "T"]:
    sp_vocab[c] = len(sp_vocab)
sp_merges = [("▁", "h"), ("e", "l"), ("▁h", "el"), ("l", "o"), ("▁hel", "lo"), ("▁", "w"), ("o", "r"),
             ("▁w", "or"), ("l", "d"), ("▁wor", "ld")]
for a, b in sp_merges:
    sp_vocab.setdefault(a + b, len(sp_vocab))
sp_added = [dict(added(0, "<unk>")), added(1, "<s>"), added(2, "</s>")]
write("llama2.json", {
    "version": "1.0", "truncation": None, "padding": None,
    "added_tokens": sp_added,
    "normalizer": {"type": "Sequence", "normalizers": [
        {"type": "Prepend", "prepend": "▁"},
        {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
    "pre_tokenizer": None,
    "post_processor": {"type": "TemplateProcessing",
                       "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                       "pair": [],
                       "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
    "decoder": {"type": "Sequence", "decoders": [
        {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
        {"type": "ByteFallback"}, {"type": "Fuse"},
        {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
    "model": model(sp_vocab, sp_merges, True, unk_token="<unk>", fuse_unk=True, byte_fallback=True)})

# The same vocabulary in the newer Metaspace form (Mistral, recent Llama 2 exports).
write("metaspace.json", {
    "version": "1.0", "truncation": None, "padding": None,
    "added_tokens": sp_added,
    "normalizer": None,
    "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": False},
    "post_processor": None,
    "decoder": {"type": "Sequence", "decoders": [
        {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": False},
        {"type": "ByteFallback"}, {"type": "Fuse"}]},
    "model": model(sp_vocab, sp_merges, False, unk_token="<unk>", fuse_unk=True, byte_fallback=True)})
