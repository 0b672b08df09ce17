package usbipserve

import (
	"bytes"
	"testing"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
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
		{"yealink-p1k", [][]byte{pkt(0x87, 2, 0)[1:], func() []byte { p := pkt(0x80, 1, 0)[1:]; p[15]++; return p }()},
			[][]byte{pkt(0x87, 2, 0, 0x01, 0x10)[1:], pkt(0xfd, 0, 0)[1:]}},
		{"yealink-p1kh", [][]byte{g2pkt(0x87)[1:]}, [][]byte{g2pkt(0x87, 0x01, 0x35)[1:]}},
		{"cm109-kip1000", [][]byte{{0x20, 0x0f, 0x0f, 0}}, [][]byte{{0, 0x0f, 0, 0}}},
	} {
		t.Run(tc.model, func(t *testing.T) {
			h, err := firmwaresim.New(tc.model, firmwaresim.Options{})
			mustOK(t, err)
			t.Cleanup(func() { h.Close() })
			uc := importUSB(t, h)
			uc.enumerate()
			for i, p := range tc.send {
				in := uc.submit(3, true, 64, usbip.Setup{}, nil)
				waitState(t, h, "polling", func(s firmwaresim.State) bool { return s.Hosts == 1 })
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

// Yealink packets as the firmware model builds them (see firmware-sim's
// legacy_test.go): id byte 0, then the packet with its checksum.
// pkt builds a Yealink output report (id 0 + 16 bytes) with a good checksum.
func pkt(cmd, size byte, offset uint16, data ...byte) []byte {
	r := make([]byte, 17)
	r[1], r[2], r[3], r[4] = cmd, size, byte(offset>>8), byte(offset)
	copy(r[5:16], data)
	var s byte
	for _, b := range r[1:16] {
		s += b
	}
	r[16] = -s
	return r
}

// g2pkt builds a P1KH output report (id 0 + 8 bytes) with a good checksum.
func g2pkt(cmd byte, data ...byte) []byte {
	r := make([]byte, 9)
	r[1] = cmd
	copy(r[2:8], data)
	var s byte
	for _, b := range r[1:8] {
		s += b
	}
	r[8] = -s
	return r
}
