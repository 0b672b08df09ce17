package vmtest

import (
	"bytes"
	"fmt"
	"io"
	"sort"
)

// cpioEntry is one file of an initramfs.
type cpioEntry struct {
	Mode   uint32 // type and permission bits, as in stat's st_mode
	Data   []byte // file contents or symlink target
	RMajor uint32 // device numbers, for device nodes
	RMinor uint32
}

// Mode type bits of the newc format.
const (
	cpioDir     = 0o040000
	cpioFile    = 0o100000
	cpioSymlink = 0o120000
	cpioCharDev = 0o020000
)

// writeCPIO writes the files as a "newc" cpio archive (the format the
// kernel unpacks into its initial rootfs), sorted by path so that parents
// come before children, then the TRAILER!!! entry.
func writeCPIO(w io.Writer, files map[string]cpioEntry) error {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b bytes.Buffer
	pad := func() {
		for b.Len()%4 != 0 {
			b.WriteByte(0)
		}
	}
	add := func(ino int, name string, e cpioEntry) {
		fmt.Fprintf(&b, "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
			ino, e.Mode, 0, 0, 1, 0, len(e.Data), 0, 0, e.RMajor, e.RMinor, len(name)+1, 0)
		b.WriteString(name)
		b.WriteByte(0)
		pad()
		b.Write(e.Data)
		pad()
	}
	for i, p := range paths {
		if p == "" || p[0] == '/' {
			return fmt.Errorf("cpio: path %q must be relative", p)
		}
		add(i+1, p, files[p])
	}
	add(0, "TRAILER!!!", cpioEntry{})
	_, err := w.Write(b.Bytes())
	return err
}
