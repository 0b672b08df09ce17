package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	godbus "github.com/godbus/dbus/v5"

	"github.com/handsetd/handsetd/internal/dbustest"
	phonedbus "github.com/handsetd/handsetd/phoneapi/dbus"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

// debianPython is Debian's interpreter, the one with python3-dbus and gi;
// `python3` on PATH may be another.
const debianPython = "/usr/bin/python3"

// TestPythonSkype4PyClient proves phoneapi-host accepts a real client in
// another language written the way Skype4Py talked to Skype on Linux: Invoke
// without an interface, "#id" on every command, NAME then PROTOCOL 5, and
// Notify on its own exported object. It gets the seed's answers, each with
// exactly its command's tag once PROTOCOL 5 is agreed, is notified
// of an incoming call, and answers it.
func TestPythonSkype4PyClient(t *testing.T) {
	script := pythonClient(t)
	bus := dbustest.Start(t)
	host := startHost(t, bus.Address)
	py := startPath(t, "python client", debianPython, script, bus.Address)

	if got := py.Next(); got != "READY" {
		t.Fatalf("python client: %q, want READY", got)
	}
	hostState(t, host, "python client attached", func(s refhost.State) bool {
		return len(s.Clients) == 1 && s.Clients[0].Name == "Skype4Py-style" && s.Clients[0].Protocol == 5
	})
	host.Must("call in +15550005 Frank")
	if got := py.Next(); got != "PASS" {
		t.Fatalf("python client: %s", got)
	}
	host.Expect("<- #1 NAME Skype4Py-style", "-> OK", "<- #2 PROTOCOL 5", "-> #2 PROTOCOL 5",
		"<- #3 PING", "-> #3 PONG")
	st := hostState(t, host, "call answered by python", func(s refhost.State) bool {
		return len(s.Calls) == 1 && s.Calls[0].Status == "INPROGRESS"
	})
	if !strings.HasPrefix(st.Calls[0].Type, "INCOMING") {
		t.Errorf("call: %+v", st.Calls[0])
	}
}

// pythonClient returns the path of the Skype4Py-style client, skipping t
// when Debian's python3 with dbus and gi is not installed.
func pythonClient(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(debianPython); err != nil {
		t.Skipf("%s is missing (run `make deps`: python3-dbus, python3-gi)", debianPython)
	}
	if err := exec.Command(debianPython, "-c", "import dbus, dbus.mainloop.glib, gi").Run(); err != nil {
		t.Skipf("%s lacks the dbus or gi module (run `make deps`: python3-dbus, python3-gi): %v", debianPython, err)
	}
	script, err := filepath.Abs(filepath.Join("testdata", "skype4py_client.py"))
	if err != nil {
		t.Fatal(err)
	}
	return script
}

// TestPythonClientRequiresTags proves the Python client checks what
// TestPythonSkype4PyClient relies on: once PROTOCOL 5 is agreed, a reply
// without the command's "#id", or with another one, fails the client. A
// fake host on the bus answers NAME untagged (protocol 1 has no ids, by
// design) and PROTOCOL tagged, then breaks the tag on PING.
func TestPythonClientRequiresTags(t *testing.T) {
	script := pythonClient(t)
	for _, tc := range []struct {
		name string
		pong func(tag string) string
	}{
		{"untagged", func(string) string { return "PONG" }},
		{"other tag", func(string) string { return "#999 PONG" }},
		{"tag without space", func(tag string) string { return tag + "PONG" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bus := dbustest.Start(t)
			conn, err := godbus.Connect(bus.Address)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			invoke := func(line string) (string, *godbus.Error) {
				tag, cmd, _ := strings.Cut(line, " ")
				switch {
				case strings.HasPrefix(cmd, "NAME "):
					return "OK", nil
				case strings.HasPrefix(cmd, "PROTOCOL "):
					return tag + " PROTOCOL 5", nil
				case cmd == "PING":
					return tc.pong(tag), nil
				}
				return tag + " ERROR 2 Unknown command", nil
			}
			if err := conn.ExportMethodTable(map[string]any{"Invoke": invoke}, phonedbus.HostPath, phonedbus.HostInterface); err != nil {
				t.Fatal(err)
			}
			if r, err := conn.RequestName(phonedbus.ServiceName, godbus.NameFlagDoNotQueue); err != nil || r != godbus.RequestNameReplyPrimaryOwner {
				t.Fatalf("RequestName = %v, %v", r, err)
			}
			py := startPath(t, "python client", debianPython, script, bus.Address)
			got := py.Next()
			if !strings.HasPrefix(got, "FAIL: 'PING' answered") {
				t.Fatalf("python client said %q, want a FAIL for the PING reply", got)
			}
		})
	}
}
