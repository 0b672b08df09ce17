package keymap

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

// FuzzTelephonyDecode proves that for any descriptor the profile accepts,
// any sequence of reports decodes without a panic, every error is an
// ErrBadReport that leaves the remembered state untouched, and Encode works
// for every LED combination.
//
// The reports input is a sequence of chunks, each a length byte then that
// many bytes.
func FuzzTelephonyDecode(f *testing.F) {
	seeds := [][]byte{toggleButtonHeadset, toggleSwitchPhone, twoButtonPhone}
	reports := [][]byte{
		{2, 1, 0x01, 2, 1, 0x00, 2, 2, 0x76, 1, 9, 3, 0, 0x0A, 0x40},
		{3, 0, 0x03, 0x00, 3, 0, 0x0A, 0x40, 2, 0, 0x00, 3, 0, 0, 0x20},
		{2, 0, 0x01, 2, 0, 0x03, 2, 0, 0x0C, 0},
	}
	for i, d := range seeds {
		f.Add(d, reports[i])
	}
	f.Fuzz(func(t *testing.T, desc, stream []byte) {
		p, err := NewTelephony("fuzz", desc)
		if err != nil {
			return
		}
		for len(stream) > 0 {
			n := int(stream[0])
			stream = stream[1:]
			if n > len(stream) {
				n = len(stream)
			}
			report := stream[:n]
			stream = stream[n:]
			before := snapshot(p)
			evs, err := p.Decode(report)
			if err != nil {
				if !errors.Is(err, ErrBadReport) {
					t.Fatalf("Decode error %v is not ErrBadReport", err)
				}
				if evs != nil || !reflect.DeepEqual(before, snapshot(p)) {
					t.Fatalf("failed Decode changed state or returned events %v", evs)
				}
				continue
			}
			for _, e := range evs {
				if e.Kind == EventKey && e.Key == "" {
					t.Fatalf("key event without a name: %+v", e)
				}
			}
		}
		for bits := 0; bits < 64; bits++ {
			out := Output{LEDs: LEDs{OffHook: bits&1 != 0, Ring: bits&2 != 0, Mute: bits&4 != 0, Hold: bits&8 != 0, Microphone: bits&16 != 0}, Ringer: bits&32 != 0}
			rs, err := p.Encode(out)
			if err != nil {
				t.Fatalf("Encode(%+v): %v", out, err)
			}
			for _, r := range rs {
				if len(r) == 0 {
					t.Fatal("Encode returned an empty report")
				}
			}
		}
	})
}

func snapshot(p *Telephony) map[uint8][]int32 {
	m := map[uint8][]int32{}
	for id, in := range p.inputs {
		m[id] = append([]int32(nil), in.prev...)
	}
	return m
}

// FuzzLegacyDecode proves the Yealink and CM109 profiles take any sequence
// of input reports, interleaved with Talk, without a panic: a report is
// either decoded or rejected with ErrBadReport, and every report Talk asks
// to write is a well-formed output report of the family.
//
// The stream is chunks, each a length byte then that many bytes; yealink
// picks the family.
func FuzzLegacyDecode(f *testing.F) {
	f.Add(true, append([]byte{17}, YealinkPacket(YealinkVersion, 2, 0, 0x01, 0x10)...))
	f.Add(true, append(append([]byte{17}, YealinkPacket(YealinkVersion, 2, 0, 0x05, 0x21)...), append([]byte{17}, YealinkPacket(YealinkInit, 11, 0)...)...))
	f.Add(true, []byte{3, 0, 0xfd, 0})
	f.Add(false, []byte{5, 0, 0, 0x2f, 0, 0, 5, 0, 0, 0x21, 0, 0, 5, 0, 8, 0x0f, 0, 0})
	f.Add(false, []byte{4, 0, 0, 0x2f, 0})
	f.Fuzz(func(t *testing.T, yealink bool, stream []byte) {
		if yealink {
			fuzzTalker(t, NewYealink(""), 17, true, stream)
			return
		}
		cm, err := NewCM109("", "atcom")
		if err != nil {
			t.Fatal(err)
		}
		fuzzTalker(t, cm, 5, false, stream)
	})
}

// FuzzYealinkG2Decode is FuzzLegacyDecode for the P1KH's 8-byte packets.
func FuzzYealinkG2Decode(f *testing.F) {
	f.Add(append([]byte{9}, YealinkG2Packet(YealinkVersion, 1, 0x35)...))
	f.Add(append(append([]byte{9}, YealinkG2Packet(YealinkVersion, 1, 0x35)...), append([]byte{9}, YealinkG2Packet(YealinkInit)...)...))
	f.Add([]byte{9, 0, 0x81, 3, 0, 0, 0, 0, 0, 0x7c})
	f.Fuzz(func(t *testing.T, stream []byte) {
		fuzzTalker(t, NewYealinkP1KH(""), 9, true, stream)
	})
}

// fuzzTalker feeds a talking profile a stream of chunked reports, calling
// Talk after each, and checks what Talk writes.
func fuzzTalker(t *testing.T, p interface {
	Profile
	Talker
}, size int, yealink bool, stream []byte) {
	{
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		check := func(rs [][]byte) {
			for _, r := range rs {
				if len(r) != size || r[0] != 0 || (yealink && YealinkSum(r[1:]) != 0) {
					t.Fatalf("Talk wrote % x", r)
				}
			}
		}
		rs, _ := p.Talk(now)
		check(rs)
		for len(stream) > 0 {
			n := min(int(stream[0]), len(stream)-1)
			report := stream[1 : 1+n]
			stream = stream[1+n:]
			if _, err := p.Decode(report); err != nil && !errors.Is(err, ErrBadReport) {
				t.Fatalf("Decode(% x) = %v", report, err)
			}
			now = now.Add(30 * time.Millisecond)
			rs, _ := p.Talk(now)
			check(rs)
		}
	}
}
