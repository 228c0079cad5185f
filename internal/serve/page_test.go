package serve

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sqlforge/sqlforge/internal/browsertest"
	"github.com/sqlforge/sqlforge/internal/model"
)

// answered is true once the page has rendered an answer.
const answered = `document.getElementById("out").dataset.state === "answered"`

// TestPageInBrowser drives the page in headless Chromium as a person does: the examples and
// the concepts panel load from the ontology; a question typed and sent with Enter is answered
// with columns named after the measure and numbers formatted by locale and unit; Ctrl+Enter
// and a click on an example ask too; a low-confidence answer says it may be wrong and what
// was not understood. Screenshots go to out/screenshots (or $SQLFORGE_SCREENSHOTS).
func TestPageInBrowser(t *testing.T) {
	bin := browsertest.Chromium(t)
	f := newFixture(t, Config{}, ServiceConfig{Planner: northwindKNN(t), Ontology: northwindOntology(t)})
	b := browsertest.New(t, bin, 1280, 900)
	b.Navigate(f.srv.URL+"/?lang=en-US", `document.querySelectorAll("#examples button.example").length > 0 && document.querySelectorAll("#metrics li").length > 0`)
	checkPanel(t, b)
	b.Screenshot("page-start.png")

	// Enter submits what was typed.
	b.Eval(`document.getElementById("q").focus()`)
	b.TypeText("Top 5 products by revenue")
	b.Press("Enter", "\r", 13, 0)
	b.WaitFor(answered)
	if got := b.Eval(`[...document.querySelectorAll("#result th")].map(th => th.textContent).join("|")`); got != "Product|Revenue" {
		t.Errorf("result columns %q, want Product|Revenue", got)
	}
	money := regexp.MustCompile(`^\$\d{3},\d{3}\.\d{2}$`)
	if got, _ := b.Eval(`document.querySelector("#result tr:nth-child(2) td.num").textContent`).(string); !money.MatchString(got) {
		t.Errorf("revenue cell %q, want a dollar amount like $548,077.37", got)
	}
	if b.Eval(`!!document.getElementById("copy-sql") && !document.getElementById("low-warning")`) != true {
		t.Errorf("want a Copy SQL button and no low-confidence warning")
	}
	href, _ := b.Eval(`document.getElementById("download-csv").getAttribute("href")`).(string)
	csv, err := url.PathUnescape(strings.TrimPrefix(href, "data:text/csv;charset=utf-8,"))
	if err != nil || !strings.HasPrefix(csv, "ProductName,revenue\r\n") || strings.Count(csv, "\r\n") != 6 {
		t.Errorf("CSV download %q (%v): want a header and 5 rows", csv, err)
	}
	b.Screenshot("page-answer.png")
	b.Call("", "Browser.grantPermissions", map[string]any{"origin": f.srv.URL, "permissions": []string{"clipboardReadWrite", "clipboardSanitizedWrite"}}, nil)
	b.Eval(`document.getElementById("copy-sql").click()`)
	b.WaitFor(`document.getElementById("copy-sql").textContent === "Copied"`)
	if got := b.Eval(`navigator.clipboard.readText()`); got != b.Eval(`document.getElementById("sql").textContent`) {
		t.Errorf("clipboard after Copy SQL: %q", got)
	}

	// Shift+Enter adds a line; Ctrl+Enter submits.
	b.Eval(`document.getElementById("q").value = ""`)
	b.TypeText("Average discount")
	b.Press("Enter", "\r", 13, 8)
	if b.Eval(`document.getElementById("out").dataset.state === "answered"`) != true {
		t.Errorf("Shift+Enter asked the question")
	}
	if got := b.Eval(`document.getElementById("q").value`); got != "Average discount\n" {
		t.Errorf("after Shift+Enter the question box holds %q, want a new line", got)
	}
	b.TypeText("by country")
	b.Press("Enter", "\r", 13, 2)
	b.WaitFor(answered)
	if got, _ := b.Eval(`document.querySelector("#result tr:nth-child(2) td.num").textContent`).(string); !regexp.MustCompile(`^\d+(\.\d)?%$`).MatchString(got) {
		t.Errorf("average discount cell %q, want a percent", got)
	}

	// An example question asks when clicked.
	example, _ := b.Eval(`document.querySelector("button.example").textContent`).(string)
	b.Eval(`document.querySelector("button.example").click()`)
	b.WaitFor(answered)
	if got := b.Eval(`document.getElementById("q").value`); got != example {
		t.Errorf("after clicking example %q the question box holds %q", example, got)
	}
	if b.Eval(`!!document.getElementById("sql")`) != true {
		t.Errorf("example %q: no SQL", example)
	}

	// A question the ontology cannot answer, in a new conversation, is flagged.
	if b.Eval(`document.getElementById("new-conversation").hidden`) != false {
		t.Errorf("no New conversation button after an answer")
	}
	b.Eval(`document.getElementById("new-conversation").click()`)
	if b.Eval(`document.getElementById("q").value === "" && document.getElementById("out").childElementCount === 0`) != true {
		t.Errorf("New conversation did not clear the question and the answer")
	}
	b.Eval(`document.getElementById("q").focus()`)
	b.TypeText("What is the phone number of Speedy Express?")
	b.Press("Enter", "\r", 13, 0)
	b.WaitFor(answered)
	warning, _ := b.Eval(`document.getElementById("low-warning") ? document.getElementById("low-warning").innerHTML : ""`).(string)
	for _, want := range []string{"This answer may be wrong", "<code>phone</code>", "under 0.5"} {
		if !strings.Contains(warning, want) {
			t.Errorf("low-confidence warning %q lacks %q", warning, want)
		}
	}
	b.Screenshot("page-low-confidence.png")
}

