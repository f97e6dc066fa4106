// RUN: dps-opt %s -canonicalize -split-input-file | FileCheck %s

// A cast to the type it already has, with no scale, is the identity.
// CHECK-LABEL: func @identity_cast
// CHECK-NEXT: return %arg0
func.func @identity_cast(%x: tensor<4xbf16>) -> tensor<4xbf16> {
  %y = dps.cast %x : tensor<4xbf16> to tensor<4xbf16>
  return %y : tensor<4xbf16>
}

// -----

// A scaled cast changes values even at the same type: it stays.
// CHECK-LABEL: func @scaled_cast
// CHECK: dps.cast %arg0 scale %arg1
func.func @scaled_cast(%x: tensor<4xf32>, %s: f32) -> tensor<4xf32> {
  %y = dps.cast %x scale %s : tensor<4xf32> to tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Layer ops without uses are pure and disappear.
// CHECK-LABEL: func @dead_layers
// CHECK-NOT: dps.
func.func @dead_layers(%x: tensor<?x4xf32>, %w: tensor<4x3xf32>) {
  %y = dps.dense %x, %w : tensor<?x4xf32>, tensor<4x3xf32>
  %z = dps.relu %y : tensor<?x3xf32>
  return
}
