package llm

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the in-memory databases triplets are checked on

	"github.com/sqlforge/sqlforge/internal/dataset"
	"github.com/sqlforge/sqlforge/internal/model"
	"github.com/sqlforge/sqlforge/internal/sqlexec"
	"github.com/sqlforge/sqlforge/internal/sqlparse"
)

// TripletPrompt is the seed 001 project's request for a (question, context, answer) triplet.
const TripletPrompt = "Generate a set of question, context, and answer for querying a SQL database:\n\n" +
	"- **Question**: Pose a human query related to a specific task or information retrieval from a SQL database.\n" +
	"- **Context**: Describe the data table structure relevant to the question, using `CREATE TABLE` statements only.\n" +
	"- **Answer**: Provide the SQL query that effectively solves the human query, based on the given context.\n\n" +
	"Return a JSON object with `question`, `context`, `answer`.\n"

// tripletOneShot is the seed's one-shot answer.
const tripletOneShot = "```json\n{\n" +
	`  "question": "Find the total revenue generated from orders placed by customers in the USA for each product category in the year 2022.",` + "\n" +
	`  "context": "CREATE TABLE Customers (\n  CustomerID INT PRIMARY KEY,\n  CustomerName VARCHAR(50),\n  Country VARCHAR(50)\n);\n\nCREATE TABLE Orders (\n  OrderID INT PRIMARY KEY,\n  CustomerID INT,\n  OrderDate DATE,\n  FOREIGN KEY (CustomerID) REFERENCES Customers(CustomerID)\n);\n\nCREATE TABLE OrderDetails (\n  OrderDetailID INT PRIMARY KEY,\n  OrderID INT,\n  ProductID INT,\n  Quantity INT,\n  FOREIGN KEY (OrderID) REFERENCES Orders(OrderID),\n  FOREIGN KEY (ProductID) REFERENCES Products(ProductID) \n);\n\nCREATE TABLE Products (\n  ProductID INT PRIMARY KEY,\n  ProductName VARCHAR(100),\n  CategoryID INT,\n  Price DECIMAL(10,2),\n  FOREIGN KEY (CategoryID) REFERENCES Categories(CategoryID)\n);\n\nCREATE TABLE Categories (\n  CategoryID INT PRIMARY KEY,\n  CategoryName VARCHAR(50)\n);",` + "\n" +
	`  "answer": "SELECT c.CategoryName, SUM(p.Price * od.Quantity) AS TotalRevenue\nFROM OrderDetails od\nJOIN Orders o ON od.OrderID = o.OrderID\nJOIN Customers cu ON o.CustomerID = cu.CustomerID\nJOIN Products p ON od.ProductID = p.ProductID  \nJOIN Categories c ON p.CategoryID = c.CategoryID\nWHERE cu.Country = 'USA' AND o.OrderDate BETWEEN '2022-01-01' AND '2022-12-31'\nGROUP BY c.CategoryName;"` +
	"\n}\n```"

// TripletTopics are the business areas the triplet requests rotate through, so the seed's
// identical requests (the seed relies on temperature 0.8 alone) cover different schemas.
var TripletTopics = []string{"retail sales", "human resources", "logistics and shipping", "banking",
	"healthcare appointments", "school enrolment", "library loans", "hotel bookings", "music streaming",
	"manufacturing inventory", "insurance claims", "airline flights"}

// tripletMessages is the seed's conversation (instructions, one-shot answer, request) with
// a topic for request i, or the given DDL to use as the context.
func tripletMessages(i int, ddl string) []model.Message {
	ask := TripletPrompt + "\nTopic: " + TripletTopics[i%len(TripletTopics)] + "."
	if ddl != "" {
		ask = TripletPrompt + "\nUse exactly this context:\n" + ddl
	}
	return []model.Message{
		{Role: model.RoleUser, Content: TripletPrompt},
		{Role: model.RoleAssistant, Content: tripletOneShot},
		{Role: model.RoleUser, Content: ask},
	}
}

