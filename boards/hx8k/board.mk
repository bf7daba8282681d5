# Lattice iCE40-HX8K breakout board: iCE40HX8K-CT256, 12 MHz oscillator.
DEVICE   := hx8k
PACKAGE  := ct256
OSC_MHZ  := 12
# The bridge runs at 36 MHz from the PLL (12 * 48 / 2^4, VCO 576 MHz: the
# values `icepll -i 12 -o 36` gives), which the HX8K's timing carries: 36 MHz
# / 3 = 12 Mbaud, the FT2232H's fastest UART rate. OSC_MHZ is the oscillator,
# CLK_MHZ the bridge clock nextpnr must meet.
PLL        := 1
PLL_DIVR   := 0
PLL_DIVF   := 47
PLL_DIVQ   := 4
PLL_FILTER := 1
CLK_MHZ  := 36
BAUD     := 12000000
DIV      := 3
USB_ID   := 0403:6010
USB_IF   := 1
SYNTH_DEVICE := hx
# SPI flash, for the flash tool: the FT2232H's channel A in MPSSE mode
# with iceprog's pins (boards/cables/ft2232.mk).
CABLE    := ft2232
