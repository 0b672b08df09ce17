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
ignored: input report 1 Consumer(000c):00e9: not on the Telephony page
ignored: input report 1 Consumer(000c):00ea: not on the Telephony page
ignored: input report 1 Consumer(000c):0000: not on the Telephony page
ignored: input report 4 ff30:0020: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:0097: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:002f: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:0021: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:0024: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:0050: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:fffd: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
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
ignored: input report 4 ff30:002a: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 4 ff30:fffa: vendor page 0xff30: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: output report 4 ff40:0017: an output the driver has no state for
ignored: output report 4 ff40:0009: an output the driver has no state for
ignored: output report 4 ff40:0018: an output the driver has no state for
ignored: output report 4 ff40:0020: an output the driver has no state for
ignored: output report 4 ff40:0021: an output the driver has no state for
ignored: output report 19 ff99:0026: an output the driver has no state for
ignored: output report 19 ff99:0025: an output the driver has no state for
ignored: output report 19 ff99:ff10: an output the driver has no state for
ignored: output report 19 ff99:ff11: an output the driver has no state for
ignored: output report 20 ff99:0081: an output the driver has no state for
ignored: output report 20 ff99:0082: an output the driver has no state for
ignored: output report 20 ff99:0083: an output the driver has no state for
ignored: output report 20 ff99:0084: an output the driver has no state for
ignored: output report 20 ff99:0085: an output the driver has no state for
ignored: output report 20 ff99:0086: an output the driver has no state for
ignored: output report 20 ff99:0087: an output the driver has no state for
ignored: output report 20 ff99:0088: an output the driver has no state for
ignored: output report 20 ff99:0089: an output the driver has no state for
ignored: output report 20 ff99:008a: an output the driver has no state for
ignored: output report 20 ff99:ff22: an output the driver has no state for
ignored: output report 21 ff99:ff24: an output the driver has no state for
ignored: output report 21 ff99:ff2c: an output the driver has no state for
ignored: output report 22 ff99:ff18: an output the driver has no state for
ignored: output report 22 ff99:ff1a: an output the driver has no state for
ignored: output report 22 ff99:ff1b: an output the driver has no state for
ignored: output report 22 ff99:ff1f: an output the driver has no state for
ignored: output report 22 ff99:ff20: an output the driver has no state for
ignored: output report 22 ff99:ff1c: an output the driver has no state for
ignored: output report 200 ff00:0000: an output the driver has no state for
ignored: output report 200 ff00:0001: an output the driver has no state for
ignored: output report 200 ff00:0002: an output the driver has no state for
ignored: output report 200 ff00:0003: an output the driver has no state for
ignored: output report 200 ff00:0004: an output the driver has no state for
ignored: output report 200 ff00:0005: an output the driver has no state for
ignored: output report 200 ff00:0006: an output the driver has no state for
ignored: output report 200 ff00:0007: an output the driver has no state for
ignored: output report 200 ff00:0008: an output the driver has no state for
ignored: output report 200 ff00:0009: an output the driver has no state for
ignored: output report 200 ff00:000a: an output the driver has no state for
ignored: output report 200 ff00:000b: an output the driver has no state for
ignored: output report 200 ff00:000c: an output the driver has no state for
ignored: output report 200 ff00:000d: an output the driver has no state for
ignored: output report 200 ff00:000e: an output the driver has no state for
ignored: output report 200 ff00:000f: an output the driver has no state for
ignored: output report 200 ff00:0010: an output the driver has no state for
ignored: output report 200 ff00:0011: an output the driver has no state for
ignored: output report 200 ff00:0012: an output the driver has no state for
ignored: output report 200 ff00:0013: an output the driver has no state for
ignored: output report 200 ff00:0014: an output the driver has no state for
ignored: output report 200 ff00:0015: an output the driver has no state for
ignored: output report 200 ff00:0016: an output the driver has no state for
ignored: output report 200 ff00:0017: an output the driver has no state for
ignored: output report 200 ff00:0018: an output the driver has no state for
ignored: output report 200 ff00:0019: an output the driver has no state for
ignored: output report 200 ff00:001a: an output the driver has no state for
ignored: output report 200 ff00:001b: an output the driver has no state for
ignored: output report 200 ff00:001c: an output the driver has no state for
ignored: output report 200 ff00:001d: an output the driver has no state for
ignored: output report 200 ff00:001e: an output the driver has no state for
ignored: output report 200 ff00:001f: an output the driver has no state for
ignored: output report 200 ff00:0020: an output the driver has no state for
ignored: output report 200 ff00:0021: an output the driver has no state for
ignored: output report 200 ff00:0022: an output the driver has no state for
ignored: output report 200 ff00:0023: an output the driver has no state for
ignored: output report 200 ff00:0024: an output the driver has no state for
ignored: output report 200 ff00:0025: an output the driver has no state for
ignored: output report 200 ff00:0026: an output the driver has no state for
ignored: output report 200 ff00:0027: an output the driver has no state for
ignored: output report 200 ff00:0028: an output the driver has no state for
ignored: output report 200 ff00:0029: an output the driver has no state for
ignored: output report 200 ff00:002a: an output the driver has no state for
ignored: output report 200 ff00:002b: an output the driver has no state for
ignored: output report 200 ff00:002c: an output the driver has no state for
ignored: output report 200 ff00:002d: an output the driver has no state for
ignored: output report 200 ff00:002e: an output the driver has no state for
ignored: output report 200 ff00:002f: an output the driver has no state for
ignored: output report 200 ff00:0030: an output the driver has no state for
ignored: output report 200 ff00:0031: an output the driver has no state for
ignored: output report 200 ff00:0032: an output the driver has no state for
ignored: output report 200 ff00:0033: an output the driver has no state for
ignored: output report 200 ff00:0034: an output the driver has no state for
ignored: output report 200 ff00:0035: an output the driver has no state for
ignored: output report 200 ff00:0036: an output the driver has no state for
ignored: output report 200 ff00:0037: an output the driver has no state for
ignored: output report 200 ff00:0038: an output the driver has no state for
ignored: output report 200 ff00:0039: an output the driver has no state for
ignored: output report 200 ff00:003a: an output the driver has no state for
ignored: output report 200 ff00:003b: an output the driver has no state for
ignored: output report 200 ff00:003c: an output the driver has no state for
ignored: output report 200 ff00:003d: an output the driver has no state for
ignored: output report 200 ff00:003e: an output the driver has no state for
ignored: output report 200 ff00:003f: an output the driver has no state for
ignored: output report 200 ff00:0040: an output the driver has no state for
ignored: output report 200 ff00:0041: an output the driver has no state for
ignored: output report 200 ff00:0042: an output the driver has no state for
ignored: output report 200 ff00:0043: an output the driver has no state for
ignored: output report 200 ff00:0044: an output the driver has no state for
ignored: output report 200 ff00:0045: an output the driver has no state for
ignored: output report 200 ff00:0046: an output the driver has no state for
ignored: output report 200 ff00:0047: an output the driver has no state for
ignored: output report 200 ff00:0048: an output the driver has no state for
ignored: output report 200 ff00:0049: an output the driver has no state for
ignored: output report 200 ff00:004a: an output the driver has no state for
ignored: output report 200 ff00:004b: an output the driver has no state for
ignored: output report 200 ff00:004c: an output the driver has no state for
ignored: output report 200 ff00:004d: an output the driver has no state for
ignored: output report 200 ff00:004e: an output the driver has no state for
ignored: output report 200 ff00:004f: an output the driver has no state for
ignored: output report 200 ff00:0050: an output the driver has no state for
ignored: output report 200 ff00:0051: an output the driver has no state for
ignored: output report 200 ff00:0052: an output the driver has no state for
ignored: output report 200 ff00:0053: an output the driver has no state for
ignored: output report 200 ff00:0054: an output the driver has no state for
ignored: output report 200 ff00:0055: an output the driver has no state for
ignored: output report 200 ff00:0056: an output the driver has no state for
ignored: output report 200 ff00:0057: an output the driver has no state for
ignored: output report 200 ff00:0058: an output the driver has no state for
ignored: output report 200 ff00:0059: an output the driver has no state for
ignored: output report 200 ff00:005a: an output the driver has no state for
ignored: output report 200 ff00:005b: an output the driver has no state for
ignored: output report 200 ff00:005c: an output the driver has no state for
ignored: output report 200 ff00:005d: an output the driver has no state for
ignored: output report 200 ff00:005e: an output the driver has no state for
ignored: output report 200 ff00:005f: an output the driver has no state for
ignored: output report 200 ff00:0060: an output the driver has no state for
ignored: output report 200 ff00:0061: an output the driver has no state for
ignored: output report 200 ff00:0062: an output the driver has no state for
ignored: output report 200 ff00:0063: an output the driver has no state for
ignored: output report 200 ff00:0064: an output the driver has no state for
ignored: output report 200 ff00:0065: an output the driver has no state for
ignored: output report 200 ff00:0066: an output the driver has no state for
ignored: output report 200 ff00:0067: an output the driver has no state for
ignored: output report 200 ff00:0068: an output the driver has no state for
ignored: output report 200 ff00:0069: an output the driver has no state for
ignored: output report 200 ff00:006a: an output the driver has no state for
ignored: output report 200 ff00:006b: an output the driver has no state for
ignored: output report 200 ff00:006c: an output the driver has no state for
ignored: output report 200 ff00:006d: an output the driver has no state for
ignored: output report 200 ff00:006e: an output the driver has no state for
ignored: output report 200 ff00:006f: an output the driver has no state for
ignored: output report 200 ff00:0070: an output the driver has no state for
ignored: output report 200 ff00:0071: an output the driver has no state for
ignored: output report 200 ff00:0072: an output the driver has no state for
ignored: output report 200 ff00:0073: an output the driver has no state for
ignored: output report 200 ff00:0074: an output the driver has no state for
ignored: output report 200 ff00:0075: an output the driver has no state for
ignored: output report 200 ff00:0076: an output the driver has no state for
ignored: output report 200 ff00:0077: an output the driver has no state for
ignored: output report 200 ff00:0078: an output the driver has no state for
ignored: output report 200 ff00:0079: an output the driver has no state for
ignored: output report 200 ff00:007a: an output the driver has no state for
ignored: output report 200 ff00:007b: an output the driver has no state for
ignored: output report 200 ff00:007c: an output the driver has no state for
ignored: output report 200 ff00:007d: an output the driver has no state for
ignored: output report 200 ff00:007e: an output the driver has no state for
ignored: output report 200 ff00:007f: an output the driver has no state for
ignored: output report 200 ff00:0080: an output the driver has no state for
ignored: output report 200 ff00:0081: an output the driver has no state for
ignored: output report 200 ff00:0082: an output the driver has no state for
ignored: output report 200 ff00:0083: an output the driver has no state for
ignored: output report 200 ff00:0084: an output the driver has no state for
ignored: output report 200 ff00:0085: an output the driver has no state for
ignored: output report 200 ff00:0086: an output the driver has no state for
ignored: output report 200 ff00:0087: an output the driver has no state for
ignored: output report 200 ff00:0088: an output the driver has no state for
ignored: output report 200 ff00:0089: an output the driver has no state for
ignored: output report 200 ff00:008a: an output the driver has no state for
ignored: output report 200 ff00:008b: an output the driver has no state for
ignored: output report 200 ff00:008c: an output the driver has no state for
ignored: output report 200 ff00:008d: an output the driver has no state for
ignored: output report 200 ff00:008e: an output the driver has no state for
ignored: output report 200 ff00:008f: an output the driver has no state for
ignored: output report 200 ff00:0090: an output the driver has no state for
ignored: output report 200 ff00:0091: an output the driver has no state for
ignored: output report 200 ff00:0092: an output the driver has no state for
ignored: output report 200 ff00:0093: an output the driver has no state for
ignored: output report 200 ff00:0094: an output the driver has no state for
ignored: output report 200 ff00:0095: an output the driver has no state for
ignored: output report 200 ff00:0096: an output the driver has no state for
ignored: output report 200 ff00:0097: an output the driver has no state for
ignored: output report 200 ff00:0098: an output the driver has no state for
ignored: output report 200 ff00:0099: an output the driver has no state for
ignored: output report 200 ff00:009a: an output the driver has no state for
ignored: output report 200 ff00:009b: an output the driver has no state for
ignored: output report 200 ff00:009c: an output the driver has no state for
ignored: output report 200 ff00:009d: an output the driver has no state for
ignored: output report 200 ff00:009e: an output the driver has no state for
ignored: output report 200 ff00:009f: an output the driver has no state for
ignored: output report 200 ff00:00a0: an output the driver has no state for
ignored: output report 200 ff00:00a1: an output the driver has no state for
ignored: output report 200 ff00:00a2: an output the driver has no state for
ignored: output report 200 ff00:00a3: an output the driver has no state for
ignored: output report 200 ff00:00a4: an output the driver has no state for
ignored: output report 200 ff00:00a5: an output the driver has no state for
ignored: output report 200 ff00:00a6: an output the driver has no state for
ignored: output report 200 ff00:00a7: an output the driver has no state for
ignored: output report 200 ff00:00a8: an output the driver has no state for
ignored: output report 200 ff00:00a9: an output the driver has no state for
ignored: output report 200 ff00:00aa: an output the driver has no state for
ignored: output report 200 ff00:00ab: an output the driver has no state for
ignored: output report 200 ff00:00ac: an output the driver has no state for
ignored: output report 200 ff00:00ad: an output the driver has no state for
ignored: output report 200 ff00:00ae: an output the driver has no state for
ignored: output report 200 ff00:00af: an output the driver has no state for
ignored: output report 200 ff00:00b0: an output the driver has no state for
ignored: output report 200 ff00:00b1: an output the driver has no state for
ignored: output report 200 ff00:00b2: an output the driver has no state for
ignored: output report 200 ff00:00b3: an output the driver has no state for
ignored: output report 200 ff00:00b4: an output the driver has no state for
ignored: output report 200 ff00:00b5: an output the driver has no state for
ignored: output report 200 ff00:00b6: an output the driver has no state for
ignored: output report 200 ff00:00b7: an output the driver has no state for
ignored: output report 200 ff00:00b8: an output the driver has no state for
ignored: output report 200 ff00:00b9: an output the driver has no state for
ignored: output report 200 ff00:00ba: an output the driver has no state for
ignored: output report 200 ff00:00bb: an output the driver has no state for
ignored: output report 200 ff00:00bc: an output the driver has no state for
ignored: output report 200 ff00:00bd: an output the driver has no state for
ignored: output report 200 ff00:00be: an output the driver has no state for
ignored: output report 200 ff00:00bf: an output the driver has no state for
ignored: output report 200 ff00:00c0: an output the driver has no state for
ignored: output report 200 ff00:00c1: an output the driver has no state for
ignored: output report 200 ff00:00c2: an output the driver has no state for
ignored: output report 200 ff00:00c3: an output the driver has no state for
ignored: output report 200 ff00:00c4: an output the driver has no state for
ignored: output report 200 ff00:00c5: an output the driver has no state for
ignored: output report 200 ff00:00c6: an output the driver has no state for
ignored: output report 200 ff00:00c7: an output the driver has no state for
ignored: output report 200 ff00:00c8: an output the driver has no state for
ignored: output report 200 ff00:00c9: an output the driver has no state for
ignored: output report 200 ff00:00ca: an output the driver has no state for
ignored: output report 200 ff00:00cb: an output the driver has no state for
ignored: output report 200 ff00:00cc: an output the driver has no state for
ignored: output report 200 ff00:00cd: an output the driver has no state for
ignored: output report 200 ff00:00ce: an output the driver has no state for
ignored: output report 200 ff00:00cf: an output the driver has no state for
ignored: output report 200 ff00:00d0: an output the driver has no state for
ignored: output report 200 ff00:00d1: an output the driver has no state for
ignored: output report 200 ff00:00d2: an output the driver has no state for
ignored: output report 200 ff00:00d3: an output the driver has no state for
ignored: output report 200 ff00:00d4: an output the driver has no state for
ignored: output report 200 ff00:00d5: an output the driver has no state for
ignored: output report 200 ff00:00d6: an output the driver has no state for
ignored: output report 200 ff00:00d7: an output the driver has no state for
ignored: output report 200 ff00:00d8: an output the driver has no state for
ignored: output report 200 ff00:00d9: an output the driver has no state for
ignored: output report 200 ff00:00da: an output the driver has no state for
ignored: output report 200 ff00:00db: an output the driver has no state for
ignored: output report 200 ff00:00dc: an output the driver has no state for
ignored: output report 200 ff00:00dd: an output the driver has no state for
ignored: output report 200 ff00:00de: an output the driver has no state for
ignored: output report 200 ff00:00df: an output the driver has no state for
ignored: output report 200 ff00:00e0: an output the driver has no state for
ignored: output report 200 ff00:00e1: an output the driver has no state for
ignored: output report 200 ff00:00e2: an output the driver has no state for
ignored: output report 200 ff00:00e3: an output the driver has no state for
ignored: output report 200 ff00:00e4: an output the driver has no state for
ignored: output report 200 ff00:00e5: an output the driver has no state for
ignored: output report 200 ff00:00e6: an output the driver has no state for
ignored: output report 200 ff00:00e7: an output the driver has no state for
ignored: output report 200 ff00:00e8: an output the driver has no state for
ignored: output report 200 ff00:00e9: an output the driver has no state for
ignored: output report 200 ff00:00ea: an output the driver has no state for
ignored: output report 200 ff00:00eb: an output the driver has no state for
ignored: output report 200 ff00:00ec: an output the driver has no state for
ignored: output report 200 ff00:00ed: an output the driver has no state for
ignored: output report 200 ff00:00ee: an output the driver has no state for
ignored: output report 200 ff00:00ef: an output the driver has no state for
ignored: output report 200 ff00:00f0: an output the driver has no state for
ignored: output report 200 ff00:00f1: an output the driver has no state for
ignored: output report 200 ff00:00f2: an output the driver has no state for
ignored: output report 200 ff00:00f3: an output the driver has no state for
ignored: output report 200 ff00:00f4: an output the driver has no state for
ignored: output report 200 ff00:00f5: an output the driver has no state for
ignored: output report 200 ff00:00f6: an output the driver has no state for
ignored: output report 200 ff00:00f7: an output the driver has no state for
ignored: output report 200 ff00:00f8: an output the driver has no state for
ignored: output report 200 ff00:00f9: an output the driver has no state for
ignored: output report 200 ff00:00fa: an output the driver has no state for
ignored: output report 200 ff00:00fb: an output the driver has no state for
ignored: output report 200 ff00:00fc: an output the driver has no state for
ignored: output report 200 ff00:00fd: an output the driver has no state for
ignored: output report 200 ff00:00fe: an output the driver has no state for
ignored: output report 200 ff00:00ff: an output the driver has no state for
ignored: input report 200 ff00:0000: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0001: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0002: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0003: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0004: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0005: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0006: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0007: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0008: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0009: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:000a: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:000b: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:000c: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:000d: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:000e: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:000f: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0010: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0011: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0012: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0013: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0014: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0015: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0016: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0017: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0018: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0019: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:001a: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:001b: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:001c: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:001d: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:001e: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:001f: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0020: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0021: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0022: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0023: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0024: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0025: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0026: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0027: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0028: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0029: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:002a: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:002b: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:002c: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:002d: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:002e: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:002f: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0030: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0031: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0032: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0033: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0034: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0035: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0036: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0037: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0038: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0039: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:003a: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:003b: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:003c: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:003d: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:003e: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:003f: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0040: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0041: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0042: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0043: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0044: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0045: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0046: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0047: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0048: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0049: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:004a: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:004b: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:004c: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:004d: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:004e: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:004f: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0050: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0051: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0052: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0053: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0054: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0055: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0056: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0057: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0058: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0059: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:005a: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:005b: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:005c: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:005d: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:005e: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:005f: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0060: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0061: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0062: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0063: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0064: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0065: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0066: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0067: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0068: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0069: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:006a: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:006b: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:006c: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:006d: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:006e: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:006f: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0070: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0071: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0072: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0073: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0074: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0075: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0076: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0077: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0078: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0079: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:007a: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:007b: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:007c: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:007d: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:007e: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:007f: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0080: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0081: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0082: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0083: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0084: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0085: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0086: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0087: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0088: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0089: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:008a: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:008b: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:008c: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:008d: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:008e: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:008f: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0090: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0091: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0092: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0093: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0094: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0095: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0096: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0097: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0098: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:0099: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:009a: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:009b: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:009c: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:009d: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:009e: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:009f: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00a0: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00a1: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00a2: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00a3: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00a4: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00a5: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00a6: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00a7: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00a8: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00a9: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00aa: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00ab: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00ac: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00ad: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00ae: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00af: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00b0: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00b1: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00b2: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00b3: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00b4: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00b5: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00b6: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00b7: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00b8: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00b9: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00ba: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00bb: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00bc: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00bd: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00be: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00bf: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00c0: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00c1: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00c2: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00c3: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00c4: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00c5: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00c6: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00c7: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00c8: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00c9: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00ca: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00cb: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00cc: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00cd: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00ce: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00cf: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00d0: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00d1: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00d2: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00d3: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00d4: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00d5: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00d6: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00d7: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00d8: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00d9: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00da: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00db: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00dc: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00dd: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00de: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00df: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00e0: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00e1: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00e2: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00e3: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00e4: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00e5: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00e6: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00e7: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00e8: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00e9: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00ea: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00eb: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00ec: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00ed: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00ee: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00ef: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00f0: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00f1: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00f2: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00f3: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00f4: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00f5: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00f6: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00f7: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00f8: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00f9: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00fa: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00fb: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00fc: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00fd: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00fe: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 200 ff00:00ff: vendor page 0xff00: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 155 ff99:0004: vendor page 0xff99: its usage numbers are not Telephony usages, even where they match: look-alike
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
