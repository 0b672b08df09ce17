package audio

// #cgo pkg-config: alsa jack
// void handsetd_quiet_audio_libraries(void);
// unsigned long handsetd_audio_library_messages(void);
import "C"

import "os"

// quietLibraries keeps the libraries under PortAudio from writing on
// stderr. On a machine without a sound card, PortAudio's start prints
// about 60 "ALSA lib …" lines (every PCM of the default configuration that
// names card 0) and 5 JACK lines (no JACK server), burying the driver's own
// log; none of them says more than "no device here", which the device
// list says too. ALSA's error handler and JACK's error and info functions
// are process-wide, so this is set once per start, before PortAudio's
// Initialize, and counts what it silences (libraryMessages).
//
// JACK_NO_START_SERVER (unless the user set it) keeps JACK from starting a
// server of its own when none runs: the driver uses one that runs, and
// never starts one.
func quietLibraries() {
	if _, ok := os.LookupEnv("JACK_NO_START_SERVER"); !ok {
		_ = os.Setenv("JACK_NO_START_SERVER", "1")
	}
	C.handsetd_quiet_audio_libraries()
}

// libraryMessages is how many messages ALSA and JACK have tried to print
// since quietLibraries.
func libraryMessages() uint64 { return uint64(C.handsetd_audio_library_messages()) }
