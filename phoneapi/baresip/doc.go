// Package baresip is a Phone API host built on baresip, a SIP softphone
// that exists today (Debian's baresip-core, version 1.0.0), so a handset
// makes and takes real SIP calls.
//
// To the driver it is a host like any other: Dial returns a
// phoneapi.Transport on which the driver's client sends NAME, PROTOCOL,
// HOOK, BTN_PRESSED and MUTE and receives CALL n STATUS, TYPE,
// PARTNER_HANDLE, PARTNER_DISPNAME and MUTE. What the hook and keys mean is
// decided by package callrules, the one set of call rules; this package
// only carries the resulting actions to baresip and baresip's calls back.
//
// Toward baresip it speaks ctrl_tcp, baresip's control module: each message
// is one netstring (D. J. Bernstein's "LEN:BYTES,", LEN in decimal) holding
// one JSON object (modules/ctrl_tcp/ctrl_tcp.c, baresip v1.0.0):
//
//   - a command:  {"command":"dial","params":"sip:bob@pbx","token":"t1"};
//     ctrl_tcp joins command and params with a space and runs them as the
//     menu module's long command, so only what menu.so registers exists
//     (1.0.0: accept, hangup, dial, sndcode, mute — a toggle —, hold,
//     resume, callfind, listcalls, …);
//   - its response: {"response":true,"ok":true,"data":"…","token":"t1"};
//   - an event:   {"event":true,"class":"call","type":"CALL_INCOMING",
//     "accountaor":…,"direction":"incoming","peeruri":…,
//     "peerdisplayname":…,"id":…,"param":…}.
//
// ctrl_tcp serves one connection at a time: a second client takes the
// socket from the first. The host's session lives as long as its ctrl_tcp
// connection; when baresip goes away the transport ends, the driver shows
// "no host" and dials again, and Dial waits for baresip with backoff.
package baresip
