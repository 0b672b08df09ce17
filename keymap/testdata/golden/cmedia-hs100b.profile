report ids: false
input 0: Phone Mute, level (Telephony(000b):002f; bit 3)
input 0: Hook Switch, toggle button (Telephony(000b):0020; bit 4)
ignored: input report 0 Consumer(000c):00e9: not on the Telephony page
ignored: input report 0 Consumer(000c):00ea: not on the Telephony page
ignored: input report 0 Consumer(000c):00e2: Consumer Mute (0x0C:0xE2) mutes the speaker for the desktop, not the call: look-alike
ignored: input report 0 Consumer(000c):0000: not on the Telephony page
ignored: input report 0 Consumer(000c):0000: not on the Telephony page
ignored: output report 0 Consumer(000c):0000: an output the driver has no state for
ringer: false
report 00 00 00 00 00:
report 00 08 00 00 00: [mute active=true]
report 00 09 00 00 00:
report 00 08 00 00 00:
report 00 0c 00 00 00:
report 00 08 00 00 00:
report 00 00 00 00 00: [mute active=false]
