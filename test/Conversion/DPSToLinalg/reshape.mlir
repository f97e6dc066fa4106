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
