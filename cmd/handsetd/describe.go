package main

import (
	"context"
	"fmt"
	"io"

	"github.com/handsetd/handsetd/keymap"
)

// cmdDescribe prints, for a user whose handset does nothing, what handsetd
// makes of it: its identity and report descriptor, the profile it gets, and
// how the generic HID Telephony profile reads the descriptor (the controls
// and their shapes, the LEDs and ringer, and every field it ignores with the
// reason). This is what such a user attaches to a bug report; handsetd
// record captures the rest.
func cmdDescribe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("handsetd describe", stderr)
	var h oneHandsetFlags
	h.register(fs, "handset to describe")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	dev, _, cfg, err := h.open(ctx, "describe", stderr, true)
	if err != nil || dev == nil {
		return err
	}
	defer dev.Close()
	info := dev.Info()
	desc, err := dev.ReportDescriptor()
	if err != nil {
		return fmt.Errorf("read the report descriptor of %s: %w", info, err)
	}
	fmt.Fprintf(stdout, "device: %s\n", info)
	fmt.Fprintf(stdout, "report descriptor: %d bytes: % x\n", len(desc), desc)
	if row, ok := keymap.Lookup(info.VendorID, info.ProductID); ok && !row.ByDescriptor {
		fmt.Fprintf(stdout, "family: %s (chosen by its USB ids %s; its vendor protocol is not in the descriptor)\n", row.Name, row.IDs())
	}
	if prof, err := h.profile.picker(cfg)(info, desc); err != nil {
		fmt.Fprintf(stdout, "profile: none: %v\n", err)
	} else {
		fmt.Fprintf(stdout, "profile: %q\n", prof.Name())
	}
	text, err := keymap.DescribeTelephony(desc)
	if text == "" && err != nil {
		fmt.Fprintf(stdout, "HID Telephony reading: %v\n", err)
		return nil
	}
	fmt.Fprintln(stdout, "HID Telephony reading:")
	fmt.Fprint(stdout, text)
	if err != nil {
		fmt.Fprintf(stdout, "result: %v\n", err)
	}
	return nil
}
