report ids: true
input 2: Hook Switch, level (Telephony(000b):0020; bit 0)
input 2: Phone Mute, toggle button (Telephony(000b):002f; bit 2)
input 2: key F (Telephony(000b):0021; bit 3)
input 2: key R (Telephony(000b):0024; bit 4)
input 2: key 0 (Telephony(000b):00b0; array of 1, logical 0..11, no value for none: 0 is none if the first report holds it)
input 2: key 1 (Telephony(000b):00b1; array of 1, logical 0..11, no value for none: 0 is none if the first report holds it)
input 2: key 2 (Telephony(000b):00b2; array of 1, logical 0..11, no value for none: 0 is none if the first report holds it)
input 2: key 3 (Telephony(000b):00b3; array of 1, logical 0..11, no value for none: 0 is none if the first report holds it)
input 2: key 4 (Telephony(000b):00b4; array of 1, logical 0..11, no value for none: 0 is none if the first report holds it)
input 2: key 5 (Telephony(000b):00b5; array of 1, logical 0..11, no value for none: 0 is none if the first report holds it)
input 2: key 6 (Telephony(000b):00b6; array of 1, logical 0..11, no value for none: 0 is none if the first report holds it)
input 2: key 7 (Telephony(000b):00b7; array of 1, logical 0..11, no value for none: 0 is none if the first report holds it)
input 2: key 8 (Telephony(000b):00b8; array of 1, logical 0..11, no value for none: 0 is none if the first report holds it)
input 2: key 9 (Telephony(000b):00b9; array of 1, logical 0..11, no value for none: 0 is none if the first report holds it)
input 2: key * (Telephony(000b):00ba; array of 1, logical 0..11, no value for none: 0 is none if the first report holds it)
input 2: key # (Telephony(000b):00bb; array of 1, logical 0..11, no value for none: 0 is none if the first report holds it)
output 2: LED Off-Hook (LED(0008):0017)
output 2: LED Mute (LED(0008):0009)
output 2: LED Ring (LED(0008):0018)
output 2: LED Hold (LED(0008):0020)
output 2: LED Microphone (LED(0008):0021)
output 2: Ringer (Telephony(000b):009e)
ignored: input report 2 Telephony(000b):0097: a Telephony usage the profile has no Phone API meaning for
ignored: input report 2 Telephony(000b):0050: a Telephony usage the profile has no Phone API meaning for
ignored: input report 2 Button(0009):0007: a Button usage: it has no Phone API meaning
ignored: input report 4 ff30:0020: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:0097: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:002f: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:0021: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:0024: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:fffd: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:0050: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:00b0: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:00b1: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:00b2: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:00b3: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:00b4: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:00b5: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:00b6: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:00b7: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:00b8: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:00b9: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:00ba: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:00bb: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: output report 4 ff40:0017: an output the driver has no state for
ignored: output report 4 ff40:0009: an output the driver has no state for
ignored: output report 4 ff40:0018: an output the driver has no state for
ignored: output report 4 ff40:0020: an output the driver has no state for
ignored: output report 4 ff40:0021: an output the driver has no state for
ignored: output report 4 ff30:009e: an output the driver has no state for
ignored: input report 8 ff60:0002: vendor page 0xff60: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: output report 5 ff00:0001: an output the driver has no state for
ignored: input report 5 ff00:0001: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 1 Consumer(000c):00ea: not on the Telephony page
ignored: input report 1 Consumer(000c):00e9: not on the Telephony page
ringer: true
encode off-hook+mute: 02 03 00
report 02 00 00:
report 02 01 00: [hook active=true]
report 02 81 02: [key 5 down]
report 02 01 00: [key 5 up]
report 02 81 05: [key # down]
report 02 01 00: [key # up]
report 02 05 00: [mute toggle]
report 02 01 00:
report 02 09 00: [key F down]
report 02 01 00: [key F up]
report 02 00 00: [hook active=false]
