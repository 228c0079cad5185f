package report

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/browsertest"
	"github.com/sqlforge/sqlforge/internal/eval"
)

// overlapProbe, appended to a copy of report.html (the report itself runs no script),
// lists every pair of labels in a chart whose boxes overlap, and every label that leaves
// its chart, into <pre id="overlaps">.
const overlapProbe = `<script>
const found = [];
for (const svg of document.querySelectorAll("svg.chart")) {
  const box = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll("text")].map(t => [t.textContent, t.getBoundingClientRect()]);
  for (const [s, r] of texts) {
    if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) found.push(svg.id + ": " + s + " leaves the chart");
  }
  for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
    const [a, ra] = texts[i], [b, rb] = texts[j];
    const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left), h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
    if (w > 1 && h > 1) found.push(svg.id + ": " + a + " overlaps " + b);
  }
}
const pre = document.createElement("pre");
pre.id = "overlaps";
pre.textContent = found.length ? found.join("\n") : "none";
document.body.appendChild(pre);
</script>`

// manyModels is threeModels with more, long-named models, so that legends must wrap.
func manyModels(t *testing.T) *eval.Report {
	rep := threeModels(t)
	for _, name := range []string{"openai:gpt-4o-mini-2024-07-18", "local:out/model-full-finetune", "knn:out/northwind/train.jsonl"} {
		m := rep.Models[2]
		m.Model = name
		rep.Models = append(rep.Models, m)
	}
	return rep
}

// TestHTMLChartsReadable renders report.html in headless Chromium and checks that no two
// labels of a chart overlap and none leaves its chart (the error-class chart once wrote its
// class names over each other), then keeps a screenshot in out/screenshots (or
// $SQLFORGE_SCREENSHOTS).
func TestHTMLChartsReadable(t *testing.T) {
	bin := browsertest.Chromium(t)
	for name, rep := range map[string]*eval.Report{"report": threeModels(t), "report-many-models": manyModels(t)} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := WriteDir(dir, rep); err != nil {
				t.Fatal(err)
			}
			page, err := os.ReadFile(filepath.Join(dir, HTMLFile))
			if err != nil {
				t.Fatal(err)
			}
			probe := filepath.Join(dir, "probe.html")
			if err := os.WriteFile(probe, bytes.Replace(page, []byte("</body>"), []byte(overlapProbe+"</body>"), 1), 0o644); err != nil {
				t.Fatal(err)
			}
			dom := browsertest.Run(t, bin, "--hide-scrollbars", "--dump-dom", "file://"+probe)
			m := regexp.MustCompile(`(?s)<pre id="overlaps">(.*?)</pre>`).FindStringSubmatch(dom)
			if m == nil {
				t.Fatalf("the probe did not run")
			}
			if m[1] != "none" {
				t.Errorf("chart labels overlap or leave their chart:\n%s", m[1])
			}
			shot := filepath.Join(browsertest.ScreenshotDir(t), name+".png")
			browsertest.Run(t, bin, "--hide-scrollbars", "--screenshot="+shot, "--window-size=1280,2200", "file://"+filepath.Join(dir, HTMLFile))
			if st, err := os.Stat(shot); err != nil || st.Size() == 0 {
				t.Fatalf("no screenshot %s: %v", shot, err)
			}
			t.Logf("screenshot: %s", shot)
		})
	}
}

// TestReportsSayNA: figures that were not measured read n/a, never 0; both reports carry the
// glossary and say why a model has no calibration.
func TestReportsSayNA(t *testing.T) {
	rep := threeModels(t)
	var md, page bytes.Buffer
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&page, rep); err != nil {
		t.Fatal(err)
	}
	gold := summaryRow(rep, rep.Models[0])
	for i, col := range summaryHeader {
		switch col {
		case "R-VES", "judge+EX", "latency p50 ms", "tokens":
			if gold[i] != eval.NA {
				t.Errorf("gold's %s is %q, want n/a (not measured)", col, gold[i])
			}
		}
	}
	for _, term := range []string{"EX", "subset", "EM", "ESM", "F1", "R-VES", "sim", "valid", "ECE"} {
		if !strings.Contains(md.String(), "- **"+term+"**: ") {
			t.Errorf("report.md glossary lacks %s", term)
		}
		if !strings.Contains(page.String(), "<dt>"+term+"</dt>") {
			t.Errorf("report.html glossary lacks %s", term)
		}
	}
	for _, want := range []string{"gold: no model was asked", `<dl class="glossary">`, `id="no-confidence"`} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("report.html lacks %s", want)
		}
	}
	// A model whose answers all lack a confidence gets n/a with the reason.
	noconf := *rep
	noconf.Models = []eval.ModelReport{rep.Models[2]}
	noconf.Models[0].Model, noconf.Models[0].Calibration = "openai:gpt-4o-mini", nil
	if why := noConfidence(&noconf); len(why) != 1 || !strings.Contains(why[0], "fresh --cache") {
		t.Errorf("noConfidence = %q", why)
	}
	// R-VES measured reads as a number.
	ves := *rep
	ves.VESRepeat = 10
	ves.Models = []eval.ModelReport{rep.Models[2]}
	ves.Models[0].Summary.VESItems, ves.Models[0].Summary.RVES = 11, 87.5
	if got := summaryRow(&ves, ves.Models[0])[7]; got != "87.50" {
		t.Errorf("measured R-VES cell %q, want 87.50", got)
	}
}

// TestSummaryHeaderExplained: every column of the summary table has a glossary entry, shown
// as the header's tooltip in report.html.
func TestSummaryHeaderExplained(t *testing.T) {
	var page bytes.Buffer
	if err := WriteHTML(&page, threeModels(t)); err != nil {
		t.Fatal(err)
	}
	for _, col := range summaryHeader[1:] {
		if meaning(col) == "" {
			t.Errorf("summary column %q has no glossary entry", col)
		}
	}
	if !strings.Contains(page.String(), `<th title="Execution accuracy: `) {
		t.Error("report.html: the EX header has no tooltip")
	}
}
