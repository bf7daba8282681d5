# Glasgow revC: iCE40HX8K-BG121 behind a Cypress FX2LP; no oscillator of its
# own, the bridge runs on the FX2's 48 MHz IFCLK. LINK fx2: the slave-FIFO
# PHY and hil's FX2 firmware (firmware/fx2, docs/fx2.md) instead of a UART
# on an FTDI chip. USB_ID: what the FX2 shows once hil's firmware runs;
# USB_ID_BOOT: what it shows before, from its boot ROM.
DEVICE   := hx8k
PACKAGE  := bg121
LINK     := fx2
CLK_MHZ  := 48
USB_ID   := 1209:0001
USB_ID_BOOT := 04b4:8613
SYNTH_DEVICE := hx
