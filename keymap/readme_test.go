package keymap_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/handsetd/handsetd/keymap"
)

// updateReadme is the package's -update flag (declared in corpus_test.go,
// in the internal test package): one flag rewrites every golden file.
func updateReadme() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

const readmePath = "../README.md"

// supportedTable renders the device table as the README shows it.
func supportedTable(rows []keymap.Device) string {
	var b strings.Builder
	b.WriteString("| handset | USB id | backend | simulator models | what handsetd does with it |\n")
	b.WriteString("| --- | --- | --- | --- | --- |\n")
	for _, d := range rows {
		name := d.Name
		if len(d.Variants) > 0 {
			var ps []string
			for _, v := range d.Variants {
				ps = append(ps, v.Product)
			}
			name += ": " + strings.Join(ps, ", ")
		}
		var id string
		switch {
		case d.ByDescriptor:
			id = "any, matched by its report descriptor"
		case d.ProductMin == d.ProductMax:
			id = fmt.Sprintf("`%04x:%04x`", d.Vendor, d.ProductMin)
		default:
			id = fmt.Sprintf("`%04x:%04x`–`%04x`", d.Vendor, d.ProductMin, d.ProductMax)
		}
		sims := "`" + strings.Join(d.SimModels, "`, `") + "`"
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", name, id, d.Backend, sims, d.Summary)
	}
	return b.String()
}

// readmeTable finds the table under "### Supported handsets": the lines
// from the first that starts with '|' to the last of that run.
func readmeTable(readme string) (start, end int, err error) {
	const heading = "\n### Supported handsets\n"
	h := strings.Index(readme, heading)
	if h < 0 {
		return 0, 0, fmt.Errorf("%s has no %q heading", readmePath, strings.TrimSpace(heading))
	}
	start = strings.Index(readme[h:], "\n|")
	if start < 0 {
		return 0, 0, fmt.Errorf("%s: no table under %q", readmePath, strings.TrimSpace(heading))
	}
	start += h + 1
	end = start
	for end < len(readme) && readme[end] == '|' {
		nl := strings.IndexByte(readme[end:], '\n')
		if nl < 0 {
			end = len(readme)
			break
		}
		end += nl + 1
	}
	return start, end, nil
}

// TestReadmeSupportedHandsets proves that the README's supported-handsets
// table is the device table: a row added, changed or removed in
// keymap.Devices fails here until `go test ./keymap -run Readme -update`
// rewrites the README's table (the prose around it is left alone).
func TestReadmeSupportedHandsets(t *testing.T) {
	b, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	start, end, err := readmeTable(readme)
	if err != nil {
		t.Fatal(err)
	}
	want := supportedTable(keymap.Devices())
	if got := readme[start:end]; got != want {
		if updateReadme() {
			if err := os.WriteFile(readmePath, []byte(readme[:start]+want+readme[end:]), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("rewrote the supported-handsets table in %s", readmePath)
			return
		}
		t.Errorf("README's supported-handsets table differs from keymap.Devices; run `go test ./keymap -run Readme -update`.\ngot:\n%s\nwant:\n%s", got, want)
	}
}
