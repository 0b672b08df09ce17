package hidraw

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/handsetd/handsetd/hid"
	"golang.org/x/sys/unix"
)

// Options tune Open. The zero value is right for a real system.
type Options struct {
	// SysfsRoot is where sysfs is mounted; "" means /sys. Tests point it
	// at a fixture tree.
	SysfsRoot string
}

// Device is one open hidraw node. It implements hid.Device.
type Device struct {
	f    *os.File
	path string
	info hid.Info
	desc []byte
	// ids is true when the descriptor declares report ids; without them
	// hidraw's reads lack the id byte and ReadInput adds a 0.
	ids bool

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

var _ hid.Device = (*Device)(nil)

// Open opens the hidraw node at path (such as /dev/hidraw0) for reading and
// writing.
func Open(path string) (*Device, error) { return OpenWith(path, Options{}) }

// OpenWith is Open with options.
func OpenWith(path string, o Options) (*Device, error) {
	// O_NONBLOCK makes os.File register the node with the runtime poller,
	// so reads wait in epoll and deadlines and Close wake them.
	f, err := os.OpenFile(path, os.O_RDWR|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, openError(path, err)
	}
	d := &Device{f: f, path: path}
	if err := d.load(o); err != nil {
		f.Close()
		return nil, err
	}
	return d, nil
}

// openError explains why a node would not open, in terms the user can act on.
func openError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("open %s: %w (%v)", path, hid.ErrPermission, unwrapErrno(err))
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("open %s: no such hidraw node (is the handset plugged in? ls /sys/class/hidraw lists the nodes): %w", path, err)
	case isGone(err):
		return fmt.Errorf("open %s: %w (%v)", path, hid.ErrDisconnected, unwrapErrno(err))
	}
	return fmt.Errorf("open %s: %w", path, err)
}

// load reads the descriptor and identity once; both are fixed while the
// node exists.
func (d *Device) load(o Options) error {
	desc, err := d.readDescriptor()
	if err != nil {
		return err
	}
	d.desc = desc
	if pd, err := hid.ParseDescriptor(desc); err == nil {
		d.ids = pd.UsesReportIDs
	} else {
		d.ids = scanReportIDs(desc)
	}
	var ri rawInfo
	if err := d.ioctl(hidiocGRawInfo, unsafe.Pointer(&ri)); err != nil {
		return d.opError("HIDIOCGRAWINFO", err)
	}
	root := o.SysfsRoot
	if root == "" {
		root = "/sys"
	}
	node := filepath.Base(d.path)
	if real, err := filepath.EvalSymlinks(d.path); err == nil {
		node = filepath.Base(real)
	}
	usb := readSysfs(root, node)
	d.info = hid.Info{
		VendorID:     uint16(ri.Vendor),
		ProductID:    uint16(ri.Product),
		Serial:       usb.Serial,
		Product:      usb.Product,
		Manufacturer: usb.Manufacturer,
		Path:         d.path,
		Interface:    usb.Interface,
	}
	if d.info.Product == "" {
		// Not on USB, or sysfs is missing: the HID core's name is
		// "Manufacturer Product" joined, the best there is.
		if name, err := d.stringIoctl(hidiocGRawName); err == nil {
			d.info.Product = name
		}
	}
	return nil
}

// scanReportIDs reports whether a descriptor the parser rejected still
// contains a Report ID item, so reads keep the right framing.
func scanReportIDs(desc []byte) bool {
	for i := 0; i < len(desc); {
		p := desc[i]
		if p == 0xFE { // long item
			if i+1 >= len(desc) {
				return false
			}
			i += 3 + int(desc[i+1])
			continue
		}
		size := int(p & 3)
		if size == 3 {
			size = 4
		}
		if p&0xFC == 0x84 {
			return true
		}
		i += 1 + size
	}
	return false
}

func (d *Device) readDescriptor() ([]byte, error) {
	var size int32
	if err := d.ioctl(hidiocGRDescSize, unsafe.Pointer(&size)); err != nil {
		return nil, d.opError("HIDIOCGRDSIZE", err)
	}
	if size < 0 || size > maxDescriptorSize {
		return nil, fmt.Errorf("hidraw %s: the kernel reports a %d-byte descriptor, more than the %d allowed", d.path, size, maxDescriptorSize)
	}
	rd := new(rawDescriptor)
	rd.Size = uint32(size)
	if err := d.ioctl(hidiocGRDesc, unsafe.Pointer(rd)); err != nil {
		return nil, d.opError("HIDIOCGRDESC", err)
	}
	return append([]byte(nil), rd.Value[:rd.Size]...), nil
}

// stringIoctl runs one of the variable-length string requests (name, phys).
func (d *Device) stringIoctl(req func(int) uint) (string, error) {
	buf := make([]byte, 256)
	n, err := d.ioctlN(req(len(buf)), unsafe.Pointer(&buf[0]))
	if err != nil {
		return "", err
	}
	if n > len(buf) {
		n = len(buf)
	}
	s := string(buf[:n])
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s, nil
}

// Phys returns the kernel's physical path of the device (such as
// usb-0000:00:14.0-1/input0), which tells apart two identical handsets.
func (d *Device) Phys() (string, error) {
	if d.closed.Load() {
		return "", d.opError("HIDIOCGRAWPHYS", os.ErrClosed)
	}
	s, err := d.stringIoctl(hidiocGRawPhys)
	if err != nil {
		return "", d.opError("HIDIOCGRAWPHYS", err)
	}
	return s, nil
}

func (d *Device) ioctl(req uint, arg unsafe.Pointer) error {
	_, err := d.ioctlN(req, arg)
	return err
}

// ioctlN runs one ioctl on the node and returns its non-negative result.
func (d *Device) ioctlN(req uint, arg unsafe.Pointer) (int, error) {
	rc, err := d.f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var r uintptr
	var errno syscall.Errno
	if err := rc.Control(func(fd uintptr) {
		r, _, errno = unix.Syscall(unix.SYS_IOCTL, fd, uintptr(req), uintptr(arg))
	}); err != nil {
		return 0, err
	}
	if errno != 0 {
		return 0, errno
	}
	return int(r), nil
}

// ReadInput implements hid.Device.
func (d *Device) ReadInput(ctx context.Context, p []byte) (int, error) {
	if d.closed.Load() {
		return 0, d.opError("read", os.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, fmt.Errorf("hidraw %s: read into an empty buffer", d.path)
	}
	// A cancelled ctx sets a deadline in the past, which wakes the read in
	// the poller. The deadline is cleared before each read, and the
	// callback is waited for when it has already started, so a late one
	// never cuts the next read short.
	d.f.SetReadDeadline(time.Time{})
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(fired)
		d.f.SetReadDeadline(time.Unix(1, 0))
	})
	defer func() {
		if !stop() {
			<-fired
		}
	}()
	buf := p
	if !d.ids {
		p[0] = 0
		buf = p[1:]
		if len(buf) == 0 {
			// Room for the id byte only: read the report to consume it.
			var one [1]byte
			buf = one[:]
			_, err := d.f.Read(buf)
			if err != nil {
				return 0, d.readError(ctx, err)
			}
			return 1, nil
		}
	}
	n, err := d.f.Read(buf)
	if err != nil {
		return 0, d.readError(ctx, err)
	}
	if n == 0 {
		// hidraw never returns 0 for a live device; treat it as gone.
		return 0, d.opError("read", syscall.EIO)
	}
	if !d.ids {
		n++
	}
	return n, nil
}

func (d *Device) readError(ctx context.Context, err error) error {
	if errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, io.EOF) {
		// hidraw never ends a live node's stream; treat it as gone.
		return d.opError("read", syscall.EIO)
	}
	return d.opError("read", err)
}

// WriteOutput implements hid.Device. The report goes to write(2) as it is:
// hidraw also wants the id byte first, and a 0 for a device without ids.
func (d *Device) WriteOutput(report []byte) error {
	if d.closed.Load() {
		return d.opError("write", os.ErrClosed)
	}
	if len(report) == 0 {
		return fmt.Errorf("hidraw %s: write an empty output report: it needs at least the id byte", d.path)
	}
	n, err := d.f.Write(report)
	if err != nil {
		return d.opError("write", err)
	}
	if n != len(report) {
		return fmt.Errorf("hidraw %s: wrote %d of the output report's %d bytes", d.path, n, len(report))
	}
	return nil
}

