// Package audiotest gives the audio tests real surroundings without sound
// hardware.
//
//   - Tree writes fixture sysfs and /proc/asound trees in the layouts of real
//     handsets (P1K, CM109, a headset with separate playback and capture
//     cards), so the sound-device lookup is tested, and the driver run end to
//     end, without the hardware.
//   - FilePCM writes a private ALSA configuration with a PCM of type file:
//     what PortAudio plays to it lands in a WAV file (ReadWAV) the test can
//     analyse. It is unpaced, so seconds of audio take milliseconds.
//   - StartJACK runs a JACK server with the dummy backend, which paces its
//     callbacks exactly by the clock.
package audiotest
