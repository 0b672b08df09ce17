package audio

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/gordonklaus/portaudio"
	"golang.org/x/sys/unix"
)

// TestLibrariesQuiet proves that once quietLibraries has run, starting
// PortAudio writes nothing of ALSA's or JACK's on the process's stderr (fd
// 2, where C libraries write): on a machine without a sound card that was
// about 60 "ALSA lib" and 5 JACK lines, which are counted instead.
func TestLibrariesQuiet(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved, err := unix.Dup(2)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Dup3(int(w.Fd()), 2, 0); err != nil {
		t.Fatal(err)
	}
	captured := make(chan []byte)
	go func() { b, _ := io.ReadAll(r); captured <- b }()

	quietLibraries()
	before := libraryMessages()
	initErr := portaudio.Initialize()
	if initErr == nil {
		_ = portaudio.Terminate()
	}

	if err := unix.Dup3(saved, 2, 0); err != nil {
		t.Fatal(err)
	}
	unix.Close(saved)
	w.Close()
	out := <-captured
	r.Close()
	if initErr != nil {
		t.Fatalf("PortAudio: %v", initErr)
	}
	for _, chatter := range []string{"ALSA lib", "jack", "Jack"} {
		if bytes.Contains(out, []byte(chatter)) {
			t.Errorf("stderr has %q:\n%s", chatter, out)
		}
	}
	t.Logf("silenced %d ALSA and JACK messages", libraryMessages()-before)
}