// tripletUnit asks for triplet i and checks it: the context builds an in-memory SQLite
// database (CREATE TABLE statements only), the answer is one read-only query that runs on
// it, and the answer written back as a question asks what the question asks.
func (p *pipeline) tripletUnit(ctx context.Context, i int) (pairOut, error) {
	out := pairOut{Usage: map[string]Tokens{}}
	temp, seed := 0.8, i+1
	texts, err := p.questionCall.generate(ctx, model.Request{Messages: tripletMessages(i, p.opts.DDL), Temperature: &temp, Seed: &seed},
		StageTriplets, out.Usage)
	if err != nil {
		return out, err
	}
	var t struct {
		Question string `json:"question"`
		Context  string `json:"context"`
		Answer   string `json:"answer"`
	}
	raw, ok := "", false
	if len(texts) > 0 {
		raw, ok = jsonPart(texts[0])
	}
	if !ok || json.Unmarshal([]byte(raw), &t) != nil || strings.TrimSpace(t.Question) == "" || strings.TrimSpace(t.Answer) == "" {
		out.Rejected = &Rejection{Reason: RejectMalformed, Detail: "not a JSON object with question, context and answer", Source: p.source}
		return out, nil
	}
	if p.opts.DDL != "" {
		t.Context = p.opts.DDL
	}
	q := strings.Join(strings.Fields(t.Question), " ")
	answer := oneLine(strings.TrimRight(strings.TrimSpace(t.Answer), ";"))
	reject := func(reason, detail string) (pairOut, error) {
		out.Rejected = &Rejection{Question: q, Context: t.Context, Reason: reason, Detail: detail, SQL: []string{answer}, Source: p.source}
		return out, nil
	}
	if reason, detail := checkTriplet(ctx, t.Context, answer); reason != "" {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		return reject(reason, detail)
	}
	pair := &Pair{Agreement: 1, Samples: 1}
	if !p.opts.NoBackTranslation {
		back, err := p.backTranslate(ctx, answer, t.Context, out.Usage)
		if err != nil {
			return out, err
		}
		if back == "" {
			return reject(RejectBackMalformed, "no question in the answer")
		}
		pair.BackQuestion, pair.BackSimilarity = back, round4(Similarity(q, back))
		if pair.BackSimilarity < p.opts.BackThreshold {
			return reject(RejectBackTranslation, fmt.Sprintf("similarity %.2f < %.2f to %q", pair.BackSimilarity, p.opts.BackThreshold, back))
		}
	}
	hardness, _ := sqlparse.Hardness(answer)
	tables, _ := sqlparse.Tables(answer)
	pair.Record = dataset.Record{ID: dataset.RecordID(q, answer), Question: q, SQL: answer, Group: groupID(answer),
		Context: strings.TrimSpace(t.Context), Hardness: hardness, Shape: ShapeLLM, Tables: tables, Source: p.source}
	out.Pair = pair
	return out, nil
}

// checkTriplet builds the context in a private in-memory SQLite database and runs the
// answer on it; it returns a Reject reason and detail, or "" when the triplet holds.
func checkTriplet(ctx context.Context, ddl, answer string) (reason, detail string) {
	for _, st := range strings.Split(ddl, ";") {
		if st = strings.TrimSpace(st); st != "" && !strings.HasPrefix(strings.ToUpper(strings.Join(strings.Fields(st), " ")), "CREATE TABLE") {
			return RejectBadContext, fmt.Sprintf("not a CREATE TABLE statement: %.60q", st)
		}
	}
	if strings.TrimSpace(ddl) == "" {
		return RejectBadContext, "empty context"
	}
	if err := sqlparse.IsReadOnly(answer); err != nil {
		return RejectNotReadOnly, describe(err)
	}
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return RejectBadContext, describe(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: every statement sees the same in-memory database
	if _, err := db.ExecContext(ctx, ddl); err != nil {
		return RejectBadContext, describe(err)
	}
	if _, err := sqlexec.NewSQLite(db).Query(ctx, answer, sqlexec.Options{Timeout: 5 * time.Second, MaxRows: 1}); err != nil {
		return RejectSQLError, describe(err)
	}
	return "", ""
}
