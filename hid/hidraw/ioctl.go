package hidraw

// Linux encodes an ioctl request number as direction (2 bits), argument size
// (14 bits), type (8 bits) and number (8 bits), from the top bit down. The
// hidraw requests use type 'H'. The variable-length ones (name, phys,
// feature reports) carry the caller's buffer length in the size field, so
// their numbers are computed per call.
const (
	iocNone  = 0
	iocWrite = 1
	iocRead  = 2

	iocNRBits   = 8
	iocTypeBits = 8
	iocSizeBits = 14

	iocNRShift   = 0
	iocTypeShift = iocNRShift + iocNRBits
	iocSizeShift = iocTypeShift + iocTypeBits
	iocDirShift  = iocSizeShift + iocSizeBits

	iocSizeMax = 1<<iocSizeBits - 1
)

// ioc builds an ioctl request number the way the kernel's _IOC macro does.
func ioc(dir, typ, nr, size uint) uint {
	return dir<<iocDirShift | size<<iocSizeShift | typ<<iocTypeShift | nr<<iocNRShift
}

// hidraw's request numbers (include/uapi/linux/hidraw.h).
const (
	nrGetRDescSize = 0x01 // HIDIOCGRDSIZE: int
	nrGetRDesc     = 0x02 // HIDIOCGRDESC: struct hidraw_report_descriptor
	nrGetRawInfo   = 0x03 // HIDIOCGRAWINFO: struct hidraw_devinfo
	nrGetRawName   = 0x04 // HIDIOCGRAWNAME(len)
	nrGetRawPhys   = 0x05 // HIDIOCGRAWPHYS(len)
	nrSetFeature   = 0x06 // HIDIOCSFEATURE(len), read|write
	nrGetFeature   = 0x07 // HIDIOCGFEATURE(len), read|write

	// maxDescriptorSize is HID_MAX_DESCRIPTOR_SIZE, the array length in
	// struct hidraw_report_descriptor.
	maxDescriptorSize = 4096
)

// rawDescriptor mirrors struct hidraw_report_descriptor.
type rawDescriptor struct {
	Size  uint32
	Value [maxDescriptorSize]byte
}

// rawInfo mirrors struct hidraw_devinfo.
type rawInfo struct {
	BusType uint32
	Vendor  int16
	Product int16
}

const (
	sizeofInt           = 4
	sizeofRawDescriptor = 4 + maxDescriptorSize
	sizeofRawInfo       = 8
)

// The fixed-size requests, spelled out as constants (ioc's formula).
const (
	hidiocGRDescSize = iocRead<<iocDirShift | sizeofInt<<iocSizeShift | 'H'<<iocTypeShift | nrGetRDescSize
	hidiocGRDesc     = iocRead<<iocDirShift | sizeofRawDescriptor<<iocSizeShift | 'H'<<iocTypeShift | nrGetRDesc
	hidiocGRawInfo   = iocRead<<iocDirShift | sizeofRawInfo<<iocSizeShift | 'H'<<iocTypeShift | nrGetRawInfo
)

func hidiocGRawName(n int) uint { return ioc(iocRead, 'H', nrGetRawName, uint(n)) }
func hidiocGRawPhys(n int) uint { return ioc(iocRead, 'H', nrGetRawPhys, uint(n)) }
func hidiocSFeature(n int) uint { return ioc(iocWrite|iocRead, 'H', nrSetFeature, uint(n)) }
func hidiocGFeature(n int) uint { return ioc(iocWrite|iocRead, 'H', nrGetFeature, uint(n)) }
