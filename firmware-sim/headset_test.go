package firmwaresim_test

import (
	"testing"

	"github.com/handsetd/handsetd/keymap"
)

// TestRingerlessHeadset proves the ringerless-headset model declares no
// Ringer (so the keymap profile says it cannot ring, and the driver plays
// the ring on its speaker), ignores a ringer bit a host sets anyway, and
// still follows the hook and LEDs like the generic handset.
func TestRingerlessHeadset(t *testing.T) {
	h, d, _ := openModel(t, "ringerless-headset")
	if info := d.Info(); info.VendorID != 0x1209 || info.ProductID != 0x0002 || info.Product != "Generic USB Telephony Headset" {
		t.Errorf("identity %+v", info)
	}
	desc, err := d.ReportDescriptor()
	if err != nil {
		t.Fatal(err)
	}
	p, err := keymap.NewTelephony("", desc)
	if err != nil {
		t.Fatal(err)
	}
	if p.HasRinger() {
		t.Error("the headset's descriptor declares a Ringer")
	}
	reports, err := p.Encode(keymap.Output{Ringer: true, LEDs: keymap.LEDs{Ring: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		if err := d.WriteOutput(r); err != nil {
			t.Fatal(err)
		}
	}
	// A host that ignores the descriptor and sets the padding bit anyway.
	if err := d.WriteOutput([]byte{0x02, 0x24}); err != nil {
		t.Fatal(err)
	}
	st := h.State()
	if st.Ringing {
		t.Error("the headset rings by itself; it has no ringer")
	}
	if !st.LEDs.Ring {
		t.Error("the Ring LED did not light")
	}
	if err := h.HookOff(); err != nil {
		t.Fatalf("HookOff: %v", err)
	}
}
