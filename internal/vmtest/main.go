package vmtest

import (
	"io"
	"net"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// Main is a test package's TestMain body. The package's test binary plays
// more than one part: qemu starts it as the USB/IP relay for each guest
// connection, and RunSelf starts it inside the guest in a named role. Main
// runs the part the environment asks for (and exits), and otherwise runs the
// tests and returns their status, so the package can close its VM first:
//
//	func TestMain(m *testing.M) {
//		code := vmtest.Main(m, map[string]func([]string) int{"probe": probe})
//		closeTheVM()
//		os.Exit(code)
//	}
//
// A role gets the command-line arguments and returns the exit status.
func Main(m *testing.M, roles map[string]func(args []string) int) int {
	switch role := os.Getenv(envRole); {
	case role == "relay":
		os.Exit(relay(os.Getenv(envSock)))
	case role != "":
		f, ok := roles[role]
		if !ok {
			os.Stderr.WriteString("vmtest: unknown role " + role + "\n")
			os.Exit(2)
		}
		os.Exit(f(os.Args[1:]))
	}
	return m.Run()
}

// relay joins stdin and stdout (the guest's TCP connection, as qemu's
// guestfwd hands it over) to the unix socket at sock. It writes nothing on
// stderr, which qemu would pass to the guest: stderr is pointed at
// /dev/null first. It ends when the server closes its side.
func relay(sock string) int {
	if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		unix.Dup3(int(null.Fd()), 2, 0)
		null.Close()
	}
	c, err := net.Dial("unix", sock)
	if err != nil {
		return 1
	}
	defer c.Close()
	go func() {
		io.Copy(c, os.Stdin)
		if uc, ok := c.(*net.UnixConn); ok {
			uc.CloseWrite() // the guest hung up: tell the server
		}
	}()
	io.Copy(os.Stdout, c)
	return 0
}
