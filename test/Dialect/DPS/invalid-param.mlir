// RUN: dps-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{parameter argument 0 must be a statically shaped tensor of f32, f16, bf16, f8E4M3FN, f8E5M2, got 'tensor<?x3xf32>'}}
func.func @dynamic(%w: tensor<?x3xf32> {dps.param = #dps.init<zeros>}) {
  return
}

// -----

// expected-error @+1 {{parameter argument 0 has type 'tensor<2x3xf32>' but its initial value has type 'tensor<3x2xf32>'}}
func.func @value_type(%w: tensor<2x3xf32> {dps.param = dense<1.0> : tensor<3x2xf32>}) {
  return
}

// -----

// expected-error @+1 {{'dps.param' of argument 0 must be an initialiser (#dps.init<...>) or an elements attribute of the argument's type}}
func.func @bad_init(%w: tensor<2x3xf32> {dps.param = "he_normal"}) {
  return
}

// -----

// expected-error @+1 {{unknown dps argument attribute 'dps.weight'}}
func.func @unknown(%w: tensor<2x3xf32> {dps.weight}) {
  return
}

// -----

// expected-error @+1 {{parameter argument 0 must be a statically shaped tensor of f32, f16, bf16, f8E4M3FN, f8E5M2, got 'i32'}}
func.func @scalar(%w: i32 {dps.param = #dps.init<zeros>}) {
  return
}

// -----

// expected-error @+1 {{'dps.layout' must be "vnni" (row-major needs none)}}
func.func @bad_layout(%w: tensor<2x16xbf16> {dps.layout = "row_major"}) {
  return
}

// -----

// expected-error @+1 {{'dps.stream' is a unit attribute of memref arguments}}
func.func @bad_stream(%w: tensor<2x16xf32> {dps.stream}) {
  return
}
