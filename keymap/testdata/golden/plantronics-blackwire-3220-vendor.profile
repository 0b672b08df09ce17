report ids: true
ignored: output report 3 ffa0:0030: an output the driver has no state for
ignored: input report 3 ffa0:0030: vendor page 0xffa0: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 20 ffa0:00b1: vendor page 0xffa0: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 20 ffa0:00b2: vendor page 0xffa0: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 20 ffa0:00b5: vendor page 0xffa0: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 20 ffa0:00b7: vendor page 0xffa0: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 20 ffa0:00b3: vendor page 0xffa0: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: input report 21 ffa0:008c: vendor page 0xffa0: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: output report 25 ffa0:008d: an output the driver has no state for
ignored: output report 25 ffa0:008f: an output the driver has no state for
ignored: output report 25 ffa0:009e: an output the driver has no state for
ignored: output report 25 ffa0:00dc: an output the driver has no state for
ignored: output report 25 ffa0:00d2: an output the driver has no state for
ignored: output report 25 ffa0:00d9: an output the driver has no state for
ignored: output report 26 ffa0:00b5: an output the driver has no state for
ignored: input report 31 ffa0:009c: vendor page 0xffa0: its usage numbers are not Telephony usages, even where they match: look-alike
refused: no Telephony controls
