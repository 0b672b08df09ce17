report ids: true
input 8: Phone Mute, toggle button (Telephony(000b):002f; bit 0)
input 8: Hook Switch, level (Telephony(000b):0020; bit 1)
input 8: key R (Telephony(000b):0024; bit 2)
input 8: key F (Telephony(000b):0021; bit 3)
input 8: key NO (Telephony(000b):0026; bit 4)
output 9: LED Mute (LED(0008):0009)
output 9: LED Off-Hook (LED(0008):0017)
output 9: LED Ring (LED(0008):0018)
output 9: LED Microphone (LED(0008):0021)
output 9: LED Hold (LED(0008):0020)
ignored: input report 25 Consumer(000c):00e9: not on the Telephony page
ignored: input report 25 Consumer(000c):00ea: not on the Telephony page
ignored: input report 25 Consumer(000c):00cd: not on the Telephony page
ignored: input report 25 Consumer(000c):00b0: not on the Telephony page
ignored: input report 25 Consumer(000c):00b1: not on the Telephony page
ignored: input report 26 Consumer(000c):0000: not on the Telephony page
ignored: output report 4 Consumer(000c):0000: an output the driver has no state for
ignored: input report 5 Consumer(000c):0000: not on the Telephony page
ignored: output report 6 Consumer(000c):0000: an output the driver has no state for
ignored: input report 7 Consumer(000c):0000: not on the Telephony page
ignored: input report 8 Telephony(000b):0007: a Telephony usage the profile has no Phone API meaning for
ignored: input report 8 Button(0009):0001: a Button usage: it has no Phone API meaning
ignored: output report 9 LED(0008):002a: an output the driver has no state for
ignored: input report 1 ffff:0001: vendor page 0xffff: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: output report 1 ffff:0002: an output the driver has no state for
ignored: input report 2 ff13:0020: vendor page 0xff13: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 2 ff13:0021: vendor page 0xff13: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 2 ff13:0024: vendor page 0xff13: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 2 ff13:002f: vendor page 0xff13: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 2 ff13:0026: vendor page 0xff13: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 2 ff13:0007: vendor page 0xff13: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 2 Button(0009):0001: a Button usage: it has no Phone API meaning
ignored: output report 2 ff13:009e: an output the driver has no state for
ignored: output report 2 ff95:0017: an output the driver has no state for
ignored: output report 2 ff95:0021: an output the driver has no state for
ignored: output report 2 ff95:0018: an output the driver has no state for
ignored: output report 2 ff95:0009: an output the driver has no state for
ignored: output report 2 ff95:002a: an output the driver has no state for
ignored: output report 2 ff95:0020: an output the driver has no state for
ignored: output report 2 ff95:0003: an output the driver has no state for
ringer: false
encode off-hook+mute: 09 03
report 08 00:
report 08 02: [hook active=true]
report 08 03: [mute toggle]
report 08 02:
report 08 12: [key NO down]
report 08 02: [key NO up]
report 08 00: [hook active=false]
