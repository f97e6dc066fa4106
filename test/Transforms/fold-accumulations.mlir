// RUN: dps-opt %s --split-input-file --dps-fold-accumulations | FileCheck %s

// A weight gradient's matmul and a bias gradient's sum, each computed into
// a zero fill and then added into the kernel's accumulator argument, sum
// straight into the accumulator.
// CHECK-LABEL: func.func @grads
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[G:.*]]: tensor<?x16xf32>, %[[W:.*]]: tensor<8x16xf32>, %[[B:.*]]: tensor<16xf32>)
// CHECK-NOT: linalg.fill
// CHECK: %[[DW:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[G]] : {{.*}}) outs(%[[W]] : tensor<8x16xf32>) attrs = {{.*}}dps.contraction
// CHECK: %[[DB:.*]] = linalg.generic {{.*}} ins(%[[G]] : tensor<?x16xf32>) outs(%[[B]] : tensor<16xf32>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[DW]], %[[DB]]
#xt = affine_map<(m, n, k) -> (k, m)>
#g = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
#id2 = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (j)>
#id1 = affine_map<(i) -> (i)>
func.func @grads(%x: tensor<?x8xf32>, %g: tensor<?x16xf32>,
                 %w: tensor<8x16xf32>, %b: tensor<16xf32>)
    -> (tensor<8x16xf32>, tensor<16xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  %dw = linalg.generic {indexing_maps = [#xt, #g, #c],
                        iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %g : tensor<?x8xf32>, tensor<?x16xf32>)
      outs(%f : tensor<8x16xf32>) attrs = {dps.contraction} {
  ^bb0(%a: f32, %bb: f32, %out: f32):
    %p = arith.mulf %a, %bb : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<8x16xf32>
  %w2 = linalg.generic {indexing_maps = [#id2, #id2],
                        iterator_types = ["parallel", "parallel"]}
      ins(%dw : tensor<8x16xf32>) outs(%w : tensor<8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  } -> tensor<8x16xf32>
  %eb = tensor.empty() : tensor<16xf32>
  %fb = linalg.fill ins(%zero : f32) outs(%eb : tensor<16xf32>) -> tensor<16xf32>
  %db = linalg.generic {indexing_maps = [#id2, #row],
                        iterator_types = ["reduction", "parallel"]}
      ins(%g : tensor<?x16xf32>) outs(%fb : tensor<16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  %b2 = linalg.generic {indexing_maps = [#id1, #id1],
                        iterator_types = ["parallel"]}
      ins(%db : tensor<16xf32>) outs(%b : tensor<16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  return %w2, %b2 : tensor<8x16xf32>, tensor<16xf32>
}

// -----

// Left alone: a partial sum used twice, a scaled addition, an init that is
// not zero.
// CHECK-LABEL: func.func @kept
// CHECK: linalg.fill
// CHECK-COUNT-3: linalg.generic
// CHECK: linalg.fill
// CHECK-COUNT-2: linalg.generic
#id1 = affine_map<(i) -> (i)>
#red = affine_map<(i, j) -> (j)>
#id2 = affine_map<(i, j) -> (i, j)>
func.func @kept(%g: tensor<?x4xf32>, %a: tensor<4xf32>, %b: tensor<4xf32>,
                %c: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %half = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %s = linalg.generic {indexing_maps = [#id2, #red], iterator_types = ["reduction", "parallel"]}
      ins(%g : tensor<?x4xf32>) outs(%f : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %out : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  // Used twice: stays.
  %a2 = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%s : tensor<4xf32>) outs(%a : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %out, %in : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  // Scaled: not a plain accumulation.
  %b2 = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%s : tensor<4xf32>) outs(%b : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %half : f32
    %r = arith.addf %out, %m : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  // Init one, not zero.
  %f1 = linalg.fill ins(%one : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %t = linalg.generic {indexing_maps = [#id2, #red], iterator_types = ["reduction", "parallel"]}
      ins(%g : tensor<?x4xf32>) outs(%f1 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %out : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %c2 = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%t : tensor<4xf32>) outs(%c : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %out, %in : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %a2, %b2, %c2, %s : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
