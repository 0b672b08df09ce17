// Package vmtest boots a real Linux kernel in qemu so that tests can run the
// project against the kernel's own USB and HID stacks, with no hardware and
// without touching the host's kernel.
//
// The guest is small and starts in a few seconds under TCG emulation:
//
//   - Debian's kernel, prepared once by scripts/vmkernel.sh into a cache
//     (.cache/kernel): the package is unpacked, not installed, and the
//     uncompressed vmlinux is taken out of vmlinuz because decompressing
//     under emulation is slow.
//   - An initramfs written here (busybox, the modules that 9p and
//     virtio-net need, and an init script) mounts the host's root read-only
//     over 9p, mounts its own proc, sys, devtmpfs and a tmpfs on /run, and
//     chroots into it: the guest runs the host's programs, the project's
//     binaries and test binaries at the same paths as on the host.
//   - Networking stays inside qemu: the guest's connections to
//     10.0.2.100:3240 (the USB/IP port) are handed by qemu's guestfwd to a
//     relay, which is the test binary itself started in a relay role (see
//     Main), and which joins them to a unix socket the test process
//     listens on. A USB/IP server in the test thus serves the guest's
//     `usbip attach`.
//   - Config.USBIPCommand instead names a program qemu itself starts for
//     each connection, such as `phonesim --usbip stdio`: the documented
//     setup, with no test process in between.
//   - A watchdog in the guest powers it off after Config.Timeout, and the
//     host kills qemu when the test's context ends.
//
// Commands reach the guest on a second serial port: Run writes the script
// into a directory shared over 9p, sends its id, and the guest's agent
// starts it in the chroot, in its own session, and reports its exit status
// when it ends, its stdout and stderr left in that directory. Commands run
// side by side (a test can keep handsetd running in the guest while it
// runs others); a Run whose context ends kills its command's whole process
// group, so a command that hangs blocks nothing after it. Any command of the project can so be run inside the
// guest, and RunSelf runs the test binary itself in a named role, for test
// programs that must run in the guest (reading a hidraw node, say). The
// agent logs every control line it reads and every job's start and exit on
// the guest console, and a Run that times out or outlives the VM ends its
// error with the console's tail.
//
// The guest caches the host's root (9p cache=loose) because starting
// programs over an uncached 9p mount under emulation costs most of a second
// each; so build what the guest runs (the project's binaries) before Boot,
// as files the host creates later may not show up in directories the guest
// has already looked at.
//
// One VM serves a whole test package: boot it once, run many commands.
package vmtest
