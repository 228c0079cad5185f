package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/openai/openai-go/v3/azure"
	"github.com/openai/openai-go/v3/option"
	"github.com/spf13/cobra"

	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/train"
	ftazure "github.com/sqlforge/sqlforge/internal/train/azure"
	"github.com/sqlforge/sqlforge/internal/train/ftcheck"
	"github.com/sqlforge/sqlforge/internal/train/jobs"
	ftopenai "github.com/sqlforge/sqlforge/internal/train/openai"
	"github.com/sqlforge/sqlforge/internal/train/registry"
)

// ftSleep waits between polls and retries of fine-tuning commands; tests replace it so that
// following a job on the contract server takes no wall-clock time.
var ftSleep train.Sleeper = train.Sleep

// newEngine is the one switch that wires fine-tuning providers. Credentials come from the
// environment only (model.Env's accessors) and are never printed.
// With poll > 0 the engine checks an uploaded file every poll instead of its default schedule.
func newEngine(provider string, poll time.Duration) (*ftopenai.Engine, error) {
	env := model.OSEnv()
	if err := checkEngine(provider, env); err != nil {
		return nil, err
	}
	switch provider {
	case "openai":
		base := env.OpenAIBaseURL()
		if base == model.DefaultOpenAIBaseURL {
			base = "" // the SDK's own default
		}
		return ftopenai.New(ftopenai.Options{APIKey: env.OpenAIAPIKey().Reveal(), BaseURL: base, Provider: "openai", Sleep: ftSleep, FilePoll: jobs.PollEvery(poll)}), nil
	case "azure":
		opts := []option.RequestOption{azure.WithEndpoint(env.AzureEndpoint(), env.AzureFineTuneAPIVersion()),
			azure.WithAPIKey(env.AzureAPIKey().Reveal())}
		if env.AzureAllowHTTP() { // loopback contract server only
			opts = append(opts, azure.WithUnsafeAllowHTTP())
		}
		return ftopenai.New(ftopenai.Options{RequestOptions: opts, Provider: "azure", Sleep: ftSleep, FilePoll: jobs.PollEvery(poll)}), nil
	}
	return nil, userErr(fmt.Errorf("unknown engine %q (want openai or azure)", provider))
}

// checkEngine reports, without I/O, whether env holds the credentials of the provider: an
// input error naming the missing variable.
func checkEngine(provider string, env model.Env) error {
	switch provider {
	case "openai":
		if !env.OpenAIAPIKey().IsSet() {
			return userErr(fmt.Errorf("engine openai: %s is not set", model.EnvOpenAIAPIKey))
		}
	case "azure":
		for _, v := range []struct {
			name string
			set  bool
		}{{model.EnvAzureEndpoint, env.AzureEndpoint() != ""}, {model.EnvAzureAPIKey, env.AzureAPIKey().IsSet()}} {
			if !v.set {
				return userErr(fmt.Errorf("engine azure: %s is not set (%s and %s must be set)", v.name, model.EnvAzureEndpoint, model.EnvAzureAPIKey))
			}
		}
	default:
		return userErr(fmt.Errorf("unknown engine %q (want openai or azure)", provider))
	}
	return nil
}

// pollUsage documents --poll on finetune and jobs watch.
const pollUsage = "check the job, uploaded files and deployment provisioning every DURATION, e.g. 30s (0: backoff, the job every 5s doubling to 2m while nothing changes)"

// checkPoll rejects a negative --poll.
func checkPoll(d time.Duration) error {
	if d < 0 {
		return userErr(fmt.Errorf("--poll %s: must not be negative", d))
	}
	return nil
}

type finetuneFlags struct {
	engine, train, val, base, suffix, state string
	epochs, batch                           int
	lr                                      float64
	seed                                    int64
	dryRun, detach                          bool
	deploy                                  deployFlags
	resume                                  string
	poll                                    time.Duration
}

// deployFlags describe a deployment requested with finetune --deploy or jobs deploy.
type deployFlags struct {
	name, sku, evalData string
	capacity            int
}

