// RUN: dps-opt %s --split-input-file --dps-fold-materializations | FileCheck %s

// A gradient summed into its zero-filled output buffer: already there.
// CHECK-LABEL: func.func @summed_in_place(
// CHECK-SAME: %[[A:.*]]: tensor<8x4xf32>, %[[B:.*]]: tensor<8x3xf32>, %[[OUT:.*]]: tensor<4x3xf32>)
// CHECK: %[[Z:.*]] = linalg.fill {{.*}} outs(%[[OUT]] : tensor<4x3xf32>)
// CHECK: %[[G:.*]] = linalg.matmul {{.*}} outs(%[[Z]] : tensor<4x3xf32>)
// CHECK-NOT: materialize_in_destination
// CHECK: return %[[G]]
func.func @summed_in_place(%a: tensor<8x4xf32>, %b: tensor<8x3xf32>, %out: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %zero = arith.constant 0.0 : f32
  %z = linalg.fill ins(%zero : f32) outs(%out : tensor<4x3xf32>) -> tensor<4x3xf32>
  %g = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
         ins(%a, %b : tensor<8x4xf32>, tensor<8x3xf32>) outs(%z : tensor<4x3xf32>) -> tensor<4x3xf32>
  %w = bufferization.materialize_in_destination %g in %out : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return %w : tensor<4x3xf32>
}

// -----

// Through a loop over tiles of the buffer (its init is the buffer).
// CHECK-LABEL: func.func @tiles(
// CHECK: %[[L:.*]] = scf.for
// CHECK-NOT: materialize_in_destination
// CHECK: return %[[L]]
func.func @tiles(%a: tensor<64x32xf32>, %out: tensor<64x32xf32>) -> tensor<64x32xf32> {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %z = linalg.fill ins(%zero : f32) outs(%out : tensor<64x32xf32>) -> tensor<64x32xf32>
  %l = scf.for %i = %c0 to %c64 step %c8 iter_args(%t = %z) -> (tensor<64x32xf32>) {
    %s = tensor.extract_slice %a[%i, 0] [8, 32] [1, 1] : tensor<64x32xf32> to tensor<8x32xf32>
    %r = tensor.insert_slice %s into %t[%i, 0] [8, 32] [1, 1] : tensor<8x32xf32> into tensor<64x32xf32>
    scf.yield %r : tensor<64x32xf32>
  }
  %w = bufferization.materialize_in_destination %l in %out : (tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<64x32xf32>
  return %w : tensor<64x32xf32>
}

// -----

// A value built elsewhere (its own tensor, or another buffer) still has to
// be written.
// CHECK-LABEL: func.func @elsewhere(
// CHECK: bufferization.materialize_in_destination %{{.*}} in %{{.*}}
// CHECK: bufferization.materialize_in_destination %{{.*}} in %{{.*}}
func.func @elsewhere(%out: tensor<4xf32>, %other: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %f = linalg.fill ins(%one : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %w = bufferization.materialize_in_destination %f in %out : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %g = linalg.fill ins(%one : f32) outs(%other : tensor<4xf32>) -> tensor<4xf32>
  %v = bufferization.materialize_in_destination %g in %out : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %w, %v : tensor<4xf32>, tensor<4xf32>
}

// -----

// A loop whose iterations yield fresh tensors does not compute in its init.
// CHECK-LABEL: func.func @fresh_iterations(
// CHECK: bufferization.materialize_in_destination
func.func @fresh_iterations(%out: tensor<4xf32>) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %one = arith.constant 1.0 : f32
  %l = scf.for %i = %c0 to %c2 step %c1 iter_args(%t = %out) -> (tensor<4xf32>) {
    %e = tensor.empty() : tensor<4xf32>
    %f = linalg.fill ins(%one : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
    scf.yield %f : tensor<4xf32>
  }
  %w = bufferization.materialize_in_destination %l in %out : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %w : tensor<4xf32>
}
