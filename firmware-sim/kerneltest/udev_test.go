package kerneltest

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/vmtest"
)

// testUID is the unprivileged user the permission test opens nodes as. It
// needs no passwd entry: the kernel checks numbers.
const testUID = 4242

// udevLimit bounds the whole permission test.
const udevLimit = 90 * time.Second

// TestKernelUdevGrants proves, on a real kernel with the real udevd, that
// the installed rules and probe grant exactly the right device nodes and
// that those grants let an unprivileged user open them.
//
// What is real: `make install-files DESTDIR=… PREFIX=/usr` writes the tree
// a distribution ships (the probe in /usr/lib/udev, the rules in its
// rules.d naming the probe by its bare name); the guest puts that tree's
// probe and rules into /usr/lib/udev (a tmpfs over the read-only shared
// root, holding links to the host's own udev files beside them) and
// starts Debian's systemd-udevd with every stock rule. Three simulated
// devices are attached over USB/IP at once: a HID Telephony handset
// (generic-telephony, a hidraw node), a legacy phone on the kernel's HID
// ignore list (yealink-p1k, only a USB device node) and a plain boot
// keyboard (usb-keyboard, a hidraw node too). udevd runs the rules and the
// probe on the kernel's own uevents; `udevadm info` must then show
// ID_HANDSETD=1 and the uaccess tag on the handset's hidraw node and the
// phone's /dev/bus/usb node, and neither on the keyboard's hidraw node, the
// keyboard's USB device node or the handset's USB device node (the
// telephony grant is its hidraw node only). `udevadm test` on the granted
// and refused devices loads the installed rules with no complaint about
// them and computes the same properties.
//
// What is emulated: the ACL. On a desktop, systemd-logind gives the active
// seat user an ACL on every node tagged uaccess; the guest has no logind
// and no seat, so a program of this test does what logind would: it asks
// `udevadm info --export-db` which nodes carry the tag and adds a
// user:4242:rw ACL entry to each (the system.posix_acl_access xattr that
// setfacl writes). Before that, uid 4242 (no groups) can open none of the
// five nodes; after it, it opens the handset's hidraw node and the phone's
// USB device node read-write, and still none of the other three.
func TestKernelUdevGrants(t *testing.T) {
	vm, exp := bootVM(t)
	if theVM.buildErr != nil {
		t.Fatal(theVM.buildErr)
	}
	ctx, cancel := context.WithTimeout(theVM.ctx, udevLimit)
	defer cancel()
	start := time.Now()
	dest := installTree(t, ctx)
	t.Logf("make install-files DESTDIR=%s PREFIX=/usr in %v", dest, time.Since(start).Round(time.Millisecond))
	// udevd stops when the test function returns, before the devices are
	// detached (Cleanup).
	defer startUdevd(t, vm, dest)()

	tel := newModel(t, "generic-telephony")
	phone := newModel(t, "yealink-p1k")
	kbd := newModel(t, "usb-keyboard")
	aTel := attach(t, vm, exp, tel, 0x1209, 0x0001, true)
	aPhone := attach(t, vm, exp, phone, 0x6993, 0xb001, false)
	aKbd := attach(t, vm, exp, kbd, 0x1209, 0x0003, true)
	defer detachAll(t, vm)
	type node struct {
		what    string
		syspath string // for udevadm test
		dev     string // the device node
		granted bool
		family  string
	}
	usbNode := func(a attached) string {
		return strings.TrimSpace(run(t, vm, `read b <`+a.dev+`/busnum; read n <`+a.dev+`/devnum; printf '/dev/bus/usb/%03d/%03d' "$b" "$n"`))
	}
	nodes := []node{
		{what: "the telephony handset's hidraw node", syspath: "/sys/class/hidraw/" + aTel.hidraw, dev: "/dev/" + aTel.hidraw, granted: true, family: "hid-telephony"},
		{what: "the Yealink phone's USB device node", syspath: aPhone.dev, dev: usbNode(aPhone), granted: true, family: "yealink"},
		{what: "the keyboard's hidraw node", syspath: "/sys/class/hidraw/" + aKbd.hidraw, dev: "/dev/" + aKbd.hidraw},
		{what: "the keyboard's USB device node", syspath: aKbd.dev, dev: usbNode(aKbd)},
		{what: "the telephony handset's USB device node", syspath: aTel.dev, dev: usbNode(aTel)},
	}

	// udevadm settle alone can return before udevd has read the kernel's
	// uevents for devices just enumerated: wait until udevd has
	// initialized each node (USEC_INITIALIZED, set once its rules ran),
	// then for its queue to drain.
	settle := time.Now()
	var wait strings.Builder
	for _, n := range nodes {
		fmt.Fprintf(&wait, `i=0; until udevadm info --query=property --name=%s 2>/dev/null | grep -q '^USEC_INITIALIZED='; do
	i=$((i+1)); [ $i -lt 200 ] || { echo "udevd did not initialize %s in 20 s" >&2; exit 1; }; sleep 0.1
done
`, n.dev, n.dev)
	}
	run(t, vm, wait.String()+"udevadm settle --timeout=20")
	t.Logf("udev initialized the nodes and settled %v after the last attach", time.Since(settle).Round(time.Millisecond))

	// What udevd stored for each node (udevadm info), and what udevadm
	// test computes again from the installed rules.
	for _, n := range nodes {
		info := parseUdevInfo(run(t, vm, "udevadm info --query=all --name="+n.dev))
		checkGrant(t, n.what+" (udevadm info)", info, n.granted, n.family)
		out := run(t, vm, "udevadm test --action=add "+n.syspath+" 2>&1")
		if bad := rulesComplaints(out); len(bad) > 0 {
			t.Errorf("udevadm test %s complains about the installed rules:\n%s", n.syspath, strings.Join(bad, "\n"))
		}
		checkGrant(t, n.what+" (udevadm test)", parseUdevTest(out), n.granted, n.family)
		if n.granted && n.family == "hid-telephony" && !strings.Contains(out, "handsetd-probe") {
			t.Errorf("udevadm test %s does not mention running handsetd-probe:\n%s", n.syspath, out)
		}
	}

	var devs []string
	for _, n := range nodes {
		devs = append(devs, n.dev)
	}
	opens := func(when string) map[string]string {
		t.Helper()
		r, err := vm.RunSelf(ctx, "open-as", append([]string{strconv.Itoa(testUID)}, devs...)...)
		if err != nil || r.ExitCode != 0 {
			t.Fatalf("open-as %s: %v exit %d\nstdout %s\nstderr %s", when, err, r.ExitCode, r.Stdout, r.Stderr)
		}
		got := map[string]string{}
		for _, l := range strings.Split(strings.TrimSpace(string(r.Stdout)), "\n") {
			if dev, res, ok := strings.Cut(l, " "); ok {
				got[dev] = res
			}
		}
		return got
	}
	before := opens("before the grant")
	for _, n := range nodes {
		if before[n.dev] != "EACCES" {
			t.Errorf("before any ACL, uid %d opening %s (%s) read-write: %q, want EACCES", testUID, n.what, n.dev, before[n.dev])
		}
	}

	r, err := vm.RunSelf(ctx, "uaccess-emulate", strconv.Itoa(testUID))
	if err != nil || r.ExitCode != 0 {
		t.Fatalf("uaccess-emulate: %v exit %d\nstdout %s\nstderr %s", err, r.ExitCode, r.Stdout, r.Stderr)
	}
	aclled := strings.Fields(string(r.Stdout))
	t.Logf("nodes tagged uaccess, given uid %d an ACL as logind would: %v", testUID, aclled)
	for _, n := range nodes {
		if slices.Contains(aclled, n.dev) != n.granted {
			t.Errorf("%s (%s): tagged uaccess = %v, want %v", n.what, n.dev, !n.granted, n.granted)
		}
	}

	after := opens("after the grant")
	for _, n := range nodes {
		want := "EACCES"
		if n.granted {
			want = "ok"
		}
		if after[n.dev] != want {
			t.Errorf("after the uaccess ACLs, uid %d opening %s (%s) read-write: %q, want %s", testUID, n.what, n.dev, after[n.dev], want)
		}
	}
	t.Logf("whole test %v", time.Since(start).Round(time.Millisecond))
}

