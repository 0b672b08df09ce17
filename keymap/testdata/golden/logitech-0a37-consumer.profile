report ids: true
ignored: input report 1 Consumer(000c):00e9: not on the Telephony page
ignored: input report 1 Consumer(000c):00ea: not on the Telephony page
ignored: input report 1 Consumer(000c):00e2: Consumer Mute (0x0C:0xE2) mutes the speaker for the desktop, not the call: look-alike
ignored: input report 1 Button(0009):0001: a Button usage: it has no Phone API meaning
ignored: input report 1 Button(0009):0002: a Button usage: it has no Phone API meaning
ignored: input report 2 Consumer(000c):0000: not on the Telephony page
ignored: output report 3 Consumer(000c):0000: an output the driver has no state for
ignored: output report 4 Consumer(000c):0000: an output the driver has no state for
ignored: input report 5 Consumer(000c):0000: not on the Telephony page
ignored: output report 6 Consumer(000c):0000: an output the driver has no state for
ignored: input report 7 Consumer(000c):0000: not on the Telephony page
refused: no Telephony controls
