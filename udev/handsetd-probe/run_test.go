package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// node writes a hidraw node's sysfs directory whose HID device has report
// descriptor desc; it returns the sysfs root and the node's devpath.
func node(t *testing.T, desc []byte) (root, devpath string) {
	t.Helper()
	root = t.TempDir()
	devpath = "/devices/usb1/1-1/1-1:1.3/0003:1209:0001.0001/hidraw/hidraw0"
	if err := os.MkdirAll(filepath.Join(root, devpath), 0o755); err != nil {
		t.Fatal(err)
	}
	hidDev := filepath.Join(root, "/devices/usb1/1-1/1-1:1.3/0003:1209:0001.0001")
	if err := os.WriteFile(filepath.Join(hidDev, "report_descriptor"), desc, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../../0003:1209:0001.0001", filepath.Join(root, devpath, "device")); err != nil {
		t.Fatal(err)
	}
	return root, devpath
}

// A headset: Telephony Headset application, Hook Switch and Phone Mute.
var headset = []byte{0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x02,
	0x09, 0x20, 0x09, 0x2f, 0x81, 0x06, 0x95, 0x06, 0x81, 0x03, 0xc0}

// A webcam's button: Consumer Control application, Snapshot.
var webcam = []byte{0x05, 0x0c, 0x09, 0x01, 0xa1, 0x01, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01,
	0x09, 0x65, 0x81, 0x02, 0x95, 0x07, 0x81, 0x03, 0xc0}

// TestProbeCommand proves what udev gets from the program: the properties
// on stdout for a handset, nothing for a webcam (and, with --explain, why
// on stderr), an error for a node without a descriptor or without any
// path, and $DEVPATH used when no argument is given.
func TestProbeCommand(t *testing.T) {
	hsRoot, hsPath := node(t, headset)
	camRoot, camPath := node(t, webcam)
	tests := []struct {
		name       string
		args       []string
		devpath    string
		wantOut    string
		wantErr    string
		wantStderr string
	}{
		{name: "headset", args: []string{hsRoot + hsPath}, wantOut: "ID_HANDSETD=1\nID_HANDSETD_FAMILY=hid-telephony\n"},
		{name: "webcam", args: []string{camRoot + camPath}},
		{name: "webcam explained", args: []string{"--explain", camRoot + camPath}, wantStderr: "not a handset: keymap: telephony check: no HID Telephony application collection"},
		{name: "no descriptor", args: []string{t.TempDir()}, wantErr: "reading the report descriptor"},
		{name: "no path", wantErr: "no $DEVPATH"},
		{name: "two paths", args: []string{"a", "b"}, wantErr: "want one SYSPATH"},
		{name: "DEVPATH", devpath: "/nonexistent/hidraw9", wantErr: "/sys/nonexistent/hidraw9: udev: probe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			getenv := func(k string) string {
				if k == "DEVPATH" {
					return tt.devpath
				}
				return ""
			}
			err := run(tt.args, getenv, &stdout, &stderr)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			if stdout.String() != tt.wantOut {
				t.Errorf("stdout %q, want %q", stdout.String(), tt.wantOut)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr %q, want it to contain %q", stderr.String(), tt.wantStderr)
			}
		})
	}
}
