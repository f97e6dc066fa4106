// RUN: dps-opt %s -split-input-file | dps-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func @flatten_batch
// CHECK: dps.flatten %{{.*}} : tensor<?x7x7x32xf32>
func.func @flatten_batch(%x: tensor<?x7x7x32xf32>) -> tensor<?x1568xf32> {
  %y = dps.flatten %x : tensor<?x7x7x32xf32>
  return %y : tensor<?x1568xf32>
}

// -----

// CHECK-LABEL: func @flatten_axis
// CHECK: dps.flatten %{{.*}} axis = 2 : tensor<2x3x4x5xf32>
func.func @flatten_axis(%x: tensor<2x3x4x5xf32>) -> tensor<6x20xf32> {
  %y = dps.flatten %x axis = 2 : tensor<2x3x4x5xf32>
  return %y : tensor<6x20xf32>
}

// -----

// CHECK-LABEL: func @flatten_axis_zero
func.func @flatten_axis_zero(%x: tensor<?x3xf32>) -> tensor<1x?xf32> {
  %y = dps.flatten %x axis = 0 : tensor<?x3xf32>
  return %y : tensor<1x?xf32>
}