// newModel makes a model, closed when the test ends.
func newModel(t *testing.T, model string) *firmwaresim.Handset {
	t.Helper()
	h, err := firmwaresim.New(model, firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// installTree runs `make install-files DESTDIR=… PREFIX=/usr` (the
// Debian layout) with the probe built now and the guest's handsetd, in a
// new directory: the guest has never looked it up, so its 9p cache cannot
// hide it. Only handsetd of the programs is installed (INSTALL_BINS): the
// test needs the probe and the rules.
func installTree(t *testing.T, ctx context.Context) string {
	t.Helper()
	bin, err := os.MkdirTemp("", "kerneltest-udev-bin-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(bin) })
	build := exec.CommandContext(ctx, goTool(), "build", "-o", filepath.Join(bin, "handsetd-probe"), "github.com/handsetd/handsetd/udev/handsetd-probe")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build handsetd-probe: %v\n%s", err, out)
	}
	if err := os.Link(theVM.handsetd, filepath.Join(bin, "handsetd")); err != nil {
		t.Fatal(err)
	}
	dest, err := os.MkdirTemp("", "kerneltest-udev-dest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dest) })
	mk := repoMake(ctx, "install-files", "BIN="+bin, "DESTDIR="+dest, "PREFIX=/usr", "INSTALL_BINS=handsetd")
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("make install-files: %v\n%s", err, out)
	}
	for _, f := range []string{"usr/lib/udev/handsetd-probe", "usr/lib/udev/rules.d/70-handsetd.rules"} {
		if _, err := os.Stat(filepath.Join(dest, f)); err != nil {
			t.Fatalf("make install-files did not install %s: %v", f, err)
		}
	}
	return dest
}

// startUdevd installs dest's probe and rules into the guest's
// /usr/lib/udev and starts systemd-udevd there. /usr/lib/udev is the
// host's, read-only: a tmpfs goes over it, holding links to the host's
// files (its stock rules, helpers and hwdb) and copies of ours, as a
// package install would leave it. The returned stop (also run at Cleanup;
// once is enough) kills udevd and its workers and takes the tmpfs away
// again, so later tests see the guest as it was.
func startUdevd(t *testing.T, vm *vmtest.VM, dest string) (stop func()) {
	t.Helper()
	run(t, vm, `set -e
s=/run/handsetd-udev
mkdir -p $s/host
mount --bind /usr/lib/udev $s/host
mount -t tmpfs handsetd-udev /usr/lib/udev
cp -as $s/host/. /usr/lib/udev/
cp `+dest+`/usr/lib/udev/handsetd-probe /usr/lib/udev/
cp `+dest+`/usr/lib/udev/rules.d/70-handsetd.rules /usr/lib/udev/rules.d/
`)
	// udevd runs as a guest job of its own; cancelling its context kills
	// its process group (udevd and its workers) in the guest.
	uctx, ucancel := context.WithTimeout(theVM.ctx, udevLimit)
	udevd := startGuest(t, uctx, func(ctx context.Context) (vmtest.Result, error) {
		return vm.Run(ctx, "SYSTEMD_LOG_TARGET=console exec /usr/lib/systemd/systemd-udevd")
	})
	var once sync.Once
	stop = func() {
		once.Do(func() {
			ucancel()
			if res := <-udevd.done; t.Failed() {
				t.Logf("systemd-udevd: %v\n%s%s", res.err, res.r.Stdout, res.r.Stderr)
			}
			// Lazily: a worker killed a moment ago may still hold a file.
			run(t, vm, "umount -l /usr/lib/udev && umount -l /run/handsetd-udev/host && rmdir /run/handsetd-udev/host /run/handsetd-udev")
		})
	}
	t.Cleanup(stop)
	// udevd is ready once it answers on its control socket.
	r, err := vm.Run(uctx, `i=0
until udevadm control --ping --timeout=2 2>/dev/null; do
	i=$((i+1)); [ $i -lt 100 ] || { echo "systemd-udevd did not answer in 10 s" >&2; exit 1; }
	sleep 0.1
done`)
	if err != nil || r.ExitCode != 0 {
		t.Fatalf("waiting for systemd-udevd: %v exit %d %s", err, r.ExitCode, r.Stderr)
	}
	return stop
}

// detachAll detaches every vhci port in use and waits until the kernel
// has freed them all, reading vhci's own status file: each `usbip port`
// costs most of a second in the emulated guest (it parses usb.ids). It then
// waits for the USB/IP connections to end and records that every attach
// is undone, so attach's Cleanup, which polls `usbip port`, has nothing
// left to do.
func detachAll(t *testing.T, vm *vmtest.VM) {
	t.Helper()
	start := time.Now()
	// Status lines: "hub port sta spd dev sockfd local_busid"; sta 004 is
	// a free port (VDEV_ST_NULL).
	run(t, vm, `st=/sys/devices/platform/vhci_hcd.0/status
busy() { while read -r hub port sta _; do [ "$sta" = 004 ] || [ "$hub" = hub ] || echo "$port"; done <$st; }
for p in $(busy); do n=${p#"${p%%[!0]*}"}; usbip detach -p "${n:-0}" >/dev/null 2>&1; done
i=0; while [ -n "$(busy)" ]; do i=$((i+1)); [ $i -lt 200 ] || { cat $st >&2; exit 1; }; sleep 0.05; done`)
	exp := theVM.exp
	exp.waitConns(t)
	exp.set(nil)
	exp.mu.Lock()
	exp.detached = exp.attaches
	exp.mu.Unlock()
	t.Logf("detached all in %v", time.Since(start).Round(time.Millisecond))
}

// udevProps is a device's udev properties and tags.
type udevProps struct {
	props map[string]string
	tags  []string
}

// parseUdevInfo reads `udevadm info --query=all`: "E: KEY=VALUE" lines,
// "G: TAG" lines, and the TAGS property (":a:b:").
func parseUdevInfo(out string) udevProps {
	p := udevProps{props: map[string]string{}}
	for _, l := range strings.Split(out, "\n") {
		if kv, ok := strings.CutPrefix(l, "E: "); ok {
			if k, v, ok := strings.Cut(kv, "="); ok {
				p.props[k] = v
			}
		}
		if tag, ok := strings.CutPrefix(l, "G: "); ok {
			p.tags = append(p.tags, strings.TrimSpace(tag))
		}
	}
	p.tags = append(p.tags, strings.FieldsFunc(p.props["TAGS"], func(r rune) bool { return r == ':' })...)
	return p
}

// parseUdevTest reads the properties `udevadm test` prints (KEY=VALUE
// lines) and the tags among them (TAGS=:a:b:).
func parseUdevTest(out string) udevProps {
	p := udevProps{props: map[string]string{}}
	prop := regexp.MustCompile(`^([A-Z][A-Z0-9_]*)=(.*)$`)
	for _, l := range strings.Split(out, "\n") {
		if m := prop.FindStringSubmatch(l); m != nil {
			p.props[m[1]] = m[2]
		}
	}
	p.tags = strings.FieldsFunc(p.props["TAGS"], func(r rune) bool { return r == ':' })
	return p
}

// checkGrant checks a node's properties: ID_HANDSETD=1, the family and
// the uaccess tag when granted, none of them otherwise.
func checkGrant(t *testing.T, what string, p udevProps, granted bool, family string) {
	t.Helper()
	got := p.props["ID_HANDSETD"] == "1"
	tagged := slices.Contains(p.tags, "uaccess")
	switch {
	case granted && (!got || !tagged || p.props["ID_HANDSETD_FAMILY"] != family):
		t.Errorf("%s: ID_HANDSETD=%q ID_HANDSETD_FAMILY=%q tags %v, want 1, %s and uaccess", what, p.props["ID_HANDSETD"], p.props["ID_HANDSETD_FAMILY"], p.tags, family)
	case !granted && (got || tagged || p.props["ID_HANDSETD_FAMILY"] != ""):
		t.Errorf("%s: granted (ID_HANDSETD=%q ID_HANDSETD_FAMILY=%q tags %v), want nothing", what, p.props["ID_HANDSETD"], p.props["ID_HANDSETD_FAMILY"], p.tags)
	}
}

// installedRules is where the guest's udevd reads our rules from.
const installedRules = "/usr/lib/udev/rules.d/70-handsetd.rules"

// rulesComplaints checks what `udevadm test` printed about the installed
// rules: that it read them, and no message about them other than its trace
// of applying them. Messages from loading the file start with its path
// ("FILE:LINE Invalid key 'FOO'"); the trace starts with the device's name
// ("hidraw0: FILE:LINE Importing ..."), and counts only when it reports an
// error (a probe that failed: `Command "..." returned 1 (error)`).
func rulesComplaints(out string) []string {
	var bad []string
	if !strings.Contains(out, "Reading rules file: "+installedRules+"\n") {
		bad = append(bad, "(udevadm test never read "+installedRules+")")
	}
	failed := regexp.MustCompile(`(?i)invalid|error|unknown|fail|not supported|deprecated`)
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, installedRules+":") || strings.Contains(l, ": "+installedRules+":") && failed.MatchString(l) {
			bad = append(bad, l)
		}
	}
	return bad
}

