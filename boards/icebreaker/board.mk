# iCEBreaker v1.0 (1BitSquared): iCE40UP5K-SG48, 12 MHz oscillator.
DEVICE   := up5k
PACKAGE  := sg48
CLK_MHZ  := 12
# 12 MHz / 4 = 3 Mbaud on the FT2232H's channel B UART.
BAUD     := 3000000
DIV      := 4
USB_ID   := 0403:6010
USB_IF   := 1
SYNTH_DEVICE := u
# SPI flash, for the flash tool: the FT2232H's channel A in MPSSE mode
# with iceprog's pins (boards/cables/ft2232.mk).
CABLE    := ft2232
