report ids: true
input 2: Hook Switch, level (Telephony(000b):0020; bit 2)
input 2: key F (Telephony(000b):0021; bit 3)
input 2: key R (Telephony(000b):0024; bit 4)
input 2: Phone Mute, toggle button (Telephony(000b):002f; bit 5)
input 2: key NO (Telephony(000b):0026; bit 6)
output 3: Ringer (Telephony(000b):009e)
output 3: LED Off-Hook (LED(0008):0017)
output 3: LED Microphone (LED(0008):0021)
output 3: LED Ring (LED(0008):0018)
output 3: LED Mute (LED(0008):0009)
output 3: LED Hold (LED(0008):0020)
ignored: input report 2 Consumer(000c):00ea: not on the Telephony page
ignored: input report 2 Consumer(000c):00e9: not on the Telephony page
ignored: input report 2 Telephony(000b):0007: a Telephony usage the profile has no Phone API meaning for
ignored: input report 2 Button(0009):0001: a Button usage: it has no Phone API meaning
ignored: output report 3 LED(0008):002a: an output the driver has no state for
ignored: input report 1 Consumer(000c):00ea: not on the Telephony page
ignored: input report 1 Consumer(000c):00e9: not on the Telephony page
ignored: input report 88 ff58:0001: vendor page 0xff58: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: output report 88 ff58:0001: an output the driver has no state for
ignored: input report 4 ff13:0020: vendor page 0xff13: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff13:0021: vendor page 0xff13: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff13:0024: vendor page 0xff13: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff13:002f: vendor page 0xff13: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff13:0026: vendor page 0xff13: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff13:0007: vendor page 0xff13: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 Button(0009):0001: a Button usage: it has no Phone API meaning
ignored: output report 5 ff13:009e: an output the driver has no state for
ignored: output report 5 ff95:0017: an output the driver has no state for
ignored: output report 5 ff95:0021: an output the driver has no state for
ignored: output report 5 ff95:0018: an output the driver has no state for
ignored: output report 5 ff95:0009: an output the driver has no state for
ignored: output report 5 ff95:002a: an output the driver has no state for
ignored: output report 5 ff95:0020: an output the driver has no state for
ignored: output report 5 ff95:0003: an output the driver has no state for
ringer: true
encode off-hook+mute: 03 12
report 02 00 00:
report 02 04 00: [hook active=true]
report 02 24 00: [mute toggle]
report 02 04 00:
report 02 06 00:
report 02 04 00:
report 02 00 00: [hook active=false]
