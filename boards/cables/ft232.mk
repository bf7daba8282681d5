# Cable ft232 (openFPGALoader's name for an FT232H): its single interface in
# MPSSE mode driving the SPI flash, with iceprog's pins on ADBUS, as on the
# UPduino v3. Flashing and a UART on the same interface take turns.
FLASH_IF     := 0
FLASH_SCK    := 0
FLASH_MOSI   := 1
FLASH_MISO   := 2
FLASH_CS     := 4
FLASH_CDONE  := 6
FLASH_CRESET := 7