func (a *app) newFinetuneCmd() *cobra.Command {
	var f finetuneFlags
	cmd := &cobra.Command{
		Use:   "finetune",
		Short: "Check, upload and fine-tune on OpenAI or Azure OpenAI, recording the job in the state database",
		Long: `finetune checks the training (and validation) file against OpenAI's format rules and stops with
exit status 2 on any error, before anything is uploaded; then uploads, creates the job, follows it
to the end and records everything in the state database (see "sqlforge jobs"): events, checkpoints,
results.csv and its curves (curves.svg, next to it in the job directory).

With --deploy NAME (engine azure) the fine-tuned model is then deployed through the Azure management
API and, with --eval-data FILE, evaluated as azure:NAME. The deployment is recorded as pending when
the job is created, so a run killed midway is finished by "sqlforge jobs watch ID" or
"sqlforge finetune --resume ID".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runFinetune(cmd.Context(), f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.engine, "engine", "openai", "provider: openai or azure")
	fl.StringVar(&f.train, "train", "", "training JSONL file (required)")
	fl.StringVar(&f.val, "val-file", "", "validation JSONL file")
	aliasFlag(fl, "val", "val-file")
	fl.StringVar(&f.base, "base", "gpt-4o-mini-2024-07-18", "base model")
	fl.IntVar(&f.epochs, "epochs", 0, "epochs (0: provider's auto)")
	fl.IntVar(&f.batch, "batch-size", 0, "batch size (0: auto)")
	fl.Float64Var(&f.lr, "lr-multiplier", 0, "learning-rate multiplier (0: auto)")
	fl.Int64Var(&f.seed, "seed", 0, "job seed (0: provider chooses)")
	fl.StringVar(&f.suffix, "suffix", "sqlforge", "suffix of the fine-tuned model name")
	fl.StringVar(&f.state, "state", "", "state database (default $XDG_STATE_HOME/sqlforge/jobs.db)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "check the files and print the estimate only")
	fl.BoolVar(&f.detach, "detach", false, "create the job and return without following it")
	fl.StringVar(&f.resume, "resume", "", "follow a recorded job ID to its end and finish its deployment (no upload)")
	fl.DurationVar(&f.poll, "poll", 0, pollUsage)
	fl.StringVar(&f.deploy.name, "deploy", "", "deploy the fine-tuned model under this Azure deployment name")
	addDeployFlags(cmd, &f.deploy)
	cmd.AddCommand(a.newFinetuneCheckCmd())
	return cmd
}

func (a *app) newFinetuneCheckCmd() *cobra.Command {
	var base string
	var epochs int
	var val bool
	cmd := &cobra.Command{
		Use:   "check FILE",
		Short: "Check a fine-tuning file only: format rules, tokens, cost and duration estimate",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := a.checkFile(args[0], ftcheck.Options{Model: base, Epochs: epochs, Validation: val})
			if err != nil {
				return err
			}
			if a.jsonOut {
				if err := a.dbPrintJSON(rep); err != nil {
					return err
				}
			}
			if n := rep.Errors(); n > 0 {
				return userErr(fmt.Errorf("%s: %d errors", args[0], n))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&base, "base", "gpt-4o-mini-2024-07-18", "base model (token limit, price)")
	cmd.Flags().IntVar(&epochs, "epochs", 0, "epochs for the estimate (0: OpenAI's auto rule)")
	cmd.Flags().BoolVar(&val, "validation", false, "the file is a validation file (no minimum size)")
	return cmd
}

// checkFile runs ftcheck and prints issues and the estimate (text mode).
func (a *app) checkFile(path string, o ftcheck.Options) (*ftcheck.Report, error) {
	rep, err := ftcheck.CheckFile(path, o)
	if err != nil {
		return nil, userErr(err)
	}
	if !a.jsonOut {
		for _, is := range rep.Issues {
			fmt.Fprintln(a.stderr, is.String())
		}
		fmt.Fprintf(a.stdout, "%s: %s, %d examples, %d tokens (longest %d), %d epochs: ~$%.2f, ~%s (rough)\n",
			path, rep.Kind, rep.Examples, rep.Tokens, rep.MaxTokens, rep.Epochs, rep.CostUSD, rep.Duration)
	}
	return rep, nil
}

func openState(ctx context.Context, path string) (*registry.Registry, error) {
	if path == "" {
		p, err := registry.DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	return registry.Open(ctx, path)
}

func (a *app) runFinetune(ctx context.Context, f finetuneFlags) error {
	if err := checkPoll(f.poll); err != nil {
		return err
	}
	if f.resume != "" {
		reg, err := openState(ctx, f.state)
		if err != nil {
			return err
		}
		defer reg.Close()
		eng, err := engineForJob(ctx, reg, f.resume, f.poll)
		if err != nil {
			return err
		}
		return a.watchJob(ctx, eng, reg, f.resume, f.poll)
	}
	if f.train == "" {
		return userErr(errors.New("--train is required"))
	}
	var (
		dep *ftazure.Client
		err error
	)
	if f.deploy.name != "" {
		if f.engine != "azure" {
			return userErr(fmt.Errorf("--deploy: only Azure OpenAI models are deployed (engine %s serves fine-tuned models as they are)", f.engine))
		}
		if err := f.deploy.check(); err != nil {
			return err
		}
	}
	if !f.dryRun { // credentials before the files' checks, which take seconds on a large file
		if err := checkEngine(f.engine, model.OSEnv()); err != nil {
			return err
		}
		if f.deploy.name != "" {
			if dep, err = newDeployer(f.poll); err != nil {
				return err
			}
		}
	}
	rep, err := a.checkFile(f.train, ftcheck.Options{Model: f.base, Epochs: f.epochs})
	if err != nil {
		return err
	}
	errs := rep.Errors()
	if f.val != "" {
		vrep, err := a.checkFile(f.val, ftcheck.Options{Model: f.base, Epochs: f.epochs, Validation: true})
		if err != nil {
			return err
		}
		errs += vrep.Errors()
	}
	if errs > 0 {
		return userErr(fmt.Errorf("finetune: %d errors in the input files; nothing was uploaded", errs))
	}
	if f.dryRun {
		return nil
	}
	eng, err := newEngine(f.engine, f.poll)
	if err != nil {
		return err
	}
	reg, err := openState(ctx, f.state)
	if err != nil {
		return err
	}
	defer reg.Close()
	sub := jobs.Submission{Provider: f.engine, Train: f.train, Val: f.val, Base: f.base, Suffix: f.suffix, Seed: f.seed,
		Hyperparameters: train.Hyperparameters{Epochs: f.epochs, BatchSize: f.batch, LearningRateMultiplier: f.lr}, Check: rep}
	if dep != nil {
		sub.Deploy = registry.Deployment{Account: dep.Account(), Name: f.deploy.name, SKU: f.deploy.sku,
			Capacity: f.deploy.capacity, EvalData: f.deploy.evalData}
	}
	j, err := jobs.Submit(ctx, eng, reg, sub, a.jobOptions(f.poll))
	if err != nil || f.detach {
		return err
	}
	return a.watchJob(ctx, eng, reg, j.ID, f.poll)
}

func (a *app) progress(format string, args ...any) {
	if !a.quiet {
		fmt.Fprintf(a.stderr, format, args...)
	}
}
