// Shared by the kernels that store float16 values (conv_pack.comp's _half variant, the
// experimental coop kernels).
// The float16 bits of f, rounded to nearest even by hand: a conversion in SPIR-V rounds as the
// implementation chooses, and every device should compute with the same values.
uint half_bits(float f) {
  uint bits = floatBitsToUint(f);
  uint sign = (bits >> 16) & 0x8000u;
  float a = abs(f);
  if (isnan(f)) return sign | 0x7e00u;
  if (a >= 65520.0) return sign | 0x7c00u;  // rounds to infinity
  if (a < 6.103515625e-05) return sign | uint(roundEven(a * 16777216.0));  // subnormal, or zero
  uint h = ((((bits >> 23) & 0xffu) - 112u) << 10) | ((bits & 0x7fffffu) >> 13);
  uint rest = bits & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u) != 0u)) ++h;  // may carry into the exponent
  return sign | h;
}
