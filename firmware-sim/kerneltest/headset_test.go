package kerneltest

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
)

// TestKernelEnumeratesHeadset proves that the guest kernel enumerates the
// ringerless-headset model (1209:0002) with a hidraw node whose report
// descriptor in sysfs equals the model's. It lives apart from
// TestKernelEnumerates's table so as not to collide with the legacy
// models' rows; the row can move into kernelModels once both are merged.
func TestKernelEnumeratesHeadset(t *testing.T) {
	vm, exp := bootVM(t)
	h, err := firmwaresim.New("ringerless-headset", firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	a := attach(t, vm, exp, h, 0x1209, 0x0002, true)
	t.Logf("ringerless-headset: attached and enumerated in %v (%s %s)", a.took.Round(time.Millisecond), a.dev, a.hidraw)
	if a.hidraw == "" {
		t.Fatal("no hidraw node")
	}
	out := run(t, vm, "od -An -v -tx1 /sys/class/hidraw/"+a.hidraw+"/device/report_descriptor")
	got, err := hex.DecodeString(strings.Join(strings.Fields(out), ""))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, h.Descriptor()) {
		t.Errorf("report descriptor in sysfs:\n% x\nthe model's:\n% x", got, h.Descriptor())
	}
}
