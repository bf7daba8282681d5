# UPduino v3.0/v3.1 (tinyVision.ai): iCE40UP5K-SG48, 12 MHz oscillator.
# The oscillator reaches the FPGA (pin 20) only once the "OSC" solder jumper
# (R16) is closed; see README.md.
DEVICE   := up5k
PACKAGE  := sg48
CLK_MHZ  := 12
# 12 MHz / 4 = 3 Mbaud on the FT232H's UART (ADBUS0 TXD, ADBUS1 RXD), which
# shares its lines with the SPI flash: see README.md.
BAUD     := 3000000
DIV      := 4
USB_ID   := 0403:6014
USB_IF   := 0
SYNTH_DEVICE := u
# SPI flash, for the flash tool: the same (only) FT232H interface, in MPSSE
# mode, so flashing and the UART link cannot run at the same time
# (boards/cables/ft232.mk).
CABLE    := ft232
