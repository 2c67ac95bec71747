// tanh with float32's relative precision everywhere (a few ulp). Built-in tanh() of some drivers overflows to NaN for
// large |x|, and the saturating form (1 - e) / (1 + e), e = exp(-2|x|), cancels for small |x|
// (4 % off at 1e-6, 2e-5 at 5e-3: enough to change a training step, see tests/parity). Below
// 0.625 an odd polynomial x + x^3 P(x^2) takes over, its coefficients a least-squares fit of
// the relative error (1.4 ulp at most in float32).
float tanh_accurate(float x) {
  float a = abs(x);
  if (a < 0.625) {
    float z = x * x;
    float p = -0.0057189627550542355;
    p = p * z + 0.020653124898672104;
    p = p * z - 0.05374465882778168;
    p = p * z + 0.13331513106822968;
    p = p * z - 0.3333328664302826;
    return x + x * z * p;
  }
  float e = exp(-2.0 * a);
  return sign(x) * (1.0 - e) / (1.0 + e);
}
