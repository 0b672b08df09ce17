// Package callrules is what a handset's hook, keys and mute mean for the
// calls of a Phone API host: the one set of rules that access mode (the
// driver decides for a host that knows only the access API), the reference
// host and any bridge to another phone system share.
//
// Step is a pure function. It takes the host's calls, the handset's local
// state (the digits collected, the hook position) and one event, and returns
// the new local state and the actions to take: answer, hang up, dial, send a
// DTMF digit, mute. Who performs an action is the caller's business: the
// driver turns it into ALTER CALL (or SET CALL for a host older than
// protocol 5), the reference host applies it to its own calls.
//
// The rules follow the Phone API reference (skype-api-1.2.txt §6, the
// sample sessions §7.11 and §7.12):
//
//   - lifting the handset answers the ringing incoming call (§7.12: the
//     device accepts with SET CALL n STATUS INPROGRESS), unless it is a
//     waiting call;
//   - hanging up ends every call, as the Skype client did (§7.11: the device
//     hangs up with SET CALL n STATUS FINISHED): a ringing incoming call is
//     REFUSED, our own call not yet answered CANCELLED, a call in progress
//     or held FINISHED (§7.8.3 call status values);
//   - digits with no call collect a number, and YES or # dials it (§7.11:
//     the device initiates the call with CALL target); digits during a call
//     in progress are DTMF (ALTER CALL n DTMF, skype-api-2.0 reference);
//     '+' is dialable but has no DTMF tone; digits keyed after lifting or
//     YES asked the host to answer, before it reports the call in progress,
//     are DTMF to that call (State.Answering): the host reads the answer
//     first, since the handset's commands reach it in order;
//   - YES answers a ringing call, else dials;
//   - NO ends every call like hanging up, else clears the number;
//   - an incoming call that rings while the handset is off hook, or while
//     another call goes on, is call waiting (Waiting): the ringer stays
//     silent and a waiting tone plays in the earpiece (Alerting); lifting
//     and digits do not take it, YES does: it holds the call in progress
//     (SET CALL n STATUS ONHOLD, skype-api-2.0 reference: "set first call on
//     hold ... and make another call"), cancels our own call still ringing
//     out, and answers the waiting call;
//   - mute is passed on (§6.1 MUTE ON|OFF).
package callrules