// openAs runs in the guest as root: open-as UID NODE.... It drops to uid
// and gid UID with no supplementary groups, tries to open each NODE
// read-write (as libusb and the hidraw backend do), and prints "NODE ok" or
// "NODE ERRNO".
func openAs(args []string) int {
	if len(args) < 1 {
		fmt.Fprintln(os.Stderr, "usage: open-as UID NODE...")
		return 2
	}
	uid, err := strconv.Atoi(args[0])
	if err != nil || uid == 0 {
		fmt.Fprintln(os.Stderr, "open-as: UID must be a number other than 0")
		return 2
	}
	// Go applies these to every thread of the process.
	if err := syscall.Setgroups(nil); err != nil {
		fmt.Fprintln(os.Stderr, "open-as: setgroups:", err)
		return 1
	}
	if err := syscall.Setgid(uid); err != nil {
		fmt.Fprintln(os.Stderr, "open-as: setgid:", err)
		return 1
	}
	if err := syscall.Setuid(uid); err != nil {
		fmt.Fprintln(os.Stderr, "open-as: setuid:", err)
		return 1
	}
	if os.Getuid() != uid || os.Geteuid() != uid {
		fmt.Fprintf(os.Stderr, "open-as: still uid %d euid %d\n", os.Getuid(), os.Geteuid())
		return 1
	}
	for _, node := range args[1:] {
		f, err := os.OpenFile(node, os.O_RDWR, 0)
		if err == nil {
			f.Close()
			fmt.Println(node, "ok")
			continue
		}
		var errno syscall.Errno
		if errors.As(err, &errno) {
			fmt.Println(node, errnoName(errno))
		} else {
			fmt.Println(node, strings.ReplaceAll(err.Error(), " ", "_"))
		}
	}
	return 0
}

