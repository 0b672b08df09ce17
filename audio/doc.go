// Package audio gives a handset its own voice: it finds the sound device that
// belongs to the handset, so the driver can name it in the Phone API's
// AUDIO_IN and AUDIO_OUT, and it plays the tones a telephone plays (ring,
// dial tone, DTMF key feedback) on that device for handsets whose firmware
// cannot.
//
// # Finding the sound device
//
// A USB phone or headset is one USB device with several interfaces: one HID
// interface for the keys and hook switch, and USB Audio Class interfaces
// (class 1) for the speaker and microphone. The kernel's snd-usb-audio binds
// the audio interfaces and registers an ALSA card under the first of them,
// which sysfs shows as …/<usb device>/<interface>/sound/cardN. So the chain
// is:
//
//	HID interface (hidraw node, libusb path, or VID:PID)
//	  → its USB device in sysfs (the directory that has idVendor)
//	  → the device's interfaces with bInterfaceClass 01
//	  → sound/cardN under them
//	  → /proc/asound/cardN (id, usbid, pcm0p for playback, pcm0c for capture)
//	  → the PortAudio device whose name refers to card N: ALSA hardware
//	    devices are named "… (hw:N,D)"; a PCM the user defined under the
//	    card's id (pcm.<id> in asoundrc) refers to it too.
//
// Some headsets expose two audio functions, and get two cards: one that only
// plays and one that only records. Playback and capture are therefore
// matched separately. The filesystem roots are parameters (Finder.SysRoot,
// Finder.AsoundRoot), and the PortAudio device list comes through the
// DeviceLister interface, so Match is a pure function of its inputs.
//
// # PortAudio's frozen device list
//
// PortAudio enumerates devices once, in Pa_Initialize; a card plugged in
// later is invisible until PortAudio is terminated and initialised again,
// and terminating closes every stream. System is the one owner of PortAudio
// in the process: one goroutine makes every PortAudio call, counts the
// streams it has open, and on Rescan closes them (with a ramp), re-scans,
// and reopens the tones that were playing (after a failed re-scan, with the
// next one that succeeds). Because a re-scan interrupts every handset's
// tone, RescanIfChanged re-scans only when the machine's list of sound
// cards (Finder.SoundCards) changed since the last one.
//
// # Tones
//
// A Tone is the sum of one or two sines, switched on and off by a cadence.
// Sample computes any sample of a tone from its index alone, with a short
// raised-cosine ramp at every switch on and off, so a tone never clicks; a
// Generator walks a tone buffer by buffer and, when stopped, ramps down
// within the buffer it is filling. The tones:
//
//   - Ring: 440+480 Hz, 2 s on, 4 s off (the North American cadence), for
//     headsets with no Ringer usage and phones that ring through the speaker.
//   - Dial tone: off, North American (350+440 Hz) or European (425 Hz),
//     continuous, while off-hook with no call and nothing dialled.
//   - Call waiting: 440 Hz, 300 ms every 10 s, in the earpiece while a
//     second call rings during a call or while dialling.
//   - DTMF: the row and column pair of a key (697/770/852/941 Hz ×
//     1209/1336/1477/1633 Hz), as feedback while dialling.
//
// Streams are PortAudio callback streams of 16-bit samples, mono or the
// device's first two channels.
//
// # Traps
//
//   - The Go binding hands PortAudio a stream number disguised as a pointer,
//     which the race detector's pointer checks reject as soon as a second
//     stream opens. Test with -race only together with
//     -gcflags=github.com/gordonklaus/portaudio=-d=checkptr=0 (make test
//     does).
//   - If a JACK server that PortAudio connected to goes away, Debian's
//     PortAudio asserts in Pa_Terminate and aborts the process on the next
//     re-scan. Tests stop their JACK server only after closing the System.
//   - ALSA and JACK write their own complaints on stderr while PortAudio
//     looks for devices: about 65 lines on a machine without a sound card.
//     The System silences them (ALSA's error handler, JACK's error and info
//     functions, through cgo, and JACK_NO_START_SERVER) before each start,
//     and logs at debug level how many it silenced and how many devices it
//     found.
package audio
