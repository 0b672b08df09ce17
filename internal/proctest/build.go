package proctest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// binEnv names the environment variable through which Main tells Bin where
// the programs are; the environment is the process's own state, so the
// package keeps none.
const binEnv = "HANDSETD_PROCTEST_BIN"

// Main builds the programs, runs the tests with them on PATH and an empty
// XDG_CONFIG_HOME, removes them and returns the exit code for os.Exit:
//
//	func TestMain(m *testing.M) { os.Exit(proctest.Main(m)) }
func Main(m *testing.M) int {
	dir, err := os.MkdirTemp("", "handsetd-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "proctest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := build(dir); err != nil {
		fmt.Fprintln(os.Stderr, "proctest: building the programs:", err)
		return 1
	}
	os.Setenv(binEnv, dir)
	// No user's keymap overrides (config.toml) apply to any test.
	os.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config-home"))
	// handsetd demo, also run by tests, finds phonesim and phoneapi-host
	// on PATH.
	os.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return m.Run()
}

func build(dir string) error {
	gobin := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		gobin = "go"
	}
	cmd := exec.Command(gobin, "build", "-o", dir+string(filepath.Separator),
		"github.com/handsetd/handsetd/cmd/handsetd",
		"github.com/handsetd/handsetd/cmd/phonesim",
		"github.com/handsetd/handsetd/cmd/phoneapi-host")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

// Bin returns the path of the program Main built; it panics outside Main,
// where there is no program to run.
func Bin(name string) string {
	dir := os.Getenv(binEnv)
	if dir == "" {
		panic("proctest.Bin(" + name + ") without proctest.Main in TestMain")
	}
	return filepath.Join(dir, name)
}
