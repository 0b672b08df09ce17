package usbipserve

import (
	"fmt"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/firmware-sim/usbip"
)

// Standard requests (USB 2.0 §9.4) and HID class requests (HID 1.11 §7.2).
const (
	reqGetStatus        = 0x00
	reqClearFeature     = 0x01
	reqSetFeature       = 0x03
	reqSetAddress       = 0x05
	reqGetDescriptor    = 0x06
	reqGetConfiguration = 0x08
	reqSetConfiguration = 0x09
	reqGetInterface     = 0x0a
	reqSetInterface     = 0x0b

	hidGetReport   = 0x01
	hidGetIdle     = 0x02
	hidGetProtocol = 0x03
	hidSetReport   = 0x09
	hidSetIdle     = 0x0a
	hidSetProtocol = 0x0b

	hidReportInput   = 1
	hidReportOutput  = 2
	hidReportFeature = 3

	featureEndpointHalt = 0
	featureRemoteWakeup = 1

	usbDescDevice    = firmwaresim.USBDescDevice
	usbDescConfig    = firmwaresim.USBDescConfig
	usbDescString    = firmwaresim.USBDescString
	usbDescInterface = firmwaresim.USBDescInterface
	usbDescHID       = firmwaresim.USBDescHID
	usbDescReport    = firmwaresim.USBDescReport
)

// control answers one control transfer on EP0: the IN data, or errStall,
// or firmwaresim.ErrSessionEnded when the handset went away. data is an OUT transfer's data.
func (uc *usbConn) control(s usbip.Setup, data []byte) ([]byte, error) {
	typ, recipient := (s.RequestType>>5)&3, s.RequestType&0x1f
	in := s.RequestType&0x80 != 0
	switch {
	case typ == 0 && recipient == 0:
		return uc.deviceRequest(s, in)
	case typ == 0 && recipient == 1:
		return uc.interfaceRequest(s, in)
	case typ == 0 && recipient == 2:
		return uc.endpointRequest(s, in)
	case typ == 1 && recipient == 1 && uint8(s.Index) == uc.u.HIDInterface && s.Index>>8 == 0:
		return uc.hidRequest(s, in, data)
	}
	return nil, errStall
}

func (uc *usbConn) deviceRequest(s usbip.Setup, in bool) ([]byte, error) {
	switch {
	case in && s.Request == reqGetStatus:
		return []byte{0, 0}, nil // bus powered, no remote wakeup armed
	case !in && (s.Request == reqClearFeature || s.Request == reqSetFeature) && s.Value == featureRemoteWakeup:
		return nil, nil
	case !in && s.Request == reqSetAddress:
		return nil, nil // the host controller assigns addresses; nothing to do
	case in && s.Request == reqGetDescriptor:
		return uc.descriptor(s)
	case in && s.Request == reqGetConfiguration:
		return []byte{uc.config}, nil
	case !in && s.Request == reqSetConfiguration:
		if s.Value > 1 {
			return nil, errStall
		}
		// Setting a configuration (0 included) disables every endpoint
		// of the old one first: their transfers end with -ESHUTDOWN.
		uc.failPending(statusShutdown)
		uc.config = uint8(s.Value)
		clear(uc.alt)
		clear(uc.halted)
		return nil, nil
	}
	return nil, errStall
}

func (uc *usbConn) descriptor(s usbip.Setup) ([]byte, error) {
	typ, index := uint8(s.Value>>8), uint8(s.Value)
	switch typ {
	case usbDescDevice:
		return uc.u.DeviceDescriptor(), nil
	case usbDescConfig:
		if index != 0 {
			return nil, errStall
		}
		return uc.u.ConfigDescriptor(len(uc.report)), nil
	case usbDescString:
		if d, ok := uc.u.StringDescriptor(index, uc.h.Identity().Serial); ok {
			return d, nil
		}
	}
	// Device qualifier and other-speed descriptors stall: this is a
	// full-speed-only device, and USB 2.0 §9.6.2 says such a device stalls.
	return nil, errStall
}

