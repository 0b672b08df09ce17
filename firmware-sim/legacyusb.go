package firmwaresim

// phoneUSB is the USB layout of a legacy phone: a USB sound card (audio
// control, a playback and a capture streaming interface, each streaming
// interface with its zero-bandwidth alternate 0 and an isochronous
// alternate 1) and the phone's HID interface, number 3, with one interrupt
// IN endpoint of inLen bytes. The phone has no interrupt OUT endpoint: the
// host sends its packets as SET_REPORT(Output) on EP0, which the simulator
// gives the firmware with the leading id byte 0.
//
// The audio interfaces carry no class-specific descriptors: they are there
// so that a host sees the interface numbering of the real phone (the HID
// interface's number goes into every SET_REPORT's wIndex), not to be played
// through.
func phoneUSB(id identity, inLen uint16) USBDevice {
	iso := func(addr, attrs uint8, size uint16) []USBEndpoint {
		return []USBEndpoint{{Address: addr, Attributes: attrs, MaxPacketSize: size, Interval: 1, Tail: []byte{0, 0}}}
	}
	const (
		subAudioControl   = 1
		subAudioStreaming = 2
		isoAdaptiveOut    = 0x09
		isoAsyncIn        = 0x05
	)
	return USBDevice{
		VendorID: id.vendor, ProductID: id.product, BCDDevice: id.version,
		Manufacturer: id.manufacturer, Product: id.productName, MaxPowerMA: 100,
		Interfaces: []USBInterface{
			{Number: 0, Class: USBClassAudio, SubClass: subAudioControl},
			{Number: 1, Class: USBClassAudio, SubClass: subAudioStreaming},
			{Number: 1, Alternate: 1, Class: USBClassAudio, SubClass: subAudioStreaming, Endpoints: iso(0x01, isoAdaptiveOut, 16)},
			{Number: 2, Class: USBClassAudio, SubClass: subAudioStreaming},
			{Number: 2, Alternate: 1, Class: USBClassAudio, SubClass: subAudioStreaming, Endpoints: iso(0x82, isoAsyncIn, 16)},
			{Number: 3, Class: USBClassHID, Endpoints: []USBEndpoint{{Address: 0x83, Attributes: usbTransferInterrupt, MaxPacketSize: inLen, Interval: 10}}},
		},
		HIDInterface: 3,
	}
}

// usb implements usbModel: the Yealink's sound card and its HID interface 3,
// which sends 16-byte packets (8 on the P1KH).
func (y *yealink) usb() USBDevice {
	n := uint16(ylPacketLen)
	if y.v.g2 {
		n = ylG2PacketLen
	}
	return phoneUSB(y.identity(), n)
}

// usb implements usbModel: the CM109's sound card and its HID interface 3,
// which sends the 4 register bytes.
func (c *cm109) usb() USBDevice { return phoneUSB(c.identity(), cmReportLen-1) }

// holdsInput implements inputHolder: the phone's endpoint buffer keeps its
// answer until the host polls.
func (y *yealink) holdsInput() {}

// holdsInput implements inputHolder: the CM109's endpoint always has its
// registers to give.
func (c *cm109) holdsInput() {}
