package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid/hidtest"
	"github.com/handsetd/handsetd/hid/simsock"
	"github.com/handsetd/handsetd/internal/proctest"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/hid"
)

const waitLimit = 5 * time.Second

func TestMain(m *testing.M) { os.Exit(proctest.Main(m)) }

// start runs phonesim's run() on pipes.
func start(t *testing.T, args ...string) *proctest.Proc {
	t.Helper()
	return proctest.Run(t, "phonesim", run, args...)
}

func dial(t *testing.T, addr string) hid.Device {
	t.Helper()
	return hidtest.Open(t, func(ctx context.Context) (hid.Device, error) { return simsock.Dial(ctx, addr) })
}

// TestEndToEnd proves phonesim serves the handset over a real unix socket,
// that each control line gets exactly one answer line, that the host's
// output reports show up in "state", that unplug/plug reach the client, and
// that quit ends run and removes the socket.
func TestEndToEnd(t *testing.T) {
	path := filepath.Join(proctest.ShortDir(t), "phone.sock")
	addr := "unix:" + path
	s := start(t, "--model", "generic-telephony", "--listen", addr)

	if got := s.Say("state"); !strings.Contains(got, `"plugged":true`) {
		t.Fatalf("state = %s", got)
	}
	d := dial(t, addr)
	// A blank line gets no answer, so the next answer is for "hook off".
	s.Write("\n  ")
	if got := s.Say("hook off"); got != "ok" {
		t.Fatalf("hook off = %q", got)
	}
	for _, want := range [][]byte{{1, 1, 0, 0}, {1, 0, 0, 0}} {
		if got := hidtest.ReadReport(t, d); !bytes.Equal(got, want) {
			t.Fatalf("report % x, want % x", got, want)
		}
	}
	if err := d.WriteOutput([]byte{2, 0x22}); err != nil { // off-hook LED and ringer
		t.Fatal(err)
	}
	// The output report and the next command travel different paths; a
	// feature round trip on the same connection orders them.
	if _, err := d.GetFeature([]byte{3, 0}); err != nil {
		t.Fatal(err)
	}
	var st firmwaresim.State
	if err := json.Unmarshal([]byte(s.Say("state")), &st); err != nil {
		t.Fatal(err)
	}
	if st.Hook != "off" || !st.LEDs.OffHook || !st.Ringing || st.Hosts != 1 {
		t.Fatalf("state %+v", st)
	}
	if got := s.Say("tap UP"); got != "error: model generic-telephony has no key UP" {
		t.Fatalf("tap UP = %q", got)
	}
	if got := s.Say("frobnicate"); !strings.HasPrefix(got, `error: unknown command "frobnicate"`) {
		t.Fatalf("unknown command = %q", got)
	}
	if got := s.Say("unplug"); got != "ok" {
		t.Fatalf("unplug = %q", got)
	}
	if _, err := d.ReadInput(context.Background(), make([]byte, 8)); !errors.Is(err, hid.ErrDisconnected) {
		t.Fatalf("ReadInput after unplug: %v", err)
	}
	if got := s.Say("plug"); got != "ok" {
		t.Fatalf("plug = %q", got)
	}
	d2 := dial(t, addr)
	if s.Say("tap 7") != "ok" || !bytes.Equal(hidtest.ReadReport(t, d2), []byte{1, 0, 8, 0}) {
		t.Fatal("tap 7 after replug")
	}
	if got := s.Say("quit"); got != "ok" {
		t.Fatalf("quit = %q", got)
	}
	if err := s.Wait(); err != nil {
		t.Fatalf("run: %v", err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket file left behind: %v", err)
	}
}

// TestEndings proves EOF on stdin and a cancelled context (what SIGINT does
// in main) both end run cleanly and remove the socket.
func TestEndings(t *testing.T) {
	for _, how := range []string{"eof", "cancel"} {
		t.Run(how, func(t *testing.T) {
			path := filepath.Join(proctest.ShortDir(t), "s")
			s := start(t, "--listen", "unix:"+path)
			if s.Say("state") == "" {
				t.Fatal("no state")
			}
			if how == "eof" {
				s.CloseStdin()
			} else {
				s.Interrupt()
			}
			if err := s.Wait(); err != nil {
				t.Fatalf("run: %v", err)
			}
			if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("socket file left behind: %v", err)
			}
		})
	}
}

