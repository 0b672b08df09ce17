package usbipserve

import (
	"context"
	"flag"
	"io"
	"net"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/firmware-sim/internal/simtest"
	"github.com/handsetd/handsetd/firmware-sim/usbip"

	"github.com/handsetd/handsetd/internal/fuzzcorpus"
)

var updateCorpus = flag.Bool("update", false, "rewrite the committed fuzz seed corpus from the seeds")

// usbipSeeds are client streams after a successful import: a Linux-style
// enumeration, report traffic, unlinks, and some garbage.
func usbipSeeds(t testing.TB) [][]byte {
	sub := func(seq, ep uint32, in bool, length uint32, s usbip.Setup, data []byte) []byte {
		x := usbip.Submit{Seqnum: seq, DevID: 0x10002, EP: ep, Length: length, Setup: usbip.EncodeSetup(s), Data: data}
		if in {
			x.Direction = usbip.DirIn
		} else {
			x.Length = uint32(len(data))
		}
		b, err := usbip.EncodeSubmit(x)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	enum := cat(
		sub(1, 0, true, 64, getDescriptor(usbDescDevice, 0, 64), nil),
		sub(2, 0, true, 9, getDescriptor(usbDescConfig, 0, 9), nil),
		sub(3, 0, true, 41, getDescriptor(usbDescConfig, 0, 41), nil),
		sub(4, 0, false, 0, usbip.Setup{Request: reqSetConfiguration, Value: 1}, nil),
		sub(5, 0, true, 255, usbip.Setup{RequestType: 0x81, Request: reqGetDescriptor, Value: usbDescReport << 8, Length: 255}, nil),
	)
	return [][]byte{
		enum,
		cat(enum, sub(6, 1, true, 8, usbip.Setup{}, nil), sub(7, 2, false, 0, usbip.Setup{}, []byte{2, 3}), usbip.EncodeUnlink(usbip.Unlink{Seqnum: 8, Victim: 6})),
		cat(sub(1, 0, false, 0, usbip.Setup{RequestType: 0x21, Request: hidSetReport, Value: 0x0303}, []byte{3, 4}),
			sub(2, 0, true, 2, usbip.Setup{RequestType: 0xa1, Request: hidGetReport, Value: 0x0303, Length: 2}, nil)),
		cat(enum, []byte{0, 0, 0, 1, 0xff}),
	}
}

// FuzzUSBIPConn proves that no client stream after an import makes the
// server panic or hang: it answers, or ends the connection with an error.
func FuzzUSBIPConn(f *testing.F) {
	for _, s := range usbipSeeds(f) {
		f.Add(s)
	}
	imp, err := usbip.EncodeImportRequest(BusID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, stream []byte) {
		h, err := firmwaresim.New("generic-telephony", firmwaresim.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		ctx, cancel := context.WithTimeout(context.Background(), simtest.WaitLimit)
		defer cancel()
		client, server := net.Pipe()
		done := make(chan error, 1)
		go func() { done <- ServeConn(ctx, server, h) }()
		go io.Copy(io.Discard, client) // replies, whatever they are
		client.SetWriteDeadline(time.Now().Add(simtest.WaitLimit))
		client.Write(append(append([]byte(nil), imp...), stream...))
		// A pending IN transfer would wait for input forever, as on a
		// real bus: the client hangs up, and the server must then return.
		client.Close()
		select {
		case <-done:
		case <-ctx.Done():
			t.Fatal("server did not return after the client left")
		}
	})
}

// TestUSBIPSeedCorpus proves the committed corpus holds the current seeds;
// -update rewrites it.
func TestUSBIPSeedCorpus(t *testing.T) {
	fuzzcorpus.Check(t, "FuzzUSBIPConn", "TestUSBIPSeedCorpus", usbipSeeds(t), *updateCorpus)
}
