#!/usr/bin/env bash
# One node, 1 GPU(s): fine-tune Qwen/Qwen2.5-Coder-1.5B with trl. Run from anywhere: bash launch.sh
# Install first: pip install -r requirements.txt
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONUNBUFFERED=1
trl sft --config trl.yaml --accelerate_config accelerate.yaml --num_processes 1 --num_machines 1
# the adapter is in out/; serve it with:
#   vllm serve Qwen/Qwen2.5-Coder-1.5B --enable-lora --lora-modules sqlforge=out --max-lora-rank 16
