report ids: true
input 2: Hook Switch, level (Telephony(000b):0020; bit 0)
input 2: Phone Mute, toggle button (Telephony(000b):002f; bit 2)
input 2: key F (Telephony(000b):0021; bit 3)
output 2: LED Off-Hook (LED(0008):0017)
output 2: LED Mute (LED(0008):0009)
output 2: LED Ring (LED(0008):0018)
output 2: LED Hold (LED(0008):0020)
output 2: LED Microphone (LED(0008):0021)
output 2: Ringer (Telephony(000b):009e)
ignored: input report 2 Telephony(000b):0097: a Telephony usage the profile has no Phone API meaning for
ignored: input report 2 Button(0009):0007: a Button usage: it has no Phone API meaning
ignored: output report 5 ff00:0001: an output the driver has no state for
ignored: input report 5 ff00:0001: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:0020: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:0097: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:002f: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:0021: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:fffd: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: output report 4 ff40:0017: an output the driver has no state for
ignored: output report 4 ff40:0009: an output the driver has no state for
ignored: output report 4 ff40:0018: an output the driver has no state for
ignored: output report 4 ff40:0020: an output the driver has no state for
ignored: output report 4 ff40:0021: an output the driver has no state for
ignored: output report 4 ff30:009e: an output the driver has no state for
ignored: input report 1 Consumer(000c):00ea: not on the Telephony page
ignored: input report 1 Consumer(000c):00e9: not on the Telephony page
ignored: input report 1 Consumer(000c):00e2: Consumer Mute (0x0C:0xE2) mutes the speaker for the desktop, not the call: look-alike
ringer: true
encode off-hook+mute: 02 03 00
report 02 00 00:
report 02 01 00: [hook active=true]
report 02 05 00: [mute toggle]
report 02 01 00:
report 02 09 00: [key F down]
report 02 01 00: [key F up]
report 01 04 00:
report 01 00 00:
report 02 00 00: [hook active=false]
