package recipe

import (
	"fmt"
	"strings"
)

// trainCommand is the engine's command line for one node of nprocs GPUs; extra are more
// launcher arguments (the multi-node rendezvous in the sbatch template).
func trainCommand(o Options, nprocs string, extra string) string {
	if o.Engine == TRL {
		// trl sft --config reads the YAML through TrlParser; the accelerate launch arguments
		// (--accelerate_config, --num_processes, ...) go to accelerate (docs/source/clis.md).
		return "trl sft --config trl.yaml --accelerate_config accelerate.yaml --num_processes " + nprocs + extra
	}
	// axolotl train CONFIG --launcher accelerate -- ARGS (docs/cli.qmd, launcher arguments)
	return "axolotl train axolotl.yaml --launcher accelerate -- --num_processes " + nprocs + extra
}

// launchScript runs the recipe on one node with --gpus GPUs.
func launchScript(o Options) string {
	var b strings.Builder
	fmt.Fprintf(&b, `#!/usr/bin/env bash
# One node, %d GPU(s): fine-tune %s with %s. Run from anywhere: bash launch.sh
# Install first: pip install -r requirements.txt
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONUNBUFFERED=1
`, max(1, o.GPUs), o.Base, o.Engine)
	if o.Engine == Axolotl {
		b.WriteString("axolotl preprocess axolotl.yaml\n")
	}
	b.WriteString(trainCommand(o, fmt.Sprint(max(1, o.GPUs)), " --num_machines 1") + "\n")
	fmt.Fprintf(&b, "# the adapter is in %s/; serve it with:\n#   %s\n", OutputDir, ServeCommand(o, OutputDir))
	return b.String()
}

// sbatchScript is a Slurm template for --nodes nodes of --gpus GPUs: one task per node, each
// running the launcher with its node rank; node 0 is the rendezvous host.
func sbatchScript(o Options) string {
	nodes, gpus := max(1, o.Nodes), max(1, o.GPUs)
	var b strings.Builder
	fmt.Fprintf(&b, `#!/usr/bin/env bash
#SBATCH --job-name=sqlforge-%s
#SBATCH --nodes=%d
#SBATCH --ntasks-per-node=1
#SBATCH --gpus-per-node=%d
#SBATCH --cpus-per-task=%d
#SBATCH --time=24:00:00
#SBATCH --output=logs/slurm-%%j.out
# Several nodes: sbatch slurm.sbatch (edit the partition, account and time for your cluster).
# Every node needs the same environment (pip install -r requirements.txt) and this folder on a shared filesystem.
set -euo pipefail
cd "${SLURM_SUBMIT_DIR:-$(dirname "$0")}"
mkdir -p logs
export PYTHONUNBUFFERED=1
export MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
export MASTER_PORT=29500
`, o.Engine, nodes, gpus, 8*gpus)
	if o.Engine == Axolotl {
		b.WriteString("axolotl preprocess axolotl.yaml   # tokenize once, on the submitting node\n")
	}
	cmd := trainCommand(o, fmt.Sprintf("$((SLURM_NNODES * %d))", gpus),
		` --num_machines "$SLURM_NNODES" --machine_rank "$SLURM_NODEID" --main_process_ip "$MASTER_ADDR" --main_process_port "$MASTER_PORT" --rdzv_backend c10d`)
	fmt.Fprintf(&b, "srun --kill-on-bad-exit=1 bash -c '%s'\n", strings.ReplaceAll(cmd, "'", `'\''`))
	return b.String()
}

// requirements pins the Python stack: the versions axolotl 0.18.0 pins in its pyproject.toml
// (torch, transformers, peft, accelerate, trl, bitsandbytes, deepspeed).
func requirements(o Options) string {
	var b strings.Builder
	b.WriteString("# Pinned for this recipe: the versions axolotl 0.18.0 pins (pyproject.toml), which TRL 1.8.0 accepts.\n")
	b.WriteString("torch==2.11.0\n")
	if o.Engine == Axolotl {
		b.WriteString("axolotl[deepspeed]==0.18.0\n")
	}
	b.WriteString("transformers==5.14.1\npeft==0.19.1\naccelerate==1.13.0\ntrl==1.8.0\ndatasets==4.7.0\nbitsandbytes==0.49.1\ndeepspeed==0.18.6\n")
	b.WriteString("# serving (a separate environment is fine): vllm\n")
	return b.String()
}

// readme documents the recipe folder.
func readme(o Options, base *BaseConfig) string {
	method := "LoRA"
	switch {
	case o.Full:
		method = "full fine-tuning"
	case o.QLoRA:
		method = "QLoRA (4-bit NF4 base)"
	}
	dist := "data parallel"
	switch {
	case o.DeepSpeed != "":
		dist = "DeepSpeed " + strings.ToUpper(o.DeepSpeed[:1]) + o.DeepSpeed[1:]
	case o.FSDP:
		dist = "FSDP2"
	}
	checked := "the base's config.json was not available locally: rank and architecture were not checked"
	if base != nil {
		checked = fmt.Sprintf("checked against %s (%s, hidden size %d)", base.Path, strings.Join(base.Architectures, ", "), base.HiddenSize)
	}
	cfg := o.Engine.ConfigFile()
	var b strings.Builder
	fmt.Fprintf(&b, "# sqlforge fine-tuning recipe: %s on %s\n\n", o.Base, o.Engine)
	fmt.Fprintf(&b, "Written by `sqlforge train --engine %s`. %s, %d GPU(s) × %d node(s), %s; %s.\n\n", o.Engine, method, max(1, o.GPUs), max(1, o.Nodes), dist, checked)
	b.WriteString("| file | what |\n| --- | --- |\n")
	fmt.Fprintf(&b, "| `%s` | the %s configuration (validated by sqlforge against the engine's rules) |\n", cfg, o.Engine)
	if o.Engine == TRL {
		b.WriteString("| `accelerate.yaml` | the accelerate launch configuration (distributed type, processes) |\n")
		b.WriteString("| `data/train.jsonl`, `data/val.jsonl` | conversational prompt-completion examples: `prompt` (system, user) and `completion` (assistant) |\n")
	} else {
		if o.DeepSpeed != "" {
			b.WriteString("| `deepspeed.json` | the DeepSpeed configuration the YAML points at |\n")
		}
		b.WriteString("| `data/train.jsonl`, `data/val.jsonl` | chat examples `{\"messages\": [system, user, assistant]}` (type chat_template) |\n")
	}
	b.WriteString("| `launch.sh` | one node: `bash launch.sh` |\n| `slurm.sbatch` | several nodes: `sbatch slurm.sbatch` |\n| `requirements.txt` | the pinned Python stack |\n\n")
	b.WriteString("The messages are exactly those sqlforge's own trainer learns from and asks its fine-tuned models with\n(internal/prompt): the system instructions, the question (with any evidence), and the SQL as the answer.\n\n")
	fmt.Fprintf(&b, "## Run\n\n    python -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt\n    bash launch.sh          # or: sqlforge train ... --run, which records the job (sqlforge jobs list)\n\n")
	fmt.Fprintf(&b, "Checkpoints go to `%s/checkpoint-N/` (with `trainer_state.json`), the final %s to `%s/`.\n\n", OutputDir, map[bool]string{true: "model", false: "adapter"}[o.Full], OutputDir)
	fmt.Fprintf(&b, "## Serve and evaluate\n\n    %s\n    sqlforge adapter check %s --base BASE_DIR\n    sqlforge eval --data test.jsonl --model '%s'\n", ServeCommand(o, OutputDir), OutputDir, Reference("HOST", o.Name))
	return b.String()
}
