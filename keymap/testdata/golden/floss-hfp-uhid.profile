report ids: true
input 1: Hook Switch, level (Telephony(000b):0020; bit 0, Constant but a Telephony control: data)
input 1: Phone Mute, level (Telephony(000b):002f; bit 1, Constant but a Telephony control: data)
output 1: LED Ring (LED(0008):0018)
output 1: LED Off-Hook (LED(0008):0017)
output 1: LED Mute (LED(0008):0009)
ringer: false
encode off-hook+mute: 01 06
report 01 00:
report 01 01: [hook active=true]
report 01 03: [mute active=true]
report 01 03:
report 01 01: [mute active=false]
report 01 00: [hook active=false]
