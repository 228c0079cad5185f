#!/bin/sh
# A stand-in for `axolotl` and `trl` in tests of `sqlforge train --engine ... --run`. It writes
# what the real engines leave, both being transformers' Trainer underneath
# (transformers/trainer.py _save_checkpoint, trainer_callback.py TrainerState and
# ProgressCallback.on_log; TRL trl/scripts/sft.py and axolotl src/axolotl/train.py end with
# trainer.save_model(output_dir)):
#   stdout/stderr  tqdm progress "N/TOTAL [" and, per logging step, a Python dict
#                  {'loss': ..., 'grad_norm': ..., 'learning_rate': ..., 'epoch': ...}, per
#                  evaluation {'eval_loss': ..., 'eval_runtime': ..., 'epoch': ...}
#   out/checkpoint-N/trainer_state.json  {"global_step", "max_steps", "log_history": [...]}
#   out/checkpoint-N/adapter_config.json + adapter_model.safetensors
#   out/adapter_config.json + adapter_model.safetensors   the final adapter
# It runs 4 steps, evaluates and checkpoints at 2 and 4. With STANDIN_GATE set it waits after
# step 2 until that file exists (so a test can kill sqlforge mid-run); STANDIN_ADAPTER is the
# adapter directory it "trains"; STANDIN_FAIL=1 makes it exit 1 after step 2.
set -eu
case "${1:-}" in
preprocess) echo "stand-in: preprocess $2"; exit 0 ;;
train|sft) ;;
*) echo "stand-in: unknown command $*" >&2; exit 2 ;;
esac
out=out
mkdir -p "$out"
history=""
for step in 1 2 3 4; do
	loss=$(echo "2.0 1.6 1.3 1.1" | cut -d' ' -f$step)
	lr=$(echo "0.0002 0.00015 0.0001 0.00005" | cut -d' ' -f$step)
	printf ' %d%%|###| %d/4 [00:0%d<00:01, 1.00it/s]\r' $((step * 25)) $step $step
	echo "{'loss': $loss, 'grad_norm': 0.5, 'learning_rate': $lr, 'mean_token_accuracy': 0.$((5 + step)), 'epoch': $step.0}"
	entry="{\"epoch\": $step.0, \"grad_norm\": 0.5, \"learning_rate\": $lr, \"loss\": $loss, \"mean_token_accuracy\": 0.$((5 + step)), \"step\": $step}"
	history="${history:+$history, }$entry"
	if [ $((step % 2)) -eq 0 ]; then
		eval_loss=$(echo "x 1.4 x 1.2" | cut -d' ' -f$step)
		printf ' 100%%|###| 1/1 [00:00<00:00]\r'
		echo "{'eval_loss': $eval_loss, 'eval_runtime': 0.1, 'eval_samples_per_second': 10.0, 'epoch': $step.0}"
		history="$history, {\"epoch\": $step.0, \"eval_loss\": $eval_loss, \"eval_runtime\": 0.1, \"step\": $step}"
		ck="$out/checkpoint-$step"
		mkdir -p "$ck"
		cp "$STANDIN_ADAPTER"/adapter_config.json "$STANDIN_ADAPTER"/adapter_model.safetensors "$ck"/
		printf '{"best_metric": null, "epoch": %s.0, "global_step": %d, "max_steps": 4, "log_history": [%s], "logging_steps": 1}\n' $step $step "$history" >"$ck/trainer_state.json"
	fi
	if [ $step -eq 2 ]; then
		if [ "${STANDIN_FAIL:-}" = 1 ]; then
			echo "RuntimeError: CUDA out of memory (stand-in)" >&2
			exit 1
		fi
		while [ -n "${STANDIN_GATE:-}" ] && [ ! -e "$STANDIN_GATE" ]; do sleep 0.05; done
	fi
done
cp "$STANDIN_ADAPTER"/adapter_config.json "$STANDIN_ADAPTER"/adapter_model.safetensors "$out"/
echo "stand-in: model saved to $out"
