// RUN: not dps-translate --dps-to-manifest %s 2>&1 | FileCheck %s

// CHECK: error: no dps.train_step in the module; the manifest describes exactly one
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
