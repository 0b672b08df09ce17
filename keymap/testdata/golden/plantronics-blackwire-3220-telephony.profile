report ids: true
input 8: Phone Mute, toggle button (Telephony(000b):002f; bit 0)
input 8: Hook Switch, level (Telephony(000b):0020; bit 1)
input 8: key F (Telephony(000b):0021; bit 2)
output 9: LED Mute (LED(0008):0009)
output 23: LED Off-Hook (LED(0008):0017)
output 24: LED Ring (LED(0008):0018)
output 32: LED Hold (LED(0008):0020)
ignored: output report 30 LED(0008):001e: an output the driver has no state for
ignored: output report 42 LED(0008):002a: an output the driver has no state for
ringer: false
encode off-hook+mute: 09 01
encode off-hook+mute: 17 01
encode off-hook+mute: 18 00
encode off-hook+mute: 20 00
report 08 00:
report 08 02: [hook active=true]
report 08 03: [mute toggle]
report 08 02:
report 08 06: [key F down]
report 08 02: [key F up]
report 08 00: [hook active=false]
