package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/handsetd/handsetd/udev"
)

const usage = `usage: handsetd-probe [--explain] [SYSPATH]
  SYSPATH is the hidraw node's sysfs directory (udev's %S%p); default /sys$DEVPATH.
  Prints ID_HANDSETD=1 and ID_HANDSETD_FAMILY=hid-telephony for a HID Telephony handset.`

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("handsetd-probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { _, _ = io.WriteString(fs.Output(), usage+"\n") }
	explain := fs.Bool("explain", false, "say on stderr why a device is not a handset")
	var helpBuf strings.Builder
	fs.SetOutput(&helpBuf)
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, _ = io.WriteString(stdout, helpBuf.String()) // --help: the usage, on stdout
			return nil
		}
		_, _ = io.WriteString(stderr, helpBuf.String())
		return err
	}
	var syspath string
	switch fs.NArg() {
	case 0:
		dev := getenv("DEVPATH")
		if dev == "" {
			return errors.New("no SYSPATH argument and no $DEVPATH: run it from udev, or name the hidraw node's sysfs directory")
		}
		syspath = filepath.Join("/sys", dev)
	case 1:
		syspath = fs.Arg(0)
	default:
		return fmt.Errorf("want one SYSPATH, got %d arguments\n%s", fs.NArg(), usage)
	}
	v, err := udev.Probe(syspath)
	if err != nil {
		return fmt.Errorf("%s: %w", syspath, err)
	}
	for _, p := range v.Properties() {
		fmt.Fprintln(stdout, p)
	}
	if !v.Handset && *explain {
		fmt.Fprintf(stderr, "handsetd-probe: %s: not a handset: %v\n", syspath, v.Why)
	}
	return nil
}
