package hidtest

import (
	"context"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid"
)

// Limit bounds Open and ReadReport; it only turns a hang into a failure.
const Limit = 5 * time.Second

// Open opens a device with open (a backend's or a simulated handset's Open,
// or a Dial bound to its address), failing the test on an error, and
// closes it when the test ends.
func Open(t testing.TB, open func(context.Context) (hid.Device, error)) hid.Device {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Limit)
	defer cancel()
	d, err := open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// ReadReport reads one input report (its report id first), failing the
// test on an error or after Limit.
func ReadReport(t testing.TB, d hid.Device) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Limit)
	defer cancel()
	buf := make([]byte, 64)
	n, err := d.ReadInput(ctx, buf)
	if err != nil {
		t.Fatalf("ReadInput: %v", err)
	}
	return buf[:n]
}

// ReadHexDescriptor reads a report descriptor written as hex bytes (any
// spacing), with '#' comments to the end of the line, as the project's
// testdata/descriptors/*.hex files are.
func ReadHexDescriptor(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var digits strings.Builder
	for _, line := range strings.Split(string(b), "\n") {
		line, _, _ = strings.Cut(line, "#")
		digits.WriteString(strings.Join(strings.Fields(line), ""))
	}
	desc, err := hex.DecodeString(digits.String())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return desc
}
