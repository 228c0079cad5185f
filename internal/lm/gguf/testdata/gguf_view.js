// Reads a GGUF file with @huggingface/gguf, a parser independent of
// sqlforge's, and prints its typed metadata and tensor infos as JSON.
// Usage: node gguf_view.js MODULE_DIR FILE.gguf
const mod = require(process.argv[2]);

function summarize(v) {
  if (Array.isArray(v)) {
    return { length: v.length, head: v.slice(0, 8) };
  }
  return v;
}

(async () => {
  const { typedMetadata, tensorInfos, tensorDataOffset } = await mod.gguf(process.argv[3], {
    allowLocalFile: true,
    typedMetadata: true,
  });
  const out = { meta: {}, tensors: [], dataOffset: tensorDataOffset };
  for (const [k, v] of Object.entries(typedMetadata)) {
    out.meta[k] = { type: v.type, subType: v.subType, value: summarize(v.value) };
  }
  for (const t of tensorInfos) {
    out.tensors.push({ name: t.name, shape: t.shape, dtype: t.dtype, offset: t.offset });
  }
  console.log(JSON.stringify(out, (_, v) => (typeof v === "bigint" ? Number(v) : v)));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
