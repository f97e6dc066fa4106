// RUN: dps-opt %s -split-input-file | dps-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func @dense_bias
// CHECK: dps.dense %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x784xf32>, tensor<784x256xf32>, tensor<256xf32>
func.func @dense_bias(%x: tensor<?x784xf32>, %w: tensor<784x256xf32>, %b: tensor<256xf32>) -> tensor<?x256xf32> {
  %y = dps.dense %x, %w, %b : tensor<?x784xf32>, tensor<784x256xf32>, tensor<256xf32>
  return %y : tensor<?x256xf32>
}

// -----

// CHECK-LABEL: func @dense_no_bias_static
// CHECK: dps.dense %{{.*}}, %{{.*}} : tensor<8x4xbf16>, tensor<4x3xbf16>
func.func @dense_no_bias_static(%x: tensor<8x4xbf16>, %w: tensor<4x3xbf16>) -> tensor<8x3xbf16> {
  %y = dps.dense %x, %w : tensor<8x4xbf16>, tensor<4x3xbf16>
  return %y : tensor<8x3xbf16>
}

// -----

// CHECK-LABEL: func @dense_f8
// CHECK: dps.dense {{.*}} : tensor<?x16xf8E4M3FN>, tensor<16x2xf8E4M3FN>
func.func @dense_f8(%x: tensor<?x16xf8E4M3FN>, %w: tensor<16x2xf8E4M3FN>) -> tensor<?x2xf8E4M3FN> {
  %y = dps.dense %x, %w : tensor<?x16xf8E4M3FN>, tensor<16x2xf8E4M3FN>
  return %y : tensor<?x2xf8E4M3FN>
}
