package phoneapi

import "strconv"

// Command is one encoded device→host line without the "#id " tag; the Client
// adds the tag when it correlates a reply. The constructors below build the
// commands a handset driver sends; Command("…") builds any other.
type Command string

func (c Command) String() string { return string(c) }

// Name is "NAME device": the device introduces itself.
func Name(device string) Command { return Command("NAME " + device) }

// Protocol is "PROTOCOL n": the highest version the device speaks.
func Protocol(n int) Command { return Command("PROTOCOL " + strconv.Itoa(n)) }

// AudioIn is "AUDIO_IN dev": the sound device the host should record from.
func AudioIn(dev string) Command { return Command(joinOpt("AUDIO_IN", dev)) }

// AudioOut is "AUDIO_OUT dev": the sound device the host should play to.
func AudioOut(dev string) Command { return Command(joinOpt("AUDIO_OUT", dev)) }

// Hook is "HOOK OFF" when the handset is lifted (offHook) and "HOOK ON" when
// it is put down.
func Hook(offHook bool) Command { return Command("HOOK " + OnOff(!offHook)) }

// Mute is "MUTE ON|OFF" from the device's mute key.
func Mute(on bool) Command { return Command("MUTE " + OnOff(on)) }

// BtnPressed is "BTN_PRESSED key"; key is a name ValidKey accepts.
func BtnPressed(key string) Command { return Command("BTN_PRESSED " + key) }

// BtnReleased is "BTN_RELEASED key".
func BtnReleased(key string) Command { return Command("BTN_RELEASED " + key) }

// Ping is "PING"; the host answers PONG.
func Ping() Command { return "PING" }

// GetCall is "GET CALL id prop" (TYPE, STATUS, PARTNER_HANDLE,
// PARTNER_DISPNAME, DURATION…); the host answers "CALL id prop value".
func GetCall(id int, prop string) Command {
	return Command("GET CALL " + strconv.Itoa(id) + " " + prop)
}

// GetMute is "GET MUTE".
func GetMute() Command { return "GET MUTE" }

// Dial is "CALL target": the access-API way to place a call.
func Dial(target string) Command { return Command("CALL " + target) }

// AlterCall is "ALTER CALL id action" (ANSWER, HANGUP, HOLD, RESUME) for
// hosts that speak only the access API (protocol 5).
func AlterCall(id int, action string) Command {
	return Command("ALTER CALL " + strconv.Itoa(id) + " " + action)
}

// AlterCallDTMF is "ALTER CALL id DTMF digits".
func AlterCallDTMF(id int, digits string) Command {
	return Command("ALTER CALL " + strconv.Itoa(id) + " DTMF " + digits)
}

// SetCallStatus is "SET CALL id STATUS status" (INPROGRESS answers or
// resumes, FINISHED hangs up, ONHOLD holds): the pre-protocol-5 call control.
func SetCallStatus(id int, status string) Command {
	return Command("SET CALL " + strconv.Itoa(id) + " STATUS " + status)
}

// SetCallDTMF is "SET CALL id DTMF digits": the pre-protocol-5 way to send
// DTMF during a call.
func SetCallDTMF(id int, digits string) Command {
	return Command("SET CALL " + strconv.Itoa(id) + " DTMF " + digits)
}

// SetMute is "SET MUTE ON|OFF": the access-API way to mute.
func SetMute(on bool) Command { return Command("SET MUTE " + OnOff(on)) }
