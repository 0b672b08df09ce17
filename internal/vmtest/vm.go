package vmtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// USBIPAddr is where the guest reaches the test's USB/IP server:
// `usbip attach -r 10.0.2.100 -b 1-1`.
const USBIPAddr = "10.0.2.100"

// Config describes a VM. The zero value boots the prepared kernel with no
// USB/IP server.
type Config struct {
	// KernelDir is a kernel prepared by scripts/vmkernel.sh; empty means
	// the one KernelDir finds.
	KernelDir string
	// USBIP, when set, serves each guest connection to USBIPAddr:3240, in
	// its own goroutine. It must return when ctx is done.
	USBIP func(ctx context.Context, c net.Conn)
	// USBIPCommand, when set instead of USBIP, is the program qemu starts
	// on the host for each guest connection to USBIPAddr:3240, with the
	// connection on its stdin and stdout and its stderr shown to the
	// guest: for instance "/path/to/phonesim --usbip stdio". Words are
	// separated by spaces; it must not contain commas (qemu's option
	// syntax).
	USBIPCommand string
	// Timeout is the guest's watchdog: it powers itself off this long
	// after boot. 0 means 5 minutes.
	Timeout time.Duration
	// MemoryMB is the guest's memory; 0 means 1024.
	MemoryMB int
}

// Result is what a command run in the guest left.
type Result struct {
	Stdout, Stderr []byte
	// ExitCode is the command's exit status.
	ExitCode int
}

// VM is a running guest. Run may be called from several goroutines: the
// commands run side by side in the guest.
type VM struct {
	dir      string // host temp dir: jobs/, console.log, usbip.sock
	kernel   string // prepared kernel dir
	version  string
	cmd      *exec.Cmd
	ctl      io.WriteCloser
	exited   chan struct{} // closed when qemu exits
	waitErr  error
	cancel   context.CancelFunc
	serveWG  sync.WaitGroup
	ln       net.Listener
	writeMu  sync.Mutex
	mu       sync.Mutex
	nextID   int
	waiters  map[int]chan int
	readyCh  chan struct{}
	stderr   bytes.Buffer // qemu's own messages
	BootTime time.Duration
}

// envRole names the role a re-executed test binary plays; envSock is the
// relay's unix socket.
const (
	envRole = "HANDSETD_VMTEST_ROLE"
	envSock = "HANDSETD_VMTEST_SOCK"
	envDir  = "HANDSETD_KERNEL_DIR"
)

// KernelDir finds the kernel scripts/vmkernel.sh prepared: $HANDSETD_KERNEL_DIR,
// or .cache/kernel/current at the root of the module containing the current
// directory. The error says how to prepare one.
func KernelDir() (string, error) {
	if d := os.Getenv(envDir); d != "" {
		return checkKernel(d)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find the prepared kernel: %w", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return checkKernel(filepath.Join(d, ".cache", "kernel", "current"))
		}
		if filepath.Dir(d) == d {
			return "", errors.New("find the prepared kernel: not inside the handsetd module")
		}
	}
}

func checkKernel(d string) (string, error) {
	if _, err := os.Stat(filepath.Join(d, "ready")); err != nil {
		return "", fmt.Errorf("no kernel prepared in %s (run `make test-kernel`, or scripts/vmkernel.sh to prepare one)", d)
	}
	return d, nil
}

// Missing returns a message naming the host programs a VM needs that are
// not installed, or "" when all are there.
func Missing() string {
	var miss []string
	for _, p := range []string{"qemu-system-x86_64", "busybox", "usbip", "modprobe"} {
		if _, err := exec.LookPath(p); err != nil {
			if _, err := os.Stat("/usr/sbin/" + p); err != nil {
				miss = append(miss, p)
			}
		}
	}
	if len(miss) == 0 {
		return ""
	}
	return "not installed: " + strings.Join(miss, ", ") + " (make deps installs them)"
}

