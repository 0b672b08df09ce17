package repotest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/handsetd/handsetd"

// importGraph maps each package of the module (by its path inside the
// module, "hid/hidraw") to the module packages its non-test files import.
func importGraph(t *testing.T) map[string][]string {
	t.Helper()
	root := filepath.Join("..", "..")
	graph := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		if _, ok := graph[pkg]; !ok {
			graph[pkg] = nil
		}
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			if inner, ok := strings.CutPrefix(p, module+"/"); ok {
				graph[pkg] = append(graph[pkg], inner)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(graph) == 0 {
		t.Fatal("found no packages; is the walk rooted at the module?")
	}
	return graph
}

// reach returns every module package from reaches through imports, with the
// import chain that first reached each one.
func reach(graph map[string][]string, from string) map[string][]string {
	chains := map[string][]string{from: {from}}
	queue := []string{from}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		deps := append([]string(nil), graph[p]...)
		sort.Strings(deps)
		for _, d := range deps {
			if _, seen := chains[d]; seen {
				continue
			}
			chains[d] = append(append([]string(nil), chains[p]...), d)
			queue = append(queue, d)
		}
	}
	return chains
}

func under(pkg, prefix string) bool { return pkg == prefix || strings.HasPrefix(pkg, prefix+"/") }

// TestLayers proves the house's one-way data flow holds in the imports (the
// same check as `go list -deps`, without running go): the driver never links
// the simulator or the reference host, hid sits below keymap, the protocol
// knows nothing of devices, and the simulator models devices without knowing
// the driver's side.
func TestLayers(t *testing.T) {
	graph := importGraph(t)
	rules := []struct {
		from    string   // packages under this path...
		never   []string // ...must not reach packages under these
		because string
	}{
		{"cmd/handsetd", []string{"firmware-sim", "phoneapi/refhost"},
			"the driver links neither the firmware models nor the reference host (the demo runs them as programs)"},
		{"hid", []string{"keymap", "driver", "phoneapi", "firmware-sim"},
			"hid is the device seam, below the profiles"},
		{"keymap", []string{"driver", "phoneapi", "firmware-sim"},
			"profiles decode and encode reports; they know no host and no simulator"},
		{"phoneapi", []string{"hid", "keymap", "driver", "firmware-sim"},
			"the protocol and its hosts know no devices"},
		{"firmware-sim", []string{"keymap", "driver", "phoneapi"},
			"the simulator models the device's firmware, not what the driver hopes to see"},
		{"cmd/phonesim", []string{"keymap", "driver", "phoneapi"},
			"phonesim is the device side only"},
	}
	for _, r := range rules {
		var sources []string
		for pkg := range graph {
			if under(pkg, r.from) {
				sources = append(sources, pkg)
			}
		}
		if len(sources) == 0 {
			t.Errorf("no package under %s: update the rule", r.from)
		}
		sort.Strings(sources)
		for _, src := range sources {
			for dep, chain := range reach(graph, src) {
				for _, bad := range r.never {
					if under(dep, bad) {
						t.Errorf("%s reaches %s (%s): %s", src, dep, strings.Join(chain, " → "), r.because)
					}
				}
			}
		}
	}
}
