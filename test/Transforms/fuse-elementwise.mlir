// RUN: dps-opt %s --split-input-file --dps-fuse-elementwise | FileCheck %s

// A weight gradient rounded to bf16, widened again and added into its
// accumulator: one generic reads the contraction's result and writes the
// accumulator argument, with the rounding inside.
// CHECK-LABEL: func.func @round_and_accumulate
// CHECK-SAME: (%[[G:.*]]: tensor<8x16xf32>, %[[ACC:.*]]: tensor<8x16xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[G]] : tensor<8x16xf32>) outs(%[[ACC]] : tensor<8x16xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[OUT:.*]]: f32):
// CHECK: %[[R:.*]] = arith.truncf %[[IN]] : f32 to bf16
// CHECK: %[[W:.*]] = arith.extf %[[R]] : bf16 to f32
// CHECK: %[[S:.*]] = arith.addf %[[OUT]], %[[W]] : f32
// CHECK: linalg.yield %[[S]]
// CHECK-NOT: linalg.generic
// CHECK: return %[[SUM]]
#id = affine_map<(i, j) -> (i, j)>
func.func @round_and_accumulate(%g: tensor<8x16xf32>, %acc: tensor<8x16xf32>)
    -> tensor<8x16xf32> {
  %eb = tensor.empty() : tensor<8x16xbf16>
  %r = linalg.generic {indexing_maps = [#id, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%g : tensor<8x16xf32>) outs(%eb : tensor<8x16xbf16>) {
  ^bb0(%in: f32, %out: bf16):
    %t = arith.truncf %in : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<8x16xbf16>
  %ef = tensor.empty() : tensor<8x16xf32>
  %w = linalg.generic {indexing_maps = [#id, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%r : tensor<8x16xbf16>) outs(%ef : tensor<8x16xf32>) {
  ^bb0(%in: bf16, %out: f32):
    %e = arith.extf %in : bf16 to f32
    linalg.yield %e : f32
  } -> tensor<8x16xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id],
                         iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<8x16xf32>) outs(%acc : tensor<8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  } -> tensor<8x16xf32>
  return %sum : tensor<8x16xf32>
}

// -----

// Left alone: a producer whose value has two uses (fusing would compute it
// twice), a consumer that broadcasts it (computed once per row), and a
// contraction on either side (its lowering needs it whole).
// CHECK-LABEL: func.func @not_fused
// CHECK: %[[TWICE:.*]] = linalg.generic {{.*}} ins(%arg0
// CHECK: arith.negf
// CHECK: linalg.generic {{.*}} ins(%[[TWICE]]
// CHECK: linalg.generic {{.*}} ins(%[[TWICE]]
// CHECK: %[[ROW:.*]] = linalg.generic {{.*}} ins(%arg1
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} ins(%[[ROW]]
// CHECK: %[[SCALED:.*]] = linalg.generic {{.*}} ins(%arg0
// CHECK: arith.mulf
// CHECK: %[[MM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[SCALED]], %arg2
// CHECK: linalg.generic {{.*}} ins(%[[MM]]
// CHECK: math.tanh
// CHECK: %[[TAGGED:.*]] = linalg.generic {{.*}} ins(%arg0 {{.*}} attrs = {dps.vnni_pack}
// CHECK: linalg.generic {{.*}} ins(%[[TAGGED]]
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (j)>
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @not_fused(%x: tensor<4x8xf32>, %v: tensor<8xf32>,
                     %w: tensor<8x8xf32>)
    -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>,
        tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %ev = tensor.empty() : tensor<8xf32>
  %twice = linalg.generic {indexing_maps = [#id, #id],
                           iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<4x8xf32>
  %u1 = linalg.generic {indexing_maps = [#id, #id],
                        iterator_types = ["parallel", "parallel"]}
      ins(%twice : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %u2 = linalg.generic {indexing_maps = [#id, #id],
                        iterator_types = ["parallel", "parallel"]}
      ins(%twice : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.mulf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %row = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>,
                                          affine_map<(i) -> (i)>],
                         iterator_types = ["parallel"]}
      ins(%v : tensor<8xf32>) outs(%ev : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %x2 = math.exp %in : f32
    linalg.yield %x2 : f32
  } -> tensor<8xf32>
  %bcast = linalg.generic {indexing_maps = [#row, #id],
                           iterator_types = ["parallel", "parallel"]}
      ins(%row : tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<4x8xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #id],
                            iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.mulf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %mm = linalg.generic {indexing_maps = [#a, #b, #c],
                        iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%scaled, %w : tensor<4x8xf32>, tensor<8x8xf32>)
      outs(%e : tensor<4x8xf32>) {
  ^bb0(%p: f32, %q: f32, %out: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %out, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %act = linalg.generic {indexing_maps = [#id, #id],
                         iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tanh %in : f32
    linalg.yield %t : f32
  } -> tensor<4x8xf32>
  %tagged = linalg.generic {indexing_maps = [#id, #id],
                            iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>)
      attrs = {dps.vnni_pack} {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<4x8xf32>
  %after = linalg.generic {indexing_maps = [#id, #id],
                           iterator_types = ["parallel", "parallel"]}
      ins(%tagged : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %u1, %u2, %bcast, %act, %after
      : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>,
        tensor<4x8xf32>
}

// -----

// A rounding the kernel returns (a rung's bf16 gradient set) is stored
// anyway: the overflow check reads the stored bf16 values, not a copy of the
// rounding fused onto the f32 product (twice the bytes).
#id = affine_map<(i, j) -> (i, j)>
#all = affine_map<(i, j) -> ()>
// CHECK-LABEL: func.func @stored_rounding
// CHECK-SAME: (%[[G:.*]]: tensor<8x16xf32>, %[[SET:.*]]: tensor<8x16xbf16>
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[G]] : tensor<8x16xf32>) outs(%[[SET]] : tensor<8x16xbf16>)
// CHECK: arith.truncf
// CHECK: %[[OK:.*]] = linalg.generic {{.*}} ins(%[[R]] : tensor<8x16xbf16>)
// CHECK-NOT: arith.truncf
// CHECK: return %[[R]], %[[OK]]
func.func @stored_rounding(%g: tensor<8x16xf32>, %set: tensor<8x16xbf16>,
                           %flag: tensor<i1>) -> (tensor<8x16xbf16>, tensor<i1>) {
  %r = linalg.generic {indexing_maps = [#id, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%g : tensor<8x16xf32>) outs(%set : tensor<8x16xbf16>) {
  ^bb0(%in: f32, %out: bf16):
    %t = arith.truncf %in : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<8x16xbf16>
  %ok = linalg.generic {indexing_maps = [#id, #all],
                        iterator_types = ["reduction", "reduction"]}
      ins(%r : tensor<8x16xbf16>) outs(%flag : tensor<i1>) {
  ^bb0(%in: bf16, %out: i1):
    %w = arith.extf %in : bf16 to f32
    %a = math.absf %w : f32
    %max = arith.constant 3.0e38 : f32
    %f = arith.cmpf olt, %a, %max : f32
    %b = arith.andi %f, %out : i1
    linalg.yield %b : i1
  } -> tensor<i1>
  return %r, %ok : tensor<8x16xbf16>, tensor<i1>
}
