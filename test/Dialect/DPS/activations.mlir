// RUN: dps-opt %s | dps-opt | FileCheck %s

// CHECK-LABEL: func @activations
func.func @activations(%x: tensor<?x256xf32>, %y: tensor<2x3x4x5xbf16>) -> (tensor<?x256xf32>, tensor<2x3x4x5xbf16>) {
  // CHECK: dps.relu %{{.*}} : tensor<?x256xf32>
  %a = dps.relu %x : tensor<?x256xf32>
  // CHECK: dps.sigmoid %{{.*}} : tensor<?x256xf32>
  %b = dps.sigmoid %a : tensor<?x256xf32>
  // CHECK: dps.tanh %{{.*}} : tensor<?x256xf32>
  %c = dps.tanh %b : tensor<?x256xf32>
  // CHECK: dps.relu %{{.*}} : tensor<2x3x4x5xbf16>
  %d = dps.relu %y : tensor<2x3x4x5xbf16>
  return %c, %d : tensor<?x256xf32>, tensor<2x3x4x5xbf16>
}
