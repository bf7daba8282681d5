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
# SPI flash, for the flash tool: the FT2232H's channel A (interface 0) in
# MPSSE mode. Pins are ADBUS bit numbers on that interface (iceprog's
# convention, which this board follows).
FLASH_IF     := 0
FLASH_SCK    := 0
FLASH_MOSI   := 1
FLASH_MISO   := 2
FLASH_CS     := 4
FLASH_CDONE  := 6
FLASH_CRESET := 7
