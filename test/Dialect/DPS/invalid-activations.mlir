// RUN: dps-opt %s -split-input-file -verify-diagnostics

func.func @integer(%x: tensor<4xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type values, but got 'tensor<4xi32>'}}
  %y = dps.relu %x : tensor<4xi32>
  return
}

// -----

func.func @unranked(%x: tensor<*xf32>) {
  // expected-error @+1 {{invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf32>'}}
  %y = dps.sigmoid %x : tensor<*xf32>
  return
}

// -----

func.func @result_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{'dps.tanh' op requires the same type for all operands and results}}
  %y = "dps.tanh"(%x) : (tensor<4xf32>) -> tensor<4xbf16>
  return
}
