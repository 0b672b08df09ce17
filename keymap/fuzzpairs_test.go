package keymap

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// pairSeeds are the seeds of FuzzDescriptorReports: every corpus device's
// published descriptor with its constructed replay as a chunked stream (a
// length byte, then the report).
func pairSeeds(t testing.TB) (names []string, descs, streams [][]byte) {
	files, err := filepath.Glob(filepath.Join("testdata", "descriptors", "*.hid"))
	if err != nil || len(files) == 0 {
		t.Fatalf("corpus: %v", err)
	}
	for _, file := range files {
		desc, reports := loadCorpus(t, file)
		var stream []byte
		for _, r := range reports {
			stream = append(stream, byte(len(r)))
			stream = append(stream, r...)
		}
		names = append(names, strings.TrimSuffix(filepath.Base(file), ".hid"))
		descs = append(descs, desc)
		streams = append(streams, stream)
	}
	return names, descs, streams
}

// pairFile is the go-fuzz corpus encoding of one (descriptor, stream) seed.
func pairFile(desc, stream []byte) string {
	return "go test fuzz v1\n[]byte(" + strconv.Quote(string(desc)) + ")\n[]byte(" + strconv.Quote(string(stream)) + ")\n"
}

// TestDescriptorReportsSeeds proves the committed seed corpus of
// FuzzDescriptorReports (testdata/fuzz/FuzzDescriptorReports) is the corpus
// of shipping descriptors with their replays; -update rewrites it.
func TestDescriptorReportsSeeds(t *testing.T) {
	names, descs, streams := pairSeeds(t)
	dir := filepath.Join("testdata", "fuzz", "FuzzDescriptorReports")
	for i, name := range names {
		path := filepath.Join(dir, "corpus-"+name)
		want := pairFile(descs[i], streams[i])
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if got, err := os.ReadFile(path); err != nil || string(got) != want {
			t.Errorf("%s is stale or missing (run go test ./keymap -run TestDescriptorReportsSeeds -update): %v", path, err)
		}
	}
}

// FuzzDescriptorReports proves that for any descriptor and any sequence of
// reports the profile never panics, never presses a key twice without a
// release in between nor releases a key it did not press, and leaves no
// phantom press: once every input report has been sent all zero, the keys
// still down are exactly those the zero reports select (none for a keypad
// whose 0 means no key).
//
// The stream is chunks, each a length byte then that many bytes.
func FuzzDescriptorReports(f *testing.F) {
	_, descs, streams := pairSeeds(f)
	for i := range descs {
		f.Add(descs[i], streams[i])
	}
	f.Fuzz(func(t *testing.T, desc, stream []byte) {
		p, err := NewTelephony("fuzz", desc)
		if err != nil {
			return
		}
		down := map[string]bool{}
		apply := func(report []byte) {
			evs, err := p.Decode(report)
			if err != nil {
				if !errors.Is(err, ErrBadReport) {
					t.Fatalf("Decode(% x): %v is not ErrBadReport", report, err)
				}
				return
			}
			for _, e := range evs {
				if e.Kind != EventKey {
					continue
				}
				if e.Pressed == down[e.Key] {
					t.Fatalf("Decode(% x): %v while the key is down=%v", report, e, down[e.Key])
				}
				down[e.Key] = e.Pressed
			}
		}
		for len(stream) > 0 {
			n := min(int(stream[0]), len(stream)-1)
			apply(stream[1 : 1+n])
			stream = stream[1+n:]
		}
		selected := map[string]bool{}
		for id, in := range p.inputs {
			zero := make([]byte, in.report.Len())
			zero[0] = id
			apply(zero)
			for _, c := range in.controls {
				if c.kind != EventKey {
					continue
				}
				v, err := c.value(zero)
				if err != nil {
					t.Fatalf("value of %v in a zero report: %v", c.usage, err)
				}
				if v != 0 {
					if zeroIsNone(c.field) {
						t.Fatalf("a zero report selects %v of a keypad whose 0 means none", c.usage)
					}
					selected[c.key] = true
				}
			}
		}
		for k, d := range down {
			if d != selected[k] {
				t.Fatalf("key %s down=%v after zero reports, selected=%v", k, d, selected[k])
			}
		}
	})
}
