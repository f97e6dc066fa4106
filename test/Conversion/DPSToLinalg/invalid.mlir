// RUN: dps-opt %s -convert-dps-to-linalg -split-input-file -verify-diagnostics

func.func @stochastic(%x: tensor<4xf32>, %seed: i64) -> tensor<4xbf16> {
  // expected-error @+1 {{failed to legalize operation 'dps.cast' that was explicitly marked illegal}}
  %y = dps.cast %x rounding stochastic seed %seed : tensor<4xf32> to tensor<4xbf16>
  return %y : tensor<4xbf16>
}
