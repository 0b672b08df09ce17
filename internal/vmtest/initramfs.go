package vmtest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// bootModules are what the init script needs before it can reach the host:
// 9p over virtio-pci for the root, virtio-net for USB/IP. Their
// dependencies come from the kernel's modules.dep.
var bootModules = []string{
	"kernel/drivers/virtio/virtio_pci.ko",
	"kernel/net/9p/9pnet_virtio.ko",
	"kernel/fs/9p/9p.ko",
	"kernel/drivers/net/virtio_net.ko",
}

// moduleOrder returns the modules to insmod, dependencies first, from the
// lines of a modules.dep ("path: dep dep ...").
func moduleOrder(dep map[string][]string, want []string) ([]string, error) {
	var order []string
	seen := map[string]bool{}
	var visit func(m string, depth int) error
	visit = func(m string, depth int) error {
		if seen[m] {
			return nil
		}
		deps, ok := dep[m]
		if !ok {
			return fmt.Errorf("module %s is not in modules.dep", m)
		}
		if depth > 64 {
			return fmt.Errorf("module dependencies of %s loop", m)
		}
		for _, d := range deps {
			if err := visit(d, depth+1); err != nil {
				return err
			}
		}
		seen[m] = true
		order = append(order, m)
		return nil
	}
	for _, m := range want {
		if err := visit(m, 0); err != nil {
			return nil, err
		}
	}
	return order, nil
}

func readModulesDep(path string) (map[string][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dep := map[string][]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		dep[name] = strings.Fields(rest)
	}
	return dep, sc.Err()
}

// initScript is the guest's /init. It runs from the initramfs with busybox,
// brings up the host's root and the network, then serves the control
// serial port: "run ID" starts /run/vmtest/ID/cmd in the chroot, in the
// background and in its own session, so that jobs run side by side and
// each answers "done ID STATUS" when it ends; "kill ID" kills job ID's
// whole process group; "poweroff" stops the guest. Jobs do not inherit the
// control port (fd 3). The agent logs each line it reads and each job's
// start and exit on the console, which a failed Run's error ends with.
//
// The control port is in canonical mode (a line at a time) so that the
// agent never waits inside a line: busybox's read builtin reads a byte at a
// time, and when a signal (a job's SIGCHLD) interrupts it mid-line it
// drops what it read of that line, so in raw mode a "run" line that arrived
// in pieces while a job ended was lost and its job never started.
const initScript = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
(sleep %d; echo "vmtest: watchdog: powering off" >/dev/console; echo o >/proc/sysrq-trigger) &
for m in $(cat /modules/order); do insmod /modules/$m || echo "vmtest: insmod $m failed" >/dev/console; done
r=/newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot $r || echo "vmtest: cannot mount the host root" >/dev/console
mount -t proc proc $r/proc
mount -t sysfs sys $r/sys
mount -t devtmpfs dev $r/dev
mount -t tmpfs run $r/run
mkdir -p $r/run/vmtest $r/run/tmp /jobs
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 jobs $r/run/vmtest
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
stty -F /dev/ttyS1 raw icanon -iexten -echo
exec 3<>/dev/ttyS1
echo ready >&3
while read -r verb id <&3; do
	echo "vmtest: agent: read \"$verb $id\"" >/dev/console
	case $verb in
	run)
		j=/run/vmtest/$id
		(
			setsid chroot $r /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
				HOME=/root TMPDIR=/run/tmp LANG=C.UTF-8 HANDSETD_VMTEST_GUEST=1 \
				/bin/sh -c "cd /run/tmp && exec /bin/sh $j/cmd >$j/stdout 2>$j/stderr" </dev/null 3>&- &
			echo $! >/jobs/$id
			echo "vmtest: agent: job $id started, pid $!" >/dev/console
			wait $!
			st=$?
			rm -f /jobs/$id
			echo "vmtest: agent: job $id exited $st" >/dev/console
			echo "done $id $st" >&3
		) &
		;;
	kill)
		[ -f /jobs/$id ] && kill -KILL -- -$(cat /jobs/$id) 2>/dev/null
		;;
	poweroff)
		echo o >/proc/sysrq-trigger
		;;
	esac
done
echo o >/proc/sysrq-trigger
`

// writeInitramfs writes the guest's initramfs: busybox, the boot modules
// and /init.
func (vm *VM) writeInitramfs(path string, timeout time.Duration) error {
	bb, err := exec.LookPath("busybox")
	if err != nil {
		return fmt.Errorf("busybox: %w (make deps installs busybox-static)", err)
	}
	bin, err := os.ReadFile(bb)
	if err != nil {
		return err
	}
	modDir := filepath.Join(vm.kernel, "root", "lib", "modules", vm.version)
	dep, err := readModulesDep(filepath.Join(modDir, "modules.dep"))
	if err != nil {
		return fmt.Errorf("%w (prepare the kernel again: scripts/vmkernel.sh)", err)
	}
	order, err := moduleOrder(dep, bootModules)
	if err != nil {
		return err
	}
	files := map[string]cpioEntry{
		"bin":         {Mode: cpioDir | 0o755},
		"bin/busybox": {Mode: cpioFile | 0o755, Data: bin},
		"dev":         {Mode: cpioDir | 0o755},
		"dev/console": {Mode: cpioCharDev | 0o600, RMajor: 5, RMinor: 1},
		"proc":        {Mode: cpioDir | 0o755},
		"sys":         {Mode: cpioDir | 0o755},
		"newroot":     {Mode: cpioDir | 0o755},
		"modules":     {Mode: cpioDir | 0o755},
		"init":        {Mode: cpioFile | 0o755, Data: fmt.Appendf(nil, initScript, int(timeout.Seconds()+0.5))},
	}
	var names []string
	for _, m := range order {
		b, err := os.ReadFile(filepath.Join(modDir, m))
		if err != nil {
			return err
		}
		name := filepath.Base(m)
		files["modules/"+name] = cpioEntry{Mode: cpioFile | 0o644, Data: b}
		names = append(names, name)
	}
	files["modules/order"] = cpioEntry{Mode: cpioFile | 0o644, Data: []byte(strings.Join(names, "\n") + "\n")}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := writeCPIO(f, files); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
