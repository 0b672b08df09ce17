package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handsetd/handsetd/internal/dbustest"
	"github.com/handsetd/handsetd/phoneapi"
)

// debianPython is Debian's interpreter, the one with python3-dbus and gi;
// `python3` on PATH may be another.
const debianPython = "/usr/bin/python3"

// TestPythonSkype4PyClient proves phoneapi-host accepts a real client in
// another language written the way Skype4Py talked to Skype on Linux: Invoke
// without an interface, "#id" on every command, NAME then PROTOCOL 5, and
// Notify on its own exported object. It gets the seed's answers, is notified
// of an incoming call, and answers it.
func TestPythonSkype4PyClient(t *testing.T) {
	if _, err := os.Stat(debianPython); err != nil {
		t.Skipf("%s is missing (run `make deps`: python3-dbus, python3-gi)", debianPython)
	}
	if err := exec.Command(debianPython, "-c", "import dbus, dbus.mainloop.glib, gi").Run(); err != nil {
		t.Skipf("%s lacks the dbus or gi module (run `make deps`: python3-dbus, python3-gi): %v", debianPython, err)
	}
	bus := dbustest.Start(t)
	host := startHost(t, bus.Address)
	script, err := filepath.Abs(filepath.Join("testdata", "skype4py_client.py"))
	if err != nil {
		t.Fatal(err)
	}
	py := startPath(t, "python client", debianPython, script, bus.Address)

	if got := py.next(); got != "READY" {
		t.Fatalf("python client: %q, want READY", got)
	}
	host.hostState("python client attached", func(s phoneapi.HostState) bool {
		return len(s.Clients) == 1 && s.Clients[0].Name == "Skype4Py-style" && s.Clients[0].Protocol == 5
	})
	host.must("call in +15550005 Frank")
	if got := py.next(); got != "PASS" {
		t.Fatalf("python client: %s", got)
	}
	host.expectTraffic("<- #1 NAME Skype4Py-style", "-> OK", "<- #2 PROTOCOL 5", "-> #2 PROTOCOL 5",
		"<- #3 PING", "-> #3 PONG")
	st := host.hostState("call answered by python", func(s phoneapi.HostState) bool {
		return len(s.Calls) == 1 && s.Calls[0].Status == "INPROGRESS"
	})
	if !strings.HasPrefix(st.Calls[0].Type, "INCOMING") {
		t.Errorf("call: %+v", st.Calls[0])
	}
}