// Boot starts a VM and returns once its agent is ready. ctx bounds the VM's
// whole life: when it is done, qemu is killed.
func Boot(ctx context.Context, cfg Config) (*VM, error) {
	start := time.Now()
	if cfg.KernelDir == "" {
		d, err := KernelDir()
		if err != nil {
			return nil, err
		}
		cfg.KernelDir = d
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Minute
	}
	if cfg.MemoryMB <= 0 {
		cfg.MemoryMB = 1024
	}
	if m := Missing(); m != "" {
		return nil, fmt.Errorf("boot VM: %s", m)
	}
	v, err := os.ReadFile(filepath.Join(cfg.KernelDir, "version"))
	if err != nil {
		return nil, fmt.Errorf("boot VM: %w (prepare the kernel again: scripts/vmkernel.sh)", err)
	}
	vm := &VM{kernel: cfg.KernelDir, version: strings.TrimSpace(string(v)), exited: make(chan struct{}),
		waiters: map[int]chan int{}, readyCh: make(chan struct{})}
	// A short path: unix socket addresses are limited to 108 bytes.
	if vm.dir, err = os.MkdirTemp("", "vmtest"); err != nil {
		return nil, fmt.Errorf("boot VM: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			vm.Close()
		}
	}()
	if err := os.Mkdir(filepath.Join(vm.dir, "jobs"), 0o755); err != nil {
		return nil, fmt.Errorf("boot VM: %w", err)
	}
	initrd := filepath.Join(vm.dir, "initrd.cpio")
	if err := vm.writeInitramfs(initrd, cfg.Timeout); err != nil {
		return nil, fmt.Errorf("boot VM: initramfs: %w", err)
	}
	vmctx, cancel := context.WithCancel(ctx)
	vm.cancel = cancel

	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("boot VM: %w", err)
	}
	sock := filepath.Join(vm.dir, "usbip.sock")
	netdev := "user,id=n0,restrict=on"
	if cfg.USBIP != nil && cfg.USBIPCommand != "" {
		return nil, errors.New("boot VM: set Config.USBIP or Config.USBIPCommand, not both")
	}
	if cfg.USBIPCommand != "" {
		if strings.Contains(cfg.USBIPCommand, ",") {
			return nil, fmt.Errorf("boot VM: USBIPCommand %q must not contain commas (qemu's option syntax)", cfg.USBIPCommand)
		}
		netdev += fmt.Sprintf(",guestfwd=tcp:%s:3240-cmd:%s", USBIPAddr, cfg.USBIPCommand)
	}
	if cfg.USBIP != nil {
		if strings.ContainsAny(exe+sock, ", ") {
			return nil, fmt.Errorf("boot VM: paths %q and %q must not contain commas or spaces (qemu's option syntax)", exe, sock)
		}
		if vm.ln, err = net.Listen("unix", sock); err != nil {
			return nil, fmt.Errorf("boot VM: %w", err)
		}
		vm.serveWG.Add(1)
		go func() {
			defer vm.serveWG.Done()
			for {
				c, err := vm.ln.Accept()
				if err != nil {
					return
				}
				vm.serveWG.Add(1)
				go func() {
					defer vm.serveWG.Done()
					defer c.Close()
					stop := context.AfterFunc(vmctx, func() { c.Close() })
					defer stop()
					cfg.USBIP(vmctx, c)
				}()
			}
		}()
		netdev += fmt.Sprintf(",guestfwd=tcp:%s:3240-cmd:env %s=relay %s=%s %s", USBIPAddr, envRole, envSock, sock, exe)
	}

	jobs := filepath.Join(vm.dir, "jobs")
	vm.cmd = exec.CommandContext(vmctx, "qemu-system-x86_64",
		"-accel", "tcg", "-cpu", "max", "-m", strconv.Itoa(cfg.MemoryMB), "-smp", "1",
		"-nodefaults", "-display", "none", "-no-reboot",
		"-kernel", filepath.Join(cfg.KernelDir, "vmlinux"), "-initrd", initrd,
		"-append", "console=ttyS0 quiet loglevel=4 panic=-1 rdinit=/init mitigations=off tsc=reliable no_timer_check i8042.noaux i8042.nopnp nokaslr",
		"-virtfs", "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap",
		"-virtfs", "local,path="+jobs+",mount_tag=jobs,security_model=none",
		"-netdev", netdev, "-device", "virtio-net-pci,netdev=n0",
		"-serial", "file:"+filepath.Join(vm.dir, "console.log"),
		"-chardev", "stdio,id=ctl,signal=off", "-serial", "chardev:ctl",
	)
	vm.cmd.Stderr = &vm.stderr
	if vm.ctl, err = vm.cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("boot VM: %w", err)
	}
	out, err := vm.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("boot VM: %w", err)
	}
	if err := vm.cmd.Start(); err != nil {
		return nil, fmt.Errorf("boot VM: start qemu: %w", err)
	}
	go func() {
		vm.readCtl(out)
		vm.waitErr = vm.cmd.Wait()
		close(vm.exited)
	}()
	select {
	case <-vm.readyCh:
	case <-vm.exited:
		return nil, fmt.Errorf("boot VM: qemu exited before the guest was ready: %v\n%s", vm.waitErr, vm.diagnostics())
	case <-ctx.Done():
		return nil, fmt.Errorf("boot VM: %w\n%s", ctx.Err(), vm.diagnostics())
	}
	vm.BootTime = time.Since(start)
	ok = true
	return vm, nil
}

