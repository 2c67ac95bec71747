# shellcheck shell=bash
# Tiny images for the shell tests of tests/app, written without any image tool; sourced by them.

# le COUNT N: N as COUNT little-endian bytes.
le() {
  local i
  for ((i = 0; i < $1; i++)); do printf '%b' "\\x$(printf %02x $(($2 >> 8 * i & 255)))"; done
}
# write_bmp FILE RRGGBB: an 8x8 image of one colour, as a 24-bit BMP (8-pixel rows need no
# padding).
write_bmp() {
  local r=${2:0:2} g=${2:2:2} b=${2:4:2} i
  {
    printf BM && le 4 246 && le 4 0 && le 4 54
    le 4 40 && le 4 8 && le 4 8 && le 2 1 && le 2 24 && le 4 0 && le 4 192
    le 4 2835 && le 4 2835 && le 4 0 && le 4 0
    for ((i = 0; i < 64; i++)); do printf '%b' "\\x$b\\x$g\\x$r"; done
  } >"$1"
}
# primary_images DIR: a new folder DIR of three 8x8 images, red, green and blue.
primary_images() {
  mkdir "$1"
  write_bmp "$1/red.bmp" d02020
  write_bmp "$1/green.bmp" 20d020
  write_bmp "$1/blue.bmp" 2020d0
}