func errnoName(e syscall.Errno) string {
	switch e {
	case syscall.EACCES:
		return "EACCES"
	case syscall.EPERM:
		return "EPERM"
	case syscall.ENOENT:
		return "ENOENT"
	case syscall.EBUSY:
		return "EBUSY"
	case syscall.ENODEV:
		return "ENODEV"
	}
	return "errno" + strconv.Itoa(int(e))
}

// uaccessEmulate runs in the guest as root: uaccess-emulate UID. It does
// what systemd-logind does for the seat's active user, which the guest has
// not: every device node udev tagged uaccess (from `udevadm info
// --export-db`) gets an ACL entry user:UID:rw, the node's owner, group and
// other permissions kept. It prints the nodes it changed, one a line.
func uaccessEmulate(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: uaccess-emulate UID")
		return 2
	}
	uid, err := strconv.ParseUint(args[0], 10, 32)
	if err != nil {
		fmt.Fprintln(os.Stderr, "uaccess-emulate:", err)
		return 2
	}
	out, err := exec.Command("udevadm", "info", "--export-db").Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "uaccess-emulate: udevadm info --export-db:", err)
		return 1
	}
	nodes, err := uaccessNodes(strings.NewReader(string(out)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "uaccess-emulate:", err)
		return 1
	}
	for _, n := range nodes {
		if err := addUserACL(n, uint32(uid)); err != nil {
			fmt.Fprintln(os.Stderr, "uaccess-emulate:", err)
			return 1
		}
		fmt.Println(n)
	}
	return 0
}

