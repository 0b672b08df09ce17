#!/usr/bin/python3
"""A Phone API client in the style of Skype4Py's Linux D-Bus API.

It calls Invoke on com.Skype.API without naming the interface, puts a
"#id" on every command, introduces itself with NAME and PROTOCOL 5, and
receives notifications on /com/Skype/Client (com.Skype.API.Client.Notify).

Usage: skype4py_client.py BUS_ADDRESS
It prints "READY" once attached, then waits for an incoming call (the test
makes the host ring), answers it with ALTER CALL, and prints "PASS".
Any mismatch prints "FAIL: ..." and exits 1.
"""
import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.bus.BusConnection(sys.argv[1])
loop = GLib.MainLoop()
notes = []
failure = []


def fail(msg):
    failure.append(msg)
    loop.quit()


class Client(dbus.service.Object):
    @dbus.service.method(dbus_interface="com.Skype.API.Client", in_signature="s")
    def Notify(self, line):
        notes.append(str(line))
        on_note(str(line))


Client(bus, "/com/Skype/Client")
skype = bus.get_object("com.Skype.API", "/com/Skype")
next_id = [0]


def invoke(cmd):
    next_id[0] += 1
    tag = "#%d" % next_id[0]
    # No dbus_interface: the call goes out without an interface, as Skype4Py's did.
    return tag, str(skype.Invoke("%s %s" % (tag, cmd)))


# Command ids ("#id") came with protocol 4. Until PROTOCOL is agreed the
# connection speaks protocol 1, which has none, so the host answers NAME
# with a plain "OK" by design: that reply must be exactly "OK". The host
# applies the agreed protocol before it answers PROTOCOL, so from that reply
# on, while the agreed protocol is 4 or later, every reply must carry
# exactly the tag of its command: an untagged or differently tagged reply
# fails.
tagged = [False]


def expect(cmd, want):
    tag, got = invoke(cmd)
    if tagged[0]:
        ok = got in [tag + " " + w for w in want]
    else:
        ok = got in want
    if not ok:
        raise SystemExit("FAIL: %r answered %r, want %r (tag %s required: %s)" % (cmd, got, want, tag, tagged[0]))
    return got


def agree(n):
    """Offers protocol n and requires the host to agree to exactly n."""
    tag, got = invoke("PROTOCOL %d" % n)
    words = got.split()
    if words[:1] == [tag]:
        words = words[1:]
    elif n >= 4:
        raise SystemExit("FAIL: PROTOCOL %d answered %r, want it tagged %s" % (n, got, tag))
    if words != ["PROTOCOL", str(n)]:
        raise SystemExit("FAIL: PROTOCOL %d answered %r, want %s PROTOCOL %d" % (n, got, tag, n))
    tagged[0] = n >= 4


try:
    expect("NAME Skype4Py-style", ["OK"])
    agree(5)
    expect("PING", ["PONG"])
    expect("GET CALL 4242 STATUS", ["ERROR 12 Unknown call"])
    expect("FROBNICATE", ["ERROR 2 Unknown command"])
    expect("GET FOO", ["ERROR 7 GET: invalid WHAT"])
    expect("GET MUTE", ["MUTE OFF"])
except SystemExit as e:
    print(str(e), flush=True)
    sys.exit(1)
except dbus.DBusException as e:
    print("FAIL: %s" % e, flush=True)
    sys.exit(1)

state = {"call": None, "answered": False}


def on_note(line):
    words = line.split()
    if len(words) == 4 and words[0] == "CALL" and words[2] == "STATUS":
        if words[3] == "RINGING" and state["call"] is None:
            state["call"] = words[1]
            GLib.idle_add(answer)
        elif words[3] == "INPROGRESS" and words[1] == state["call"]:
            state["answered"] = True
            loop.quit()


def answer():
    try:
        expect("ALTER CALL %s ANSWER" % state["call"], ["ALTER CALL %s ANSWER" % state["call"]])
    except SystemExit as e:
        fail(str(e))
    return False


print("READY", flush=True)
GLib.timeout_add(10000, lambda: fail("FAIL: no answered call within 10 s; notes: %r" % notes))
loop.run()
if failure:
    print(failure[0] if failure[0].startswith("FAIL") else "FAIL: " + failure[0])
    sys.exit(1)
if not state["answered"]:
    print("FAIL: call never answered; notes: %r" % notes)
    sys.exit(1)
print("PASS", flush=True)