// checkPanel checks the side panel of Northwind's concepts and tables.
func checkPanel(t *testing.T, b *browsertest.Browser) {
	t.Helper()
	for expr, want := range map[string]string{
		`document.querySelector('#metrics li[data-id="revenue"] .unit').textContent`:              "USD",
		`document.querySelector('#dimensions li[data-id="customer_country"] button').textContent`: "Customer country",
		`document.querySelector('#segments li[data-id="late_shipment"] .desc').textContent`:       "Orders shipped after their required date.",
		`document.getElementById("database").textContent`:                                         "northwind",
	} {
		if got, _ := b.Eval(expr).(string); got != want {
			t.Errorf("%s = %q, want %q", expr, got, want)
		}
	}
	if tables, _ := b.Eval(`[...document.querySelectorAll("#tables summary")].map(s => s.textContent).join("|")`).(string); !strings.Contains(tables, "Orders · ") {
		t.Errorf("tables panel: %q", tables)
	}
}

// TestPageLocale: ?lang= formats numbers for another locale.
func TestPageLocale(t *testing.T) {
	bin := browsertest.Chromium(t)
	f := newFixture(t, Config{}, ServiceConfig{Planner: northwindKNN(t), Ontology: northwindOntology(t)})
	b := browsertest.New(t, bin, 1280, 900)
	b.Navigate(f.srv.URL+"/?lang=de-DE&q=Top+5+products+by+revenue", answered)
	if got, _ := b.Eval(`document.querySelector("#result tr:nth-child(2) td.num").textContent`).(string); !regexp.MustCompile(`^\d{3}\.\d{3},\d{2}[\s\x{00a0}]\$$`).MatchString(got) {
		t.Errorf("de-DE revenue cell %q, want like 548.077,37 $", got)
	}
	b.Screenshot("page-de-DE.png")
}

// TestPageNamesValueColumn: a SQL model's result column "value" is named after the metric its
// SQL computes (here Revenue, in dollars).
func TestPageNamesValueColumn(t *testing.T) {
	bin := browsertest.Chromium(t)
	f := newFixture(t, Config{}, ServiceConfig{Ontology: northwindOntology(t)})
	f.backend.set(func(model.Request) (string, error) {
		return "SELECT Categories.CategoryName, SUM(order_details.UnitPrice * order_details.Quantity * (1 - order_details.Discount)) AS value " +
			"FROM order_details JOIN Products USING (ProductID) JOIN Categories USING (CategoryID) GROUP BY Categories.CategoryName ORDER BY value DESC", nil
	})
	b := browsertest.New(t, bin, 1280, 900)
	b.Navigate(f.srv.URL+"/?lang=en-US&q=revenue+by+category", answered)
	if got := b.Eval(`[...document.querySelectorAll("#result th")].map(th => th.textContent).join("|")`); got != "CategoryName|Revenue" {
		t.Errorf("result columns %q, want CategoryName|Revenue", got)
	}
	if got, _ := b.Eval(`document.querySelector("#result tr:nth-child(2) td.num").textContent`).(string); !regexp.MustCompile(`^\$[\d,]+\.\d{2}$`).MatchString(got) {
		t.Errorf("value cell %q, want a dollar amount", got)
	}
}

// TestDocsInBrowser renders /docs and keeps a screenshot.
func TestDocsInBrowser(t *testing.T) {
	bin := browsertest.Chromium(t)
	f := newFixture(t, Config{}, ServiceConfig{Planner: northwindKNN(t), Ontology: northwindOntology(t)})
	b := browsertest.New(t, bin, 1280, 900)
	b.Navigate(f.srv.URL+"/docs", `document.querySelectorAll("section.route").length > 0`)
	if n, _ := b.Eval(`document.querySelectorAll("section.route pre.example-request").length`).(float64); n < 7 {
		t.Errorf("%v example requests, want one per route", n)
	}
	b.Screenshot("docs.png")
}