// TestModelsFlag proves --models lists name and description per line.
func TestModelsFlag(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"--models"}, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(firmwaresim.Models()) || !strings.Contains(out.String(), "\ngeneric-telephony\t") {
		t.Fatalf("--models printed %q", out.String())
	}
}

// TestBadInvocations proves mistakes give a clear message on stderr and an
// error, and never start serving.
func TestBadInvocations(t *testing.T) {
	dir := proctest.ShortDir(t)
	tests := []struct {
		name   string
		args   []string
		usage  bool
		stderr string
		errMsg string
	}{
		{"unknown flag", []string{"--frob"}, true, "flag provided but not defined", ""},
		{"no listen", []string{}, true, "--listen unix:PATH is required", ""},
		{"tcp listen", []string{"--listen", "tcp:1"}, true, "--listen unix:PATH is required", ""},
		{"extra argument", []string{"--listen", "unix:" + dir + "/a", "x"}, true, `unexpected argument "x"`, ""},
		{"bad timeout", []string{"--listen", "unix:" + dir + "/a", "--hook-timeout", "0s"}, true, "--hook-timeout", ""},
		{"unknown model", []string{"--model", "nokia", "--listen", "unix:" + dir + "/a"}, false, "", `unknown model "nokia"`},
		{"tcp usbip", []string{"--usbip", "tcp:3240"}, true, "--usbip takes unix:PATH or stdio", ""},
		{"stdio usbip with listen", []string{"--usbip", "stdio", "--listen", "unix:" + dir + "/a"}, true, "cannot be combined with --listen", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, strings.NewReader(""), &out, &errOut)
			if err == nil {
				t.Fatal("run succeeded")
			}
			if errors.Is(err, errUsage) != tc.usage {
				t.Fatalf("err %v, usage error %v", err, tc.usage)
			}
			if tc.usage && !strings.Contains(errOut.String(), "usage: phonesim") {
				t.Errorf("no usage on stderr: %q", errOut.String())
			}
			if !strings.Contains(errOut.String(), tc.stderr) || !strings.Contains(err.Error(), tc.errMsg) {
				t.Errorf("err %v, stderr %q", err, errOut.String())
			}
		})
	}
}

// TestStaleSocket proves a dead socket file is replaced, while a live socket
// or a regular file at the path is left alone with an error.
func TestStaleSocket(t *testing.T) {
	dir := proctest.ShortDir(t)

	stale := filepath.Join(dir, "stale")
	ln, err := net.Listen("unix", stale)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close() // the file stays, nothing answers
	s := start(t, "--listen", "unix:"+stale)
	if got := s.Say("state"); !strings.HasPrefix(got, "{") {
		t.Fatalf("did not start over a stale socket: %q", got)
	}
	dial(t, "unix:"+stale)

	// Now it is live: a second phonesim must refuse it.
	var out, errOut bytes.Buffer
	err = run(context.Background(), []string{"--listen", "unix:" + stale}, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "another simulator is serving there") {
		t.Fatalf("second phonesim on a live socket: %v", err)
	}
	if _, err := os.Lstat(stale); err != nil {
		t.Fatalf("live socket removed: %v", err)
	}

	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = run(context.Background(), []string{"--listen", "unix:" + file}, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Fatalf("regular file at the path: %v", err)
	}
	if b, _ := os.ReadFile(file); string(b) != "keep me" {
		t.Fatal("regular file touched")
	}
}

// TestExecSIGTERM proves the real binary ends cleanly on SIGTERM (exit 0,
// socket removed) and exits 2 on bad flags.
func TestExecSIGTERM(t *testing.T) {
	path := filepath.Join(proctest.ShortDir(t), "s")
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, proctest.Bin("phonesim"), "--listen", "unix:"+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr proctest.SyncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	io.WriteString(stdin, "state\n")
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "{") {
		t.Fatalf("state answer %q, %v (stderr %s)", line, err, stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v (stderr %s)", err, stderr.String())
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket file left behind: %v", err)
	}

	bad := exec.CommandContext(ctx, proctest.Bin("phonesim"), "--nope")
	err = bad.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("bad flags: %v, want exit status 2", err)
	}
}
