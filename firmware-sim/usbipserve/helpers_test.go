package usbipserve

import (
	"testing"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/firmware-sim/internal/handsettest"
	"github.com/handsetd/handsetd/internal/clock"
)

// newFake returns a generic-telephony handset on a fake clock.
func newFake(t *testing.T, opts firmwaresim.Options) (*firmwaresim.Handset, *clock.Fake) {
	t.Helper()
	return handsettest.NewGeneric(t, opts)
}

// genericDescriptor is the generic-telephony model's report descriptor.
func genericDescriptor() []byte { return handsettest.GenericDescriptor() }

// Bits of the generic-telephony model's output report byte 1 (its report
// descriptor's LED and ringer usages, in firmware-sim/generic.go).
const (
	outMuteLED = 1 << 0
	outHookLED = 1 << 1
	outRingLED = 1 << 2
	outRinger  = 1 << 5
)

// inSend is the generic model's SEND (YES) button, bit 5 of input byte 1.
const inSend = 1 << 5
