package ftcheck

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/sqlforge/sqlforge/internal/dataset"
)

// Keys allowed by OpenAI's chat fine-tuning format (cookbook "Chat_finetuning_data_prep" plus
// the tool-calling and weight fields of the fine-tuning guide).
var (
	exampleKeys = set("messages", "tools", "functions", "parallel_tool_calls")
	messageKeys = set("role", "content", "name", "weight", "function_call", "tool_calls", "tool_call_id", "refusal")
	roles       = set("system", "developer", "user", "assistant", "tool", "function")
	dpoKeys     = set("input", "preferred_output", "non_preferred_output")
)

func set(s ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range s {
		m[x] = true
	}
	return m
}

type message struct {
	Role         string          `json:"role"`
	Content      json.RawMessage `json:"content"`
	Name         string          `json:"name"`
	Weight       json.RawMessage `json:"weight"`
	FunctionCall json.RawMessage `json:"function_call"`
	ToolCalls    json.RawMessage `json:"tool_calls"`
}

// counter counts tokens with internal/dataset's TokenCounter, the one token counter (the
// one data stats and gen's manifest use): 3 per message plus its values (1 more for a
// name), and 3 for the reply priming, as OpenAI's cookbook does.
type counter struct{ tc *dataset.TokenCounter }

func newCounter(encoding string) (*counter, error) {
	tc, err := dataset.NewTokenCounterFor(encoding)
	if err != nil {
		return nil, err
	}
	return &counter{tc: tc}, nil
}

func (c *counter) messages(ms []message) int {
	n := dataset.ChatFraming
	for _, m := range ms {
		n += c.tc.Message(m.Role, m.Name, contentText(m.Content), string(m.ToolCalls), string(m.FunctionCall))
	}
	return n
}

// contentText returns a string content, or the raw JSON of content parts.
func contentText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}

func unknownKeys(obj map[string]json.RawMessage, allowed map[string]bool) []string {
	var out []string
	for k := range obj {
		if !allowed[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// checkMessages applies the per-message rules to ms (at path, for messages) and returns the
// number of assistant messages.
func checkMessages(r *Report, ln int, path string, raws []json.RawMessage, ms []message) int {
	assistants := 0
	for i, raw := range raws {
		where := fmt.Sprintf("%s[%d]", path, i)
		var keys map[string]json.RawMessage
		if json.Unmarshal(raw, &keys) != nil {
			r.add(ln, "message_not_object", Error, where+" is not an object")
			continue
		}
		if bad := unknownKeys(keys, messageKeys); len(bad) > 0 {
			r.add(ln, "message_unrecognized_key", Error, fmt.Sprintf("%s has unrecognised keys %s", where, strings.Join(bad, ", ")))
		}
		m := ms[i]
		switch {
		case m.Role == "":
			r.add(ln, "message_missing_key", Error, where+" has no role")
		case !roles[m.Role]:
			r.add(ln, "unrecognized_role", Error, fmt.Sprintf("%s has role %q (want system, user, assistant or tool)", where, m.Role))
		case m.Role == "system" && i > 0:
			r.add(ln, "system_not_first", Warning, where+" is a system message after the first message")
		}
		if m.Role == "assistant" {
			assistants++
		}
		hasCall := len(m.ToolCalls) > 0 && string(m.ToolCalls) != "null" || len(m.FunctionCall) > 0 && string(m.FunctionCall) != "null"
		if strings.TrimSpace(contentText(m.Content)) == "" && !hasCall {
			r.add(ln, "missing_content", Error, where+" has no content")
		}
		if len(m.Weight) > 0 {
			switch {
			case m.Role != "assistant":
				r.add(ln, "weight_not_assistant", Error, where+": weight is only allowed on assistant messages")
			case string(m.Weight) != "0" && string(m.Weight) != "1":
				r.add(ln, "invalid_weight", Error, fmt.Sprintf("%s: weight is %s, must be 0 or 1", where, m.Weight))
			}
		}
	}
	return assistants
}

func decodeMessages(r *Report, ln int, path string, raw json.RawMessage) ([]json.RawMessage, []message, bool) {
	var raws []json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &raws) != nil {
		r.add(ln, "missing_messages_list", Error, path+" is missing or not a list")
		return nil, nil, false
	}
	ms := make([]message, len(raws))
	for i := range raws {
		_ = json.Unmarshal(raws[i], &ms[i])
	}
	return raws, ms, true
}

// checkChat checks a supervised example and returns its token count.
func checkChat(r *Report, ln int, obj map[string]json.RawMessage, c *counter) int {
	if bad := unknownKeys(obj, exampleKeys); len(bad) > 0 {
		r.add(ln, "unrecognized_key", Error, "unrecognised keys "+strings.Join(bad, ", "))
	}
	raws, ms, ok := decodeMessages(r, ln, "messages", obj["messages"])
	if !ok {
		return 0
	}
	if len(ms) == 0 {
		r.add(ln, "empty_example", Warning, "messages is empty")
	}
	if checkMessages(r, ln, "messages", raws, ms) == 0 {
		r.add(ln, "example_missing_assistant_message", Error, "no assistant message: nothing to learn from")
	} else if last := ms[len(ms)-1].Role; last != "assistant" {
		r.add(ln, "last_not_assistant", Warning, fmt.Sprintf("ends with a %s message, which is not trained on", last))
	}
	return c.messages(ms)
}

// checkDPO checks a preference pair (input.messages, preferred_output, non_preferred_output).
func checkDPO(r *Report, ln int, obj map[string]json.RawMessage, c *counter) int {
	if bad := unknownKeys(obj, dpoKeys); len(bad) > 0 {
		r.add(ln, "unrecognized_key", Error, "unrecognised keys "+strings.Join(bad, ", "))
	}
	var input map[string]json.RawMessage
	if json.Unmarshal(obj["input"], &input) != nil {
		r.add(ln, "missing_input", Error, "input is missing or not an object")
		return 0
	}
	raws, ms, ok := decodeMessages(r, ln, "input.messages", input["messages"])
	if !ok {
		return 0
	}
	checkMessages(r, ln, "input.messages", raws, ms)
	if len(ms) == 0 || ms[len(ms)-1].Role != "user" {
		r.add(ln, "input_not_ending_in_user", Error, "input.messages must end with a user message")
	}
	n := c.messages(ms)
	var outs [2]string
	for i, key := range []string{"preferred_output", "non_preferred_output"} {
		oraws, oms, ok := decodeMessages(r, ln, key, obj[key])
		if !ok {
			continue
		}
		if len(oms) != 1 || oms[0].Role != "assistant" {
			r.add(ln, "invalid_output", Error, key+" must hold exactly one assistant message")
		}
		checkMessages(r, ln, key, oraws, oms)
		for _, m := range oms {
			outs[i] += contentText(m.Content)
		}
		n += c.messages(oms) - 3
	}
	if outs[0] != "" && outs[0] == outs[1] {
		r.add(ln, "identical_outputs", Warning, "preferred and non-preferred outputs are the same")
	}
	return n
}