// uaccessNodes reads udevadm's database export (records separated by
// blank lines; "N: name" is the node under /dev, "G: tag" a tag, "E:
// TAGS=:a:b:" the tags again) and returns the nodes tagged uaccess.
func uaccessNodes(r io.Reader) ([]string, error) {
	var nodes []string
	var name string
	tagged := false
	flush := func() {
		if name != "" && tagged {
			nodes = append(nodes, "/dev/"+name)
		}
		name, tagged = "", false
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case l == "":
			flush()
		case strings.HasPrefix(l, "N: "):
			name = strings.TrimPrefix(l, "N: ")
		case l == "G: uaccess":
			tagged = true
		case strings.HasPrefix(l, "E: TAGS=") && strings.Contains(l, ":uaccess:"):
			tagged = true
		}
	}
	flush()
	return nodes, sc.Err()
}

// POSIX ACL xattr layout (linux/posix_acl_xattr.h): a little-endian
// version 2 header, then entries of tag (u16), permissions (u16) and id
// (u32), sorted by tag and id.
const (
	aclUserObj  = 0x01
	aclUser     = 0x02
	aclGroupObj = 0x04
	aclMask     = 0x10
	aclOther    = 0x20
	aclNoID     = 0xffffffff
)

// addUserACL sets node's access ACL to its mode plus user:uid:rw, as
// `setfacl -m u:UID:rw NODE` would.
func addUserACL(node string, uid uint32) error {
	var st syscall.Stat_t
	if err := syscall.Stat(node, &st); err != nil {
		return fmt.Errorf("stat %s: %w", node, err)
	}
	mode := st.Mode
	entries := []struct {
		tag, perm uint16
		id        uint32
	}{
		{aclUserObj, uint16(mode>>6) & 7, aclNoID},
		{aclUser, 6, uid},
		{aclGroupObj, uint16(mode>>3) & 7, aclNoID},
		{aclMask, 6 | uint16(mode>>3)&7, aclNoID},
		{aclOther, uint16(mode) & 7, aclNoID},
	}
	b := binary.LittleEndian.AppendUint32(nil, 2)
	for _, e := range entries {
		b = binary.LittleEndian.AppendUint16(b, e.tag)
		b = binary.LittleEndian.AppendUint16(b, e.perm)
		b = binary.LittleEndian.AppendUint32(b, e.id)
	}
	if err := syscall.Setxattr(node, "system.posix_acl_access", b, 0); err != nil {
		return fmt.Errorf("set the ACL of %s: %w", node, err)
	}
	return nil
}
