package firmwaresim

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// ModelInfo names a firmware model.
type ModelInfo struct {
	Name        string
	Description string
}

// identity is what a model tells the USB host about itself.
type identity struct {
	vendor, product uint16
	version         uint16 // bcdDevice
	country         uint8  // HID country code, 0 = not localised
	manufacturer    string
	productName     string
}

// env is what a Handset offers its firmware. Every firmware method is called
// with the Handset's lock held, and so are the functions env.after runs.
type env interface {
	// emit sends one input report (id byte first) to every host that is
	// polling the device; with no host polling it is lost.
	emit(report []byte)
	// after runs f once, d from now on the Handset's clock, unless the
	// returned stop is called first or the device is unplugged.
	after(d time.Duration, f func()) (stop func())
}

// firmware is one model's behaviour. Legacy models (Yealink, CM109) plug in
// here with their own reports and quirks.
type firmware interface {
	identity() identity
	descriptor() []byte
	// powerOn puts the firmware in its power-on state.
	powerOn()
	// hook lifts (off=true) or hangs up the handset.
	hook(off bool) error
	// press and release act on a key named as the Phone API names it.
	press(key string) error
	release(key string) error
	// mute presses and releases the mute button.
	mute() error
	// output handles an output report from the host.
	output(report []byte) error
	// getFeature returns the feature report with this id, id byte first.
	getFeature(id byte) ([]byte, error)
	// setFeature handles a feature report from the host.
	setFeature(report []byte) error
	// state fills in the model's part of State.
	state(s *State)
}

// tapWatcher is implemented by firmware that a host polls, where a key shows
// only while it is down and the host asks (see Handset.Tap).
type tapWatcher interface {
	// watchTap arranges for seen to be called, with the Handset locked,
	// once the firmware has reported key (pressed) to the host; a nil seen
	// cancels. It runs with the Handset locked, right after press(key).
	watchTap(key string, seen func())
	// watchRelease is watchTap for the release that follows: seen is
	// called once the host has certainly read that the key is up.
	watchRelease(key string, seen func())
}

// commander is implemented by firmware with control commands of its own
// (such as a B2K's landline ringing); Exec offers it the commands it does not
// know. It runs with the Handset's lock held.
type commander interface {
	// command runs cmd and reports whether it knew it.
	command(cmd string, args []string) (known bool, err error)
}

type modelDef struct {
	info ModelInfo
	new  func(e env, opts Options) firmware
}

// models is the fixed table of firmware models. It is a function, not a
// package variable, so nothing can change it.
func models() []modelDef {
	defs := []modelDef{
		{
			info: ModelInfo{Name: "generic-telephony", Description: "generic USB HID telephony handset: toggle-button hook and mute, keypad, LEDs, ringer"},
			new:  func(e env, opts Options) firmware { return newGeneric(e, opts) },
		},
		{
			info: ModelInfo{Name: "ringerless-headset", Description: "generic USB HID telephony headset without a ringer: toggle-button hook and mute, keypad, LEDs; rings only through its speaker"},
			new:  func(e env, opts Options) firmware { return newGenericVariant(e, opts, genericHeadset()) },
		},
		{
			info: ModelInfo{Name: "jabra-headset", Description: "USB HID telephony headset on Jabra's template (the Jabra Link 380c's descriptor): Const hook and mute, 0-means-none keypad, a hook it resends and reverts unless the host answers on LED Off-Hook and that follows the host's LED, vendor page 0xFF30 copies"},
			new:  func(e env, _ Options) firmware { return newJabra(e) },
		},
	}
	for _, v := range yealinkVariants() {
		defs = append(defs, modelDef{
			info: ModelInfo{Name: v.model, Description: v.description},
			new:  func(e env, opts Options) firmware { return newYealink(e, v, opts) },
		})
	}
	for _, v := range cm109Variants() {
		defs = append(defs, modelDef{
			info: ModelInfo{Name: v.model, Description: v.description},
			new:  func(e env, opts Options) firmware { return newCM109(e, v) },
		})
	}
	defs = append(defs, modelDef{
		info: ModelInfo{Name: "usb-keyboard", Description: "a USB boot keyboard, not a handset: the device the udev rules and the driver must leave alone"},
		new:  func(env, Options) firmware { return newKeyboard() },
	})
	return defs
}

// Models lists the firmware models New accepts, sorted by name.
func Models() []ModelInfo {
	var out []ModelInfo
	for _, m := range models() {
		out = append(out, m.info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func lookupModel(name string) (modelDef, error) {
	var names []string
	for _, m := range models() {
		if m.info.Name == name {
			return m, nil
		}
		names = append(names, m.info.Name)
	}
	sort.Strings(names)
	return modelDef{}, fmt.Errorf("unknown model %q (known models: %s)", name, strings.Join(names, ", "))
}

// requestDriven is implemented by firmware that speaks only when asked: each
// report it sends answers the host's last request and starts with that
// request's command byte (the first Yealink generation).
type requestDriven interface {
	answersOnlyWhenAsked() bool
}

// AnswersRequests reports whether the device vendor:product is, as this
// simulator models it, request-driven: some model with that VID:PID sends a
// report only as the answer to a request, whose command byte it repeats.
// Serving a recording of such a device, the simulator holds each recorded
// reply until the host asks for it (package hid/replay, SameCommand). It is
// derived from the firmware models, not from the driver's device table, so
// that the simulator does not depend on the driver.
func AnswersRequests(vendor, product uint16) bool {
	for _, m := range models() {
		fw := m.new(nopEnv{}, Options{})
		id := fw.identity()
		if r, ok := fw.(requestDriven); ok && id.vendor == vendor && id.product == product && r.answersOnlyWhenAsked() {
			return true
		}
	}
	return false
}

// nopEnv is an env that delivers nothing and runs no timer: enough to ask a
// model about itself.
type nopEnv struct{}

func (nopEnv) emit([]byte)                               {}
func (nopEnv) after(time.Duration, func()) (stop func()) { return func() {} }
