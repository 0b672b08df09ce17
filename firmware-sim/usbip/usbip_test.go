package usbip

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/handsetd/handsetd/internal/fuzzcorpus"
)

var update = flag.Bool("update", false, "rewrite the committed fuzz seed corpus from the tables")

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var testDevice = Device{
	Path: "/sys/devices/handsetd-sim/1-1", BusID: "1-1", BusNum: 1, DevNum: 2, Speed: SpeedFull,
	VendorID: 0x1209, ProductID: 0x0001, BCDDevice: 0x0100,
	ConfigurationValue: 1, NumConfigs: 1, NumInterfaces: 1,
	Interfaces: []Interface{{Class: 3}},
}

// TestLayout proves the byte layout of each message against hand-written
// bytes: big-endian fields, the 0x0111 version, fixed-size NUL-padded
// strings, the 312-byte device record, the 48-byte URB header and the
// little-endian SETUP packet.
func TestLayout(t *testing.T) {
	imp, err := EncodeImportRequest("1-1")
	if err != nil {
		t.Fatal(err)
	}
	devlist, err := EncodeDevlistReply([]Device{testDevice})
	if err != nil {
		t.Fatal(err)
	}
	submit, err := EncodeSubmit(Submit{Seqnum: 5, DevID: 0x10002, Direction: DirIn, EP: 0, Length: 18,
		Setup: EncodeSetup(Setup{RequestType: 0x80, Request: 6, Value: 0x0100, Length: 18})})
	if err != nil {
		t.Fatal(err)
	}
	out, err := EncodeSubmit(Submit{Seqnum: 6, DevID: 0x10002, Direction: DirOut, EP: 2, Length: 2, NumPackets: NonISOPackets, Data: []byte{2, 1}})
	if err != nil {
		t.Fatal(err)
	}
	ret, err := EncodeRet(Ret{Command: RetSubmit, Seqnum: 5, Status: -32, ActualLength: 1, Data: []byte{0xaa}})
	if err != nil {
		t.Fatal(err)
	}
	unl, err := EncodeRet(Ret{Command: RetUnlink, Seqnum: 9, Status: -104})
	if err != nil {
		t.Fatal(err)
	}
	zeros := func(n int) string { return strings.Repeat("00", n) }
	for _, tc := range []struct {
		name string
		got  []byte
		want string
	}{
		{"OP_REQ_DEVLIST", EncodeDevlistRequest(), "0111 8005 00000000"},
		{"OP_REQ_IMPORT", imp, "0111 8003 00000000 312d31" + zeros(29)},
		{"OP_REP_IMPORT error", must(EncodeImportReply(StatusNoDev, Device{})), "0111 0003 00000004"},
		{"OP_REP_DEVLIST", devlist, "0111 0005 00000000 00000001" +
			hex.EncodeToString([]byte(testDevice.Path)) + zeros(256-len(testDevice.Path)) +
			"312d31" + zeros(29) + "00000001 00000002 00000002 1209 0001 0100 00 00 00 01 01 01" + "03000000"},
		{"CMD_SUBMIT IN control", submit, "00000001 00000005 00010002 00000001 00000000 00000000 00000012 00000000 00000000 00000000 8006000100001200"},
		{"CMD_SUBMIT OUT interrupt", out, "00000001 00000006 00010002 00000000 00000002 00000000 00000002 00000000 ffffffff 00000000" + zeros(8) + "0201"},
		{"CMD_UNLINK", EncodeUnlink(Unlink{Seqnum: 9, DevID: 0x10002, Victim: 7}), "00000002 00000009 00010002 00000000 00000000 00000007" + zeros(24)},
		// status, actual_length, start_frame 0, number_of_packets
		// 0xffffffff (not ISO), error_count 0, 8 bytes of padding.
		{"RET_SUBMIT", ret, "00000003 00000005 00000000 00000000 00000000 ffffffe0 00000001 00000000 ffffffff 00000000" + zeros(8) + "aa"},
		{"RET_UNLINK", unl, "00000004 00000009 00000000 00000000 00000000 ffffff98" + zeros(24)},
	} {
		if want := unhex(t, tc.want); !bytes.Equal(tc.got, want) {
			t.Errorf("%s:\n got %x\nwant %x", tc.name, tc.got, want)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// TestRoundTrips proves that what the encoders write, the decoders read back
// unchanged, for both sides of the conversation.
func TestRoundTrips(t *testing.T) {
	devs, err := DecodeDevlistReply(must(EncodeDevlistReply([]Device{testDevice, {BusID: "2-1", NumInterfaces: 0}})))
	if err != nil {
		t.Fatal(err)
	}
	if len(devs) != 2 || fmt.Sprint(devs[0]) != fmt.Sprint(testDevice) || devs[1].BusID != "2-1" {
		t.Errorf("device list round trip: %+v", devs)
	}
	imp := must(EncodeImportRequest("1-1"))
	if h, err := DecodeOpHeader(imp[:OpHeaderSize]); err != nil || h.Code != OpReqImport {
		t.Errorf("import header: %+v %v", h, err)
	}
	if id, err := DecodeImportBusID(imp[OpHeaderSize:]); err != nil || id != "1-1" {
		t.Errorf("bus id: %q %v", id, err)
	}
	rep := must(EncodeImportReply(StatusOK, testDevice))
	d, err := DecodeImportReply(rep[OpHeaderSize:])
	want := testDevice
	want.Interfaces = nil
	if err != nil || fmt.Sprint(d) != fmt.Sprint(want) {
		t.Errorf("import reply: %+v %v", d, err)
	}
	if d.DevID() != 0x10002 {
		t.Errorf("DevID = %#x", d.DevID())
	}
	s := Submit{Seqnum: 1, DevID: 2, Direction: DirOut, EP: 1, TransferFlags: 3, Length: 2, StartFrame: -1, NumPackets: 0, Interval: 8, Setup: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}, Data: []byte{9, 9}}
	b := must(EncodeSubmit(s))
	c, err := DecodeCommand(b[:URBHeaderSize])
	if err != nil || c.Submit == nil {
		t.Fatalf("submit: %+v %v", c, err)
	}
	c.Submit.Data = b[URBHeaderSize:]
	if fmt.Sprint(*c.Submit) != fmt.Sprint(s) {
		t.Errorf("submit round trip:\n got %+v\nwant %+v", *c.Submit, s)
	}
	u := Unlink{Seqnum: 4, DevID: 2, Direction: DirIn, EP: 1, Victim: 3}
	if c, err := DecodeCommand(EncodeUnlink(u)); err != nil || c.Unlink == nil || *c.Unlink != u {
		t.Errorf("unlink round trip: %+v %v", c, err)
	}
	for _, r := range []Ret{{Command: RetSubmit, Seqnum: 1, ActualLength: 3, Data: []byte{1, 2, 3}}, {Command: RetUnlink, Seqnum: 2, Status: -104}} {
		b := must(EncodeRet(r))
		got, err := DecodeRet(b[:URBHeaderSize])
		got.Data = b[URBHeaderSize:]
		if len(got.Data) == 0 {
			got.Data = nil
		}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(r) {
			t.Errorf("ret round trip: got %+v want %+v (%v)", got, r, err)
		}
	}
	setup := Setup{RequestType: 0xa1, Request: 1, Value: 0x0301, Index: 3, Length: 2}
	if got := DecodeSetup(EncodeSetup(setup)); got != setup {
		t.Errorf("setup round trip: %+v", got)
	}
}

// TestRejects proves that malformed input is refused with ErrMalformed and
// that the encoders refuse what they cannot represent.
func TestRejects(t *testing.T) {
	hdr := func(cmd, dir, ep uint32) []byte {
		b := make([]byte, URBHeaderSize)
		binary.BigEndian.PutUint32(b[0:], cmd)
		binary.BigEndian.PutUint32(b[12:], dir)
		binary.BigEndian.PutUint32(b[16:], ep)
		return b
	}
	big := hdr(CmdSubmit, DirIn, 1)
	binary.BigEndian.PutUint32(big[24:], MaxTransferLen+1)
	iso := hdr(CmdSubmit, DirIn, 1)
	binary.BigEndian.PutUint32(iso[32:], 4)
	noNUL := bytes.Repeat([]byte{'x'}, BusIDSize)
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"short op header", second(DecodeOpHeader([]byte{1, 0x11}))},
		{"old version", second(DecodeOpHeader(unhex(t, "0106 8005 00000000")))},
		{"unknown op", second(DecodeOpHeader(unhex(t, "0111 8009 00000000")))},
		{"bus id without NUL", second(DecodeImportBusID(noNUL))},
		{"short bus id", second(DecodeImportBusID([]byte("1-1")))},
		{"short URB header", second(DecodeCommand(make([]byte, 47)))},
		{"bad direction", second(DecodeCommand(hdr(CmdSubmit, 2, 0)))},
		{"endpoint 16", second(DecodeCommand(hdr(CmdSubmit, DirIn, 16)))},
		{"reply as command", second(DecodeCommand(hdr(RetSubmit, DirIn, 0)))},
		{"unknown command", second(DecodeCommand(hdr(9, DirIn, 0)))},
		{"huge transfer", second(DecodeCommand(big))},
		{"isochronous", second(DecodeCommand(iso))},
		{"command as reply", second(DecodeRet(hdr(CmdSubmit, 0, 0)))},
		{"truncated device list", second(DecodeDevlistReply(unhex(t, "0111 0005 00000000 00000001")))},
		{"device list trailing bytes", second(DecodeDevlistReply(unhex(t, "0111 0005 00000000 00000000 00")))},
	} {
		if !errors.Is(tc.err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", tc.name, tc.err)
		}
	}
	if _, err := EncodeImportRequest(strings.Repeat("1", BusIDSize)); err == nil {
		t.Error("EncodeImportRequest accepted a bus id with no room for its NUL")
	}
	if _, err := EncodeSubmit(Submit{Direction: DirOut, Length: 3, Data: []byte{1}}); err == nil {
		t.Error("EncodeSubmit accepted a length that is not the data's")
	}
	if _, err := EncodeRet(Ret{Command: RetSubmit, ActualLength: 0, Data: []byte{1}}); err == nil {
		t.Error("EncodeRet accepted more data than the actual length")
	}
	if _, err := EncodeDevlistReply([]Device{{BusID: "1-1", NumInterfaces: 2}}); err == nil {
		t.Error("EncodeDevlistReply accepted a wrong interface count")
	}
}