// GetFeature implements hid.Device with HIDIOCGFEATURE.
func (d *Device) GetFeature(report []byte) (int, error) {
	if d.closed.Load() {
		return 0, d.opError("HIDIOCGFEATURE", os.ErrClosed)
	}
	if len(report) == 0 || len(report) > iocSizeMax {
		return 0, fmt.Errorf("hidraw %s: get a feature report into %d bytes: want 1..%d, id byte first", d.path, len(report), iocSizeMax)
	}
	n, err := d.ioctlN(hidiocGFeature(len(report)), unsafe.Pointer(&report[0]))
	if err != nil {
		return 0, d.opError(fmt.Sprintf("HIDIOCGFEATURE report %d", report[0]), err)
	}
	return n, nil
}

// SetFeature implements hid.Device with HIDIOCSFEATURE.
func (d *Device) SetFeature(report []byte) error {
	if d.closed.Load() {
		return d.opError("HIDIOCSFEATURE", os.ErrClosed)
	}
	if len(report) == 0 || len(report) > iocSizeMax {
		return fmt.Errorf("hidraw %s: set a %d-byte feature report: want 1..%d bytes, id byte first", d.path, len(report), iocSizeMax)
	}
	// The kernel may write into the buffer; keep the caller's intact.
	buf := append([]byte(nil), report...)
	if _, err := d.ioctlN(hidiocSFeature(len(buf)), unsafe.Pointer(&buf[0])); err != nil {
		return d.opError(fmt.Sprintf("HIDIOCSFEATURE report %d", report[0]), err)
	}
	return nil
}

// ReportDescriptor implements hid.Device. It returns a copy of the
// descriptor read at Open.
func (d *Device) ReportDescriptor() ([]byte, error) {
	if d.closed.Load() {
		return nil, d.opError("report descriptor", os.ErrClosed)
	}
	return append([]byte(nil), d.desc...), nil
}

// Info implements hid.Device.
func (d *Device) Info() hid.Info { return d.info }

// Close implements hid.Device. A ReadInput blocked in another goroutine
// returns hid.ErrClosed.
func (d *Device) Close() error {
	d.closeOnce.Do(func() {
		d.closed.Store(true)
		if err := d.f.Close(); err != nil {
			d.closeErr = fmt.Errorf("hidraw %s: close: %w", d.path, err)
		}
	})
	return d.closeErr
}

// opError wraps err with the operation and the node, mapping the errors a
// caller acts on to hid's sentinels.
func (d *Device) opError(op string, err error) error {
	return mapError(fmt.Sprintf("hidraw %s: %s", d.path, op), err)
}

func mapError(prefix string, err error) error {
	switch {
	case errors.Is(err, os.ErrClosed):
		return fmt.Errorf("%s: %w", prefix, hid.ErrClosed)
	case isGone(err):
		return fmt.Errorf("%s: %w (%v)", prefix, hid.ErrDisconnected, unwrapErrno(err))
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%s: %w (%v)", prefix, hid.ErrPermission, unwrapErrno(err))
	case errors.Is(err, syscall.EINVAL), errors.Is(err, syscall.ENOTTY), errors.Is(err, syscall.EOPNOTSUPP):
		return fmt.Errorf("%s: %w (%v)", prefix, hid.ErrUnsupported, unwrapErrno(err))
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

// isGone is true for the errors hidraw gives once its device is unplugged:
// EIO from read and poll, ENODEV from write and the ioctls.
func isGone(err error) bool {
	return errors.Is(err, syscall.EIO) || errors.Is(err, syscall.ENODEV) || errors.Is(err, syscall.ENXIO) || errors.Is(err, syscall.ESHUTDOWN)
}

// unwrapErrno returns the errno inside err, for a short message.
func unwrapErrno(err error) error {
	var e syscall.Errno
	if errors.As(err, &e) {
		return e
	}
	return err
}
