package docstest

import (
	"strings"
	"testing"
)

func TestParseAndScript(t *testing.T) {
	src := "# T\n\n" +
		"<!-- docs-test: sub: --steps 800 => --steps 20 -->\n" +
		"<!-- docs-test: omit: ollama pull => not installed -->\n" +
		"```sh\n" +
		"sqlforge train --steps 800\n" +
		"ollama pull x \\\n" +
		"  --flag\n" +
		"sqlforge serve --addr 127.0.0.1:9 # comment & more\n" +
		"SQLFORGE_API_KEYS=k sqlforge serve &\n" +
		"```\n\n" +
		"```text\nsqlforge serve [--addr A]\n```\n\n" +
		"<!-- docs-test: skip: needs a GPU -->\n" +
		"```bash\nnvidia-smi\n```\n\n" +
		"```console\n$ sqlforge db list\nnorthwind\n```\n"
	blocks, err := Parse("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 3 {
		t.Fatalf("%d blocks, want 3 (sh, bash, console)", len(blocks))
	}
	got, err := blocks[0].Script()
	if err != nil {
		t.Fatal(err)
	}
	want := "sqlforge train --steps 20\n\n\nserve_once sqlforge serve --addr 127.0.0.1:9 # comment & more\nSQLFORGE_API_KEYS=k sqlforge serve &\n"
	if got != want {
		t.Errorf("script:\n%s\nwant\n%s", got, want)
	}
	if blocks[0].Line != 5 || blocks[1].Skip != "needs a GPU" {
		t.Errorf("line %d, skip %q", blocks[0].Line, blocks[1].Skip)
	}
	if got, _ := blocks[2].Script(); got != "sqlforge db list\n\n" {
		t.Errorf("console script %q", got)
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"untagged fence":         "```\nls\n```\n",
		"marker above text":      "<!-- docs-test: skip: x -->\n```text\nx\n```\n",
		"marker above prose":     "<!-- docs-test: skip: x -->\nprose\n",
		"malformed marker":       "<!-- docs-test: run: x -->\n```sh\nls\n```\n",
		"skip without reason":    "<!-- docs-test: skip: -->\n```sh\nls\n```\n",
		"unclosed fence":         "```sh\nls\n",
		"sub without a new text": "<!-- docs-test: sub: a -->\n```sh\na\n```\n",
	}
	for name, src := range cases {
		if _, err := Parse("x.md", []byte(src)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// markers that match nothing fail when the block is scripted
	for _, m := range []string{"sub: nothere => x", "omit: nothere => why"} {
		bs, err := Parse("x.md", []byte("<!-- docs-test: "+m+" -->\n```sh\nls\n```\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bs[0].Script(); err == nil || !strings.Contains(err.Error(), "not in the block") {
			t.Errorf("%s: error %v, want one saying it is not in the block", m, err)
		}
	}
}

func TestHiddenCommands(t *testing.T) {
	src := "Run\n\n" +
		"    sqlforge db list\n" + // a command: reported
		"    sqlforge db export FILE\n" + // a synopsis (placeholder)
		"    sqlforge train --out R \\\n        [--steps N]\n" + // a synopsis, continued
		"    ./sqlforge ask \"How many?\" # a comment [x]\n" + // a command: reported
		"```sh\n    sqlforge db list\n```\n" // fenced: run by the docs test
	got := HiddenCommands([]byte(src))
	if len(got) != 2 || got[0] != 3 || got[1] != 7 {
		t.Errorf("HiddenCommands = %v, want [3 7]", got)
	}
}
