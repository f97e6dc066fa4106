// RUN: dps-opt %s -convert-dps-to-linalg -split-input-file | FileCheck %s

// SGD as PyTorch computes it: d = g * scale + wd * w; buf = m * buf + d;
// w = w + (-lr) * buf, written into the parameter's and the buffer's tensors.
// CHECK-LABEL: func.func @sgd
// CHECK-SAME: (%[[W:[a-z0-9]+]]: tensor<4x3xf32>, %[[G:[a-z0-9]+]]: tensor<4x3xf32>, %[[M:[a-z0-9]+]]: tensor<4x3xf32>, %[[LR:[a-z0-9]+]]: f32, %{{.*}}: i64, %[[S:[a-z0-9]+]]: f32)
// CHECK: %[[R:.*]]:2 = linalg.generic {{.*}} ins(%[[G]] : tensor<4x3xf32>) outs(%[[W]], %[[M]] : tensor<4x3xf32>, tensor<4x3xf32>)
// CHECK-NEXT: ^bb0(%[[GI:.*]]: f32, %[[WI:.*]]: f32, %[[MI:.*]]: f32):
// CHECK: %[[MEAN:.*]] = arith.mulf %[[GI]], %[[S]]
// CHECK: %[[DECAY:.*]] = arith.mulf %[[WI]], %{{.*}}
// CHECK: %[[D:.*]] = arith.addf %[[MEAN]], %[[DECAY]]
// CHECK: %[[MM:.*]] = arith.mulf %[[MI]], %{{.*}}
// CHECK: %[[BUF:.*]] = arith.addf %[[MM]], %[[D]]
// CHECK: %[[NEG:.*]] = arith.negf %[[LR]]
// CHECK: %[[STEP:.*]] = arith.mulf %[[NEG]], %[[BUF]]
// CHECK: %[[NEW:.*]] = arith.addf %[[WI]], %[[STEP]]
// CHECK: linalg.yield %[[NEW]], %[[BUF]]
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @sgd(%w: tensor<4x3xf32>, %g: tensor<4x3xf32>, %m: tensor<4x3xf32>, %lr: f32, %t: i64, %s: f32) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %w1, %m1 = dps.optimizer_step %w, %g state(%m : tensor<4x3xf32>) lr %lr step %t scale %s using(#dps.sgd<lr = 0.1, momentum = 0.9, weight_decay = 0.01>) : tensor<4x3xf32>
  return %w1, %m1 : tensor<4x3xf32>, tensor<4x3xf32>
}

// -----

// Adam: bias corrections at step t + 1 in f64, then one generic updating the
// weights and both moments.
// CHECK-LABEL: func.func @adam
// CHECK: %[[T:.*]] = arith.sitofp %{{.*}} : i64 to f64
// CHECK: %[[T1:.*]] = arith.addf %[[T]], %{{.*}} : f64
// CHECK: math.powf %{{.*}}, %[[T1]] : f64
// CHECK: math.powf %{{.*}}, %[[T1]] : f64
// CHECK: %[[STEP:.*]] = arith.truncf %{{.*}} : f64 to f32
// CHECK: math.sqrt %{{.*}} : f64
// CHECK: %[[BC2:.*]] = arith.truncf %{{.*}} : f64 to f32
// CHECK: %{{.*}}:3 = linalg.generic {{.*}} outs(%{{.*}}, %{{.*}}, %{{.*}} : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
// CHECK: math.sqrt %{{.*}} : f32
// CHECK: arith.divf %{{.*}}, %[[BC2]] : f32
// CHECK: arith.negf %[[STEP]] : f32
// CHECK: linalg.yield %{{.*}}, %{{.*}}, %{{.*}} : f32, f32, f32
func.func @adam(%w: tensor<8xf32>, %g: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>, %lr: f32, %t: i64, %s: f32) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %w1, %m1, %v1 = dps.optimizer_step %w, %g state(%m, %v : tensor<8xf32>, tensor<8xf32>) lr %lr step %t scale %s using(#dps.adam<lr = 0.001>) : tensor<8xf32>
  return %w1, %m1, %v1 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// Cosine: base * (1 + cos(pi * step / max(total, 1))) / 2, in f64.
// CHECK-LABEL: func.func @cosine
// CHECK: arith.maxsi
// CHECK: arith.divf {{.*}} : f64
// CHECK: math.cos %{{.*}} : f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
func.func @cosine(%t: i64, %n: i64) -> f32 {
  %lr = dps.learning_rate %t, %n schedule <cosine> base 1.000000e-01
  return %lr : f32
}

// -----

// Step: base * gamma^floor(progress / period).
// CHECK-LABEL: func.func @step_schedule
// CHECK: math.floor %{{.*}} : f64
// CHECK: math.powf %{{.*}} : f64
func.func @step_schedule(%t: i64, %n: i64) -> f32 {
  %lr = dps.learning_rate %t, %n schedule <step, period = 0.25, gamma = 0.5> base 1.000000e-01
  return %lr : f32
}

// -----

// argmax: a two-output row reduction (best value, its column), first index on
// ties (strictly greater replaces).
// CHECK-LABEL: func.func @argmax
// CHECK: %{{.*}}:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<?x10xf32>) outs(%{{.*}}, %{{.*}} : tensor<?xf32>, tensor<?xi32>)
// CHECK: arith.cmpf ogt
// CHECK: linalg.index 1
// CHECK: arith.index_cast %{{.*}} : index to i32
func.func @argmax(%x: tensor<?x10xf32>) -> tensor<?xi32> {
  %p = dps.argmax %x : tensor<?x10xf32>
  return %p : tensor<?xi32>
}

// -----

// A tensor's statistics reduce the bits of |x| as unsigned integers with a
// max (non-negative floats order as their bits do; NaN above inf): amax is
// the largest as f32, all_finite whether it is below inf's bits.
// CHECK-LABEL: func.func @statistics
// CHECK-SAME: (%[[X:.*]]: tensor<?x3xbf16>, %[[G:.*]]: tensor<4x3xbf16>)
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<?x3xbf16>)
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.andi %{{.*}}, %c2147483647_i32
// CHECK: arith.maxui
// CHECK: %[[ABITS:.*]] = tensor.extract %[[A]][]
// CHECK: %[[AMAX:.*]] = arith.bitcast %[[ABITS]] : i32 to f32
// CHECK: %[[F:.*]] = linalg.generic {{.*}} ins(%[[G]] : tensor<4x3xbf16>)
// CHECK-NOT: arith.cmpf
// CHECK: arith.maxui
// CHECK: %[[FBITS:.*]] = tensor.extract %[[F]][]
// CHECK: %[[OK:.*]] = arith.cmpi ult, %[[FBITS]], %c2139095040_i32
// CHECK: return %[[AMAX]], %[[OK]]
func.func @statistics(%x: tensor<?x3xbf16>, %g: tensor<4x3xbf16>) -> (f32, i1) {
  %a = dps.amax %x : tensor<?x3xbf16>
  %ok = dps.all_finite %g : tensor<4x3xbf16>
  return %a, %ok : f32, i1
}
