module github.com/handsetd/handsetd

go 1.26.0

require (
	github.com/godbus/dbus/v5 v5.2.4
	github.com/gordonklaus/portaudio v0.0.0-20250206071425-98a94950218b
	github.com/karalabe/hid v1.0.1-0.20240306101548-573246063e52
	github.com/pelletier/go-toml/v2 v2.4.3
	golang.org/x/sys v0.49.0
	golang.org/x/term v0.47.0
)

require github.com/google/gousb v1.1.3
