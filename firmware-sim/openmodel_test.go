package firmwaresim_test

import (
	"context"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/hid"
)

// openModel makes the named model and opens it as a host would. The
// returned ctx bounds the test (5 s); the device, the ctx and the model are
// released when the test ends.
func openModel(t *testing.T, model string) (*firmwaresim.Handset, hid.Device, context.Context) {
	t.Helper()
	h, err := firmwaresim.New(model, firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	d, err := h.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return h, d, ctx
}
