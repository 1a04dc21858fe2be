// Reference output for calilab's port of calicoctl's printers (src/calico/calicoctl/printers.ts,
// yaml-v2.ts): reads {"yaml": [values], "json": [values], "tab": [[rows]]} on stdin and writes
// what the real libraries print: go-yaml-wrapper's JSONToYAML (yaml.v2 v2.4.0), go-json's
// MarshalIndent(v, "", "  ") and text/tabwriter (5, 1, 3, ' ', 0) over tab-terminated cells, as
// calicoctl v3.30.7 uses them (commands/common/printer.go). Built and run by
// scripts/goldens/calicoctl-printers.ts; needs GOPATH mode with
// github.com/projectcalico/go-json@6219dc7339ba, github.com/projectcalico/go-yaml-wrapper@090425220c54
// and gopkg.in/yaml.v2 v2.4.0 (Debian: golang-gopkg-yaml.v2-dev).
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/projectcalico/go-json/json"
	yaml "github.com/projectcalico/go-yaml-wrapper"
)

type In struct {
	Yaml []json.RawMessage `json:"yaml"`
	Json []interface{}     `json:"json"`
	Tab  [][][]string      `json:"tab"`
}
type Out struct {
	Yaml []string `json:"yaml"`
	Json []string `json:"json"`
	Tab  []string `json:"tab"`
}

func main() {
	data, _ := io.ReadAll(os.Stdin)
	var in In
	if err := json.Unmarshal(data, &in); err != nil { panic(err) }
	var out Out
	for _, v := range in.Yaml {
		y, err := yaml.JSONToYAML(v)
		if err != nil { out.Yaml = append(out.Yaml, "ERR "+err.Error()) } else { out.Yaml = append(out.Yaml, string(y)) }
	}
	for _, v := range in.Json {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil { panic(err) }
		out.Json = append(out.Json, string(b)+"\n")
	}
	for _, rows := range in.Tab {
		var buf bytes.Buffer
		w := tabwriter.NewWriter(&buf, 5, 1, 3, ' ', 0)
		for _, r := range rows {
			fmt.Fprint(w, strings.Join(r, "\t")+"\t\n")
		}
		w.Flush()
		out.Tab = append(out.Tab, buf.String()+"\n")
	}
	b, _ := json.Marshal(out)
	os.Stdout.Write(b)
}
