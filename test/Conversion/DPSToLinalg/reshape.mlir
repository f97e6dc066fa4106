// RUN: dps-opt %s -convert-dps-to-linalg -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @flatten
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2, 3]] : tensor<?x7x7x32xf32> into tensor<?x1568xf32>
func.func @flatten(%x: tensor<?x7x7x32xf32>) -> tensor<?x1568xf32> {
  %y = dps.flatten %x : tensor<?x7x7x32xf32>
  return %y : tensor<?x1568xf32>
}

// -----

// CHECK-LABEL: func.func @unflatten
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2, 3]] output_shape [%{{.*}}, 7, 7, 32] : tensor<?x1568xf32> into tensor<?x7x7x32xf32>
func.func @unflatten(%x: tensor<?x1568xf32>) -> tensor<?x7x7x32xf32> {
  %y = dps.reshape %x : tensor<?x1568xf32> to tensor<?x7x7x32xf32>
  return %y : tensor<?x7x7x32xf32>
}

// -----

// A reshape that is neither a collapse nor an expansion goes through 1-D.
// CHECK-LABEL: func.func @regroup
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1]] : tensor<4x6xf32> into tensor<24xf32>
// CHECK: tensor.expand_shape %[[FLAT]] {{\[}}[0, 1]] output_shape [6, 4] : tensor<24xf32> into tensor<6x4xf32>
func.func @regroup(%x: tensor<4x6xf32>) -> tensor<6x4xf32> {
  %y = dps.reshape %x : tensor<4x6xf32> to tensor<6x4xf32>
  return %y : tensor<6x4xf32>
}

// -----

// ... with the dynamic extent computed from the element count.
// CHECK-LABEL: func.func @regroup_dynamic
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1]] : tensor<?x6xf32> into tensor<?xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[FLAT]]
// CHECK: %[[Q:.*]] = arith.divui %[[N]], %{{.*}} : index
// CHECK: tensor.expand_shape %[[FLAT]] {{\[}}[0, 1]] output_shape [%[[Q]], 3] : tensor<?xf32> into tensor<?x3xf32>
func.func @regroup_dynamic(%x: tensor<?x6xf32>) -> tensor<?x3xf32> {
  %y = dps.reshape %x : tensor<?x6xf32> to tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// The VNNI layouts: copies reading through the layout's map, tagged for
// the vectorizers.
// CHECK-DAG: #[[PACK:.*]] = affine_map<(d0, d1, d2) -> (d0 * 2 + d2, d1)>
// CHECK-DAG: #[[UNPACK:.*]] = affine_map<(d0, d1) -> (d0 floordiv 2, d1, d0 mod 2)>
// CHECK-LABEL: func.func @vnni
// CHECK: %[[P:.*]] = linalg.generic {indexing_maps = [#[[PACK]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel"]} ins(%{{.*}} : tensor<8x32xbf16>) outs(%{{.*}} : tensor<4x32x2xbf16>) attrs = {dps.vnni_pack}
// CHECK: linalg.generic {indexing_maps = [#[[UNPACK]], #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%[[P]] : tensor<4x32x2xbf16>) outs(%{{.*}} : tensor<8x32xbf16>) attrs = {dps.vnni_unpack}
func.func @vnni(%w: tensor<8x32xbf16>) -> tensor<8x32xbf16> {
  %p = dps.pack_vnni %w : tensor<8x32xbf16>
  %u = dps.unpack_vnni %p : tensor<4x32x2xbf16>
  return %u : tensor<8x32xbf16>
}
