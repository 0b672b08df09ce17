package usbipserve

import (
	"bytes"
	"testing"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/firmware-sim/internal/simtest"
	"github.com/handsetd/handsetd/firmware-sim/usbip"
)

// TestLegacyOverUSB proves the legacy models on the USB wire as the
// kernel's yealink and cm109 drivers use them: packets sent as
// SET_REPORT(Output, id 0) to interface 3 reach the firmware, and its
// replies complete interrupt IN transfers on endpoint 0x83 without an id
// byte: a Yealink VERSION reply, the 0xfd answer to a bad checksum, and the
// CM109's register report after each output report.
func TestLegacyOverUSB(t *testing.T) {
	setReport := func(data []byte) usbip.Setup {
		return usbip.Setup{RequestType: 0x21, Request: hidSetReport, Value: hidReportOutput << 8, Index: 3, Length: uint16(len(data))}
	}
	for _, tc := range []struct {
		model string
		send  [][]byte // packets as on the wire (no id byte)
		want  [][]byte // IN completions
	}{
		{"yealink-p1k", [][]byte{simtest.YealinkPkt(0x87, 2, 0)[1:], func() []byte { p := simtest.YealinkPkt(0x80, 1, 0)[1:]; p[15]++; return p }()},
			[][]byte{simtest.YealinkPkt(0x87, 2, 0, 0x01, 0x10)[1:], simtest.YealinkPkt(0xfd, 0, 0)[1:]}},
		{"yealink-p1kh", [][]byte{simtest.P1KHPkt(0x87)[1:]}, [][]byte{simtest.P1KHPkt(0x87, 0x01, 0x35)[1:]}},
		{"cm109-kip1000", [][]byte{{0x20, 0x0f, 0x0f, 0}}, [][]byte{{0, 0x0f, 0, 0}}},
	} {
		t.Run(tc.model, func(t *testing.T) {
			h, err := firmwaresim.New(tc.model, firmwaresim.Options{})
			simtest.MustOK(t, err)
			t.Cleanup(func() { h.Close() })
			uc := importUSB(t, h)
			uc.enumerate()
			for i, p := range tc.send {
				in := uc.submit(3, true, 64, usbip.Setup{}, nil)
				simtest.WaitState(t, h.Changed, h.State, "polling", func(s firmwaresim.State) bool { return s.Hosts == 1 })
				ctl := uc.submit(0, false, 0, setReport(p), p)
				// The reply may complete the IN transfer before the
				// control transfer's own completion arrives.
				for range 2 {
					r := uc.next()
					switch r.Seqnum {
					case ctl:
						if r.Status != 0 {
							t.Fatalf("SET_REPORT % x: status %d", p, r.Status)
						}
					case in:
						if !bytes.Equal(r.Data, tc.want[i]) {
							t.Errorf("IN completion % x, want % x", r.Data, tc.want[i])
						}
					default:
						t.Fatalf("reply %+v", r)
					}
				}
			}
		})
	}
}