func (uc *usbConn) interfaceRequest(s usbip.Setup, in bool) ([]byte, error) {
	number := uint8(s.Index)
	if _, ok := uc.u.Setting(number, 0); !ok || s.Index>>8 != 0 {
		return nil, errStall
	}
	switch {
	case in && s.Request == reqGetStatus:
		return []byte{0, 0}, nil
	case in && s.Request == reqGetInterface && uc.config != 0:
		return []byte{uc.alt[number]}, nil
	case !in && s.Request == reqSetInterface && uc.config != 0:
		if _, ok := uc.u.Setting(number, uint8(s.Value)); !ok || s.Value > 0xff {
			return nil, errStall
		}
		if number == uc.u.HIDInterface {
			uc.failPending(statusShutdown) // the setting's endpoints are disabled and re-enabled
		}
		uc.alt[number] = uint8(s.Value)
		return nil, nil
	case in && s.Request == reqGetDescriptor && number == uc.u.HIDInterface:
		switch uint8(s.Value >> 8) {
		case usbDescHID:
			return uc.u.HIDDescriptor(len(uc.report)), nil
		case usbDescReport:
			return uc.report, nil
		}
	}
	return nil, errStall
}

// endpointExists tells whether addr (with its direction bit) is EP0 or an
// endpoint of a current interface setting.
func (uc *usbConn) endpointExists(addr uint8) bool {
	if addr&0x7f == 0 {
		return true
	}
	if uc.config == 0 {
		return false
	}
	for _, it := range uc.u.Interfaces {
		if it.Alternate != uc.alt[it.Number] {
			continue
		}
		for _, ep := range it.Endpoints {
			if ep.Address == addr {
				return true
			}
		}
	}
	return false
}

func (uc *usbConn) endpointRequest(s usbip.Setup, in bool) ([]byte, error) {
	addr := uint8(s.Index)
	if s.Index>>8 != 0 || !uc.endpointExists(addr) {
		return nil, errStall
	}
	switch {
	case in && s.Request == reqGetStatus:
		if uc.halted[addr] {
			return []byte{1, 0}, nil
		}
		return []byte{0, 0}, nil
	case !in && s.Request == reqClearFeature && s.Value == featureEndpointHalt:
		delete(uc.halted, addr)
		return nil, nil
	case !in && s.Request == reqSetFeature && s.Value == featureEndpointHalt && addr&0x7f != 0:
		uc.halted[addr] = true
		if addr == uc.inEP|0x80 {
			uc.failPending(statusStall) // each waiting IN transfer meets a STALL
		}
		return nil, nil
	}
	return nil, errStall
}

func (uc *usbConn) hidRequest(s usbip.Setup, in bool, data []byte) ([]byte, error) {
	kind, id := uint8(s.Value>>8), uint8(s.Value)
	switch {
	case in && s.Request == hidGetReport:
		var r []byte
		var err error
		switch kind {
		case hidReportFeature:
			r, err = uc.sess.GetFeature(id)
		case hidReportInput:
			r, err = uc.sess.InputReport(id)
		default:
			return nil, errStall
		}
		switch {
		case err == firmwaresim.ErrSessionEnded:
			return nil, err
		case err != nil: // hid.ErrUnsupported or a refusal: a device stalls
			return nil, errStall
		}
		return uc.toWire(r), nil
	case !in && s.Request == hidSetReport:
		if uc.numbers && (len(data) == 0 || data[0] != id) {
			return nil, errStall // the data must start with the id the request names
		}
		var err error
		switch kind {
		case hidReportOutput:
			err = uc.sess.Output(uc.fromWire(data))
		case hidReportFeature:
			err = uc.sess.SetFeature(uc.fromWire(data))
		default:
			return nil, errStall
		}
		switch {
		case err == firmwaresim.ErrSessionEnded:
			return nil, err
		case err != nil:
			uc.h.Logger().Debug("simulated handset stalled SET_REPORT", "report", fmt.Sprintf("% x", data), "err", err)
			return nil, errStall
		}
		return nil, nil
	case in && s.Request == hidGetIdle:
		return []byte{uc.idle}, nil
	case !in && s.Request == hidSetIdle:
		uc.idle = uint8(s.Value >> 8) // one rate for every report: the firmware reports on change only
		return nil, nil
	case in && s.Request == hidGetProtocol:
		return []byte{uc.protocol}, nil
	case !in && s.Request == hidSetProtocol && s.Value <= 1:
		uc.protocol = uint8(s.Value)
		return nil, nil
	}
	return nil, errStall
}
