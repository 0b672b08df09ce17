report ids: true
input 5: Hook Switch, level (Telephony(000b):0020; bit 0)
input 5: Phone Mute, toggle button (Telephony(000b):002f; bit 1)
input 5: key R (Telephony(000b):0024; bit 2)
input 5: key F (Telephony(000b):0021; bit 3)
output 5: LED Off-Hook (LED(0008):0017)
output 5: LED Mute (LED(0008):0009)
output 5: LED Ring (LED(0008):0018)
output 5: LED Hold (LED(0008):0020)
output 5: LED Microphone (LED(0008):0021)
ignored: input report 5 Telephony(000b):0097: a Telephony usage the profile has no Phone API meaning for
ignored: input report 5 Telephony(000b):002a: a Telephony usage the profile has no Phone API meaning for
ignored: input report 5 Telephony(000b):0050: a Telephony usage the profile has no Phone API meaning for
ignored: input report 5 Telephony(000b):0007: a Telephony usage the profile has no Phone API meaning for
ignored: input report 5 Button(0009):0001: a Button usage: it has no Phone API meaning
ignored: output report 5 LED(0008):002a: an output the driver has no state for
ringer: false
encode off-hook+mute: 05 03
report 05 00:
report 05 01: [hook active=true]
report 05 03: [mute toggle]
report 05 01:
report 05 05: [key R down]
report 05 01: [key R up]
report 05 00: [hook active=false]
