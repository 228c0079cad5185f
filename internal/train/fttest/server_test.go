package fttest

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

func do(t *testing.T, method, url string, hdr map[string]string, body []byte) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func TestFileThatFailsProcessing(t *testing.T) {
	s := New(t, "k")
	s.ProcessingPolls = 2
	s.ProcessingError = func(name string, _ []byte) string {
		if strings.HasPrefix(name, "bad") {
			return "Invalid file format. Line 3, key \"messages\": missing"
		}
		return ""
	}
	auth := map[string]string{"Authorization": "Bearer k"}
	for _, tc := range []struct{ name, status string }{{"bad.jsonl", "error"}, {"good.jsonl", "processed"}} {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("purpose", "fine-tune")
		fw, _ := mw.CreateFormFile("file", tc.name)
		_, _ = fw.Write([]byte("{}\n"))
		_ = mw.Close()
		h := map[string]string{"Authorization": "Bearer k", "Content-Type": mw.FormDataContentType()}
		code, f := do(t, "POST", s.URL+"/v1/files", h, buf.Bytes())
		if code != 200 || f["status"] != "uploaded" {
			t.Fatalf("%s: upload %d %v", tc.name, code, f)
		}
		var got map[string]any
		for range 2 {
			_, got = do(t, "GET", s.URL+"/v1/files/"+f["id"].(string), auth, nil)
		}
		if got["status"] != tc.status {
			t.Errorf("%s: status %v, want %s", tc.name, got["status"], tc.status)
		}
		if tc.status == "error" && !strings.Contains(got["status_details"].(string), "Line 3") {
			t.Errorf("%s: details %v", tc.name, got["status_details"])
		}
	}
}

func TestManagementGate(t *testing.T) {
	s := New(t, "k")
	path := s.URL + "/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/a/deployments"
	tests := []struct {
		name, url, token string
		status           int
		code             string
	}{
		{"no api-version", path, "mgmt-k", 400, "MissingApiVersionParameter"},
		{"bad token", path + "?api-version=2024-10-01", "k", 401, "InvalidAuthenticationToken"},
		{"unknown deployment", path + "/x?api-version=2024-10-01", "mgmt-k", 404, "DeploymentNotFound"},
		{"empty list", path + "?api-version=2024-10-01", "mgmt-k", 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := do(t, "GET", tc.url, map[string]string{"Authorization": "Bearer " + tc.token}, nil)
			if code != tc.status {
				t.Fatalf("got %d %v, want %d", code, body, tc.status)
			}
			if tc.code != "" {
				if e, _ := body["error"].(map[string]any); e["code"] != tc.code {
					t.Errorf("got %v, want code %s", body, tc.code)
				}
			}
		})
	}
	// Chat on a deployment that does not exist is the data plane's 404.
	code, _ := do(t, "POST", s.URL+"/openai/deployments/none/chat/completions?api-version=2024-10-21",
		map[string]string{"api-key": "k"}, []byte(`{"messages":[{"role":"user","content":"q"}]}`))
	if code != 404 {
		t.Errorf("chat on a missing deployment: %d, want 404", code)
	}
}
