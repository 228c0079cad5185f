// Package llmtest scripts realistic model answers for the LLM data-generation pipeline over
// the Northwind sample database, for a loopback openaitest.Server: the question model writes
// JSON questions (one unit's answer is prose instead), the SQL model answers from a catalog
// of behaviours — good SQL written several ways, a minority of wrong answers, answers that
// never agree, prose without SQL, SQL that fails, SQL with no rows, consistent SQL for
// another question (caught by back-translation) and slow answers — and the triplet model
// answers good, malformed and broken triplets in turn. Every answer is a function of the
// request alone, so runs are reproducible whatever the concurrency.
package llmtest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/sqlforge/sqlforge/internal/datagen/llm"
	"github.com/sqlforge/sqlforge/internal/model/openaitest"
)

// Behaviour names of the catalog entries: what the scripted SQL model does for a question.
const (
	Good        = "good"         // every sample agrees by result, written two ways
	MinorWrong  = "minor_wrong"  // one sample of three returns other rows: kept with agreement 2/3
	Split       = "split"        // every sample returns other rows: no_majority
	Prose       = "prose"        // no SQL at all: malformed
	Broken      = "broken"       // SQL on a missing column: sql_error
	NoRows      = "no_rows"      // SQL that returns nothing: empty
	OtherIntent = "other_intent" // agreeing SQL that answers another question: back_translation
	Slow        = "slow"         // good answers that arrive late
)

// Entry is one question topic and how the SQL model answers it.
type Entry struct {
	Phrase    string
	Behaviour string
	// Answers are the samples' SQL, cycled over the choices.
	Answers []string
	// Back is the question the back-translator writes for this entry's first answer.
	Back string
}

// Catalog is the scripted Northwind topics.
var Catalog = []Entry{
	{"number of orders shipped to Germany", Good, []string{
		"SELECT COUNT(*) FROM Orders WHERE ShipCountry = 'Germany'",
		"SELECT COUNT(OrderID) AS n FROM Orders WHERE ShipCountry = 'Germany'"},
		"How many orders were shipped to Germany?"},
	{"total freight paid in 2023", MinorWrong, []string{
		"SELECT SUM(Freight) FROM Orders WHERE strftime('%Y', OrderDate) = '2023'",
		"SELECT SUM(o.Freight) AS freight FROM Orders AS o WHERE strftime('%Y', o.OrderDate) = '2023'",
		"SELECT SUM(Freight) FROM Orders WHERE strftime('%Y', OrderDate) = '2022'"},
		"What was the total freight paid in 2023?"},
	{"average unit price across products", Split, []string{
		"SELECT AVG(UnitPrice) FROM Products",
		"SELECT AVG(UnitPrice) FROM order_details",
		"SELECT MAX(UnitPrice) FROM Products"},
		"What is the average unit price of products?"},
	{"churn probability of each customer", Prose, []string{
		"I am sorry, but the schema has no churn data, so this cannot be answered with a query."},
		""},
	{"salary bill of the staff", Broken, []string{"SELECT SUM(Salary) FROM Employees"}, ""},
	{"orders shipped to Atlantis", NoRows, []string{"SELECT OrderID FROM Orders WHERE ShipCountry = 'Atlantis'"}, ""},
	{"suppliers based in Japan", OtherIntent, []string{"SELECT COUNT(*) FROM Products"}, "How many products are in the catalogue?"},
	{"products in each category", Good, []string{
		"SELECT CategoryID, COUNT(*) FROM Products GROUP BY CategoryID ORDER BY CategoryID",
		"SELECT p.CategoryID, COUNT(p.ProductID) FROM Products p GROUP BY p.CategoryID ORDER BY 1"},
		"How many products are there in each category?"},
	{"customers per country", Slow, []string{
		"SELECT Country, COUNT(*) FROM Customers GROUP BY Country ORDER BY Country"},
		"How many customers are there per country?"},
}

// MalformedConcept is the concept whose question unit is answered with prose, not JSON.
const MalformedConcept = "Late Shipment Rate"

var templates = map[string]string{
	"formal":        "Could you please report the %s?",
	"colloquial":    "hey, what's the %s looking like?",
	"imperative":    "Show me the %s.",
	"terse":         "%s?",
	"vague":         "Anything interesting about the %s?",
	"multi_part":    "What is the %s, and which part of it is largest?",
	"explicit_time": "What was the %s over the whole period from 2020 to 2024?",
	"implied_time":  "What was the %s over the whole period from 2020 to 2024 then?",
}

// Script answers requests; its zero value is ready. Set OnRequest before the first request.
type Script struct {
	// OnRequest, when set, is called with the number of requests seen so far (a test
	// cancels a run from here to simulate a kill).
	OnRequest func(n int)

	mu       sync.Mutex
	requests int
	arrived  chan struct{} // closed and replaced at every request: wakes slow answers
}

