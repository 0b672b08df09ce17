package vmtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCPIOLayout proves the newc header layout on a hand-checked entry: the
// magic, thirteen 8-digit hex fields, the NUL-terminated name padded to 4
// bytes, the data padded to 4, and the trailer.
func TestCPIOLayout(t *testing.T) {
	var b bytes.Buffer
	if err := writeCPIO(&b, map[string]cpioEntry{"a": {Mode: cpioFile | 0o644, Data: []byte("hi")}}); err != nil {
		t.Fatal(err)
	}
	want := "070701" + "00000001" + "000081a4" + "00000000" + "00000000" + "00000001" + "00000000" + "00000002" +
		"00000000" + "00000000" + "00000000" + "00000000" + "00000002" + "00000000" + "a\x00" + "hi\x00\x00"
	if got := b.String(); !strings.HasPrefix(got, want) {
		t.Fatalf("entry:\n got %q\nwant %q", got[:min(len(got), len(want))], want)
	}
	if b.Len()%4 != 0 || !strings.Contains(b.String(), "TRAILER!!!\x00") {
		t.Errorf("archive of %d bytes without a trailer", b.Len())
	}
	if err := writeCPIO(&b, map[string]cpioEntry{"/abs": {}}); err == nil {
		t.Error("accepted an absolute path")
	}
}

// TestCPIOUnpacks proves busybox cpio (when installed) extracts what
// writeCPIO wrote: directories, a file's contents and a symlink.
func TestCPIOUnpacks(t *testing.T) {
	bb, err := exec.LookPath("busybox")
	if err != nil {
		t.Skip("busybox is not installed (make deps installs busybox-static)")
	}
	var b bytes.Buffer
	err = writeCPIO(&b, map[string]cpioEntry{
		"d":      {Mode: cpioDir | 0o755},
		"d/f":    {Mode: cpioFile | 0o600, Data: []byte("contents")},
		"d/link": {Mode: cpioSymlink | 0o777, Data: []byte("f")},
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd := exec.Command(bb, "cpio", "-i", "-d")
	cmd.Dir, cmd.Stdin = dir, &b
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("busybox cpio -i: %v: %s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, "d", "link"))
	if err != nil || string(got) != "contents" {
		t.Fatalf("through the symlink: %q %v", got, err)
	}
}
