package firmwaresim

import (
	"testing"

	"github.com/handsetd/handsetd/firmware-sim/internal/simtest"
)

// TestDefaultUSB proves the layout a model without its own gets: one HID
// interface with an IN endpoint sized to its longest input report and an
// OUT endpoint only when it has output reports.
func TestDefaultUSB(t *testing.T) {
	u := DefaultUSB(1, 2, 3, "m", "p", genericDescriptor())
	simtest.MustOK(t, u.Validate())
	if eps := u.Interfaces[0].Endpoints; len(eps) != 2 || eps[0].Address != 0x81 || eps[0].MaxPacketSize != 8 || eps[1].Address != 0x02 {
		t.Errorf("endpoints %+v", eps)
	}
	inOnly := DefaultUSB(1, 2, 3, "m", "p", []byte{0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x75, 0x08, 0x95, 0x03, 0x81, 0x02, 0xc0})
	if eps := inOnly.Interfaces[0].Endpoints; len(eps) != 1 {
		t.Errorf("input-only endpoints %+v", eps)
	}
	for _, bad := range []USBDevice{
		{},
		{Interfaces: []USBInterface{{Number: 1}}},
		{Interfaces: []USBInterface{{Number: 0, Endpoints: []USBEndpoint{{Address: 0x02, Attributes: 3}}}}},
		{Interfaces: []USBInterface{{Number: 0, Endpoints: []USBEndpoint{{Address: 0x81, Attributes: 3}, {Address: 0x81, Attributes: 3}}}}},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("Validate accepted %+v", bad)
		}
	}
}
