report ids: true
ignored: input report 1 Consumer(000c):00e9: not on the Telephony page
ignored: input report 1 Consumer(000c):00ea: not on the Telephony page
ignored: input report 17 ff43:0002: vendor page 0xff43: its usage numbers are not Telephony usages, even where they match: look-alike
ignored: output report 17 ff43:0002: an output the driver has no state for
refused: no Telephony controls