var styleLine = regexp.MustCompile(`(?m)^\d+\. ([a-z_]+):`)

// Reply is an openaitest.Server.Reply.
func (s *Script) Reply(req openaitest.ChatRequest, i int) string {
	if i == 0 {
		if n := s.count(); s.OnRequest != nil {
			s.OnRequest(n)
		}
	}
	msgs := make([]string, len(req.Messages))
	for j, m := range req.Messages {
		msgs[j], _ = m.Content.(string)
	}
	last := msgs[len(msgs)-1]
	switch {
	case msgs[0] == llm.QuestionSystemPrompt:
		return questions(last)
	case msgs[0] == llm.BackSystemPrompt:
		return back(last)
	case msgs[0] == llm.TripletPrompt:
		seed := 0
		if req.Seed != nil {
			seed = *req.Seed
		}
		return triplet(seed)
	}
	for _, e := range Catalog {
		if strings.Contains(strings.ToLower(last), strings.ToLower(e.Phrase)) {
			if e.Behaviour == Slow {
				s.waitOthers(2)
			}
			ans := e.Answers[i%len(e.Answers)]
			if e.Behaviour == Prose {
				return ans
			}
			if strings.Contains(msgs[0], "###final_sql_query:") {
				return "The question asks for the " + e.Phrase + "; I read the tables it names and aggregate.\n\n###final_sql_query:\n" + ans + ";\n###END"
			}
			return "Here is the query:\n```sql\n" + ans + ";\n```"
		}
	}
	return "```sql\nSELECT 1;\n```"
}

func (s *Script) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if s.arrived != nil {
		close(s.arrived)
	}
	s.arrived = make(chan struct{})
	return s.requests
}

// waitOthers holds a slow answer until n more requests have arrived, or 20ms at most (so a
// slow answer at the end of a stage cannot wait for ever). Only latency depends on it.
func (s *Script) waitOthers(n int) {
	deadline := time.After(20 * time.Millisecond)
	for range n {
		s.mu.Lock()
		ch := s.arrived
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			return
		}
	}
}

func questions(prompt string) string {
	if strings.Contains(prompt, `"`+MalformedConcept+`"`) {
		return "Sure! Here are some questions:\n1. What is the late shipment rate?\n2. Which shipper is late most often?"
	}
	h := fnv.New32a()
	h.Write([]byte(prompt))
	base := int(h.Sum32() % uint32(len(Catalog)))
	type q struct {
		Question string `json:"question"`
		Style    string `json:"style"`
	}
	var out struct {
		Questions []q `json:"questions"`
	}
	for i, m := range styleLine.FindAllStringSubmatch(prompt, -1) {
		e := Catalog[(base+i)%len(Catalog)]
		out.Questions = append(out.Questions, q{fmt.Sprintf(templates[m[1]], e.Phrase), m[1]})
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	return "```json\n" + string(b) + "\n```"
}

func back(prompt string) string {
	answer := "What does this query return?"
	for _, e := range Catalog {
		if e.Back != "" && strings.Contains(prompt, e.Answers[0]) {
			answer = e.Back
		}
	}
	for _, t := range triplets {
		if t.answer != "" && strings.Contains(prompt, t.answer) {
			answer = t.back
		}
	}
	b, _ := json.Marshal(map[string]string{"question": answer})
	return string(b)
}

type tripletEntry struct{ question, context, answer, back string }

var triplets = []tripletEntry{
	{"List the titles of books borrowed by members from Boston.",
		"CREATE TABLE Members (MemberID INT PRIMARY KEY, Name VARCHAR(50), City VARCHAR(50));\nCREATE TABLE Loans (LoanID INT PRIMARY KEY, MemberID INT, Title VARCHAR(100), FOREIGN KEY (MemberID) REFERENCES Members(MemberID));",
		"SELECT l.Title FROM Loans l JOIN Members m ON l.MemberID = m.MemberID WHERE m.City = 'Boston'",
		"Which book titles were borrowed by members living in Boston?"},
	{"", "", "", ""}, // malformed: prose
	{"What is the average salary per department?",
		"CREATE TABLE Staff (StaffID INT PRIMARY KEY, Department VARCHAR(50));",
		"SELECT Department, AVG(Salary) FROM Staff GROUP BY Department",
		"What is the average salary in each department?"},
}

func triplet(seed int) string {
	t := triplets[(seed-1)%len(triplets)]
	if t.question == "" {
		return "Sure! A good question would be about hotel bookings; the context would be a Bookings table."
	}
	b, _ := json.MarshalIndent(map[string]string{"question": t.question, "context": t.context, "answer": t.answer}, "", "  ")
	return "```json\n" + string(b) + "\n```"
}
