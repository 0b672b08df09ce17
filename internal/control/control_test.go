package control

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestReadSkipsOverlongLines proves lines arrive in order without their
// terminators, an over-long line becomes one ErrTooLong entry (not several,
// and not the end of input), and a last line without "\n" still counts.
func TestReadSkipsOverlongLines(t *testing.T) {
	in := "hook off\r\ntap 5\n" + strings.Repeat("x", 100) + "\nstate\n\nquit"
	out := make(chan Line, 10)
	if err := Read(context.Background(), strings.NewReader(in), 16, out); err != nil {
		t.Fatal(err)
	}
	close(out)
	var got []string
	for l := range out {
		if l.Err != nil {
			if !errors.Is(l.Err, ErrTooLong) {
				t.Fatalf("unexpected error %v", l.Err)
			}
			got = append(got, "<too long>")
			continue
		}
		got = append(got, l.Text)
	}
	want := []string{"hook off", "tap 5", "<too long>", "state", "", "quit"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
}
