// Package driver runs handsets: one goroutine per handset owns everything
// about it.
//
// The owner keeps two pictures of the handset, as the kernel's yealink driver
// does: the desired state (what the hook switch, the host and the user have
// asked for: hook, mute, ringing, LEDs, LCD) and the applied state (what was
// last written to the device). Events from the device and updates from the
// host change the desired state; the owner then writes whatever differs. When
// the device is reopened the applied state is unknown, so it is written in
// full; when the host (re)connects, the driver announces itself again and
// resends its full state: NAME, PROTOCOL, AUDIO_IN, AUDIO_OUT, then HOOK.
//
// The owner never blocks on the device or the host: one goroutine reads input
// reports, and commands to the host wait in a bounded outbox drained by a
// sender goroutine, so a slow host never stalls the handset's LEDs and ringer.
// While the outbox is idle, a transport that can write without waiting
// (phoneapi.TryWriter: a socket with room) takes the command from the owner
// itself, which saves the sender's wake-up; when it cannot, the command
// queues as before, so no command ever overtakes another.
//
// Some handsets must be talked to (keymap.Talker): the owner then also
// gives the profile the floor after every report and Encode, and arms one
// timer on the injected clock for the time the profile asks to be called
// again (key polls, reply timeouts, ring cadence). For a handset with a
// display (keymap.Display) the owner composes the LCD text and ticks the
// call clock once a second with a second timer. No goroutine sleeps.
//
// A HID-telephony headset takes the host's Off-Hook LED for the host's view
// of the call: the owner lights the LEDs that answer a press in the same
// turn that decodes it, and a hook-on that the device sends right after the
// host changed its LEDs is the device's echo of that write, never a hang-up
// (echo.go).
package driver
