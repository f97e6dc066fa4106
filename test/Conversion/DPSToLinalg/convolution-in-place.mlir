// RUN: dps-opt %s -convert-dps-to-linalg -canonicalize -split-input-file | FileCheck %s
// RUN: dps-opt %s -convert-dps-to-linalg=im2col-convolutions -canonicalize -split-input-file | FileCheck %s --check-prefix=IM2COL

// Unit strides: the contraction reads its windows
// from the padded image, flattened to pixels x channels (no im2col matrix):
// output pixel m = (n, y, x) at tap k = (ky, kx, c) reads pixel
// n*8*8 + (y+ky)*8 + (x+kx), channel c. Six rows of C (an output row) per
// dps.row_period. With im2col-convolutions the windows are gathered first.
// CHECK-DAG: #[[WINDOWS:.*]] = affine_map<(d0, d1, d2) -> ((d0 floordiv 36) * 64 + ((d0 floordiv 6) mod 6) * 8 + d0 mod 6 + (d2 floordiv 6) * 8 + (d2 floordiv 2) mod 3, d2 mod 2)>
// CHECK-LABEL: func.func @conv_in_place
// CHECK-SAME: (%[[X:.*]]: tensor<?x6x6x2xf32>, %[[F:.*]]: tensor<3x3x2x4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK-NOT: tensor<?x3x3x3x3x2xf32>
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[PIXELS:.*]] = tensor.collapse_shape %[[PAD]] {{\[}}[0, 1, 2], [3]] : tensor<?x8x8x2xf32> into tensor<?x2xf32>
// CHECK: %[[FM:.*]] = tensor.collapse_shape %[[F]] {{\[}}[0, 1, 2], [3]] : tensor<3x3x2x4xf32> into tensor<18x4xf32>
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[WINDOWS]], {{.*}}], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[PIXELS]], %[[FM]] : tensor<?x2xf32>, tensor<18x4xf32>) outs(%{{.*}} : tensor<?x4xf32>) attrs = {dps.contraction, dps.row_period = 6 : i64}
// CHECK: tensor.expand_shape %[[Y]] {{\[}}[0, 1, 2], [3]] output_shape [%{{.*}}, 6, 6, 4] : tensor<?x4xf32> into tensor<?x6x6x4xf32>
// IM2COL-LABEL: func.func @conv_in_place
// IM2COL: linalg.generic {{.*}} outs({{.*}} : tensor<?x6x6x3x3x2xf32>)
// IM2COL-NOT: dps.row_period
func.func @conv_in_place(%x: tensor<?x6x6x2xf32>, %f: tensor<3x3x2x4xf32>, %b: tensor<4xf32>) -> tensor<?x6x6x4xf32> {
  %y = dps.conv2d %x, %f, %b padding = [1, 1, 1, 1] : tensor<?x6x6x2xf32>, tensor<3x3x2x4xf32>, tensor<4xf32>
  return %y : tensor<?x6x6x4xf32>
}

// -----

// An odd channel count: f32 reads its windows in place as they are; bf16
// gets a channel of zeros (and the filter a zero row per tap), since
// vdpbf16ps takes k in pairs of channels of one pixel.
// CHECK-DAG: #[[ODD:.*]] = affine_map<(d0, d1, d2) -> ({{.*}} + (d2 floordiv 3) mod 3, d2 mod 3)>
// CHECK-DAG: #[[EVEN:.*]] = affine_map<(d0, d1, d2) -> ({{.*}} + (d2 floordiv 4) mod 3, d2 mod 4)>
// CHECK-LABEL: func.func @odd_channels
// CHECK: tensor.pad %{{.*}} low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: linalg.generic {indexing_maps = [#[[ODD]], {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x3xf32>, tensor<27x4xf32>) {{.*}} dps.row_period = 6
// CHECK-LABEL: func.func @odd_channels_bf16
// CHECK: tensor.pad %{{.*}} low[0, 1, 1, 0] high[0, 1, 1, 1]
// CHECK: : tensor<?x6x6x3xbf16> to tensor<?x8x8x4xbf16>
// CHECK: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 0]
// CHECK: : tensor<3x3x3x4xbf16> to tensor<3x3x4x4xbf16>
// CHECK: linalg.generic {indexing_maps = [#[[EVEN]], {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x4xbf16>, tensor<36x4xbf16>) {{.*}} dps.row_period = 6
func.func @odd_channels(%x: tensor<?x6x6x3xf32>, %f: tensor<3x3x3x4xf32>) -> tensor<?x6x6x4xf32> {
  %y = dps.conv2d %x, %f padding = [1, 1, 1, 1] : tensor<?x6x6x3xf32>, tensor<3x3x3x4xf32>
  return %y : tensor<?x6x6x4xf32>
}
func.func @odd_channels_bf16(%x: tensor<?x6x6x3xbf16>, %f: tensor<3x3x3x4xbf16>) -> tensor<?x6x6x4xbf16> {
  %y = dps.conv2d %x, %f padding = [1, 1, 1, 1] : tensor<?x6x6x3xbf16>, tensor<3x3x3x4xbf16>
  return %y : tensor<?x6x6x4xbf16>
}

// -----

// An output row that no tile of 4 to 8 rows divides (13) gathers its
// windows.
// CHECK-LABEL: func.func @prime_width
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<?x13x13x3x3x2xf32>)
// CHECK-NOT: dps.row_period
func.func @prime_width(%x: tensor<?x13x13x2xf32>, %f: tensor<3x3x2x4xf32>) -> tensor<?x13x13x4xf32> {
  %y = dps.conv2d %x, %f padding = [1, 1, 1, 1] : tensor<?x13x13x2xf32>, tensor<3x3x2x4xf32>
  return %y : tensor<?x13x13x4xf32>
}
