package llm

import (
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/sqlforge/sqlforge/internal/model"
)

// Report summarises an LLM generation for the manifest. It depends only on the responses
// the dataset was built from, not on which of them this run found in the cache, so a re-run
// or a restarted run writes the same report.
type Report struct {
	Version       string `json:"version"`
	QuestionModel string `json:"question_model"`
	SQLModel      string `json:"sql_model"`
	K             int    `json:"k"`
	Reasoning     bool   `json:"reasoning"`
	// BackTranslation is the similarity threshold of the back-translation filter (0: off).
	BackTranslation float64 `json:"back_translation_threshold"`
	// Questions counts the question stage.
	Questions QuestionReport `json:"questions"`
	// Diversity describes the kept questions.
	Diversity Diversity `json:"diversity"`
	// Kept is the number of pairs kept (questions and triplets).
	Kept int `json:"kept"`
	// Rejected counts rejected pairs by reason (the Reject constants).
	Rejected map[string]int `json:"rejected"`
	// MeanAgreement is the mean quality score (self-consistency agreement) of the kept
	// question/SQL pairs; Agreement counts them by score.
	MeanAgreement float64        `json:"mean_agreement"`
	Agreement     map[string]int `json:"agreement"`
	// Triplets counts the triplet stage.
	Triplets struct {
		Requested int `json:"requested"`
		Kept      int `json:"kept"`
	} `json:"triplets"`
	// Usage counts, per stage, the distinct requests the dataset was built from and the
	// tokens they cost when first sent (whether this run found them in the cache or not).
	Usage map[string]Tokens `json:"usage"`
	// CostUSD prices Usage at InferencePrices (as of PricesAsOf); models without a price
	// (local servers) are listed in Unpriced and count 0.
	CostUSD    float64  `json:"cost_usd"`
	Unpriced   []string `json:"unpriced,omitempty"`
	PricesAsOf string   `json:"prices_as_of"`
}

// QuestionReport counts the question stage.
type QuestionReport struct {
	// Units is the number of concept and combination units asked.
	Units int `json:"units"`
	// Generated is the number of valid questions returned.
	Generated int `json:"generated"`
	// Invalid counts refused answers and questions by reason (Invalid constants), near
	// duplicates included.
	Invalid map[string]int `json:"invalid"`
	// Kept is the number of questions sent to the SQL stage.
	Kept int `json:"kept"`
}

// RunStats says what this run did itself; it is printed, not written to the manifest.
type RunStats struct {
	// Sent counts the requests this run sent and the tokens they were billed.
	Sent Tokens `json:"sent"`
	// CacheHits is the number of requests answered from the cache.
	CacheHits int `json:"cache_hits"`
	// Failed is the number of requests that failed after the client's retries.
	Failed int `json:"failed"`
	// Failures counts the failed requests by reason, in the order the reasons first
	// occurred (empty when none failed).
	Failures []Failure `json:"failures"`
	// CostUSD prices Sent.
	CostUSD float64 `json:"cost_usd"`
	// Resumed is the number of work units found already done in the journal.
	Resumed int `json:"resumed_units"`
}

// Failure is one reason requests failed and how many did.
type Failure struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

// maxFailureReasons bounds the distinct reasons kept; later ones count as otherFailures.
const maxFailureReasons = 20

const otherFailures = "other reasons"

// failures counts failed requests by reason, in first-seen order.
type failures []Failure

func (f *failures) add(reason string, n int) {
	for i := range *f {
		if (*f)[i].Reason == reason {
			(*f)[i].Count += n
			return
		}
	}
	if len(*f) >= maxFailureReasons && reason != otherFailures {
		f.add(otherFailures, n)
		return
	}
	*f = append(*f, Failure{Reason: reason, Count: n})
}

// failureReason is err as counted in RunStats.Failures: a model error's Reason, else its
// first line.
func failureReason(err error) string {
	var me *model.Error
	if errors.As(err, &me) {
		return me.Reason()
	}
	return describe(err)
}

func newReport(o Options) Report {
	r := Report{Version: Version, QuestionModel: o.QuestionModelName, SQLModel: o.SQLModelName, K: o.K,
		Reasoning: o.Reasoning, Rejected: map[string]int{}, Agreement: map[string]int{}, Usage: map[string]Tokens{},
		PricesAsOf: PricesAsOf}
	r.Questions.Invalid = map[string]int{}
	if !o.NoBackTranslation {
		r.BackTranslation = o.BackThreshold
	}
	return r
}

func (r *Report) addUsage(stage string, t Tokens) {
	u := r.Usage[stage]
	u.add(t)
	r.Usage[stage] = u
}

// modelOf names the model that ran stage.
func (r *Report) modelOf(stage string) string {
	if stage == StageSQL {
		return r.SQLModel
	}
	return r.QuestionModel
}

// finish fills the totals, the cost and this run's statistics.
func (res *Result) finish(p *pipeline) {
	r := &res.Report
	r.Kept = len(res.Pairs)
	for k, t := range res.calls {
		stage, _, _ := strings.Cut(k, "/")
		r.addUsage(stage, t)
	}
	sum, n := 0.0, 0
	for _, pr := range res.Pairs {
		if pr.Context == "" { // triplets have no data to sample against
			sum += pr.Agreement
			n++
			r.Agreement[formatScore(pr.Agreement)]++
		}
	}
	if n > 0 {
		r.MeanAgreement = round4(sum / float64(n))
	}
	unpriced := map[string]bool{}
	cost := 0.0
	for stage, t := range r.Usage {
		m := r.modelOf(stage)
		if pr, ok := PriceOf(m); ok {
			cost += pr.USD(t)
		} else {
			unpriced[m] = true
		}
	}
	r.CostUSD = math.Round(cost*1e6) / 1e6
	for m := range unpriced {
		r.Unpriced = append(r.Unpriced, m)
	}
	sort.Strings(r.Unpriced)

	run := &res.Run
	run.Resumed = int(p.resumed.Load())
	for _, c := range []*caller{p.questionCall, p.sqlCall} {
		c.mu.Lock()
		run.Sent.add(c.sent)
		run.CacheHits += c.hits
		run.Failed += c.failed
		for _, f := range c.failures {
			(*failures)(&run.Failures).add(f.Reason, f.Count)
		}
		name := r.QuestionModel
		if c == p.sqlCall {
			name = r.SQLModel
		}
		if pr, ok := PriceOf(name); ok {
			run.CostUSD += pr.USD(c.sent)
		}
		c.mu.Unlock()
		if p.sqlCall == p.questionCall {
			break
		}
	}
	if run.Failures == nil {
		run.Failures = []Failure{}
	}
	run.CostUSD = math.Round(run.CostUSD*1e6) / 1e6
}

func formatScore(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
