# Cable ft2232 (openFPGALoader's name): an FT2232H's channel A (interface 0)
# in MPSSE mode driving the SPI flash, CDONE and CRESET on ADBUS with
# iceprog's pins, as on the iCEBreaker, the iCEstick and the HX8K breakout.
# Boards name it with CABLE := ft2232; their own lines may override any.
FLASH_IF     := 0
FLASH_SCK    := 0
FLASH_MOSI   := 1
FLASH_MISO   := 2
FLASH_CS     := 4
FLASH_CDONE  := 6
FLASH_CRESET := 7
