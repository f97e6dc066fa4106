// RUN: dps-opt %s | dps-opt | FileCheck %s

// CHECK-LABEL: func @casts
func.func @casts(%x: tensor<?x256xf32>, %s: f32, %seed: i64) -> (tensor<?x256xbf16>, tensor<?x256xf8E4M3FN>, tensor<?x256xf8E5M2>, tensor<?x256xf16>, tensor<?x256xf32>) {
  // CHECK: dps.cast %{{.*}} : tensor<?x256xf32> to tensor<?x256xbf16>
  %a = dps.cast %x : tensor<?x256xf32> to tensor<?x256xbf16>
  // CHECK: dps.cast %{{.*}} scale %{{.*}} saturate : tensor<?x256xf32> to tensor<?x256xf8E4M3FN>
  %b = dps.cast %x scale %s saturate : tensor<?x256xf32> to tensor<?x256xf8E4M3FN>
  // CHECK: dps.cast %{{.*}} rounding stochastic seed %{{.*}} saturate : tensor<?x256xf32> to tensor<?x256xf8E5M2>
  %c = dps.cast %x rounding stochastic seed %seed saturate : tensor<?x256xf32> to tensor<?x256xf8E5M2>
  // The default rounding is elided.
  // CHECK: dps.cast %{{.*}} : tensor<?x256xf32> to tensor<?x256xf16>
  %d = dps.cast %x rounding nearest_even : tensor<?x256xf32> to tensor<?x256xf16>
  // CHECK: dps.cast %{{.*}} : tensor<?x256xbf16> to tensor<?x256xf32>
  %e = dps.cast %a : tensor<?x256xbf16> to tensor<?x256xf32>
  return %a, %b, %c, %d, %e : tensor<?x256xbf16>, tensor<?x256xf8E4M3FN>, tensor<?x256xf8E5M2>, tensor<?x256xf16>, tensor<?x256xf32>
}