// readCtl reads the agent's lines: "ready", and "done ID STATUS".
func (vm *VM) readCtl(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 1 && f[0] == "ready":
			select {
			case <-vm.readyCh:
			default:
				close(vm.readyCh)
			}
		case len(f) == 3 && f[0] == "done":
			id, err1 := strconv.Atoi(f[1])
			st, err2 := strconv.Atoi(f[2])
			if err1 != nil || err2 != nil {
				continue
			}
			vm.mu.Lock()
			ch := vm.waiters[id]
			delete(vm.waiters, id)
			vm.mu.Unlock()
			if ch != nil {
				ch <- st
			}
		}
	}
}

// diagnostics is the end of the console and qemu's messages, for errors.
func (vm *VM) diagnostics() string {
	con, _ := os.ReadFile(filepath.Join(vm.dir, "console.log"))
	if len(con) > 4000 {
		con = con[len(con)-4000:]
	}
	return fmt.Sprintf("--- guest console (end) ---\n%s\n--- qemu ---\n%s", con, vm.stderr.String())
}

// Done is closed when qemu has exited: after Close, or when the guest
// powered itself off (its watchdog).
func (vm *VM) Done() <-chan struct{} { return vm.exited }

// Console returns the guest's kernel console so far.
func (vm *VM) Console() string {
	con, _ := os.ReadFile(filepath.Join(vm.dir, "console.log"))
	return string(con)
}

// send writes one control line to the agent.
func (vm *VM) send(line string) error {
	vm.writeMu.Lock()
	defer vm.writeMu.Unlock()
	_, err := io.WriteString(vm.ctl, line+"\n")
	return err
}

// Run runs script with /bin/sh in the guest's chroot (the host's root,
// read-only; /run and $TMPDIR are writable) and returns its output and
// exit status. An error means the command could not be run or awaited;
// a failing command is a Result with a non-zero ExitCode. Commands run
// concurrently; when ctx ends first, Run kills the command's whole process
// group in the guest (waiting a few seconds for it to die) and returns
// ctx's error.
func (vm *VM) Run(ctx context.Context, script string) (Result, error) {
	id, dir, ch, err := vm.newJob(script)
	if err != nil {
		return Result{}, fmt.Errorf("run in VM: %w", err)
	}
	if err := vm.send("run " + strconv.Itoa(id)); err != nil {
		return Result{}, fmt.Errorf("run in VM: %w", err)
	}
	return vm.await(ctx, script, id, dir, ch)
}

// newJob writes script as a new job's command and registers the channel
// its exit status comes on; the job starts once the agent reads "run ID".
func (vm *VM) newJob(script string) (id int, dir string, ch chan int, err error) {
	vm.mu.Lock()
	vm.nextID++
	id = vm.nextID
	ch = make(chan int, 1)
	vm.waiters[id] = ch
	vm.mu.Unlock()
	dir = filepath.Join(vm.dir, "jobs", strconv.Itoa(id))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return 0, "", nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "cmd"), []byte(script), 0o644); err != nil {
		return 0, "", nil, err
	}
	return id, dir, ch, nil
}

