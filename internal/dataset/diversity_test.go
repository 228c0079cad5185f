package dataset

import "testing"

func TestMeasureDiversity(t *testing.T) {
	recs := []Record{
		{Question: "Top 5 products by revenue", Shape: "top_k"},
		{Question: "top 5 products by revenue?", Shape: "top_k"},
		{Question: "Which shipper handled the most orders?", Shape: "top_k"},
		{Question: "Revenue in 2023", Shape: "single"},
	}
	d := MeasureDiversity(recs)
	// "top 5 products", "5 products by", "products by revenue" (twice), "which shipper handled",
	// "shipper handled the", "handled the most", "the most orders", "revenue in 2023".
	if d.Questions != 4 || d.Distinct3Grams != 8 || d.Openings != 3 {
		t.Errorf("got %+v", d)
	}
	if d.PhrasingsPerShape["top_k"] != 2 || d.PhrasingsPerShape["single"] != 1 {
		t.Errorf("per shape %v", d.PhrasingsPerShape)
	}
	if d.PerQuestion != 2 {
		t.Errorf("per question %v, want 2", d.PerQuestion)
	}
}
