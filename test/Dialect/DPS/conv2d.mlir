// RUN: dps-opt %s -split-input-file | dps-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func @same_padding
// CHECK: dps.conv2d %{{.*}}, %{{.*}}, %{{.*}} padding = [1, 1, 1, 1] : tensor<?x28x28x1xf32>, tensor<3x3x1x16xf32>, tensor<16xf32>
func.func @same_padding(%x: tensor<?x28x28x1xf32>, %f: tensor<3x3x1x16xf32>, %b: tensor<16xf32>) -> tensor<?x28x28x16xf32> {
  %y = dps.conv2d %x, %f, %b padding = [1, 1, 1, 1] : tensor<?x28x28x1xf32>, tensor<3x3x1x16xf32>, tensor<16xf32>
  return %y : tensor<?x28x28x16xf32>
}

// -----

// Defaults are elided when printed.
// CHECK-LABEL: func @valid_padding
// CHECK: dps.conv2d %{{.*}}, %{{.*}} : tensor<2x5x5x3xf32>, tensor<3x3x3x4xf32>
func.func @valid_padding(%x: tensor<2x5x5x3xf32>, %f: tensor<3x3x3x4xf32>) -> tensor<2x3x3x4xf32> {
  %y = dps.conv2d %x, %f strides = [1, 1] dilations = [1, 1] : tensor<2x5x5x3xf32>, tensor<3x3x3x4xf32>
  return %y : tensor<2x3x3x4xf32>
}

// -----

// OH = (7 + 1 + 0 - 2 * (3 - 1) - 1) / 2 + 1 = 2, OW = (9 + 0 + 2 - 3 - 1) / 3 + 1 = 3
// CHECK-LABEL: func @strided_dilated
// CHECK: dps.conv2d %{{.*}}, %{{.*}} strides = [2, 3] padding = [1, 0, 0, 2] dilations = [2, 1]
func.func @strided_dilated(%x: tensor<1x7x9x2xbf16>, %f: tensor<3x3x2x5xbf16>) -> tensor<1x2x3x5xbf16> {
  %y = dps.conv2d %x, %f strides = [2, 3] padding = [1, 0, 0, 2] dilations = [2, 1] : tensor<1x7x9x2xbf16>, tensor<3x3x2x5xbf16>
  return %y : tensor<1x2x3x5xbf16>
}
