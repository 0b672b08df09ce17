package keymap

// Overrides are a user's changes to a profile, from the config file: another
// NAME, and keys renamed or switched off. A handset's firmware cannot be
// changed, but the names its keys become can.
type Overrides struct {
	// Name replaces the profile's NAME when not empty.
	Name string
	// Keys maps a key name the profile produces to the Phone API key name
	// to send instead; an empty target switches the key off (neither its
	// press nor its release is reported). Keys not listed pass unchanged.
	Keys map[string]string
}

// IsZero reports whether o changes nothing.
func (o Overrides) IsZero() bool { return o.Name == "" && len(o.Keys) == 0 }

// WithOverrides returns p with o applied; p itself when o changes nothing.
// Hook and mute events and the outputs are never touched.
func WithOverrides(p Profile, o Overrides) Profile {
	if o.IsZero() {
		return p
	}
	keys := make(map[string]string, len(o.Keys))
	for k, v := range o.Keys {
		keys[k] = v
	}
	return keepOptional(&overridden{Profile: p, name: o.Name, keys: keys}, p)
}

// The optional interfaces: besides Profile, a profile may implement these,
// and the driver looks for them with a type assertion. A wrapper such as
// overridden embeds the Profile interface, which hides every other method
// of what it wraps, so keepOptional gives the wrapper back exactly the
// optional interfaces of the inner profile: no fewer (a ringerless headset
// would stop ringing through its speaker behind a user's config, a talking
// phone would fall silent), and no more (a profile without the method means
// something of its own).
//
//   - Ringer: whether the device rings by itself.
//   - Talker: the profile holds its own conversation with the device.
//   - Display: the device has a text display.
//
// To add one, add it to this list, to keepOptional (one struct per
// combination of the interfaces) and to the table of
// TestWithOverridesKeepsOptional, which checks every combination.
//
// keepOptional returns w with the optional interfaces of inner.
func keepOptional(w Profile, inner Profile) Profile {
	r, rings := inner.(Ringer)
	t, talks := inner.(Talker)
	d, shows := inner.(Display)
	switch {
	case rings && talks && shows:
		return struct {
			Profile
			Ringer
			Talker
			Display
		}{w, r, t, d}
	case rings && talks:
		return struct {
			Profile
			Ringer
			Talker
		}{w, r, t}
	case rings && shows:
		return struct {
			Profile
			Ringer
			Display
		}{w, r, d}
	case talks && shows:
		return struct {
			Profile
			Talker
			Display
		}{w, t, d}
	case rings:
		return struct {
			Profile
			Ringer
		}{w, r}
	case talks:
		return struct {
			Profile
			Talker
		}{w, t}
	case shows:
		return struct {
			Profile
			Display
		}{w, d}
	}
	return w
}

// overridden is a Profile with a user's overrides on top.
type overridden struct {
	Profile
	name string
	keys map[string]string
}

// Name implements Profile.
func (o *overridden) Name() string {
	if o.name != "" {
		return o.name
	}
	return o.Profile.Name()
}

// Decode implements Profile: the wrapped profile's events, keys renamed.
func (o *overridden) Decode(report []byte) ([]Event, error) {
	evs, err := o.Profile.Decode(report)
	if err != nil || len(o.keys) == 0 {
		return evs, err
	}
	out := evs[:0:0]
	for _, ev := range evs {
		if ev.Kind == EventKey {
			if to, ok := o.keys[ev.Key]; ok {
				if to == "" {
					continue
				}
				ev.Key = to
			}
		}
		out = append(out, ev)
	}
	return out, nil
}
