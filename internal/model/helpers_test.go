package model

import (
	"encoding/json"
	"fmt"
)

type jsonRaw = json.RawMessage

func sprintAll(v any) string { return fmt.Sprintf("%v %+v %#v", v, v, v) }

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