func second[T any](_ T, err error) error { return err }

// seeds are the fuzz corpus: one of each message a server reads or writes.
func seeds(t testing.TB) [][]byte {
	return [][]byte{
		EncodeDevlistRequest(),
		must(EncodeImportRequest("1-1")),
		must(EncodeDevlistReply([]Device{testDevice})),
		must(EncodeSubmit(Submit{Seqnum: 1, DevID: 0x10002, Direction: DirIn, Length: 64, Setup: EncodeSetup(Setup{RequestType: 0x81, Request: 6, Value: 0x2200, Length: 64})})),
		must(EncodeSubmit(Submit{Seqnum: 2, DevID: 0x10002, Direction: DirOut, EP: 2, Length: 2, NumPackets: NonISOPackets, Data: []byte{2, 3}})),
		EncodeUnlink(Unlink{Seqnum: 3, Victim: 1}),
		must(EncodeRet(Ret{Command: RetSubmit, Seqnum: 1, ActualLength: 4, Data: []byte{1, 1, 0, 0}})),
		must(EncodeRet(Ret{Command: RetUnlink, Seqnum: 3, Status: -104})),
	}
}

// FuzzDecode proves that no input makes a decoder panic, and that whatever
// DecodeCommand and DecodeRet accept encodes back to the same header.
func FuzzDecode(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) >= OpHeaderSize {
			DecodeOpHeader(b[:OpHeaderSize])
		}
		DecodeDevlistReply(b)
		if len(b) >= OpHeaderSize+BusIDSize {
			DecodeImportBusID(b[OpHeaderSize : OpHeaderSize+BusIDSize])
		}
		if len(b) < URBHeaderSize {
			return
		}
		h := b[:URBHeaderSize]
		if c, err := DecodeCommand(h); err == nil {
			var again []byte
			if c.Submit != nil {
				s := *c.Submit
				if s.Direction == DirOut {
					s.Length = 0
				}
				again = must(EncodeSubmit(s))
				// Length is the one field an OUT submit cannot carry
				// without its data: compare the rest.
				copy(again[24:28], h[24:28])
			} else {
				again = EncodeUnlink(*c.Unlink)
				copy(again[24:], h[24:]) // padding is ignored
			}
			if !bytes.Equal(again, h) {
				t.Fatalf("command round trip:\n got %x\nwant %x", again, h)
			}
		}
		if r, err := DecodeRet(h); err == nil {
			r.ActualLength, r.Data = 0, nil
			if _, err := EncodeRet(r); err != nil {
				t.Fatalf("EncodeRet of decoded reply: %v", err)
			}
		}
	})
}

// TestSeedCorpus proves the committed corpus holds the current seeds;
// -update rewrites it.
func TestSeedCorpus(t *testing.T) {
	fuzzcorpus.Check(t, "FuzzDecode", "TestSeedCorpus", seeds(t), *update)
}