// await waits for job id and returns what it left. When ctx's deadline
// passes first, the error ends with the guest console's tail (what the
// agent read and which jobs started and ended).
func (vm *VM) await(ctx context.Context, script string, id int, dir string, ch chan int) (Result, error) {
	var st int
	select {
	case st = <-ch:
	case <-ctx.Done():
		note := vm.kill(id, ch)
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			note += "\n" + vm.diagnostics()
		}
		return Result{}, fmt.Errorf("run in VM %q (job %d): %w%s", script, id, ctx.Err(), note)
	case <-vm.exited:
		return Result{}, fmt.Errorf("run in VM %q (job %d): the VM stopped (watchdog?)\n%s", script, id, vm.diagnostics())
	}
	r := Result{ExitCode: st}
	var err error
	if r.Stdout, err = os.ReadFile(filepath.Join(dir, "stdout")); err != nil {
		return r, fmt.Errorf("run in VM: %w", err)
	}
	if r.Stderr, err = os.ReadFile(filepath.Join(dir, "stderr")); err != nil {
		return r, fmt.Errorf("run in VM: %w", err)
	}
	return r, nil
}

// killWait bounds how long a cancelled Run waits for its job to die.
const killWait = 5 * time.Second

// kill kills job id's process group in the guest and waits (up to
// killWait) for the agent to report it ended, so that a cancelled Run
// leaves nothing running. It returns "" or a note for the error message.
func (vm *VM) kill(id int, done <-chan int) string {
	defer func() {
		vm.mu.Lock()
		delete(vm.waiters, id)
		vm.mu.Unlock()
	}()
	// The agent records a job's process group just after starting it; a
	// second kill covers a job cancelled within that instant.
	for _, wait := range []time.Duration{killWait / 5, killWait * 4 / 5} {
		if err := vm.send("kill " + strconv.Itoa(id)); err != nil {
			return fmt.Sprintf(" (and the job could not be killed: %v)", err)
		}
		select {
		case <-done:
			return " (the job was killed)"
		case <-vm.exited:
			return " (the VM stopped)"
		case <-time.After(wait):
		}
	}
	return fmt.Sprintf(" (the job did not end within %v of being killed)", killWait)
}

// RunSelf runs the current test binary in the guest in the given role (a
// function registered with Main), with args.
func (vm *VM) RunSelf(ctx context.Context, role string, args ...string) (Result, error) {
	cmd, err := SelfCommand(role, args...)
	if err != nil {
		return Result{}, err
	}
	return vm.Run(ctx, "exec "+cmd)
}

// SelfCommand is the guest shell command that runs the current test binary
// in the given role with args, for scripts that run it beside other
// programs (RunSelf runs it alone).
func SelfCommand(role string, args ...string) (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("run the test binary in the VM: %w", err)
	}
	q := []string{"env", envRole + "=" + shellQuote(role), shellQuote(exe)}
	for _, a := range args {
		q = append(q, shellQuote(a))
	}
	return strings.Join(q, " "), nil
}

// Modprobe loads kernel modules, with what they depend on, from the
// prepared kernel's tree. Each spec is a module name optionally followed
// by its parameters: "vhci-hcd nr_hcs=1".
func (vm *VM) Modprobe(ctx context.Context, specs ...string) error {
	var script strings.Builder
	script.WriteString("set -e\n")
	for _, spec := range specs {
		f := strings.Fields(spec)
		script.WriteString("modprobe -d " + shellQuote(filepath.Join(vm.kernel, "root")))
		for _, w := range f {
			script.WriteString(" " + shellQuote(w))
		}
		script.WriteString("\n")
	}
	r, err := vm.Run(ctx, script.String())
	if err != nil {
		return err
	}
	if r.ExitCode != 0 {
		return fmt.Errorf("modprobe %s in the VM: exit %d: %s", strings.Join(specs, ", "), r.ExitCode, r.Stderr)
	}
	return nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Close powers the guest off, waits for qemu (killing it after 10 s) and
// for the USB/IP connections, and removes the VM's files. It is safe to
// call more than once.
func (vm *VM) Close() error {
	if vm.cmd != nil && vm.cmd.Process != nil {
		vm.send("poweroff")
		select {
		case <-vm.exited:
		case <-time.After(10 * time.Second):
			vm.cmd.Process.Kill()
			<-vm.exited
		}
	}
	if vm.cancel != nil {
		vm.cancel()
	}
	if vm.ln != nil {
		vm.ln.Close()
	}
	vm.serveWG.Wait()
	if vm.dir != "" {
		os.RemoveAll(vm.dir)
	}
	return nil
}
