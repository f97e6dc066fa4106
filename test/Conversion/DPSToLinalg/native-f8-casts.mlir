// RUN: dps-opt %s -convert-dps-to-linalg=native-f8-casts -split-input-file | FileCheck %s

// With native-f8-casts, nearest-even f8 casts are arith.truncf / arith.extf
// with overflow explicit before the truncation: saturating casts clamp to
// +-448 (NaN passes through minimumf/maximumf), others turn magnitudes
// above 464 (half an ulp past 448; a tie rounds down to 448, whose last
// mantissa bit is even) into NaN.
// CHECK-LABEL: func.func @e4m3
// CHECK: linalg.generic
// CHECK:   %[[SCALED:.*]] = arith.mulf
// CHECK:   %[[LOW:.*]] = arith.maximumf %[[SCALED]], %{{.*}} : f32
// CHECK:   %[[CLAMPED:.*]] = arith.minimumf %[[LOW]], %{{.*}} : f32
// CHECK:   arith.truncf %[[CLAMPED]] : f32 to f8E4M3FN
// CHECK: linalg.generic
// CHECK:   %[[ABS:.*]] = math.absf %{{.*}} : f32
// CHECK:   %[[OVER:.*]] = arith.cmpf ogt, %[[ABS]], %{{.*}} : f32
// CHECK:   %[[SAFE:.*]] = arith.select %[[OVER]], %{{.*}}, %{{.*}} : f32
// CHECK:   arith.truncf %[[SAFE]] : f32 to f8E4M3FN
// CHECK: linalg.generic
// CHECK:   arith.extf %{{.*}} : f8E4M3FN to f32
// CHECK-NOT: arith.bitcast
func.func @e4m3(%x: tensor<4xf32>, %s: f32) -> (tensor<4xf8E4M3FN>, tensor<4xf8E4M3FN>, tensor<4xf32>) {
  %a = dps.cast %x scale %s saturate : tensor<4xf32> to tensor<4xf8E4M3FN>
  %b = dps.cast %x : tensor<4xf32> to tensor<4xf8E4M3FN>
  %c = dps.cast %b : tensor<4xf8E4M3FN> to tensor<4xf32>
  return %a, %b, %c : tensor<4xf8E4M3FN>, tensor<4xf8E4M3FN>, tensor<4xf32>
}

// -----

// f8E5M2 has infinities: from 61440 on (half an ulp past 57344, the tie
// rounding up: 57344's last mantissa bit is odd) a value becomes a signed
// infinity. Stochastic rounding stays integer code.
// CHECK-LABEL: func.func @e5m2
// CHECK: linalg.generic
// CHECK:   %[[ABS:.*]] = math.absf %{{.*}} : f32
// CHECK:   %[[OVER:.*]] = arith.cmpf oge, %[[ABS]], %{{.*}} : f32
// CHECK:   %[[INF:.*]] = math.copysign %{{.*}}, %{{.*}} : f32
// CHECK:   %[[SAFE:.*]] = arith.select %[[OVER]], %[[INF]], %{{.*}} : f32
// CHECK:   arith.truncf %[[SAFE]] : f32 to f8E5M2
// CHECK: linalg.generic
// CHECK-NOT: arith.truncf
// CHECK:   arith.bitcast %{{.*}} : i8 to f8E5M2
func.func @e5m2(%x: tensor<4xf32>, %seed: i64) -> (tensor<4xf8E5M2>, tensor<4xf8E5M2>) {
  %a = dps.cast %x : tensor<4xf32> to tensor<4xf8E5M2>
  %b = dps.cast %x rounding stochastic seed %seed : tensor<4xf32> to tensor<4xf8E5M2>
  return %a, %b : tensor<4xf8E5M2>, tensor<4xf8E5M2>
}
