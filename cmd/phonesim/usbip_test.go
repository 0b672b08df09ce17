package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/firmware-sim/usbip"
	"github.com/handsetd/handsetd/internal/proctest"
)

// TestUSBIPUnix proves `phonesim --usbip unix:PATH` exports the handset: a
// device list on the socket shows bus id 1-1 with the model's VID:PID, and
// the control language still works alongside.
func TestUSBIPUnix(t *testing.T) {
	dir := proctest.ShortDir(t)
	sock := filepath.Join(dir, "usbip.sock")
	sim := start(t, "--usbip", "unix:"+sock)
	// The first answer means the listener is up: run listens before it
	// reads commands.
	if got := sim.Say("hook off"); got != "ok" {
		t.Fatalf("hook off: %q", got)
	}
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(waitLimit))
	if _, err := c.Write(usbip.EncodeDevlistRequest()); err != nil {
		t.Fatal(err)
	}
	all, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	devs, err := usbip.DecodeDevlistReply(all)
	if err != nil || len(devs) != 1 || devs[0].BusID != "1-1" || devs[0].VendorID != 0x1209 || devs[0].ProductID != 0x0001 {
		t.Fatalf("device list %+v, %v", devs, err)
	}
	if got := sim.Say("quit"); got != "ok" {
		t.Errorf("quit: %q", got)
	}
	if err := sim.Wait(); err != nil {
		t.Fatalf("run: %v; stderr %s", err, sim.Stderr())
	}
}

// TestUSBIPStdio proves `phonesim --usbip stdio` serves one import on
// stdin/stdout and ends when the client hangs up.
func TestUSBIPStdio(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	req, err := usbip.EncodeImportRequest("1-1")
	if err != nil {
		t.Fatal(err)
	}
	setup := usbip.EncodeSetup(usbip.Setup{RequestType: 0x80, Request: 6, Value: 0x0100, Length: 18})
	sub, err := usbip.EncodeSubmit(usbip.Submit{Seqnum: 1, DevID: 0x10002, Direction: usbip.DirIn, Length: 18, Setup: setup})
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut proctest.SyncBuffer
	stdin := bytes.NewReader(append(req, sub...)) // then EOF: the client left
	if err := run(ctx, []string{"--usbip", "stdio"}, stdin, &out, &errOut); err != nil {
		t.Fatalf("run: %v; stderr %s", err, errOut.String())
	}
	b := []byte(out.String())
	if len(b) != usbip.OpHeaderSize+usbip.DeviceSize+usbip.URBHeaderSize+18 {
		t.Fatalf("stdout has %d bytes: % x", len(b), b)
	}
	r, err := usbip.DecodeRet(b[usbip.OpHeaderSize+usbip.DeviceSize : usbip.OpHeaderSize+usbip.DeviceSize+usbip.URBHeaderSize])
	dev := b[len(b)-18:]
	if err != nil || r.Seqnum != 1 || r.ActualLength != 18 || dev[0] != 18 || dev[8] != 0x09 || dev[9] != 0x12 {
		t.Fatalf("reply %+v %v, descriptor % x", r, err, dev)
	}
	if errOut.String() != "" {
		t.Errorf("stderr must stay empty in stdio mode (qemu's guestfwd shows it to the guest), got %q", errOut.String())
	}
}

// TestUSBIPStdioLog proves that with --log FILE, stdio mode logs to FILE
// and still writes nothing on stderr, and that an unwritable --log path is
// a clear error.
func TestUSBIPStdioLog(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	logPath := filepath.Join(t.TempDir(), "phonesim.log")
	var out, errOut proctest.SyncBuffer
	if err := run(ctx, []string{"--usbip", "stdio", "--log", logPath}, bytes.NewReader(nil), &out, &errOut); err != nil {
		t.Fatalf("run: %v; stderr %s", err, errOut.String())
	}
	if errOut.String() != "" || out.String() != "" {
		t.Errorf("stdout %q stderr %q, want both empty for a client that sent nothing", out.String(), errOut.String())
	}
	b, err := os.ReadFile(logPath)
	if err != nil || !strings.Contains(string(b), "USB/IP on stdio") {
		t.Errorf("log file %q %v", b, err)
	}
	err = run(ctx, []string{"--usbip", "stdio", "--log", filepath.Join(t.TempDir(), "no", "such", "dir", "log")}, bytes.NewReader(nil), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "--log") {
		t.Errorf("unwritable --log: %v", err)
	}
}
