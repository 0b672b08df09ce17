// The C side of quiet.go: handlers that keep ALSA's and JACK's own messages
// off stderr and count them instead.
#include <alsa/asoundlib.h>
#include <jack/jack.h>

static unsigned long handsetd_library_messages;

static void handsetd_alsa_message(const char *file, int line, const char *function, int err, const char *fmt, ...) {
	(void)file; (void)line; (void)function; (void)err; (void)fmt;
	__atomic_add_fetch(&handsetd_library_messages, 1, __ATOMIC_RELAXED);
}

static void handsetd_jack_message(const char *msg) {
	(void)msg;
	__atomic_add_fetch(&handsetd_library_messages, 1, __ATOMIC_RELAXED);
}

void handsetd_quiet_audio_libraries(void) {
	snd_lib_error_set_handler(handsetd_alsa_message);
	jack_set_error_function(handsetd_jack_message);
	jack_set_info_function(handsetd_jack_message);
}

unsigned long handsetd_audio_library_messages(void) {
	return __atomic_load_n(&handsetd_library_messages, __ATOMIC_RELAXED);
}
