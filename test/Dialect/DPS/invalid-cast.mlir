// RUN: dps-opt %s -split-input-file -verify-diagnostics

func.func @stochastic_without_seed(%x: tensor<4xf32>) {
  // expected-error @+1 {{'dps.cast' op stochastic rounding needs a 'seed' operand}}
  %y = dps.cast %x rounding stochastic : tensor<4xf32> to tensor<4xbf16>
  return
}

// -----

func.func @seed_without_stochastic(%x: tensor<4xf32>, %seed: i64) {
  // expected-error @+1 {{'dps.cast' op a 'seed' is only used by stochastic rounding}}
  %y = dps.cast %x seed %seed : tensor<4xf32> to tensor<4xbf16>
  return
}

// -----

func.func @saturate_wide(%x: tensor<4xf32>) {
  // expected-error @+1 {{'dps.cast' op 'saturate' applies to f16, f8E4M3FN and f8E5M2 results; 'bf16' already spans the f32 range}}
  %y = dps.cast %x saturate : tensor<4xf32> to tensor<4xbf16>
  return
}

// -----

func.func @shape(%x: tensor<4xf32>) {
  // expected-error @+1 {{'dps.cast' op failed to verify that all of {input, result} have same shape}}
  %y = dps.cast %x : tensor<4xf32> to tensor<5xbf16>
  return
}

// -----

func.func @unsupported_target(%x: tensor<4xf32>) {
  // expected-error @+1 {{'dps.cast' op result #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type values, but got 'tensor<4xf64>'}}
  %y = dps.cast %x : tensor<4xf32> to tensor<4xf64>
  return
}

// -----

func.func @unknown_rounding(%x: tensor<4xf32>) {
  // expected-error @+2 {{expected ::mlir::dps::RoundingMode to be one of: nearest_even, stochastic}}
  // expected-error @+1 {{failed to parse DPS_RoundingModeAttr parameter 'value' which is to be a `::mlir::dps::RoundingMode`}}
  %y = dps.cast %x rounding toward_zero : tensor<4xf32> to tensor<4xbf16>
  return
}
