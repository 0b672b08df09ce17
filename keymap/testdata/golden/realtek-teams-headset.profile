report ids: true
input 11: Hook Switch, toggle button (Telephony(000b):0020; bit 0)
input 11: Phone Mute, toggle button (Telephony(000b):002f; bit 1)
input 11: key R (Telephony(000b):0024; bit 2)
input 11: key F (Telephony(000b):0021; bit 3)
input 11: key NO (Telephony(000b):0026; bit 4)
output 11: LED Off-Hook (LED(0008):0017)
output 11: LED Mute (LED(0008):0009)
output 11: LED Ring (LED(0008):0018)
output 11: LED Microphone (LED(0008):0021)
output 11: LED Hold (LED(0008):0020)
ignored: input report 11 Telephony(000b):0007: a Telephony usage the profile has no Phone API meaning for
ignored: input report 11 Button(0009):0001: a Button usage: it has no Phone API meaning
ignored: output report 11 LED(0008):002a: an output the driver has no state for
ignored: input report 155 ff99:0004: vendor page 0xff99: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 1 Consumer(000c):00e9: not on the Telephony page
ignored: input report 1 Consumer(000c):00ea: not on the Telephony page
ignored: input report 1 Consumer(000c):00cd: not on the Telephony page
ignored: input report 1 Consumer(000c):00b5: not on the Telephony page
ignored: input report 1 Consumer(000c):00b6: not on the Telephony page
ringer: false
encode off-hook+mute: 0b 03
report 0b 00:
report 0b 01: [hook toggle]
report 0b 00:
report 0b 02: [mute toggle]
report 0b 00:
report 0b 10: [key NO down]
report 0b 00: [key NO up]
report 9b 01:
report 9b 00:
report 01 04:
report 01 00:
