#!/usr/bin/env python3
"""SentencePiece oracle for internal/lm/tokenizer (Debian: apt-get install python3-sentencepiece).

  oracle.py train DIR        trains the tiny test models into DIR (unigram.model, bpe.model,
                             unigram_nfkc.model) and writes DIR/expected.json
  oracle.py encode DIR       reads {"models": [...], "texts": [...]} on stdin, prints the ids and
                             the decoded text of each text under each DIR/<model>.model as JSON

The models are trained on a small corpus written here (SQL, English, accents, a little CJK),
so they are tiny (a few KB; the nmt_nfkc one carries its ~240 KB precompiled normalization map).
"""
import json
import os
import sys

import sentencepiece as spm

CORPUS = [
    "SELECT customer_id, SUM(amount) AS total FROM orders WHERE year = 2023 GROUP BY customer_id;",
    "SELECT name FROM products WHERE price > 100 ORDER BY price DESC LIMIT 10;",
    "How many customers are there in each country?",
    "What is the total freight of orders shipped in 2022?",
    "List the suppliers located in Japan and their products.",
    "The quick brown fox jumps over the lazy dog.",
    "Café au lait, crème brûlée, naïve façade, São Paulo, Zürich, Ångström.",
    "Les élèves étudient à l'école; el niño comió piña.",
    "数据库查询 東京 日本語のテキスト 你好世界",
    "SELECT COUNT(*) FROM employees e JOIN departments d ON e.dept_id = d.id;",
    "WITH t AS (SELECT a, b FROM x) SELECT a FROM t WHERE b IS NOT NULL;",
    "Revenue per month in 2021, 2022 and 2023: 12345.67 / 890.",
]

# What the models are asked: SQL, accents, CJK, emoji, digits, whitespace runs, tabs, newlines,
# characters the vocabulary lacks (byte fallback or unk), fullwidth forms NFKC folds.
TEXTS = [
    "SELECT * FROM orders WHERE id = 42;",
    "select   count(*)  from\tcustomers\nwhere country = 'Brazil'",
    "  leading and trailing spaces  ",
    "Café crème brûlée à São Paulo",
    "東京の数据库 你好",
    "emoji 🙂🚀 and ZWJ 👩‍💻",
    "1234567890 3.14159 -273.15 1e10",
    "",
    " ",
    "a",
    "\u00a0non-breaking\u3000ideographic space",
    "ＳＥＬＥＣＴ　ｆｕｌｌｗｉｄｔｈ ①②③",
    "tabs\t\tand\r\nCRLF",
    "Ωmega ∑ ≤ ≥ ≠ → ∞",
    "x" * 40,
    "WITH t AS (SELECT a FROM b) SELECT a FROM t;",
]

MODELS = {
    # Llama-2 / Gemma style: byte fallback, no normalization, whitespace kept as is.
    "unigram": dict(model_type="unigram", vocab_size=420, byte_fallback=True,
                    normalization_rule_name="identity", remove_extra_whitespaces=False,
                    user_defined_symbols=["<sql>"]),
    "bpe": dict(model_type="bpe", vocab_size=460, byte_fallback=True,
                normalization_rule_name="identity", remove_extra_whitespaces=False,
                user_defined_symbols=["<sql>"]),
    # The trainer's defaults: NFKC with whitespace cleanup, unknown characters become <unk>.
    "unigram_nfkc": dict(model_type="unigram", vocab_size=180),
}


def train(out):
    os.makedirs(out, exist_ok=True)
    corpus = os.path.join(out, "corpus.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        for i in range(20):
            for line in CORPUS:
                f.write(line.replace("2023", str(2000 + i)) + "\n")
    for name, opts in MODELS.items():
        spm.SentencePieceTrainer.train(input=corpus, model_prefix=os.path.join(out, name),
                                       character_coverage=1.0, num_threads=1, seed_sentencepiece_size=10000,
                                       hard_vocab_limit=False, **opts)
        os.remove(os.path.join(out, name + ".vocab"))
    os.remove(corpus)
    expected = encode(out, list(MODELS), TEXTS)
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        f.write("{\n")
        for i, (name, cases) in enumerate(expected.items()):
            f.write(" %s: [\n" % json.dumps(name))
            f.write(",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in cases))
            f.write("\n ]%s\n" % ("," if i + 1 < len(expected) else ""))
        f.write("}\n")


def encode(d, models, texts):
    out = {}
    for name in models:
        sp = spm.SentencePieceProcessor(model_file=os.path.join(d, name + ".model"))
        out[name] = [{"text": t, "ids": sp.encode(t), "decoded": sp.decode(sp.encode(t))} for t in texts]
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("train", "encode"):
        sys.exit(__doc__)
    if sys.argv[1] == "train":
        train(sys.argv[2])
    else:
        req = json.load(sys.stdin)
        json.dump(encode(sys.argv[2], req["models"], req["texts"]), sys.stdout, ensure_ascii=False)
