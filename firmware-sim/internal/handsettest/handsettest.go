package handsettest

import (
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/clock"
)

// NewGeneric returns a generic-telephony handset on a fake clock, closed
// when the test ends.
func NewGeneric(t testing.TB, opts firmwaresim.Options) (*firmwaresim.Handset, *clock.Fake) {
	t.Helper()
	fc := clock.NewFake(time.Unix(1000, 0))
	opts.Clock = fc
	h, err := firmwaresim.New("generic-telephony", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h, fc
}

// GenericDescriptor is the generic-telephony model's report descriptor.
func GenericDescriptor() []byte {
	h, err := firmwaresim.New("generic-telephony", firmwaresim.Options{})
	if err != nil {
		panic(err)
	}
	defer h.Close()
	return h.Descriptor()
}
