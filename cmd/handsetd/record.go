package main

import (
	"context"
	"errors"
	"io"

	"github.com/handsetd/handsetd/driver"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/hid/hidrec"
	"github.com/handsetd/handsetd/hid/replay"
	"github.com/handsetd/handsetd/keymap"
)

// cmdRecord writes what a handset sends to stdout in the hid-recorder
// format. Unless --passive, it acknowledges hook and mute on the LEDs as the
// driver does (a handset that waits for that acknowledgement would otherwise
// revert), and prints the Phone API lines the events become on stderr.
func cmdRecord(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("handsetd record", stderr)
	var h oneHandsetFlags
	h.register(fs, "handset to record")
	passive := fs.Bool("passive", false, "only listen: write nothing to the handset (when the driver runs on it too)")
	outputs := fs.Bool("outputs", false, "note the output reports written to the handset as # comments")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// The same profile as run and monitor would pick: the keys decoded on
	// stderr, and what is scanned or acknowledged, depend on it.
	dev, log, cfg, err := h.open(ctx, "record", stderr, true)
	if err != nil || dev == nil {
		return err
	}
	defer dev.Close()
	rec, err := replay.NewRecorder(dev, hidrec.NewWriter(stdout), replay.RecorderOptions{
		Outputs: *outputs,
		Comment: "recorded by handsetd record --device " + h.device.value,
	})
	if err != nil {
		return err
	}
	log.Info("recording; stop with Ctrl-C", "device", dev.Info().String())

	var prof keymap.Profile
	if !*passive {
		desc, _ := rec.ReportDescriptor()
		prof, err = h.profile.picker(cfg)(dev.Info(), desc)
		if err != nil {
			log.Warn("no profile for this device; recording without acknowledging anything", "err", err)
		}
	}
	if prof == nil {
		err = recordPassive(ctx, rec)
	} else {
		err = driver.Monitor(ctx, rec, prof, stderr, log)
	}
	switch {
	case err == nil || ctx.Err() != nil:
		return nil
	case errors.Is(err, hid.ErrDisconnected):
		log.Info("the handset went away; the recording is complete", "err", err)
		return nil
	}
	return err
}

func recordPassive(ctx context.Context, dev hid.Device) error {
	buf := make([]byte, hidrec.MaxEventSize+1)
	for {
		if _, err := dev.ReadInput(ctx, buf); err != nil {
			return err
		}
	}
}
