package plan

// JSONSchema is the JSON Schema of the plan's JSON form with the ids of one ontology as enums,
// for chat models that answer under a schema (structured outputs).
func JSONSchema(metrics, dims, segments []string) map[string]any {
	str := map[string]any{"type": "string"}
	enum := func(ids []string) map[string]any {
		if len(ids) == 0 {
			return str
		}
		return map[string]any{"type": "string", "enum": ids}
	}
	obj := func(props map[string]any, required ...string) map[string]any {
		o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
		if len(required) > 0 {
			o["required"] = required
		}
		return o
	}
	arr := func(items map[string]any) map[string]any { return map[string]any{"type": "array", "items": items} }
	period := map[string]any{"type": "string", "pattern": `^\d{4}(-(Q[1-4]|H[12]|\d{2}(-\d{2})?))?$`,
		"description": "YYYY, YYYY-Qn, YYYY-Hn, YYYY-MM or YYYY-MM-DD"}
	filter := obj(map[string]any{
		"dim":    enum(dims),
		"op":     map[string]any{"type": "string", "enum": []string{OpEq, OpNotEq, OpIn}},
		"values": arr(str),
	}, "dim", "op", "values")
	return obj(map[string]any{
		"measures": map[string]any{"type": "array", "items": enum(metrics),
			"description": "metrics asked for; empty to list the things of group_by (filters, count, order by label and limit only)"},
		"group_by": arr(obj(map[string]any{"dim": enum(dims), "show": map[string]any{"type": "string", "enum": []string{"id", "both"}}}, "dim")),
		"per":      enum(dims),
		"filters":  arr(filter),
		"segments": arr(enum(segments)),
		"having": obj(map[string]any{"measure": enum(metrics),
			"op": map[string]any{"type": "string", "enum": []string{">", ">=", "<", "<="}}, "value": map[string]any{"type": "number"}},
			"measure", "op", "value"),
		"time": obj(map[string]any{"from": period, "to": period, "last": map[string]any{"type": "integer", "minimum": 1},
			"unit": map[string]any{"type": "string", "enum": []string{"years", "quarters", "months"}}}),
		"compare": obj(map[string]any{"base": period, "current": period, "growth": map[string]any{"type": "boolean"}}, "base", "current"),
		"share":   obj(map[string]any{"filters": arr(filter), "segments": arr(enum(segments)), "ratio": map[string]any{"type": "boolean"}}),
		"count":   map[string]any{"type": "boolean"},
		"running": map[string]any{"type": "boolean"},
		"rank":    map[string]any{"type": "boolean"},
		"order":   obj(map[string]any{"by": str, "desc": map[string]any{"type": "boolean"}}),
		"limit":   map[string]any{"type": "integer", "minimum": 1},
		"ties":    map[string]any{"type": "boolean"},
	}, "measures")
}
