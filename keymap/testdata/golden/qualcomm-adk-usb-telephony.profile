report ids: true
input 2: Phone Mute, toggle button (Telephony(000b):002f; bit 0)
input 2: Hook Switch, level (Telephony(000b):0020; bit 1)
input 2: key F (Telephony(000b):0021; bit 2)
output 9: LED Mute (LED(0008):0009)
output 32: LED Hold (LED(0008):0020)
output 23: LED Off-Hook (LED(0008):0017)
output 24: LED Ring (LED(0008):0018)
ignored: input report 1 Consumer(000c):00cd: not on the Telephony page
ignored: input report 1 Consumer(000c):00b5: not on the Telephony page
ignored: input report 1 Consumer(000c):00b6: not on the Telephony page
ignored: input report 1 Consumer(000c):00b7: not on the Telephony page
ignored: input report 1 Consumer(000c):00b0: not on the Telephony page
ignored: input report 1 Consumer(000c):00b1: not on the Telephony page
ignored: input report 1 Consumer(000c):00b3: not on the Telephony page
ignored: input report 1 Consumer(000c):00b4: not on the Telephony page
ignored: input report 1 Consumer(000c):00e9: not on the Telephony page
ignored: input report 1 Consumer(000c):00ea: not on the Telephony page
ignored: input report 1 Consumer(000c):00e2: Consumer Mute (0x0C:0xE2) mutes the speaker for the desktop, not the call: look-alike
ignored: input report 2 Telephony(000b):0007: a Telephony usage the profile has no Phone API meaning for
ignored: input report 2 Button(0009):0001: a Button usage: it has no Phone API meaning
ringer: false
encode off-hook+mute: 09 01
encode off-hook+mute: 20 00
encode off-hook+mute: 17 01
encode off-hook+mute: 18 00
report 02 00 00:
report 02 02 00: [hook active=true]
report 02 03 00: [mute toggle]
report 02 02 00:
report 01 00 04:
report 01 00 00:
report 02 00: [hook active=false]
