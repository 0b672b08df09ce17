report ids: false
input 0: Hook Switch, toggle button (Telephony(000b):0020; array of 1, logical 0..17)
input 0: key F (Telephony(000b):0021; array of 1, logical 0..17)
input 0: key NO (Telephony(000b):0026; array of 1, logical 0..17)
input 0: Phone Mute, toggle button (Telephony(000b):002f; array of 1, logical 0..17)
input 0: key 0 (Telephony(000b):00b0; array of 1, logical 0..17)
input 0: key 1 (Telephony(000b):00b1; array of 1, logical 0..17)
input 0: key 2 (Telephony(000b):00b2; array of 1, logical 0..17)
input 0: key 3 (Telephony(000b):00b3; array of 1, logical 0..17)
input 0: key 4 (Telephony(000b):00b4; array of 1, logical 0..17)
input 0: key 5 (Telephony(000b):00b5; array of 1, logical 0..17)
input 0: key 6 (Telephony(000b):00b6; array of 1, logical 0..17)
input 0: key 7 (Telephony(000b):00b7; array of 1, logical 0..17)
input 0: key 8 (Telephony(000b):00b8; array of 1, logical 0..17)
input 0: key 9 (Telephony(000b):00b9; array of 1, logical 0..17)
input 0: key * (Telephony(000b):00ba; array of 1, logical 0..17)
input 0: key # (Telephony(000b):00bb; array of 1, logical 0..17)
ignored: input report 0 Keyboard(0007):002a: not on the Telephony page
ringer: false
report 00 00:
report 00 06: [key 1 down]
report 00 00: [key 1 up]
report 00 01: [hook toggle]
report 00 00:
report 00 04: [mute toggle]
report 00 00:
report 00 03: [key NO down]
report 00 00: [key NO up]
report 00 11:
report 00 00:
