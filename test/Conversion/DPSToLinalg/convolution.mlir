// RUN: dps-opt %s -convert-dps-to-linalg -canonicalize -split-input-file | FileCheck %s

// conv2d = im2col (pad, gather each window into a row) + the dense
// contraction with the filter viewed as (KH*KW*C) x F, bias in the
// accumulator; the result rows are expanded back to N x OH x OW x F.
// CHECK-DAG: #[[GATHER:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d3, d2 * 2 + d4, d5)>
// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<?x6x6x2xf32>, %[[F:.*]]: tensor<3x3x2x4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: tensor<?x6x6x2xf32> to tensor<?x8x8x2xf32>
// CHECK: %[[WIN:.*]] = linalg.generic {indexing_maps = [#[[GATHER]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%[[PAD]] : tensor<?x8x8x2xf32>) outs({{.*}} : tensor<?x3x3x3x3x2xf32>)
// CHECK: %[[COLS:.*]] = tensor.collapse_shape %[[WIN]] {{\[}}[0, 1, 2], [3, 4, 5]] : tensor<?x3x3x3x3x2xf32> into tensor<?x18xf32>
// CHECK: %[[FM:.*]] = tensor.collapse_shape %[[F]] {{\[}}[0, 1, 2], [3]] : tensor<3x3x2x4xf32> into tensor<18x4xf32>
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<4xf32>) outs({{.*}} : tensor<?x4xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[COLS]], %[[FM]] : tensor<?x18xf32>, tensor<18x4xf32>) outs(%[[ACC]] : tensor<?x4xf32>)
// CHECK: tensor.expand_shape %[[Y]] {{\[}}[0, 1, 2], [3]] output_shape [%{{.*}}, 3, 3, 4] : tensor<?x4xf32> into tensor<?x3x3x4xf32>
func.func @conv(%x: tensor<?x6x6x2xf32>, %f: tensor<3x3x2x4xf32>, %b: tensor<4xf32>) -> tensor<?x3x3x4xf32> {
  %y = dps.conv2d %x, %f, %b strides = [2, 2] padding = [1, 1, 1, 1] : tensor<?x6x6x2xf32>, tensor<3x3x2x4xf32>, tensor<4xf32>
  return %y : tensor<?x3x3x4xf32>
}

// -----

// Dilations scale the window offsets; no padding, no pad op.
// CHECK-DAG: #[[GATHER:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d3 * 2, d2 + d4 * 3, d5)>
// CHECK-LABEL: func.func @im2col_dilated
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic {indexing_maps = [#[[GATHER]]
// CHECK: tensor.collapse_shape {{.*}} into tensor<12x12xf32>
func.func @im2col_dilated(%x: tensor<1x5x7x3xf32>) -> tensor<12x12xf32> {
  %c = dps.im2col %x kernel = [2, 2] dilations = [2, 3] : tensor<1x5x7x3xf32>
  return %c : tensor<12x12xf32>
}

// -----

// col2im: one strided add per kernel offset into a padded f32 image, then the
// padding is cut away.
// CHECK-LABEL: func.func @col2im
// CHECK: %[[W:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0, 1, 2], [3, 4, 5]] output_shape [%{{.*}}, 3, 3, 3, 3, 2] : tensor<?x18xf32> into tensor<?x3x3x3x3x2xf32>
// CHECK: %[[IMG:.*]] = linalg.fill {{.*}} -> tensor<?x8x8x2xf32>
// CHECK: %[[S0:.*]] = tensor.extract_slice %[[W]][0, 0, 0, 0, 0, 0] [%{{.*}}, 3, 3, 1, 1, 2] [1, 1, 1, 1, 1, 1] : tensor<?x3x3x3x3x2xf32> to tensor<?x3x3x2xf32>
// CHECK: %[[T0:.*]] = tensor.extract_slice %[[IMG]][0, 0, 0, 0] [%{{.*}}, 3, 3, 2] [1, 2, 2, 1]
// CHECK: %[[A0:.*]] = linalg.generic {{.*}} ins(%[[S0]] : tensor<?x3x3x2xf32>) outs(%[[T0]] : tensor<?x3x3x2xf32>)
// CHECK: tensor.insert_slice %[[A0]] into %[[IMG]][0, 0, 0, 0] [%{{.*}}, 3, 3, 2] [1, 2, 2, 1]
// CHECK-COUNT-8: tensor.insert_slice
// CHECK: tensor.extract_slice %{{.*}}[0, 1, 1, 0] [%{{.*}}, 6, 6, 2] [1, 1, 1, 1] : tensor<?x8x8x2xf32> to tensor<?x6x6x2xf32>
func.func @col2im(%d: tensor<?x18xf32>) -> tensor<?x6x6x2xf32> {
  %dx = dps.col2im %d kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<?x18xf32> to tensor<?x6x6x2xf32>
  return %dx : tensor<?x6x6x2xf32>
}
