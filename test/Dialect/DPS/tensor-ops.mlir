// RUN: dps-opt %s | dps-opt | FileCheck %s
// RUN: dps-opt %s -canonicalize | FileCheck %s --check-prefix=FOLD

// Broadcasting add prints both operand types; same-typed add prints one.
// CHECK-LABEL: func.func @add
// CHECK: dps.add %{{.*}}, %{{.*}} : tensor<?x10xf32>, tensor<10xf32>
// CHECK: dps.add %{{.*}}, %{{.*}} : tensor<3x1x5xf32>, tensor<4x1xf32>
// CHECK: dps.add %{{.*}}, %{{.*}} : tensor<?x10xf32>{{$}}
// CHECK: dps.sum_to %{{.*}} : tensor<3x4x5xf32> to tensor<4x1xf32>
func.func @add(%x: tensor<?x10xf32>, %b: tensor<10xf32>, %p: tensor<3x1x5xf32>,
               %q: tensor<4x1xf32>, %g: tensor<3x4x5xf32>)
    -> (tensor<?x10xf32>, tensor<3x4x5xf32>, tensor<?x10xf32>, tensor<4x1xf32>) {
  %y = dps.add %x, %b : tensor<?x10xf32>, tensor<10xf32>
  %z = dps.add %p, %q : tensor<3x1x5xf32>, tensor<4x1xf32>
  %s = dps.add %y, %x : tensor<?x10xf32>
  %r = dps.sum_to %g : tensor<3x4x5xf32> to tensor<4x1xf32>
  return %y, %z, %s, %r : tensor<?x10xf32>, tensor<3x4x5xf32>, tensor<?x10xf32>, tensor<4x1xf32>
}

// CHECK-LABEL: func.func @matmul_transpose_softmax
// CHECK: dps.matmul %{{.*}}, %{{.*}} transpose_rhs : tensor<2x3x4xf32>, tensor<2x5x4xf32>
// CHECK: dps.transpose %{{.*}} permutation = [0, 2, 3, 1] : tensor<?x1x28x28xf32>
// CHECK: dps.softmax %{{.*}} axis = -1 : tensor<2x3x5xf32>
// CHECK: dps.log_softmax %{{.*}} axis = 0 : tensor<2x3x5xf32>
func.func @matmul_transpose_softmax(%a: tensor<2x3x4xf32>, %b: tensor<2x5x4xf32>,
                                    %x: tensor<?x1x28x28xf32>)
    -> (tensor<2x3x5xf32>, tensor<?x28x28x1xf32>, tensor<2x3x5xf32>) {
  %c = dps.matmul %a, %b transpose_rhs : tensor<2x3x4xf32>, tensor<2x5x4xf32>
  %t = dps.transpose %x permutation = [0, 2, 3, 1] : tensor<?x1x28x28xf32>
  %s = dps.softmax %c axis = -1 : tensor<2x3x5xf32>
  %l = dps.log_softmax %s axis = 0 : tensor<2x3x5xf32>
  return %c, %t, %l : tensor<2x3x5xf32>, tensor<?x28x28x1xf32>, tensor<2x3x5xf32>
}

// A transpose undone by the next one, and the identity, fold away.
// FOLD-LABEL: func.func @transposes
// FOLD-SAME: (%[[X:.*]]: tensor<?x1x28x28xf32>)
// FOLD-NOT: dps.transpose
// FOLD: return %[[X]], %[[X]]
func.func @transposes(%x: tensor<?x1x28x28xf32>) -> (tensor<?x1x28x28xf32>, tensor<?x1x28x28xf32>) {
  %t = dps.transpose %x permutation = [0, 2, 3, 1] : tensor<?x1x28x28xf32>
  %u = dps.transpose %t permutation = [0, 3, 1, 2] : tensor<?x28x28x1xf32>
  %i = dps.transpose %x permutation = [0, 1, 2, 3] : tensor<?x1x28x28xf32>
  return %u, %i : tensor<?x1x28x28xf32>, tensor<?x1x28x28xf32>
}
