// RUN: dps-opt %s -split-input-file | dps-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func @max_pool
// CHECK: dps.max_pool2d %{{.*}} kernel = [2, 2] strides = [2, 2] : tensor<?x28x28x16xf32>
func.func @max_pool(%x: tensor<?x28x28x16xf32>) -> tensor<?x14x14x16xf32> {
  %y = dps.max_pool2d %x kernel = [2, 2] strides = [2, 2] : tensor<?x28x28x16xf32>
  return %y : tensor<?x14x14x16xf32>
}

// -----

// CHECK-LABEL: func @max_pool_overlapping
// CHECK: dps.max_pool2d %{{.*}} kernel = [3, 3] padding = [1, 1, 1, 1] : tensor<1x4x4x2xf16>
func.func @max_pool_overlapping(%x: tensor<1x4x4x2xf16>) -> tensor<1x4x4x2xf16> {
  %y = dps.max_pool2d %x kernel = [3, 3] padding = [1, 1, 1, 1] : tensor<1x4x4x2xf16>
  return %y : tensor<1x4x4x2xf16>
}

// -----

// CHECK-LABEL: func @avg_pool
// CHECK: dps.avg_pool2d %{{.*}} kernel = [2, 2] strides = [2, 2] padding = [1, 1, 1, 1] {count_include_pad} : tensor<?x5x5x3xf32>
func.func @avg_pool(%x: tensor<?x5x5x3xf32>) -> tensor<?x3x3x3xf32> {
  %y = dps.avg_pool2d %x kernel = [2, 2] strides = [2, 2] padding = [1, 1, 1, 1] {count_include_pad} : tensor<?x5x5x3xf32>
  return %y : tensor<?x3x3x3xf32>
}

// -----

// A dilated max pool: 2x2 taps two apart span 3 rows, (8 + 1 - 3) / 2 + 1 = 4.
// CHECK-LABEL: func @dilated_max_pool
// CHECK: dps.max_pool2d %{{.*}} kernel = [2, 2] strides = [2, 2] padding = [1, 1, 0, 0] dilations = [2, 2] : tensor<?x8x8x3xf32>
func.func @dilated_max_pool(%x: tensor<?x8x8x3xf32>) -> tensor<?x4x4x3xf32> {
  %y = dps.max_pool2d %x kernel = [2, 2] strides = [2, 2] padding = [1, 1, 0, 0] dilations = [2, 2] : tensor<?x8x8x3xf32>
  return %y : tensor<?x4x4x3xf32>
}
