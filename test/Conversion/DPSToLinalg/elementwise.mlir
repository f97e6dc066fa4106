// RUN: dps-opt %s -convert-dps-to-linalg -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @activations
// CHECK: linalg.generic
// CHECK: arith.maximumf %{{.*}}, %{{.*}} : f32
// CHECK: linalg.generic
// CHECK: %[[NEG:.*]] = arith.negf
// CHECK: %[[E:.*]] = math.exp %[[NEG]]
// CHECK: %[[D:.*]] = arith.addf %{{.*}}, %[[E]]
// CHECK: arith.divf %{{.*}}, %[[D]]
// CHECK: linalg.generic
// CHECK: math.tanh
func.func @activations(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %a = dps.relu %x : tensor<?x8xf32>
  %b = dps.sigmoid %a : tensor<?x8xf32>
  %c = dps.tanh %b : tensor<?x8xf32>
  return %c : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @activation_grads
// CHECK: linalg.generic
// CHECK: ^bb0(%[[G:.*]]: f32, %[[X:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[POS:.*]] = arith.cmpf ogt, %[[X]], %{{.*}} : f32
// CHECK: arith.select %[[POS]], %[[G]], %{{.*}} : f32
// CHECK: linalg.generic
// CHECK: ^bb0(%[[G2:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[C:.*]] = arith.subf %{{.*}}, %[[Y]]
// CHECK: %[[P:.*]] = arith.mulf %[[Y]], %[[C]]
// CHECK: arith.mulf %[[G2]], %[[P]]
// CHECK: linalg.generic
// CHECK: ^bb0(%[[G3:.*]]: f32, %[[T:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[SQ:.*]] = arith.mulf %[[T]], %[[T]]
// CHECK: %[[C3:.*]] = arith.subf %{{.*}}, %[[SQ]]
// CHECK: arith.mulf %[[G3]], %[[C3]]
func.func @activation_grads(%g: tensor<?x8xf32>, %x: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>) {
  %a = dps.relu_grad %g, %x : tensor<?x8xf32>
  %b = dps.sigmoid_grad %g, %x : tensor<?x8xf32>
  %c = dps.tanh_grad %g, %x : tensor<?x8xf32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

// Casts: widen, scale in f32, then round. Rounding to bf16 and f8 works on the
// bit patterns (integer ops, no library calls, subnormals kept, saturation
// and stochastic rounding available); f8 widens through f16 (@f8_widen).
// CHECK-LABEL: func.func @casts
// CHECK-SAME: (%{{.*}}: tensor<4xf32>, %[[S:.*]]: f32)
// CHECK: linalg.generic
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.trunci %{{.*}} : i32 to i16
// CHECK: arith.bitcast %{{.*}} : i16 to bf16
// CHECK: linalg.generic
// CHECK: %[[M:.*]] = arith.mulf %{{.*}}, %[[S]] : f32
// CHECK: arith.bitcast %[[M]] : f32 to i32
// CHECK-NOT: arith.truncf
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: arith.bitcast %{{.*}} : i8 to f8E4M3FN
// CHECK: linalg.generic
// CHECK: arith.extf %{{.*}} : bf16 to f32
// (%d widens an f8 that %b rounded: a round trip, rounded onto the f8 grid
// from %x in f32; @f8_round_trip below.)
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<4xf32>)
// CHECK: arith.mulf %{{.*}}, %[[S]] : f32
// CHECK-NOT: arith.extui
// CHECK: return
func.func @casts(%x: tensor<4xf32>, %s: f32) -> (tensor<4xbf16>, tensor<4xf8E4M3FN>, tensor<4xf32>, tensor<4xf32>) {
  %a = dps.cast %x : tensor<4xf32> to tensor<4xbf16>
  %b = dps.cast %x scale %s saturate : tensor<4xf32> to tensor<4xf8E4M3FN>
  %c = dps.cast %a : tensor<4xbf16> to tensor<4xf32>
  %d = dps.cast %b : tensor<4xf8E4M3FN> to tensor<4xf32>
  return %a, %b, %c, %d : tensor<4xbf16>, tensor<4xf8E4M3FN>, tensor<4xf32>, tensor<4xf32>
}

// -----

// An f8 code widens exactly through f16: its magnitude bits moved into f16's
// fields, the f16 widened to f32 (one vcvtph2ps on x86), times 2^(15 - 7)
// for E4M3FN, whose one NaN magnitude (0x7F) is selected; E5M2 is f16's top
// byte and needs neither.
// CHECK-LABEL: func.func @f8_widen
// CHECK: arith.bitcast %{{.*}} : f8E4M3FN to i8
// CHECK: arith.extui %{{.*}} : i8 to i16
// CHECK: %[[H:.*]] = arith.bitcast %{{.*}} : i16 to f16
// CHECK: %[[W:.*]] = arith.extf %[[H]] : f16 to f32
// CHECK: %[[V:.*]] = arith.mulf %[[W]], %{{.*}} : f32
// CHECK: %[[NAN:.*]] = arith.cmpi ugt, %{{.*}}, %{{.*}} : i16
// CHECK: arith.select %[[NAN]], %{{.*}}, %[[V]] : f32
// CHECK: linalg.generic
// CHECK: arith.bitcast %{{.*}} : f8E5M2 to i8
// CHECK: arith.bitcast %{{.*}} : i16 to f16
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK-NOT: arith.select
// CHECK: linalg.yield
func.func @f8_widen(%a: tensor<4xf8E4M3FN>, %b: tensor<4xf8E5M2>) -> (tensor<4xf32>, tensor<4xf32>) {
  %x = dps.cast %a : tensor<4xf8E4M3FN> to tensor<4xf32>
  %y = dps.cast %b : tensor<4xf8E5M2> to tensor<4xf32>
  return %x, %y : tensor<4xf32>, tensor<4xf32>
}

// -----

// Stochastic rounding draws its bits from a hash of the seed and the
// element's linear index.
// CHECK-LABEL: func.func @stochastic
// CHECK: linalg.generic
// CHECK: linalg.index 0
// CHECK: linalg.index 1
// CHECK: arith.muli %{{.*}}, %{{.*}} : i32
// CHECK: arith.xori
// CHECK: arith.shrui
// CHECK: arith.bitcast %{{.*}} : i8 to f8E5M2
func.func @stochastic(%x: tensor<?x8xf32>, %seed: i64) -> tensor<?x8xf8E5M2> {
  %y = dps.cast %x rounding stochastic seed %seed : tensor<?x8xf32> to tensor<?x8xf8E5M2>
  return %y : tensor<?x8xf8E5M2>
}

// -----

// A round trip through f8 (an f8 rung's activation: scaled, rounded to
// f8, unscaled into bf16) rounds onto the f8 grid in f32: no f8 code is
// formed (no byte truncation, no widening of the code), and the rounding
// to f8 on its own is left unused (canonicalization removes it). The
// unscaled grid value goes to bf16 by arith.truncf (vcvtneps2bf16), not by
// the integer rounding a bf16 cast of any f32 gets.
// CHECK-LABEL: func.func @f8_round_trip
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xbf16>, %[[S:.*]]: f32, %[[T:.*]]: f32)
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<4x8xbf16>) outs(%{{.*}} : tensor<4x8xf8E4M3FN>)
// CHECK: %[[ROUNDED:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<4x8xbf16>) outs(%{{.*}} : tensor<4x8xbf16>)
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.mulf %{{.*}}, %[[S]]
// CHECK-NOT: arith.trunci {{.*}} to i8
// CHECK-NOT: arith.extui
// CHECK: %[[UNSCALED:.*]] = arith.mulf %{{.*}}, %[[T]]
// CHECK-NOT: arith.trunci
// CHECK: %[[BF16:.*]] = arith.truncf %[[UNSCALED]] : f32 to bf16
// CHECK: linalg.yield %[[BF16]] : bf16
// CHECK: return %[[ROUNDED]]
func.func @f8_round_trip(%x: tensor<4x8xbf16>, %s: f32, %t: f32)
    -> tensor<4x8xbf16> {
  %q = dps.cast %x scale %s saturate : tensor<4x8xbf16> to tensor<4x8xf8E4M3FN>
  %y = dps.cast %q scale %t : tensor<4x8xf8E4M3FN> to tensor<4x8xbf16>
  return %y : tensor<4x8xbf16>
}
