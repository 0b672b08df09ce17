package keymap

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidrec"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden from the corpus, and the README's supported-handsets table from the device table")

// corpusFiles returns the corpus recordings, testdata/descriptors/*.hid.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "descriptors", "*.hid"))
	if err != nil || len(files) < 19 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	return files
}

// loadCorpus reads one corpus recording: its descriptor and its events with
// the id byte first, as hid.Device delivers them.
func loadCorpus(t testing.TB, file string) (desc []byte, reports [][]byte) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec, err := hidrec.Parse(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	dev := rec.Devices[0]
	d, err := hid.ParseDescriptor(dev.Descriptor)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	for _, e := range dev.Events {
		r := e.Data
		if !d.UsesReportIDs {
			r = append([]byte{0}, r...)
		}
		reports = append(reports, r)
	}
	return dev.Descriptor, reports
}

// corpusProfile is what the golden file of one corpus device says: what the
// profile found in its descriptor, then each constructed report and the
// events it decodes to.
func corpusProfile(t *testing.T, file string) string {
	desc, reports := loadCorpus(t, file)
	var b strings.Builder
	text, err := DescribeTelephony(desc)
	b.WriteString(text)
	p, perr := NewTelephony("", desc)
	if err != nil || perr != nil {
		if !errors.Is(perr, ErrNoTelephonyControls) {
			t.Fatalf("%s: NewTelephony: %v", file, perr)
		}
		b.WriteString("refused: no Telephony controls\n")
		return b.String()
	}
	fmt.Fprintf(&b, "ringer: %v\n", p.HasRinger())
	out, err := p.Encode(Output{LEDs: LEDs{OffHook: true, Mute: true}})
	if err != nil {
		t.Fatalf("%s: Encode: %v", file, err)
	}
	for _, r := range out {
		fmt.Fprintf(&b, "encode off-hook+mute: % x\n", r)
	}
	for _, r := range reports {
		evs, err := p.Decode(r)
		fmt.Fprintf(&b, "report % x:", r)
		if err != nil {
			fmt.Fprintf(&b, " error %v", err)
		}
		for _, e := range evs {
			fmt.Fprintf(&b, " [%v]", e)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestCorpus proves that the profile reads each published descriptor of the
// corpus (testdata/descriptors, sources in INDEX.md) as its golden file says:
// the controls and shapes it finds, the LEDs and ringer it drives, what it
// ignores and why, and the events of the constructed replay. Run with
// -update to rewrite the golden files after a deliberate change.
func TestCorpus(t *testing.T) {
	for _, file := range corpusFiles(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".hid")
		t.Run(name, func(t *testing.T) {
			got := corpusProfile(t, file)
			golden := filepath.Join("testdata", "golden", name+".profile")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(want, []byte(got)) {
				t.Errorf("%s differs from %s:\n%s", file, golden, got)
			}
		})
	}
}
