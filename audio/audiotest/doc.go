// Package audiotest builds fixture sysfs and /proc/asound trees, so the
// sound-device lookup of package audio can be tested, and the driver run
// end to end, against the layouts of real handsets without the hardware.
package audiotest
