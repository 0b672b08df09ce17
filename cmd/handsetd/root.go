package main

import "errors"

// errRoot is the refusal to drive handsets as root without --allow-root.
var errRoot = errors.New("refusing to run as root: handsetd needs no root once the udev rules let the user at the seat open the handsets (sudo make install, or the handsetd .deb, installs them), and as root every handset and host connection would carry root's privileges; run it as yourself, or pass --allow-root to run it as root anyway")

// refuseRoot is the check `run` makes before it opens anything: uid is the
// process's user id (os.Getuid; tests pass their own).
func refuseRoot(allowRoot bool, uid func() int) error {
	if uid() == 0 && !allowRoot {
		return errRoot
	}
	return nil
}
