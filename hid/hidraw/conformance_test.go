package hidraw

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidtest"
	"golang.org/x/sys/unix"
)

// socketDevice is a Device whose node is one end of a SOCK_SEQPACKET pair:
// like a hidraw node it hands out one whole message per read, truncates a
// message longer than the buffer and drops the rest, and polls. The far
// end plays the kernel. The ioctls are not there; the read, write, ctx and
// Close paths are the real ones.
func socketDevice(t *testing.T, ids bool) (*Device, *os.File) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	peer := os.NewFile(uintptr(fds[1]), "kernel")
	t.Cleanup(func() { peer.Close() })
	d := &Device{f: os.NewFile(uintptr(fds[0]), "hidraw-test"), path: "/dev/hidraw-test", ids: ids,
		info: hid.Info{VendorID: 0x1209, ProductID: 0x0001, Path: "/dev/hidraw-test", Interface: -1}}
	return d, peer
}

// TestConformance proves Device's read path has hid.Device's semantics
// (order, truncation, waiting, ctx and Close waking a read, Close
// idempotent) with the runtime poller doing the waiting, as it does on a
// hidraw node; firmware-sim/kerneltest checks the same on the real kernel.
func TestConformance(t *testing.T) {
	hidtest.Conformance(t, func(t *testing.T) hidtest.Backend {
		d, peer := socketDevice(t, true)
		return hidtest.Backend{Dev: d, Push: func(r []byte) {
			if _, err := peer.Write(r); err != nil {
				t.Errorf("push % x: %v", r, err)
			}
		}}
	})
}

// TestNoReportIDs proves that for a device without report ids, whose
// hidraw reads carry no id byte, ReadInput puts the 0 id byte first, still
// truncates to the caller's buffer, and a buffer with room for the id byte
// only consumes one report; and that writes go out unchanged, 0 first.
func TestNoReportIDs(t *testing.T) {
	d, peer := socketDevice(t, false)
	defer d.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, r := range [][]byte{{0xAA, 0xBB}, {1, 2, 3, 4}, {9}, {7, 7}} {
		if _, err := peer.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		size int
		want []byte
	}{
		{16, []byte{0, 0xAA, 0xBB}},
		{3, []byte{0, 1, 2}},
		{1, []byte{0}},
		{16, []byte{0, 7, 7}},
	}
	for i, tt := range tests {
		buf := make([]byte, tt.size)
		n, err := d.ReadInput(ctx, buf)
		if err != nil || !bytes.Equal(buf[:n], tt.want) {
			t.Errorf("read %d: % x, %v; want % x", i, buf[:n], err, tt.want)
		}
	}
	if err := d.WriteOutput([]byte{0, 0x05}); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 16)
	peer.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := peer.Read(got)
	if err != nil || !bytes.Equal(got[:n], []byte{0, 0x05}) {
		t.Errorf("the node got % x, %v; want 00 05", got[:n], err)
	}
}

// TestPeerGone proves a read that meets end of file (what a node whose
// device vanished amounts to) fails with hid.ErrDisconnected, not a
// zero-length report.
func TestPeerGone(t *testing.T) {
	d, peer := socketDevice(t, true)
	defer d.Close()
	peer.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := d.ReadInput(ctx, make([]byte, 8)); !errors.Is(err, hid.ErrDisconnected) {
		t.Errorf("read after the far end closed: %v, want hid.ErrDisconnected", err)
	}
}
