// Package tokenizer turns text into the token ids a Llama-family model reads and back.
//
// It loads Hugging Face tokenizer.json files for byte-level BPE vocabularies (GPT-2, Llama 3,
// Qwen2, SmolLM) and for SentencePiece-style BPE exported by Hugging Face (Llama 2, Mistral:
// the ▁ meta-space and <0xNN> byte-fallback tokens), renders chat prompts for the common
// template families, and trains a byte-level BPE vocabulary of our own that it saves as a
// tokenizer.json the Hugging Face tokenizers library loads.
//
// The pipeline follows the Hugging Face one: added (special) tokens are cut out of the text
// first and never split; each remaining segment is normalized, pre-tokenized into words, and
// each word is split by merge-rank BPE; a post-processor template may add BOS/EOS. Decoding
// runs the decoder chain in reverse. Everything is pure Go; look-ahead regexes use regexp2.
package tokenizer
