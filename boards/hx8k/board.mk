# Lattice iCE40-HX8K breakout board: iCE40HX8K-CT256, 12 MHz oscillator.
DEVICE   := hx8k
PACKAGE  := ct256
CLK_MHZ  := 12
# 12 MHz / 4 = 3 Mbaud on the FT2232H's channel B UART.
BAUD     := 3000000
DIV      := 4
USB_ID   := 0403:6010
USB_IF   := 1
SYNTH_DEVICE := hx
